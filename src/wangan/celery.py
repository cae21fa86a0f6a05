"""Celery application.  Embedded: kombu's filesystem transport, worker with embedded beat.
Distributed: WANGAN_BROKER_URL=redis://… or amqp://…, workers per queue."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangan.settings")

app = Celery("wangan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["wangan.core", "wangan.accounts", "wangan.filings", "wangan.vouchers", "wangan.cryptosvc",
                        "wangan.logs", "wangan.contracts", "wangan.incidents"])


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


# Every periodic job, declared in one place.  ``expires`` drops a tick nobody picked up in time.
app.conf.beat_schedule = {
    "heartbeat": {
        "task": "core.heartbeat",
        "schedule": _seconds("WANGAN_HEARTBEAT_SECONDS", 30),
        "options": {"expires": 60},
    },
    "deadlines-scan": {"task": "core.deadlines_scan", "schedule": 60.0, "options": {"expires": 55}},
    "jobs-redispatch": {"task": "core.jobs_redispatch", "schedule": 60.0, "options": {"expires": 55}},
    # bytes left by rolled-back uploads; a day's grace keeps in-flight uploads safe
    "files-sweep-orphans": {"task": "core.files_sweep_orphans", "schedule": 21600.0, "options": {"expires": 3600}},
    # hourly is enough for a 23:59:59 expiry on 31 December; the job is idempotent
    "vouchers-expire": {"task": "vouchers.expire", "schedule": 3600.0, "options": {"expires": 3000}},
    "crypto-nonce-purge": {"task": "cryptosvc.nonce_purge", "schedule": 600.0, "options": {"expires": 550}},
    "logs-events-purge": {"task": "logs.events_purge", "schedule": 86400.0, "options": {"expires": 3600}},
    "crypto-cert-expiry": {"task": "cryptosvc.certificate_expiry_remind", "schedule": 86400.0, "options": {"expires": 3600}},
    "contracts-lifecycle-scan": {"task": "contracts.lifecycle_scan", "schedule": 3600.0, "options": {"expires": 3000}},
}
app.conf.task_routes = {
    "webmon.*": {"queue": "monitoring"},
    "logs.*": {"queue": "logs"},
    "reports.*": {"queue": "reports"},
}
