"""Vouchers: full lifecycle throughput over HTTP with concurrent clients, and the authority dashboard.

    .venv/bin/python bench/vouchers/bench_vouchers.py [--database postgres] [--clients 20] [--vouchers 200]
                                                      [--dashboard-vouchers 50000]

With ``--database postgres`` a scratch database ``wangan_bench`` is (re)created on 127.0.0.1:5432.
Part 1 runs a real server (waitress, ``wangan run --no-worker``) on a free loopback port and drives
each voucher from application to rating through the API (apply, choose, 2 confirmations,
2 signatures, manual upload, report, rating = 9 requests), ``--clients`` at a time; the peer in the
same run is the same lifecycle called in-process through the services (no HTTP), so the ratio shows
what HTTP, auth and serialization cost.  Part 2 fills ``--dashboard-vouchers`` vouchers and times the
authority dashboard (p95, query count).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--vouchers", type=int, default=200)
    parser.add_argument("--dashboard-vouchers", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="wangan-bench-vouchers-")
    env = {"WANGAN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "wangan.settings"}
    if args.database == "postgres":
        _recreate_pg()
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/wangan_bench"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fixture = _fixture(args.vouchers * 2)
    http = _http_lifecycles(fixture["tokens"][: args.vouchers], fixture, args.clients, env)
    direct = _direct_lifecycles(fixture["users"][args.vouchers:], fixture)
    print(f"\nVoucher lifecycle, {args.database}, {args.vouchers} vouchers, {args.clients} concurrent HTTP clients")
    print(f"{'path':<26}{'vouchers/min':>14}{'errors':>8}{'p50 s':>8}{'p99 s':>8}")
    for name, r in (("HTTP API (9 requests)", http), ("in-process services", direct)):
        print(f"{name:<26}{r['per_min']:>14.0f}{r['errors']:>8}{r['p50']:>8.2f}{r['p99']:>8.2f}")
    print(f"ratio HTTP / in-process: {http['per_min'] / direct['per_min']:.2f}")
    dash = _dashboard(args.dashboard_vouchers, fixture, args.rounds)
    print(f"\nAuthority dashboard with {dash['n']:,} vouchers: {dash['queries']} queries, p50 {dash['p50']:.1f} ms, "
          f"p95 {dash['p95']:.1f} ms (floor page p95 {dash['floor']:.1f} ms, ratio {dash['p95'] / dash['floor']:.2f})")
    return 0 if http["errors"] == 0 else 1


def _recreate_pg() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS wangan_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE wangan_bench")


def _fixture(n: int) -> dict:
    from datetime import date

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from wangan.accounts.models import Organization, User, UserRole
    from wangan.accounts.services import api_token_create
    from wangan.filings.models import Application, Qualification
    from wangan.vouchers.models import CreditCheck, EnterpriseProfile, ParkArea, Programme, ServicePackage

    started = time.perf_counter()
    today = timezone.localdate()
    password = make_password("Bench-pass-2026")
    with transaction.atomic():
        programme = Programme.objects.create(year=today.year, name="bench", opens_on=date(today.year, 1, 1),
                                             closes_on=date(today.year, 12, 31))  # fmt: skip
        authority = Organization.objects.create(name="基准管委会", type="authority", status="active")
        staff = User.objects.create(username="bench_staff", real_name="基准", organization=authority, password=password,
                                    password_changed_at=timezone.now(), totp_secret="JBSWY3DPEHPK3PXP",
                                    totp_confirmed_at=timezone.now())  # fmt: skip
        UserRole.objects.create(user=staff, role="reviewer")
        prov = Organization.objects.create(name="基准服务机构", type="provider", status="active")
        padmin = User.objects.create(username="bench_provider", real_name="机构管理员", organization=prov,
                                     password=password, password_changed_at=timezone.now())  # fmt: skip
        UserRole.objects.create(user=padmin, role="org_admin")
        app = Application.objects.create(type_code="provider_filing", reference="PFBENCH", organization=prov,
                                         created_by=padmin, year=today.year, status="approved")  # fmt: skip
        Qualification.objects.create(organization=prov, kind="voucher_provider", application=app, granted_at=timezone.now())
        package = ServicePackage.objects.create(provider=prov, programme=programme, title="基准服务包", status="published",
                                                service_standards="标准", service_procedures="程序", contact="400")  # fmt: skip
        park = ParkArea.objects.order_by("id").first()
        orgs = Organization.objects.bulk_create([Organization(name=f"基准企业{i:06d}", type="enterprise", status="active")
                                                 for i in range(n)])  # fmt: skip
        users = User.objects.bulk_create([User(username=f"bent{i:06d}", real_name=f"企业{i}", organization=o,
                                               password=password, password_changed_at=timezone.now())
                                          for i, o in enumerate(orgs)])  # fmt: skip
        UserRole.objects.bulk_create([UserRole(user=u, role="org_admin") for u in users])
        EnterpriseProfile.objects.bulk_create([EnterpriseProfile(organization=o, park_area=park,
                                                                 is_independent_legal_person=True, innovation_score=70)
                                               for o in orgs])  # fmt: skip
        CreditCheck.objects.bulk_create([CreditCheck(organization=o, source=s, checked_on=today, result="clean")
                                         for o in orgs for s in ("gsxt", "creditchina")])  # fmt: skip
    users = list(User.objects.filter(username__startswith="bent").select_related("organization").order_by("username"))
    tokens = [api_token_create(user=u, name="bench", scopes=["read", "write"])[1] for u in users[: n // 2]]
    _t, provider_token = api_token_create(user=padmin, name="bench", scopes=["read", "write"])
    print(f"fixture in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return {"users": users, "tokens": tokens, "provider": padmin, "provider_token": provider_token, "package": package,
            "staff": staff, "programme": programme}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_lifecycles(tokens: list[str], fixture: dict, clients: int, env: dict) -> dict:
    port = _free_port()
    server_env = dict(os.environ, **env, WANGAN_WEB_THREADS=str(max(8, clients)))
    server = subprocess.Popen([sys.executable, "-m", "wangan.cli", "run", "--no-worker", "--no-demo", "--port", str(port)],  # noqa: S603
                              env=server_env, stdout=subprocess.DEVNULL,
                              stderr=open(Path(env["WANGAN_DATA_DIR"]) / "server.log", "wb"))  # noqa: SIM115  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        durations, errors = [], []
        lock = threading.Lock()
        queue = list(tokens)

        def call(method, path, token, body=None, files=None):
            headers = {"Authorization": f"Bearer {token}"}
            data = None
            if files:
                boundary = uuid.uuid4().hex
                parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
                         for k, v in (body or {}).items()]  # fmt: skip
                for k, (name, content) in files.items():
                    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\n"
                                 "Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
                data = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            elif body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            req = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
            with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
                return json.loads(resp.read() or b"{}")

        def worker():
            ptoken = fixture["provider_token"]
            while True:
                with lock:
                    if not queue:
                        return
                    token = queue.pop()
                t0 = time.perf_counter()
                try:
                    v = call("POST", "/vouchers/", token, {"accept_commitment": True})
                    pk = v["id"]
                    call("POST", f"/vouchers/{pk}/choose/", token, {"package": fixture["package"].pk})
                    call("POST", f"/vouchers/{pk}/confirm/", token)
                    call("POST", f"/vouchers/{pk}/confirm/", ptoken)
                    call("POST", f"/vouchers/{pk}/sign/", token)
                    call("POST", f"/vouchers/{pk}/sign/", ptoken)
                    call("POST", f"/vouchers/{pk}/manual/", ptoken, files={"file": ("manual.pdf", PDF)})
                    call("POST", f"/vouchers/{pk}/report/", ptoken, {"text": "完成"}, files={"file": ("r.pdf", PDF)})
                    done = call("POST", f"/vouchers/{pk}/rate/", token, {"rating": 5, "comment": "好"})
                    assert done["status"] == "completed", done
                    with lock:
                        durations.append(time.perf_counter() - t0)
                except Exception as exc:  # counted: the figure is "zero errors"
                    with lock:
                        errors.append(repr(exc)[:300])

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        for e in errors[:5]:
            print("error:", e, file=sys.stderr)
        q = sorted(durations) or [0.0]
        return {"per_min": len(durations) / elapsed * 60, "errors": len(errors), "p50": statistics.median(q),
                "p99": q[min(len(q) - 1, int(len(q) * 0.99))]}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=15)


def _direct_lifecycles(users: list, fixture: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wangan.vouchers import services

    padmin, package = fixture["provider"], fixture["package"]
    durations = []
    started = time.perf_counter()
    for user in users:
        t0 = time.perf_counter()
        v = services.voucher_apply(actor=user, accept_commitment=True)
        v = services.voucher_choose_provider(actor=user, voucher=v, package=package)
        services.voucher_confirm(actor=user, voucher=v)
        v = services.voucher_confirm(actor=padmin, voucher=v)
        services.voucher_sign(actor=user, voucher=v)
        v = services.voucher_sign(actor=padmin, voucher=v)
        v = services.voucher_send_manual(actor=padmin, voucher=v, upload=SimpleUploadedFile("m.pdf", PDF))
        v = services.voucher_report(actor=padmin, voucher=v, text="完成", upload=SimpleUploadedFile("r.pdf", PDF))
        services.voucher_confirm_completion(actor=user, voucher=v, rating=5)
        durations.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    q = sorted(durations)
    return {"per_min": len(users) / elapsed * 60, "errors": 0, "p50": statistics.median(q),
            "p99": q[min(len(q) - 1, int(len(q) * 0.99))]}  # fmt: skip


def _dashboard(n: int, fixture: dict, rounds: int) -> dict:
    import random
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from wangan.accounts.models import Organization
    from wangan.vouchers.models import Voucher

    rng = random.Random(5)
    now = timezone.now()
    existing = Voucher.objects.count()
    with transaction.atomic():
        orgs = Organization.objects.bulk_create([Organization(name=f"看板企业{i:06d}", type="enterprise", status="active")
                                                 for i in range(max(0, n - existing))], batch_size=5000)  # fmt: skip
        prov = fixture["package"].provider
        rows = []
        for i, o in enumerate(orgs):
            stage = rng.random()
            rows.append(Voucher(code=f"CTPBENCH-{i:08d}", programme=fixture["programme"], enterprise=o,
                                status="completed" if stage > 0.6 else "issued", commitment_version="2024.1",
                                issued_at=now, expires_at=now + timedelta(days=rng.randint(1, 60)),
                                provider=prov if stage > 0.3 else None, signed_at=now if stage > 0.5 else None,
                                manual_sent_at=now if stage > 0.55 else None,
                                onsite_requested_at=now - timedelta(days=10) if 0.55 < stage < 0.6 else None,
                                onsite_due_at=now - timedelta(days=2) if 0.55 < stage < 0.6 else None,
                                completed_at=now if stage > 0.6 else None,
                                rating=rng.randint(3, 5) if stage > 0.6 else None))  # fmt: skip
        Voucher.objects.bulk_create(rows, batch_size=5000)
    client = Client()
    client.force_login(fixture["staff"])
    client.get("/vouchers/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/vouchers/")
    queries = len(ctx.captured_queries)
    times, floor = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        client.get("/vouchers/")
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        client.get("/inbox/?page=999999")
        floor.append((time.perf_counter() - t0) * 1000)
    return {"n": Voucher.objects.count(), "queries": queries, "p50": statistics.median(times),
            "p95": statistics.quantiles(times, n=20)[18], "floor": statistics.quantiles(floor, n=20)[18]}  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.exit(main())
