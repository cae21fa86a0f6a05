"""Log service reads, always scoped to the asking user's organization.

Only users who may use the log service see anything; another organization's object (or any object,
for a user without the role) is "not found", never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import catalog as contract_catalog
from wangan.contracts import selectors as contract_selectors
from wangan.contracts.choices import TaskStatus as ContractTaskStatus
from wangan.core.errors import NotFound
from wangan.core.models import Job
from wangan.logs import permissions
from wangan.logs.choices import Level
from wangan.logs.models import (
    Alert,
    AnalysisReport,
    AttackChain,
    CollectionTask,
    CustomRule,
    EntityRisk,
    IngestBatch,
    LogEvent,
    LogSource,
    LogTemplate,
    Scan,
)
from wangan.logs.rules import RuleInfo, rule_catalog
from wangan.logs.store import EventFilter, event_store

# seed 004 附件3 §6 日志审查: authorized and unauthorized access, privileged operations, faults and errors.
ERROR_SEVERITIES = ("err", "error", "crit", "critical", "alert", "emerg", "fatal", "panic")
REVIEW_KINDS = ("authorized", "unauthorized", "privileged", "faults")


def review_q(kind: str) -> Q:
    """Which stored events a review category covers (over the normalized columns)."""
    if kind == "authorized":
        return Q(category__in=["authentication", "session"], outcome="success")
    if kind == "unauthorized":
        return Q(category="authentication", outcome="failure") | Q(log_type="web_access", status__in=[401, 403])
    if kind == "privileged":
        return Q(category__in=["privileged", "iam"])
    if kind == "faults":
        return Q(category="fault") | Q(severity__in=ERROR_SEVERITIES) | Q(status__gte=500)
    raise NotFound(_("No such review."))


def _org(user) -> int | None:
    if not permissions.can_use_logs(user):
        return None
    return user.organization_id


def _scoped(model, user) -> QuerySet:
    org = _org(user)
    if org is None:
        return model.objects.none()
    return model.objects.filter(organization_id=org)


def _get(qs: QuerySet, pk, message: str):
    obj = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise NotFound(message)
    return obj


@dataclass(frozen=True)
class Window:
    """A time range [since, until) for review pages."""

    since: datetime
    until: datetime

    @classmethod
    def last(cls, days: int = 30) -> Window:
        now = timezone.now()
        return cls(now - timedelta(days=days), now + timedelta(minutes=1))


# --- sources, batches, scans ---------------------------------------------------------------------
def source_list_for(*, user) -> QuerySet[LogSource]:
    return _scoped(LogSource, user).order_by("name")


def source_get_for(*, user, pk) -> LogSource:
    return _get(source_list_for(user=user), pk, _("The log source does not exist."))


def batches_in_period_for(*, user, since: datetime | None = None, until: datetime | None = None) -> QuerySet[IngestBatch]:
    """Batches whose events fall in [since, until) (a quarter is collected after it ends: event time
    counts, not receipt time); batches without event times (refused, empty) count by receipt time."""
    qs = batch_list_for(user=user)
    if since:
        qs = qs.filter(Q(last_event_at__gte=since) | Q(last_event_at__isnull=True, received_at__gte=since))
    if until:
        qs = qs.filter(Q(first_event_at__lt=until) | Q(first_event_at__isnull=True, received_at__lt=until))
    return qs


def source_volumes_for(*, user, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    """Per source: batches, lines received, stored, refused (one grouped query)."""
    qs = batches_in_period_for(user=user, since=since, until=until)
    rows = qs.order_by().values("source_id", "source__name", "source__host", "source__criticality").annotate(
        batches=Count("id"), lines=Sum("lines"), accepted=Sum("accepted"), refused=Sum("refused"), bytes=Sum("bytes"),
        first=Min("first_event_at"), last=Max("last_event_at"),
    )  # fmt: skip
    return sorted(rows, key=lambda r: r["source__name"])


def batch_list_for(*, user, source_id: int | None = None, status: str = "") -> QuerySet[IngestBatch]:
    qs = _scoped(IngestBatch, user).select_related("source")
    if source_id:
        qs = qs.filter(source_id=source_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")


def batch_get_for(*, user, pk) -> IngestBatch:
    return _get(batch_list_for(user=user).select_related("scan", "file"), pk, _("The batch does not exist."))


def scan_get_for(*, user, pk) -> Scan:
    return _get(_scoped(Scan, user).select_related("source"), pk, _("The scan does not exist."))


# --- events and reviews --------------------------------------------------------------------------
def event_search_for(*, user, flt: EventFilter) -> QuerySet[LogEvent]:
    org = _org(user)
    if org is None:
        return LogEvent.objects.none()
    return event_store().search(organization_id=org, flt=flt).select_related("source")


def latest_event_at_for(*, user) -> datetime | None:
    """Time of the organization's newest stored event (index on organization + ts)."""
    org = _org(user)
    if org is None:
        return None
    return LogEvent.objects.filter(organization_id=org).order_by("-ts").values_list("ts", flat=True).first()


