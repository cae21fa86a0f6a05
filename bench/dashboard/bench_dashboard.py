"""Dashboard render time and query count with 10,000 users and 1,000 organizations.

Runs on its own embedded database in a temporary folder:

    .venv/bin/python bench/dashboard/bench_dashboard.py [--users 10000] [--orgs 1000] [--rounds 200]

The peer, measured in the same run, is the floor any page of ours pays: the same base layout
rendered for the same user with no figures (session, auth, middleware, template).  The ratio says
what the dashboard's figures cost on top of that.
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
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=50_000, help="audit events")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="wangan-bench-")
    os.environ.update(WANGAN_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="wangan.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _populate(args)
    rows = []
    from wangan.accounts.models import User

    for login in ("sysadmin_b", "secadmin_b", "auditor_b", "reviewer_b", "member_b"):
        user = User.objects.get(username=login)
        rows.append(_measure(user, args.rounds))
    print(f"\nDashboard with {args.users:,} users, {args.orgs:,} organizations, {args.events:,} audit events "
          f"(SQLite, {args.rounds} renders each)\n")  # fmt: skip
    print(f"{'role':<16}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'floor p95':>11}{'ratio':>8}")
    for r in rows:
        print(f"{r['role']:<16}{r['queries']:>8}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['floor_p95']:>11.1f}"
              f"{r['p95'] / r['floor_p95']:>8.2f}")  # fmt: skip
    print(f"\ndata folder: {tmp}")
    return 0


def _populate(args) -> None:
    import random

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from wangan.accounts.choices import OrgRole, OrgStatus, OrgType, PlatformRole
    from wangan.accounts.models import Organization, User, UserRole
    from wangan.core.audit import audit_record
    from wangan.core.models import Notification

    rng = random.Random(7)
    types = [t for t in OrgType if t != OrgType.AUTHORITY]
    started = time.perf_counter()
    password = make_password("Bench-pass-2026")
    with transaction.atomic():
        authority = Organization.objects.create(name="基准测试管委会", type=OrgType.AUTHORITY, status=OrgStatus.ACTIVE)
        orgs = Organization.objects.bulk_create([
            Organization(name=f"基准单位{i:05d}", type=rng.choice(types),
                         status=OrgStatus.PENDING if i % 20 == 0 else OrgStatus.ACTIVE)
            for i in range(args.orgs - 1)
        ])  # fmt: skip
        now = timezone.now()
        users = [User(username=f"u{i:06d}", real_name=f"用户{i}", organization=rng.choice(orgs), password=password,
                      password_changed_at=now) for i in range(args.users - 5)]  # fmt: skip
        special = [("sysadmin_b", authority, PlatformRole.SYSTEM_ADMIN), ("secadmin_b", authority, PlatformRole.SECURITY_ADMIN),
                   ("auditor_b", authority, PlatformRole.AUDIT_ADMIN), ("reviewer_b", authority, ""),
                   ("member_b", orgs[1], "")]  # fmt: skip
        users += [User(username=n, real_name=n, organization=o, platform_role=r, password=password,
                       password_changed_at=now, totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=now)
                  for n, o, r in special]  # fmt: skip
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(User.objects.filter(username__in=["reviewer_b", "member_b"]).values_list("username", "pk"))
        UserRole.objects.bulk_create([UserRole(user_id=ids["reviewer_b"], role=OrgRole.REVIEWER),
                                      UserRole(user_id=ids["member_b"], role=OrgRole.STAFF)])  # fmt: skip
        all_ids = list(User.objects.values_list("pk", flat=True))
        Notification.objects.bulk_create(
            [Notification(recipient_id=rng.choice(all_ids), verb="bench", title=f"通知 {i}") for i in range(20_000)],
            batch_size=5000,
        )
    with transaction.atomic():
        for i in range(args.events):
            audit_record(action=rng.choice(["auth.login", "auth.login_failed", "user.created", "file.downloaded"]),
                         actor_name=f"u{i % 1000:06d}", object_type="bench", object_id=i,
                         outcome="failure" if i % 17 == 0 else "success")  # fmt: skip
    print(f"populated in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _measure(user, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/")  # warm caches and templates
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    queries = len(ctx.captured_queries)
    times, floor = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        client.get("/")
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        client.get("/inbox/?page=999999")  # same layout, one tiny query: the floor
        floor.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles
    return {"role": user.username.removesuffix("_b"), "queries": queries, "p50": statistics.median(times),
            "p95": q(times, n=20)[18], "floor_p95": q(floor, n=20)[18]}  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.exit(main())
