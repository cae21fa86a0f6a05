"""Review-queue page with 5,000 applications: query count and p95 render time.

    .venv/bin/python bench/filings/bench_review_queue.py [--applications 5000] [--rounds 200]

Runs on its own embedded database in a temporary folder.  The peer, measured in the same run, is
the floor every page pays (same layout, a near-empty inbox page); the ratio is what the queue's
scoped query and rendering cost on top.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="wangan-bench-filings-")
    os.environ.update(WANGAN_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="wangan.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    reviewer = _populate(args.applications)
    rows = [_measure(reviewer, url, args.rounds) for url in
            ("/filings/review/", "/filings/review/?page=50", "/filings/review/?type=key_park&q=园区")]  # fmt: skip
    print(f"\nReview queue with {args.applications:,} submitted applications (SQLite, {args.rounds} renders each)\n")
    print(f"{'page':<40}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'floor p95':>11}{'ratio':>8}")
    for r in rows:
        print(f"{r['url']:<40}{r['queries']:>8}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['floor']:>11.1f}"
              f"{r['p95'] / r['floor']:>8.2f}")  # fmt: skip
    return 0


def _populate(n: int):
    import random

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from wangan.accounts.models import Organization, User
    from wangan.filings.models import Application, StageAssignment

    rng = random.Random(3)
    started = time.perf_counter()
    with transaction.atomic():
        authority = Organization.objects.create(name="基准管委会", type="authority", status="active")
        parks = Organization.objects.bulk_create(
            [Organization(name=f"基准园区运营{i:04d}", type="park", status="active") for i in range(1000)]
        )
        now = timezone.now()
        reviewer = User.objects.create(username="bench_reviewer", real_name="基准审核员", organization=authority,
                                       password=make_password("Bench-pass-2026"), password_changed_at=now,
                                       totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=now)  # fmt: skip
        for stage in ("county_review", "city_approval"):
            StageAssignment.objects.create(user=reviewer, type_code="key_park", stage=stage, role="reviewer")
        StageAssignment.objects.create(user=reviewer, type_code="support_unit", stage="association_review", role="reviewer")
        creator = User.objects.create(username="bench_applicant", real_name="申报人", organization=parks[0],
                                      password=make_password("Bench-pass-2026"), password_changed_at=now)  # fmt: skip
        stages = ["county_review", "county_letter", "expert_review", "public_notice", "city_approval"]
        apps = []
        for i in range(n):
            kind = "key_park" if i % 3 else "support_unit"
            apps.append(Application(
                type_code=kind, reference=f"BN{i:08d}", organization=rng.choice(parks), created_by=creator, year=2026,
                status="in_review", stage=rng.choice(stages) if kind == "key_park" else "association_review",
                title=f"园区申报 {i}", values={"basic": {"park_name": f"示例园区{i}"}}, submitted_at=now,
            ))  # fmt: skip
        Application.objects.bulk_create(apps, batch_size=1000)
    print(f"populated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return reviewer


def _measure(user, url: str, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)  # read now: every request start resets the query log
    times, floor = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        client.get("/inbox/?page=999999")
        floor.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles
    return {"url": url, "queries": queries, "p50": statistics.median(times),
            "p95": q(times, n=20)[18], "floor": q(floor, n=20)[18]}  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.exit(main())