def review_events_for(*, user, kind: str, window: Window, flt: EventFilter | None = None) -> QuerySet[LogEvent]:
    flt = flt or EventFilter()
    base = EventFilter(**{**flt.__dict__, "since": window.since, "until": window.until})
    return event_search_for(user=user, flt=base).filter(review_q(kind))


def review_summary_for(*, user, window: Window) -> dict[str, int]:
    """Event counts per review category in the window (one query per category, index on org+ts)."""
    out = {}
    for kind in REVIEW_KINDS:
        out[kind] = review_events_for(user=user, kind=kind, window=window).order_by().count()
    return out


def review_top_for(*, user, kind: str, window: Window, field: str, n: int = 10) -> list[dict]:
    """Most frequent values of ``field`` (user, src_ip, host, action) within a review category."""
    if field not in ("user", "src_ip", "host", "action", "process", "url"):
        raise NotFound()
    qs = review_events_for(user=user, kind=kind, window=window).exclude(**{field: ""})
    return list(qs.order_by().values(field).annotate(n=Count("id")).order_by("-n")[:n])


def events_per_day_for(*, user, window: Window, kind: str = "") -> dict:
    qs = (review_events_for(user=user, kind=kind, window=window) if kind
          else event_search_for(user=user, flt=EventFilter(since=window.since, until=window.until)))  # fmt: skip
    rows = qs.order_by().annotate(day=TruncDay("ts")).values("day").annotate(n=Count("id")).order_by("day")
    return {"kind": "bar", "labels": [r["day"].strftime("%m-%d") for r in rows], "values": [r["n"] for r in rows]}


def template_list_for(*, user, window: Window, new_only: bool = True) -> QuerySet[LogTemplate]:
    """Message templates; "new" means first seen in the window after the source's first batch (the baseline)."""
    qs = _scoped(LogTemplate, user).select_related("source")
    if new_only:
        qs = qs.filter(first_seen_at__gte=window.since, first_seen_at__lt=window.until)
        firsts = dict(
            _scoped(IngestBatch, user).order_by().values("source_id").annotate(first=Min("received_at"))
            .values_list("source_id", "first")
        )  # fmt: skip
        cond = Q()
        for sid, first in firsts.items():
            cond |= Q(source_id=sid, first_seen_at__gt=first)
        qs = qs.filter(cond) if firsts else qs.none()
    return qs.order_by("-first_seen_at", "-id")


# --- findings ------------------------------------------------------------------------------------
def alert_list_for(*, user, window: Window | None = None, kind: str = "", level: str = "", min_level: int = 0,
                   rule_id: str = "", src_ip: str = "", host: str = "", user_name: str = "", scan_id: int | None = None,
                   text: str = "") -> QuerySet[Alert]:  # fmt: skip
    qs = _scoped(Alert, user).select_related("source")
    if window is not None:
        qs = qs.filter(ts__gte=window.since, ts__lt=window.until)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if min_level:
        qs = qs.filter(level_rank__gte=min_level)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if src_ip:
        qs = qs.filter(src_ip=src_ip)
    if host:
        qs = qs.filter(host=host)
    if user_name:
        qs = qs.filter(user=user_name)
    if scan_id:
        qs = qs.filter(scan_id=scan_id)
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(author__icontains=text))
    return qs.order_by("-ts", "-id")


def alert_get_for(*, user, pk) -> Alert:
    return _get(alert_list_for(user=user), pk, _("The alert does not exist."))


def alert_levels_for(*, user, window: Window) -> dict:
    rows = alert_list_for(user=user, window=window).order_by().values("level").annotate(n=Count("id"))
    labels = dict(Level.choices)
    return {"kind": "pie", "data": [{"name": str(labels.get(r["level"], r["level"])), "code": r["level"], "value": r["n"]}
                                    for r in rows]}  # fmt: skip


def alert_rules_for(*, user, window: Window, n: int = 20) -> list[dict]:
    """Alerts per rule with its author (Detection Rule License) and tactics."""
    qs = alert_list_for(user=user, window=window).order_by()
    return list(qs.values("rule_id", "title", "author", "level", "kind").annotate(n=Count("id"), hits=Sum("count"))
                .order_by("-n")[:n])  # fmt: skip


def chain_list_for(*, user, window: Window | None = None, scan_id: int | None = None) -> QuerySet[AttackChain]:
    qs = _scoped(AttackChain, user)
    if window is not None:
        qs = qs.filter(Q(end__gte=window.since) | Q(end__isnull=True), Q(start__lt=window.until) | Q(start__isnull=True))
    if scan_id:
        qs = qs.filter(scan_id=scan_id)
    return qs.order_by("-progression", "-level_rank", "-score", "-id")


def chain_get_for(*, user, pk) -> AttackChain:
    return _get(chain_list_for(user=user).select_related("scan__source"), pk, _("The attack chain does not exist."))


