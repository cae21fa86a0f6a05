"""Core background tasks: thin wrappers that re-fetch by id and call a service."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from wangan.core import deadlines, jobs, notify


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat_task() -> None:
    """Proves the scheduler and a worker are alive; /healthz reads the file."""
    path = settings.DATA_DIR / "heartbeat"
    path.write_text(str(time.time()), encoding="utf-8")


@shared_task(name="core.deadlines_scan", ignore_result=True)
def deadlines_scan_task() -> int:
    return deadlines.deadlines_mark_breached()


@shared_task(name="core.jobs_redispatch", ignore_result=True)
def jobs_redispatch_task() -> int:
    return jobs.jobs_redispatch()


@shared_task(name="core.notification_mail", acks_late=True, ignore_result=True)
@jobs.job_task
def notification_mail_task(job, notification_ids: list[int]) -> dict:
    return {"sent": notify.notification_mail_send(notification_ids=notification_ids)}


@shared_task(
    name="core.webhook_deliver",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def webhook_deliver_task(job_id: int) -> None:
    jobs.job_task(lambda job, delivery_id: {"delivered": notify.webhook_deliver(delivery_id=delivery_id)})(job_id)


@shared_task(name="core.files_sweep_orphans", ignore_result=True)
def files_sweep_orphans_task() -> int:
    from wangan.core.filesweep import files_sweep_orphans

    return files_sweep_orphans().removed
