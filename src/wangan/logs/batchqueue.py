"""Which worker analyses which received batch: any worker, one source at a time, oldest batch first.

An upload or bulk batch is a job (``logs.batch_process`` on the ``logs`` queue) that carries only the
batch id; its bytes are in the shared file storage, so any Celery worker on any machine may take it.
Cross-batch correlation (``crossbatch``) needs a source's earlier batches stored before a later one is
analysed, so the batches of one source are analysed one at a time, in the order received:

* a worker first takes the source's **lease** (one conditional UPDATE on the source row, so exactly
  one worker wins, on PostgreSQL as on SQLite); it then analyses the source's unfinished batches
  oldest first — its own among them — and renews the lease while it works;
* a worker that finds the lease taken waits a little: if its batch gets done meanwhile, or the
  holder shows it is alive (the lease moves), it leaves — the holder picks the batch up; if the
  holder died (the lease runs out), it takes over and redoes the interrupted batch (idempotent);
* after ``budget`` seconds a holder stops taking more, queues a fresh job for the next waiting batch
  and lets go, so a busy source neither pins one worker nor starves the others.

Different sources are analysed in parallel by as many workers as there are.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wangan.core.jobs import job_enqueue
from wangan.core.models import Job
from wangan.logs.choices import BatchStatus, Channel
from wangan.logs.models import IngestBatch, LogSource, Scan

LEASE = timedelta(minutes=5)
RENEW_EVERY = 30.0  # seconds between lease renewals while working
WAIT_POLL = 0.5
WAIT_ALIVE = 30.0  # a waiting worker leaves once the holder has renewed within this long
BUDGET = 600.0  # seconds a holder keeps taking further batches of the source
CHANNELS = (Channel.UPLOAD, Channel.BULK)
ACTIVE = (BatchStatus.QUEUED, BatchStatus.PROCESSING)


class LeaseLost(Exception):
    """Another worker took the source over (this one was stalled longer than the lease)."""


@dataclass
class Lease:
    """The right to analyse one source's batches, held by one worker until ``until``."""

    source_id: int
    token: str
    renewed: float = field(default_factory=time.monotonic)

    def renew(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self.renewed < RENEW_EVERY:
            return
        n = LogSource.objects.filter(pk=self.source_id, ingest_lease_token=self.token).update(
            ingest_lease_until=timezone.now() + LEASE
        )
        if not n:
            raise LeaseLost(self.source_id)
        self.renewed = time.monotonic()


def lease_claim(*, source_id: int) -> Lease | None:
    """Take the source's lease if nobody holds it (or the holder's ran out)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    n = (LogSource.objects.filter(pk=source_id)
         .filter(Q(ingest_lease_until__isnull=True) | Q(ingest_lease_until__lt=now))
         .update(ingest_lease_token=token, ingest_lease_until=now + LEASE))  # fmt: skip
    return Lease(source_id=source_id, token=token) if n else None


def lease_release(lease: Lease) -> None:
    LogSource.objects.filter(pk=lease.source_id, ingest_lease_token=lease.token).update(
        ingest_lease_token="", ingest_lease_until=None
    )


def next_batch(*, source_id: int) -> IngestBatch | None:
    """The source's oldest upload or bulk batch not analysed yet."""
    return (IngestBatch.objects.filter(source_id=source_id, channel__in=CHANNELS, status__in=ACTIVE)
            .order_by("pk").first())  # fmt: skip


def _wait_for_lease(*, batch_id: int, source_id: int) -> Lease | None:
    """Wait for the lease while it is worth it; None when the batch is done or left to the holder."""
    started = time.monotonic()
    first_seen = LogSource.objects.filter(pk=source_id).values_list("ingest_lease_until", flat=True).first()
    while True:
        lease = lease_claim(source_id=source_id)
        if lease is not None:
            return lease
        if not IngestBatch.objects.filter(pk=batch_id, status__in=ACTIVE).exists():
            return None  # the holder did it
        waited = time.monotonic() - started
        until = LogSource.objects.filter(pk=source_id).values_list("ingest_lease_until", flat=True).first()
        if waited >= WAIT_ALIVE and until != first_seen:
            return None  # the holder is alive and renewing: it will take this batch in turn
        if waited > LEASE.total_seconds() + WAIT_ALIVE:
            return None  # cannot happen with a live database clock; never wait forever
        time.sleep(WAIT_POLL)


def _job_progress(job_id: int | None) -> Callable[[int], None]:
    def report(pct: int) -> None:
        if job_id:
            Job.objects.filter(pk=job_id).update(progress=max(0, min(100, pct)))

    return report


def _close_job(job_id: int | None, *, result: dict | None = None, error: str = "") -> None:
    """The job of a batch another worker's task analysed: done (or failed) unless its task is running."""
    if not job_id:
        return
    fields = {"finished_at": timezone.now(), "progress": 100}
    if error:
        fields |= {"status": Job.Status.FAILED, "error": error[:2000]}
    else:
        fields |= {"status": Job.Status.DONE, "result": result}
    Job.objects.filter(
        pk=job_id, status__in=[Job.Status.PENDING, Job.Status.QUEUED, Job.Status.FAILED]
    ).update(**fields)


def _summary(batch: IngestBatch) -> dict:
    scan = batch.scan
    return {"batch": batch.pk, "scan": batch.scan_id, "lines": batch.lines, "accepted": batch.accepted,
            "refused": batch.refused, "alerts": scan.alert_count if scan else 0,
            "chains": scan.chain_count if scan else 0}  # fmt: skip


def _hand_off(batch: IngestBatch) -> None:
    """A fresh job for the next waiting batch (its own may have left it to this worker)."""
    with transaction.atomic():
        job = job_enqueue(task="logs.batch_process", kwargs={"batch_id": batch.pk}, queue="logs")
        Scan.objects.filter(pk=batch.scan_id).update(job_id_ref=job.pk)


def batch_run(
    *, batch_id: int, progress: Callable[[int], None] | None = None, budget: float = BUDGET
) -> dict:
    """Analyse a received batch — after the earlier unfinished batches of its source — and, while
    within ``budget`` seconds, the later ones too.  Idempotent: a finished batch is left alone."""
    from wangan.logs import ingest

    batch = IngestBatch.objects.select_related("scan").filter(pk=batch_id).first()
    if batch is None or batch.status in (BatchStatus.DONE, BatchStatus.REFUSED):
        return {"skipped": True}
    if batch.status == BatchStatus.FAILED:  # run again on purpose: back in the line
        IngestBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    source_id = batch.source_id
    deadline = time.monotonic() + budget
    own_error: Exception | None = None
    lease = _wait_for_lease(batch_id=batch_id, source_id=source_id)
    while lease is not None:
        handed_off = False
        try:
            while (nxt := next_batch(source_id=source_id)) is not None:
                own = nxt.pk == batch_id
                own_done = not IngestBatch.objects.filter(pk=batch_id, status__in=ACTIVE).exists()
                if own_done and time.monotonic() > deadline:
                    _hand_off(nxt)
                    handed_off = True
                    break
                work = IngestBatch.objects.select_related("source", "scan", "file").get(pk=nxt.pk)
                job_id = work.scan.job_id_ref if work.scan else None
                report = progress if own and progress is not None else _job_progress(job_id)

                def renewing(pct: int, report=report, lease=lease) -> None:
                    lease.renew()
                    report(pct)

                try:
                    ingest.batch_process(batch=work, progress=renewing)
                except LeaseLost:
                    raise
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    ingest.batch_fail(batch=work, error=error)
                    if own:
                        own_error = exc
                    else:
                        _close_job(job_id, error=error)
                else:
                    if not own:
                        work.refresh_from_db()
                        _close_job(job_id, result=_summary(work))
                lease.renew(force=True)
        except LeaseLost:
            return {"batch": batch_id, "lease_lost": True}
        finally:
            lease_release(lease)
        if handed_off or next_batch(source_id=source_id) is None:
            break
        lease = lease_claim(source_id=source_id)  # one arrived as we let go: go on if nobody else took it
    if own_error is not None:
        raise own_error
    batch = IngestBatch.objects.select_related("scan").get(pk=batch_id)
    if batch.status in ACTIVE:
        return {"batch": batch_id, "deferred": True}  # the source's current worker will analyse it
    return _summary(batch)
