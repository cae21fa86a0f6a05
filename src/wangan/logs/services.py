"""Log service writes: sources, receiving batches (upload, HTTP bulk), rules, the collection plan,
reports and retention.  Keyword-only, one transaction each, one audit event where a person acted."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.deadlines import deadline_start, deadline_stop
from wangan.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangan.core.files import file_store
from wangan.core.jobs import job_enqueue
from wangan.core.workcal import add_working_days
from wangan.logs import conf, permissions, selectors
from wangan.logs.choices import REFUSAL_LABELS, BatchStatus, Channel, Level, ReportStatus, TaskStatus
from wangan.logs.errors import (
    LogBackpressure,
    LogBatchTooLarge,
    LogSourceInactive,
    LogSourceNameTaken,
    ReportNotReady,
    ReportPeriodInvalid,
    ReportTaskInvalid,
    RuleDuplicate,
    RuleInvalid,
    TaskStateInvalid,
)
from wangan.logs.models import (
    AnalysisReport,
    CollectionTask,
    CustomRule,
    IngestBatch,
    LogSource,
    RuleOverride,
    Scan,
)
from wangan.logs.rules import rule_known, rule_text_check, text_digest
from wangan.logs.store import event_store

UPLOAD_TYPES = {"log", "txt", "gz", "zip", "json"}
SPOOL_DIR = "logs/spool"
REPORT_DEADLINE = "logs.report"  # seed 004 附件3 §6: report within a week of collection = 5 working days
REPORT_DAYS = 5
RULE_MAX_BYTES = 256 * 1024
logger = logging.getLogger(__name__)


def _require(predicate, user) -> None:
    if not predicate(user):
        raise PermissionDenied(_("You may not use the log analysis service."))


# --- sources ----------------------------------------------------------------------------------
_SOURCE_FIELDS = ("name", "host", "type", "criticality", "description", "is_active")


def _source_state(source: LogSource) -> dict:
    return {f: getattr(source, f) for f in _SOURCE_FIELDS}


def source_create(*, actor, name: str, host: str = "", type: str = "syslog", criticality: int = 3,
                  description: str = "") -> LogSource:  # fmt: skip
    """Register a log source of the actor's organization."""
    _require(permissions.can_manage_sources, actor)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A log source needs a name."), code="LOG_SOURCE_INVALID")
    if not 1 <= int(criticality) <= 5:
        raise ValidationFailed(_("Criticality is between 1 and 5."), code="LOG_SOURCE_INVALID")
    try:
        with transaction.atomic():
            source = LogSource.objects.create(
                organization_id=actor.organization_id, name=name[:100], host=host.strip()[:255], type=type,
                criticality=int(criticality), description=description.strip()[:500], created_by=actor,
            )  # fmt: skip
            audit_record(action="logs.source_created", actor=actor, obj=source, after=_source_state(source))
    except IntegrityError as exc:
        raise LogSourceNameTaken(_("A log source with this name already exists.")) from exc
    return source


def source_update(*, actor, source: LogSource, **changes) -> LogSource:
    """Change a source's name, host, type, criticality, description or active flag."""
    _require(permissions.can_manage_sources, actor)
    unknown = set(changes) - set(_SOURCE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
                               code="LOG_SOURCE_INVALID")  # fmt: skip
    if "criticality" in changes and not 1 <= int(changes["criticality"]) <= 5:
        raise ValidationFailed(_("Criticality is between 1 and 5."), code="LOG_SOURCE_INVALID")
    if "name" in changes and not str(changes["name"]).strip():
        raise ValidationFailed(_("A log source needs a name."), code="LOG_SOURCE_INVALID")
    try:
        with transaction.atomic():
            locked = LogSource.objects.select_for_update().get(pk=source.pk)
            before = _source_state(locked)
            for f, v in changes.items():
                setattr(locked, f, v.strip() if isinstance(v, str) else v)
            changed = [f for f in changes if before[f] != getattr(locked, f)]
            if changed:
                locked.save(update_fields=changed)
                audit_record(action="logs.source_updated", actor=actor, obj=locked,
                             before={f: before[f] for f in changed}, after={f: getattr(locked, f) for f in changed})  # fmt: skip
    except IntegrityError as exc:
        raise LogSourceNameTaken(_("A log source with this name already exists.")) from exc
    return locked


