"""Log service background tasks: thin wrappers that re-fetch by id and call a service."""

from __future__ import annotations

from celery import shared_task

from wangan.core import jobs
from wangan.logs import services


@shared_task(name="logs.batch_process", acks_late=True, ignore_result=True, time_limit=3600, soft_time_limit=3500)
@jobs.job_task
def batch_process_task(job, batch_id: int) -> dict:
    """Run the engine over one received upload or bulk batch."""
    return services.batch_run(batch_id=batch_id, progress=lambda pct: jobs.job_progress(job, pct))


@shared_task(name="logs.report_generate", acks_late=True, ignore_result=True, time_limit=1200, soft_time_limit=1100)
@jobs.job_task
def report_generate_task(job, report_id: int) -> dict:
    """Build 《日志分析和审计报告》 as DOCX."""
    return services.report_generate(report_id=report_id, progress=lambda pct: jobs.job_progress(job, pct))


@shared_task(name="logs.events_purge", ignore_result=True)
def events_purge_task() -> int:
    """Periodic (daily): monthly partitions created ahead on PostgreSQL, and retention of stored events
    (≥ 180 days, WANGAN_LOG_RETENTION_DAYS; whole partitions dropped on PostgreSQL)."""
    return services.events_purge_expired()
