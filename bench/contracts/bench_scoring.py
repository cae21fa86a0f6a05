"""Year scoring for N contracts (default 500): seconds and query count.

Run: ``.venv/bin/python bench/contracts/bench_scoring.py [N]`` — uses a throw-away SQLite file.
Setup: N contracts through ``contract_create`` + ``schedule_generate``; 12 months each scored with
full marks except inspection quality (stored as rows, no service call).  Measured:
1. ``month_close`` of one month for every contract (service path: guard, rescale, penalty scan);
2. ``year_scores`` for all N contracts (the selector behind the year score and grade).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

DB = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangan.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


class Counter:
    """Counts every statement (no query-log cap)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    from wangan.accounts.choices import OrgRole, OrgType
    from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
    from wangan.contracts import selectors, services
    from wangan.contracts.models import Contract, ScoreEntry, ScoringMonth

    client = OrganizationFactory(type=OrgType.AUTHORITY)
    provider = OrganizationFactory(type=OrgType.PROVIDER)
    reviewer = UserFactory(organization=client, roles=[OrgRole.REVIEWER])
    t0 = time.perf_counter()
    for i in range(n):
        c = services.contract_create(actor=reviewer, number=f"B{i:05d}", name="bench", contractor=provider,
                                     amount=Decimal("1719600"), signed_on=date(2026, 1, 1))  # fmt: skip
        services.schedule_generate(actor=reviewer, contract=c)
    setup = time.perf_counter() - t0
    contracts = list(Contract.objects.all())
    sheets = []
    for c in contracts:
        scheme = services.scheme_current(c)
        for m in range(1, 13):
            sheets.append(ScoringMonth(contract=c, year=2026, month=m, scheme=scheme))
    ScoringMonth.objects.bulk_create(sheets, batch_size=2000)
    entries = []
    weights = {}
    for sheet in ScoringMonth.objects.select_related("scheme"):
        if sheet.scheme_id not in weights:
            weights[sheet.scheme_id] = list(sheet.scheme.weights.all())
        scheduled = services.scheduled_item_ids(sheet.contract, sheet.year, sheet.month) if sheet.month == 1 else None
        for w in weights[sheet.scheme_id]:
            if scheduled is not None and w.item_id not in scheduled:
                continue
            entries.append(ScoreEntry(month=sheet, item_id=w.item_id, timeliness=w.max_timeliness,
                                      quality=w.max_quality, docs=w.max_docs))  # fmt: skip
    ScoreEntry.objects.bulk_create(entries, batch_size=5000)
    # close January through the service, the rest as stored totals
    january = list(ScoringMonth.objects.filter(month=1).select_related("contract", "scheme"))
    q1 = Counter()
    with connection.execute_wrapper(q1):
        t1 = time.perf_counter()
        for sheet in january:
            services.month_close(actor=reviewer, sheet=sheet)
        close_s = time.perf_counter() - t1
    ScoringMonth.objects.exclude(month=1).update(status="closed", total=Decimal("95.00"))
    q2 = Counter()
    with connection.execute_wrapper(q2):
        t2 = time.perf_counter()
        result = selectors.year_scores(contracts=Contract.objects.all())
        year_s = time.perf_counter() - t2
    some = next(iter(result.values()))
    print(f"contracts={n} setup={setup:.1f}s")
    print(f"month_close x{len(january)}: {close_s:.2f}s, {q1.n} queries "
          f"({q1.n / len(january):.1f}/contract)")
    print(f"year_scores x{n}: {year_s:.3f}s, {q2.n} queries; sample score={some.score} grade={some.grade}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
