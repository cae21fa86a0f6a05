"""Background jobs with an outbox: recorded in the caller's transaction, dispatched after commit.

If the broker is down the request still succeeds; the job stays ``pending`` and the periodic
``jobs_redispatch`` sends it again.  ``job_task`` marks a Celery task as a job runner: it skips a job
that is already done, so a redelivered message (worker killed, ``acks_late``) does the work again
only where it was not finished — each effect must itself be idempotent (use ``job.pk`` as key).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wangan.core.models import Job

log = logging.getLogger(__name__)
REDISPATCH_AFTER = timedelta(seconds=60)


def job_enqueue(*, task: str, kwargs: dict | None = None, queue: str = "default", requested_by=None) -> Job:
    """Record a job; it is sent to the broker only once the surrounding transaction commits."""
    job = Job.objects.create(
        task=task,
        kwargs=kwargs or {},
        queue=queue,
        requested_by_id=getattr(requested_by, "pk", None),
        organization_id_ref=getattr(requested_by, "organization_id", None),
    )
    transaction.on_commit(functools.partial(job_dispatch, job_id=job.pk))
    return job


def job_dispatch(*, job_id: int) -> bool:
    """Send one pending job to the broker; leave it pending (and say so) if that fails."""
    from wangan.celery import app

    job = Job.objects.filter(pk=job_id, status__in=[Job.Status.PENDING, Job.Status.QUEUED]).first()
    if job is None:
        return False
    try:
        app.send_task(job.task, kwargs={"job_id": job.pk}, queue=job.queue, retry=False)
    except Exception:  # broker down or unreachable: the sweeper will try again
        log.warning("broker unavailable; job %s stays pending", job.pk, exc_info=True)
        return False
    Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
        status=Job.Status.QUEUED, dispatched_at=timezone.now()
    )
    return True


def jobs_redispatch(*, older_than: timedelta = REDISPATCH_AFTER) -> int:
    """Periodic: send again every job still pending (never reached the broker)."""
    cutoff = timezone.now() - older_than
    ids = list(Job.objects.filter(status=Job.Status.PENDING, created_at__lt=cutoff).values_list("pk", flat=True))
    return sum(job_dispatch(job_id=pk) for pk in ids)


def jobs_resume_interrupted() -> int:
    """Embedded mode, before its worker starts (and only when no other worker uses the queue): send
    again every job left ``running``.  The file queue drops a message as soon as a worker fetches
    it, so a job whose worker was killed mid-run (power loss, a second Ctrl+C, the OOM killer) has
    no message left anywhere and would stay ``running`` for good.  Its effects are idempotent, so
    running it again finishes it (``job_task``)."""
    ids = list(Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", flat=True))
    if not ids:
        return 0
    Job.objects.filter(pk__in=ids, status=Job.Status.RUNNING).update(status=Job.Status.PENDING)
    log.warning("jobs %s were cut off by an earlier stop; sending them again", ids)
    return sum(job_dispatch(job_id=pk) for pk in ids)


def job_progress(job: Job, percent: int) -> None:
    Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, percent)))


def job_task(fn: Callable[..., dict | None]) -> Callable[[int], dict | None]:
    """Wrap ``fn(job, **kwargs)`` as the body of a Celery task taking ``job_id``."""

    @functools.wraps(fn)
    def run(job_id: int):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
                return None  # already finished: a redelivered message does nothing
            job.status = Job.Status.RUNNING
            job.attempts += 1
            job.started_at = timezone.now()
            job.save(update_fields=["status", "attempts", "started_at"])
        try:
            result = fn(job, **job.kwargs)
        except Exception as exc:
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
            )
            raise
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, result=result, progress=100, finished_at=timezone.now()
        )
        return result

    return run