def _count_refusal(source: LogSource, *, lines: int, reason: str) -> None:
    """The visible counter of what never became a batch (nothing is dropped silently)."""
    LogSource.objects.filter(pk=source.pk).update(
        refused_batches=F("refused_batches") + 1, refused_lines=F("refused_lines") + max(0, lines),
        last_refused_at=timezone.now(), last_refused_reason=reason[:40],
    )  # fmt: skip


def _new_scan(*, source: LogSource, channel: str, actor) -> Scan:
    return Scan.objects.create(organization_id=source.organization_id, source=source, channel=channel,
                               created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip


def _enqueue_batch(*, batch: IngestBatch, actor) -> None:
    job = job_enqueue(task="logs.batch_process", kwargs={"batch_id": batch.pk}, queue="logs", requested_by=actor)
    Scan.objects.filter(pk=batch.scan_id).update(job_id_ref=job.pk)


# --- upload -----------------------------------------------------------------------------------
def _digest_upload(upload) -> tuple[str, int]:
    h = hashlib.new("sm3")
    size = 0
    upload.seek(0)
    for chunk in upload.chunks(64 * 1024):
        h.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return h.hexdigest(), size


def upload_receive(*, actor, source: LogSource, upload) -> IngestBatch:
    """Keep an uploaded log file (plain, .gz, .zip) and queue the engine over it.

    A file the platform refuses (wrong type, zip bomb, damaged archive, binary "text") is recorded as a
    refused batch with its SM3 digest and reason, audited, and the refusal is raised to the caller.
    """
    _require(permissions.can_use_logs, actor)
    if not source.is_active:
        raise LogSourceInactive(_("This log source is inactive."))
    try:
        stored = file_store(uploaded_by=actor, organization=actor.organization, upload=upload,
                            purpose="logs.upload", allowed=UPLOAD_TYPES)  # fmt: skip
    except ValidationFailed as exc:
        sm3, size = _digest_upload(upload)
        with transaction.atomic():
            batch = IngestBatch.objects.create(
                organization_id=source.organization_id, source=source, channel=Channel.UPLOAD,
                status=BatchStatus.REFUSED, sm3=sm3, bytes=size, reasons={"upload_refused": 1, exc.code: 1},
                file_name=str(getattr(upload, "name", ""))[:255], error=exc.message[:2000], created_by=actor,
                processed_at=timezone.now(),
            )  # fmt: skip
            audit_record(action="logs.upload_refused", actor=actor, obj=batch, outcome="failure",
                         after={"code": exc.code, "sm3": sm3, "bytes": size, "source_id": source.pk})  # fmt: skip
        raise
    with transaction.atomic():
        scan = _new_scan(source=source, channel=Channel.UPLOAD, actor=actor)
        batch = IngestBatch.objects.create(
            organization_id=source.organization_id, source=source, scan=scan, channel=Channel.UPLOAD,
            sm3=stored.sm3, bytes=stored.size, file=stored, file_name=stored.original_name, created_by=actor,
        )  # fmt: skip
        audit_record(action="logs.upload_received", actor=actor, obj=batch,
                     after={"file_id": stored.pk, "sm3": stored.sm3, "bytes": stored.size, "source_id": source.pk})  # fmt: skip
        _enqueue_batch(batch=batch, actor=actor)
    return batch


# --- HTTP bulk --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BulkCheck:
    accepted: list[bytes]
    lines: int
    refused: dict[str, int]


def bulk_check(body: bytes, *, max_line: int) -> BulkCheck:
    """Split a JSON-lines body and check every line: a JSON object, not longer than ``max_line``."""
    accepted: list[bytes] = []
    refused: dict[str, int] = {}
    lines = 0
    for raw in body.split(b"\n"):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        lines += 1
        if len(raw) > max_line:
            refused["line_too_long"] = refused.get("line_too_long", 0) + 1
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            refused["invalid_json"] = refused.get("invalid_json", 0) + 1
            continue
        if not isinstance(obj, dict):
            refused["not_object"] = refused.get("not_object", 0) + 1
            continue
        accepted.append(raw)
    return BulkCheck(accepted=accepted, lines=lines, refused=refused)


def bulk_admission(*, source: LogSource, lines: int) -> None:
    """Back-pressure: refuse (429) while too many batches wait or too many lines arrived this minute."""
    org_batches = IngestBatch.objects.filter(organization_id=source.organization_id, channel=Channel.BULK)
    waiting = org_batches.filter(status__in=[BatchStatus.QUEUED, BatchStatus.PROCESSING]).count()
    limit = conf.get("WANGAN_LOG_BULK_MAX_PENDING")
    if waiting >= limit:
        _count_refusal(source, lines=lines, reason="backpressure")
        raise LogBackpressure(
            _("Too many batches are waiting to be processed (%(n)d); retry later.") % {"n": waiting},
            retry_after=30, details={"reason": "backpressure", "waiting": waiting, "refused_lines": lines},
        )  # fmt: skip
    since = timezone.now() - timedelta(seconds=60)
    recent = org_batches.filter(received_at__gte=since).aggregate(n=Sum("lines"))["n"] or 0
    per_minute = conf.get("WANGAN_LOG_BULK_MAX_LINES_PER_MINUTE")
    if recent + lines > per_minute:
        _count_refusal(source, lines=lines, reason="rate_limit")
        raise LogBackpressure(
            _("More than %(n)d lines a minute; retry later.") % {"n": per_minute},
            retry_after=60, details={"reason": "rate_limit", "recent_lines": recent, "refused_lines": lines},
        )  # fmt: skip


def bulk_refuse_too_large(*, source: LogSource, declared: int) -> None:
    """Count a body refused for its size before reading it, then raise."""
    limit = conf.get("WANGAN_LOG_BULK_MAX_BYTES")
    _count_refusal(source, lines=0, reason="too_large")
    raise LogBatchTooLarge(
        _("The request body is larger than %(limit)d bytes; send smaller batches.") % {"limit": limit},
        details={"reason": "too_large", "limit": limit, "declared": declared},
    )  # fmt: skip


def bulk_receive(*, actor, source: LogSource, body: bytes) -> IngestBatch:
    """Accept one HTTP bulk request (JSON lines): check lines, record the batch with its SM3 digest and
    refusals, spool the accepted lines and queue the engine.

    Not audited per request: the batch row with its digest is the record, and machine ingestion every
    few seconds would drown the audit trail.
    """
    _require(permissions.can_use_logs, actor)
    if not source.is_active:
        _count_refusal(source, lines=body.count(b"\n") + 1, reason="source_inactive")
        raise LogSourceInactive(_("This log source is inactive."))
    limit = conf.get("WANGAN_LOG_BULK_MAX_BYTES")
    if len(body) > limit:
        bulk_refuse_too_large(source=source, declared=len(body))
    check = bulk_check(body, max_line=conf.get("WANGAN_LOG_BULK_MAX_LINE"))
    bulk_admission(source=source, lines=check.lines)
    sm3 = hashlib.new("sm3", body).hexdigest()
    spool = ""
    if check.accepted:
        spool = default_storage.save(f"{SPOOL_DIR}/{uuid.uuid4().hex}.jsonl",
                                     ContentFile(b"\n".join(check.accepted) + b"\n"))  # fmt: skip
    try:
        with transaction.atomic():
            scan = _new_scan(source=source, channel=Channel.BULK, actor=actor)
            batch = IngestBatch.objects.create(
                organization_id=source.organization_id, source=source, scan=scan, channel=Channel.BULK,
                status=BatchStatus.QUEUED if spool else BatchStatus.DONE, sm3=sm3, bytes=len(body),
                lines=check.lines, refused=sum(check.refused.values()), reasons=check.refused,
                spool_name=spool, created_by=actor, processed_at=None if spool else timezone.now(),
            )  # fmt: skip
            if spool:
                _enqueue_batch(batch=batch, actor=actor)
            else:
                Scan.objects.filter(pk=scan.pk).update(status="done", finished_at=timezone.now())
    except BaseException:
        if spool:
            default_storage.delete(spool)
        raise
    return batch


def refusal_label(code: str) -> str:
    label = REFUSAL_LABELS.get(code)
    return str(label) if label is not None else code


# --- processing (called by the task) ------------------------------------------------------------
def batch_run(*, batch_id: int, progress=None) -> dict:
    """Process a queued batch — after the earlier ones of its source, on whichever worker holds the
    source (see ``batchqueue``).  Idempotent: a finished batch is left alone."""
    from wangan.logs import batchqueue

    return batchqueue.batch_run(batch_id=batch_id, progress=progress)


# --- rules ------------------------------------------------------------------------------------
def rule_override_set(*, actor, rule_id: str, is_enabled: bool, level: str = "") -> RuleOverride:
    """Switch a rule on or off and/or override its level for the actor's organization."""
    _require(permissions.can_manage_rules, actor)
    if level and level not in Level.values:
        raise ValidationFailed(_("Unknown level %(level)s.") % {"level": level}, code="RULE_LEVEL_INVALID")
    org_id = actor.organization_id
    if not rule_known(organization_id=org_id, rule_id=rule_id):
        raise NotFound(_("No such rule."), code="RULE_NOT_FOUND")
    with transaction.atomic():
        current = RuleOverride.objects.select_for_update().filter(organization_id=org_id, rule_id=rule_id).first()
        before = {"is_enabled": current.is_enabled, "level": current.level} if current else None
        obj, _created = RuleOverride.objects.update_or_create(
            organization_id=org_id, rule_id=rule_id,
            defaults={"is_enabled": bool(is_enabled), "level": level, "updated_by": actor},
        )  # fmt: skip
        audit_record(action="logs.rule_override_set", actor=actor, obj=obj, before=before,
                     after={"rule_id": rule_id, "is_enabled": obj.is_enabled, "level": obj.level})  # fmt: skip
    return obj


def custom_rule_upload(*, actor, text: str) -> list[CustomRule]:
    """Add the rules of an uploaded Sigma YAML file after the engine's loader accepted every one."""
    _require(permissions.can_manage_rules, actor)
    if len(text.encode("utf-8")) > RULE_MAX_BYTES:
        raise RuleInvalid(_("The rule file is larger than %(n)d KB.") % {"n": RULE_MAX_BYTES // 1024})
    check = rule_text_check(text)
    if check.problems:
        raise RuleInvalid(_("The rule file was not accepted: %(problems)s") % {"problems": "; ".join(check.problems[:5])},
                          details={"problems": check.problems})  # fmt: skip
    if not check.rules:
        raise RuleInvalid(_("The file holds no Sigma detection or correlation rule."))
    org_id = actor.organization_id
    ids = [r["id"] for r in check.rules]
    if len(set(ids)) != len(ids):
        raise RuleDuplicate(_("The file holds two rules with the same id."))
    for rid in ids:
        if rule_known(organization_id=org_id, rule_id=rid):
            raise RuleDuplicate(_("A rule with id %(id)s already exists.") % {"id": rid})
    digest = text_digest(text)
    single = len(check.rules) == 1
    created = []
    with transaction.atomic():
        for meta in check.rules:
            # one stored document per rule, so that each can be removed on its own
            rule = CustomRule.objects.create(
                organization_id=org_id, rule_id=meta["id"][:200], title=str(meta["title"])[:300],
                author=str(meta["author"])[:300], level=str(meta["level"])[:13],
                is_correlation=meta["kind"] == "correlation", text=text if single else _single_doc(text, meta["id"]),
                sm3=digest, created_by=actor,
            )  # fmt: skip
            created.append(rule)
        audit_record(action="logs.rule_uploaded", actor=actor, object_type="logs.customrule",
                     object_id=",".join(str(r.pk) for r in created), object_repr=", ".join(r.title for r in created)[:300],
                     after={"rules": ids, "sm3": digest})  # fmt: skip
    return created


def _single_doc(text: str, rule_id: str) -> str:
    """The YAML document of a multi-document file that holds ``rule_id``."""
    import yaml

    for doc in yaml.safe_load_all(text):
        if isinstance(doc, dict) and str(doc.get("id") or doc.get("name") or doc.get("title")) == rule_id:
            return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return text


def custom_rule_delete(*, actor, rule: CustomRule) -> None:
    """Remove an uploaded rule (and the organization's override of it)."""
    _require(permissions.can_manage_rules, actor)
    with transaction.atomic():
        audit_record(action="logs.rule_deleted", actor=actor, obj=rule, before={"rule_id": rule.rule_id, "sm3": rule.sm3})
        RuleOverride.objects.filter(organization_id=rule.organization_id, rule_id=rule.rule_id).delete()
        rule.delete()


# --- collection plan ----------------------------------------------------------------------------
def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def collection_plan_for_year(*, organization, year: int, actor=None) -> list[CollectionTask]:
    """Create the four quarterly collection tasks of ``year`` (idempotent).

    seed 004 附件3 §6: logs are collected every quarter and the report is written within a week of the
    collection, i.e. 5 working days after it (the official holiday calendar applies).
    """
    if actor is not None and (not permissions.can_use_logs(actor) or actor.organization_id != organization.pk):
        raise PermissionDenied(_("You may not plan log collection for this organization."))
    if not 2000 <= int(year) <= 2999:
        raise ValidationFailed(_("%(value)r is not a year.") % {"value": year}, code="YEAR_INVALID")
    tasks = []
    with transaction.atomic():
        for q in (1, 2, 3, 4):
            start, end = _quarter_bounds(year, q)
            due = add_working_days(end, REPORT_DAYS)
            task, created = CollectionTask.objects.get_or_create(
                organization=organization, year=year, quarter=q,
                defaults={"period_start": start, "period_end": end, "collect_due": end, "report_due": due.date,
                          "report_due_provisional": due.is_provisional},
            )  # fmt: skip
            if created:
                audit_record(action="logs.collection_planned", actor=actor, obj=task,
                             actor_name="" if actor else "system",
                             after={"year": year, "quarter": q, "collect_due": end, "report_due": due.date})  # fmt: skip
            tasks.append(task)
    return tasks


def collection_task_mark_collected(*, actor, task: CollectionTask, collected_at: datetime | None = None) -> CollectionTask:
    """Record that the quarter's logs were collected; the report is due 5 working days later (clock started)."""
    _require(permissions.can_use_logs, actor)
    collected_at = collected_at or timezone.now()
    with transaction.atomic():
        locked = CollectionTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != TaskStatus.PLANNED:
            raise TaskStateInvalid(_("The logs of this quarter were already collected."))
        due = add_working_days(timezone.localtime(collected_at).date(), REPORT_DAYS)
        before = {"status": locked.status, "report_due": locked.report_due}
        locked.status, locked.collected_at = TaskStatus.COLLECTED, collected_at
        locked.report_due, locked.report_due_provisional = due.date, due.is_provisional
        locked.save(update_fields=["status", "collected_at", "report_due", "report_due_provisional"])
        deadline_start(obj=locked, kind=REPORT_DEADLINE, amount=REPORT_DAYS, unit="working_days",
                       started_at=collected_at, notify=[actor], organization_id=locked.organization_id, actor=actor)  # fmt: skip
        audit_record(action="logs.collection_done", actor=actor, obj=locked, before=before,
                     after={"status": locked.status, "report_due": locked.report_due})  # fmt: skip
    return locked


# --- reports ----------------------------------------------------------------------------------
def report_request(*, actor, period_start: date, period_end: date, task: CollectionTask | None = None) -> AnalysisReport:
    """Queue 《日志分析和审计报告》 for a period (of a collection task, when given)."""
    _require(permissions.can_use_logs, actor)
    if task is not None:
        if task.organization_id != actor.organization_id:
            raise NotFound()
        period_start, period_end = task.period_start, task.period_end
    if period_end < period_start or (period_end - period_start).days > 400:
        raise ReportPeriodInvalid(_("The period must end after it starts and span at most 400 days."))
    with transaction.atomic():
        report = AnalysisReport.objects.create(organization_id=actor.organization_id, task=task,
                                               period_start=period_start, period_end=period_end, created_by=actor)  # fmt: skip
        job = job_enqueue(task="logs.report_generate", kwargs={"report_id": report.pk}, queue="logs",
                          requested_by=actor)  # fmt: skip
        report.job_id_ref = job.pk
        report.save(update_fields=["job_id_ref"])
        audit_record(action="logs.report_requested", actor=actor, obj=report,
                     after={"period_start": period_start, "period_end": period_end, "task_id": getattr(task, "pk", None)})  # fmt: skip
    return report


def report_generate(*, report_id: int, progress=None) -> dict:
    """Build the DOCX and the PDF from one content, keep them as the organization's files, and close the
    task's report clock.  Without a usable Chinese font the PDF is skipped and the reason kept."""
    from wangan.logs.report import render_docx, report_content

    report = AnalysisReport.objects.select_related("organization", "created_by", "task").filter(pk=report_id).first()
    if report is None or report.status == ReportStatus.DONE:
        return {"skipped": True}
    base = f"日志分析和审计报告-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
    try:
        blocks, summary = report_content(report=report, progress=progress)
        stored = file_store(uploaded_by=report.created_by, organization=report.organization,
                            upload=ContentFile(render_docx(blocks), name=f"{base}.docx"), purpose="logs.report",
                            allowed={"docx"})  # fmt: skip
    except Exception as exc:
        AnalysisReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
                                                           finished_at=timezone.now())  # fmt: skip
        raise
    pdf, pdf_error = _report_pdf(blocks, base=base, report=report)
    now = timezone.now()
    with transaction.atomic():
        AnalysisReport.objects.filter(pk=report.pk).update(status=ReportStatus.DONE, file=stored, pdf_file=pdf,
                                                           pdf_error=pdf_error[:500], summary=summary, finished_at=now)  # fmt: skip
        task = report.task
        if task is not None and task.status != TaskStatus.REPORTED:
            CollectionTask.objects.filter(pk=task.pk).update(status=TaskStatus.REPORTED, reported_at=now)
            deadline_stop(obj=task, kind=REPORT_DEADLINE, at=now, actor=report.created_by)
        audit_record(action="logs.report_generated", actor=report.created_by, obj=report,
                     after={"file_id": stored.pk, "sm3": stored.sm3, "pdf_file_id": getattr(pdf, "pk", None),
                            "pdf_sm3": getattr(pdf, "sm3", None), "pdf_error": pdf_error})  # fmt: skip
    return {"report": report.pk, "file": stored.pk, "pdf": getattr(pdf, "pk", None)}


def _report_pdf(blocks, *, base: str, report: AnalysisReport):
    """The PDF as a stored file, or None and the reason (the DOCX is the deliverable either way)."""
    from wangan.logs.report_pdf import ReportFontMissing, render_pdf

    try:
        data = render_pdf(blocks, subject=f"{report.organization.name} {report.period_start} – {report.period_end}")
        stored = file_store(uploaded_by=report.created_by, organization=report.organization,
                            upload=ContentFile(data, name=f"{base}.pdf"), purpose="logs.report", allowed={"pdf"})  # fmt: skip
    except ReportFontMissing as exc:
        if exc.configured:
            return None, _("The font set in WANGAN_LOG_REPORT_FONT (%(font)s) cannot show Chinese in a PDF; no PDF "
                           "was made. The DOCX is complete.") % {"font": exc.configured}  # fmt: skip
        return None, _("No font able to show Chinese is installed for the PDF; install a TrueType Chinese font "
                       "(Debian: fonts-wqy-zenhei) or set WANGAN_LOG_REPORT_FONT. The DOCX is complete.")  # fmt: skip
    except Exception as exc:  # a layout problem must not cost the DOCX
        logger.exception("PDF of log report %s failed", report.pk)
        return None, _("The PDF could not be produced (%(error)s); the DOCX is complete.") % {"error": type(exc).__name__}
    return stored, ""


def report_attach_to_task(*, actor, report: AnalysisReport, task_id: int) -> AnalysisReport:
    """Hand the report in for a contract's log-analysis task (seed 004 附件3 §6 服务成果): its DOCX (and
    PDF) become the task's deliverables through the contracts app, and the report records the task."""
    from wangan.contracts import selectors as contract_selectors
    from wangan.contracts import services as contract_services
    from wangan.contracts import taskflow as contract_taskflow

    _require(permissions.can_use_logs, actor)
    if report.organization_id != actor.organization_id:
        raise NotFound(_("The report does not exist."))
    if report.status != ReportStatus.DONE or report.file_id is None:
        raise ReportNotReady(_("The report is not ready yet."))
    task = contract_selectors.task_get_for(user=actor, pk=task_id)  # another's task is "not found"
    if task.item is None or task.item.code != selectors.LOG_ANALYSIS_ITEM:
        raise ReportTaskInvalid(_("This task is not a log analysis task of the contract."))
    if task.contract.contractor_id != actor.organization_id:
        raise PermissionDenied(_("Only the contractor hands in the report for this task."))
    uploads = [(selectors.REPORT_DELIVERABLE, _copy(report.file))]
    if report.pdf_file_id:
        uploads.append((f"{selectors.REPORT_DELIVERABLE}（PDF）", _copy(report.pdf_file)))
    with transaction.atomic():
        locked = AnalysisReport.objects.select_for_update().get(pk=report.pk)
        before = {"contract_task_ref": locked.contract_task_ref}
        task = contract_services.task_submit(actor=actor, task=task, uploads=uploads)
        contract_taskflow.task_handed_in_notify(task=task)
        locked.contract_task_ref = task.pk
        locked.contract_task_label = selectors.contract_task_label(task)[:300]
        locked.attached_at, locked.attached_by = timezone.now(), actor
        locked.save(update_fields=["contract_task_ref", "contract_task_label", "attached_at", "attached_by"])
        audit_record(action="logs.report_attached", actor=actor, obj=locked, before=before,
                     after={"contract_task_ref": task.pk, "contract_id": task.contract_id, "file_id": report.file_id,
                            "pdf_file_id": report.pdf_file_id, "is_late": task.is_late})  # fmt: skip
    return locked


def _copy(stored) -> ContentFile:
    """A stored file's bytes as a new upload (the contract keeps its own copy of the deliverable)."""
    with default_storage.open(stored.storage_name, "rb") as fh:
        return ContentFile(fh.read(), name=stored.original_name)


# --- retention --------------------------------------------------------------------------------
def events_purge_expired(*, now: datetime | None = None) -> int:
    """Periodic: prepare the store for the coming months (PostgreSQL: partitions created ahead) and
    remove stored events older than the retention period (≥ 180 days; whole partitions on PostgreSQL)."""
    now = now or timezone.now()
    store = event_store()
    store.prepare(now=now)
    cutoff = now - timedelta(days=conf.retention_days())
    deleted = store.purge(before=cutoff, limit=10_000_000)
    if deleted:
        audit_record(action="logs.events_purged", actor_name="system", object_type="logs.logevent",
                     after={"before": cutoff.isoformat(), "deleted": deleted, "retention_days": conf.retention_days()})  # fmt: skip
    return deleted