def risk_list_for(*, user, window: Window | None = None, n: int = 50) -> list[dict]:
    """The ranked "handle first" list: each entity's risk summed over the scans in the window, with the
    evidence of its highest-scoring row."""
    qs = _scoped(EntityRisk, user)
    if window is not None:
        qs = qs.filter(Q(last__gte=window.since) | Q(last__isnull=True), Q(first__lt=window.until) | Q(first__isnull=True))
    rows = list(qs.order_by().values("entity", "kind", "value").annotate(
        score=Sum("score"), alerts=Sum("alerts"), level_rank=Max("level_rank"), first=Min("first"), last=Max("last"),
        top=Max("id"),
    ).order_by("-score")[:n])  # fmt: skip
    best = {}
    if rows:
        for r in qs.filter(entity__in=[r["entity"] for r in rows]).order_by("entity", "-score").only(
            "entity", "evidence", "tactics", "max_level", "chain_numbers", "scan_id"
        ):
            best.setdefault(r.entity, r)
    out = []
    for r in rows:
        b = best.get(r["entity"])
        out.append(r | {"max_level": b.max_level if b else "", "tactics": b.tactics if b else [],
                        "evidence": b.evidence if b else [], "scan_id": b.scan_id if b else None})  # fmt: skip
    return out


def tactic_coverage_for(*, user, window: Window) -> list[dict]:
    """ATT&CK tactics seen in alerts of the window, with counts (the report's coverage section)."""
    counts: dict[str, int] = {}
    techniques: dict[str, set] = {}
    for tactics, techs in alert_list_for(user=user, window=window).order_by().values_list("tactics", "techniques"):
        for t in tactics or []:
            counts[t] = counts.get(t, 0) + 1
            techniques.setdefault(t, set()).update(techs or [])
    return [{"tactic": t, "alerts": n, "techniques": sorted(techniques.get(t, ()))}
            for t, n in sorted(counts.items(), key=lambda kv: -kv[1])]  # fmt: skip


# --- rules, plan, reports ------------------------------------------------------------------------
def rule_list_for(*, user) -> list[RuleInfo]:
    org = _org(user)
    if org is None:
        return []
    return rule_catalog(organization_id=org)


def custom_rule_get_for(*, user, pk) -> CustomRule:
    return _get(_scoped(CustomRule, user), pk, _("The rule does not exist."))


def collection_task_list_for(*, user, year: int | None = None) -> QuerySet[CollectionTask]:
    qs = _scoped(CollectionTask, user)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("year", "quarter")


def collection_task_get_for(*, user, pk) -> CollectionTask:
    return _get(collection_task_list_for(user=user), pk, _("The collection task does not exist."))


def report_list_for(*, user) -> QuerySet[AnalysisReport]:
    return (_scoped(AnalysisReport, user).select_related("task", "file", "pdf_file", "created_by")
            .order_by("-created_at", "-id"))  # fmt: skip


def report_get_for(*, user, pk) -> AnalysisReport:
    return _get(report_list_for(user=user), pk, _("The report does not exist."))


# --- contract tasks the report is handed in for ---------------------------------------------------
REPORT_DELIVERABLE = "《日志分析和审计报告》"
# seed 004 附件3 §6: the contract item whose deliverable is this report (the catalogue names it).
LOG_ANALYSIS_ITEM = next(i.code for i in contract_catalog.SERVICE_ITEMS if REPORT_DELIVERABLE in i.deliverables)


@dataclass(frozen=True)
class ContractTaskChoice:
    """An open log-analysis task of a contract the user's organization carries out."""

    id: int
    contract_id: int
    label: str
    due_on: date


def contract_task_label(task) -> str:
    c = task.contract
    return _("%(number)s %(name)s · %(year)d-%(month)02d %(title)s, due %(due)s") % {
        "number": c.number, "name": c.name, "year": task.year, "month": task.month, "title": task.title,
        "due": task.due_on.isoformat(),
    }  # fmt: skip


def contract_task_choices_for(*, user) -> list[ContractTaskChoice]:
    """Open "log analysis" tasks of the contracts where the user's organization is the contractor
    (read through the contracts app's selectors; one query per contract, a provider has few)."""
    if _org(user) is None:
        return []
    contracts = contract_selectors.contract_list_for(user=user).filter(contractor_id=user.organization_id)
    out = []
    for contract in contracts:
        tasks = contract.tasks.filter(item__code=LOG_ANALYSIS_ITEM, status=ContractTaskStatus.OPEN)
        for task in tasks.order_by("due_on", "id"):
            task.contract = contract
            out.append(ContractTaskChoice(id=task.pk, contract_id=contract.pk, label=contract_task_label(task),
                                          due_on=task.due_on))  # fmt: skip
    return out


def job_progress_for(*, user, job_id: int | None) -> dict | None:
    """Status and progress of one of the organization's jobs (for polling partials)."""
    if job_id is None or _org(user) is None:
        return None
    job = Job.objects.filter(pk=job_id, organization_id_ref=user.organization_id).values(
        "status", "progress", "error").first()  # fmt: skip
    return job
