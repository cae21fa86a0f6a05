"""Periodic jobs of the contracts app: thin wrappers around ``lifecycle.lifecycle_scan``.

The beat entry (``wangan.celery``) only records a job; the job runner (``core.jobs``) runs it, so each
run leaves a row with its result and a redelivered message does not run it twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from wangan.contracts import lifecycle
from wangan.core import jobs
from wangan.core.models import Job

RUN_TASK = "contracts.lifecycle_run"
STALE_AFTER = timedelta(hours=2)  # a run claimed longer ago than this is presumed lost


@shared_task(name="contracts.lifecycle_scan", ignore_result=True)
def lifecycle_scan_task() -> int | None:
    """Beat: queue one lifecycle run, unless one is still waiting or running."""
    with transaction.atomic():
        busy = Job.objects.filter(task=RUN_TASK, status__in=[Job.Status.PENDING, Job.Status.QUEUED,
                                                             Job.Status.RUNNING],
                                  created_at__gte=timezone.now() - STALE_AFTER)  # fmt: skip
        if busy.exists():
            return None
        return jobs.job_enqueue(task=RUN_TASK).pk


@shared_task(name=RUN_TASK, acks_late=True, ignore_result=True, time_limit=1800, soft_time_limit=1700)
@jobs.job_task
def lifecycle_run_task(job, today: str | None = None) -> dict:
    """Late tasks, expiry and continuation, personnel changes taking effect, penalty scan (idempotent)."""
    return lifecycle.lifecycle_scan(today=date.fromisoformat(today) if today else None)
