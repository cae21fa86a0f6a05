"""Contract reads, scoped: the client (甲方) sees its contracts, the contractor (乙方) its own;
anyone else gets "not found"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from wangan.contracts import scoring
from wangan.contracts.choices import Grade, MonthStatus, SuggestionStatus, TaskKind, TaskStatus
from wangan.contracts.models import (
    Contract,
    Deliverable,
    PenaltySuggestion,
    Personnel,
    SchemeWeight,
    ScoreEntry,
    ScoringMonth,
    Task,
)
from wangan.core.errors import NotFound


def contract_list_for(*, user) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated or user.platform_role:
        return Contract.objects.none()
    org = user.organization_id
    return (Contract.objects.filter(Q(client_id=org) | Q(contractor_id=org))
            .select_related("client", "contractor").order_by("-signed_on", "-id"))  # fmt: skip


def contract_get_for(*, user, pk: int) -> Contract:
    contract = contract_list_for(user=user).filter(pk=pk).first()
    if contract is None:
        raise NotFound()
    return contract


def task_get_for(*, user, pk: int) -> Task:
    task = Task.objects.filter(pk=pk, contract__in=contract_list_for(user=user).values("pk")).select_related(
        "contract", "item").first()  # fmt: skip
    if task is None:
        raise NotFound()
    return task


def month_get_for(*, user, pk: int) -> ScoringMonth:
    sheet = ScoringMonth.objects.filter(pk=pk, contract__in=contract_list_for(user=user).values("pk")).select_related(
        "contract", "scheme").first()  # fmt: skip
    if sheet is None:
        raise NotFound()
    return sheet


def penalty_get_for(*, user, pk: int) -> PenaltySuggestion:
    row = PenaltySuggestion.objects.filter(pk=pk, contract__in=contract_list_for(user=user).values("pk")).select_related(
        "contract").first()  # fmt: skip
    if row is None:
        raise NotFound()
    return row


@dataclass
class SheetRow:
    item_id: int
    seq: int
    name: str
    pct: tuple[Decimal, Decimal, Decimal]
    maxima: tuple[Decimal, Decimal, Decimal]
    scheduled: bool
    scores: tuple[Decimal, Decimal, Decimal] | None
    note: str = ""

    @property
    def full(self) -> Decimal:
        return sum(self.maxima, Decimal(0))

    @property
    def earned(self) -> Decimal | None:
        return sum(self.scores, Decimal(0)) if self.scores else None


@dataclass
class Sheet:
    """The 运维工作评分表 of one month: all 18 rows, scheduled or not, with the rescaled total."""

    contract: Contract
    year: int
    month: int
    status: str
    scheme_version: int
    rows: list[SheetRow] = field(default_factory=list)
    total: Decimal | None = None

    @property
    def raw_earned(self) -> Decimal:
        return sum((r.earned or 0 for r in self.rows if r.scheduled), Decimal(0))

    @property
    def raw_full(self) -> Decimal:
        return sum((r.full for r in self.rows if r.scheduled), Decimal(0))

    @property
    def grade(self) -> str | None:
        return scoring.grade(self.total)


def score_sheet(*, sheet: ScoringMonth) -> Sheet:
    """Rows of the month's score sheet with the weights version the month uses (4 queries)."""
    weights = list(
        SchemeWeight.objects.filter(scheme_id=sheet.scheme_id).select_related("item").order_by("item__seq")
    )
    scheduled = set(Task.objects.filter(contract_id=sheet.contract_id, year=sheet.year, month=sheet.month,
                                        kind=TaskKind.SERVICE).values_list("item_id", flat=True))  # fmt: skip
    entries = {e.item_id: e for e in ScoreEntry.objects.filter(month=sheet)}
    out = Sheet(sheet.contract, sheet.year, sheet.month, sheet.status, sheet.scheme.version)
    for w in weights:
        e = entries.get(w.item_id)
        out.rows.append(SheetRow(
            w.item_id, w.item.seq, w.item.name, (w.pct_timeliness, w.pct_quality, w.pct_docs),
            (w.max_timeliness, w.max_quality, w.max_docs), w.item_id in scheduled,
            (e.timeliness, e.quality, e.docs) if e else None, e.note if e else "",
        ))  # fmt: skip
    if sheet.status == MonthStatus.CLOSED:
        out.total = sheet.total
    else:
        out.total = scoring.month_total((r.earned, r.full) for r in out.rows if r.scheduled and r.scores)
    return out


@dataclass(frozen=True)
class YearScore:
    contract_id: int
    months: dict[tuple[int, int], Decimal | None]
    score: Decimal | None
    grade: str | None


def year_scores(*, contracts: QuerySet[Contract] | list[Contract]) -> dict[int, YearScore]:
    """附件7: the year score is the mean of the closed months; one query for any number of contracts."""
    ids = (
        [c.pk for c in contracts]
        if isinstance(contracts, list)
        else list(contracts.values_list("pk", flat=True))
    )
    months: dict[int, dict[tuple[int, int], Decimal | None]] = defaultdict(dict)
    for cid, y, m, total in ScoringMonth.objects.filter(
        contract_id__in=ids, status=MonthStatus.CLOSED
    ).values_list("contract_id", "year", "month", "total"):
        months[cid][(y, m)] = total
    out = {}
    for cid in ids:
        score = scoring.year_score(months[cid].values())
        out[cid] = YearScore(cid, dict(sorted(months[cid].items())), score, scoring.grade(score))
    return out


def contract_overview(*, contract: Contract, today: date | None = None) -> dict:
    """The contract page at a glance: this month's score so far, open tasks, late deliverables,
    incidents, suggested penalties and the termination flag."""
    from wangan.incidents import selectors as incident_selectors  # late: incidents builds on contracts

    today = today or timezone.localdate()
    sheet = ScoringMonth.objects.filter(contract=contract, year=today.year, month=today.month).select_related(
        "scheme").first()  # fmt: skip
    tasks = Task.objects.filter(contract=contract).select_related("item")
    months = list(contract.months.order_by("year", "month"))
    year = year_scores(contracts=[contract])[contract.pk]
    return {
        "sheet": score_sheet(sheet=sheet) if sheet else None,
        "open_tasks": list(
            tasks.filter(status=TaskStatus.OPEN, due_on__lte=_month_end(today)).order_by("due_on")[:50]
        ),
        "late_tasks": list(
            tasks.filter(Q(status=TaskStatus.OPEN, due_on__lt=today) | Q(is_late=True)).order_by("due_on")[
                :50
            ]
        ),  # fmt: skip
        "incidents": list(incident_selectors.Incident.objects.filter(contract=contract)[:20]),
        "penalties": list(contract.penalties.filter(status=SuggestionStatus.SUGGESTED)[:50]),
        "termination": incident_selectors.termination_status(contract=contract),
        "year": year,
        "year_grade_label": grade_label(year.grade),
        "months": months,
        "month_lines": service_month_lines(contract=contract, sheets=months),
        "has_schedule": tasks.exists(),
        "penalty_confirmed_total": sum(
            (p.amount for p in contract.penalties.filter(status=SuggestionStatus.CONFIRMED)), Decimal(0)
        ),
    }


def _month_end(d: date) -> date:
    import calendar

    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def grade_label(grade: str | None) -> str:
    return str(Grade(grade).label) if grade else ""


@dataclass(frozen=True)
class MonthLine:
    """One month of the service year as the contract page lists it (附件7: 每月考核一次)."""

    seq: int
    year: int
    month: int
    sheet: ScoringMonth | None

    @property
    def grade(self) -> str | None:
        if self.sheet is None or self.sheet.status != MonthStatus.CLOSED:
            return None
        return scoring.grade(self.sheet.total)

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


def service_month_lines(*, contract: Contract, sheets: list[ScoringMonth] | None = None) -> list[MonthLine]:
    """The 12 months of the service year (service month 1 holds the start date) with their sheets."""
    if sheets is None:
        sheets = list(contract.months.all())
    by_month = {(s.year, s.month): s for s in sheets}
    y, m = contract.service_start.year, contract.service_start.month
    out = []
    for k in range(12):
        year, month = y + (m - 1 + k) // 12, (m - 1 + k) % 12 + 1
        out.append(MonthLine(k + 1, year, month, by_month.get((year, month))))
    return out


# --- tasks ------------------------------------------------------------------------------------

PROGRESS_FILTER = "progress_report"  # the item filter's value for the monthly progress reports


def _visible_contracts(user):
    return contract_list_for(user=user).values("pk")


def _overdue(today: date) -> Q:
    return Q(status=TaskStatus.OPEN, due_on__lt=today)


def task_list_for(*, user, contract: Contract, status: str = "", item: str = "", late: bool = False,
                  today: date | None = None) -> QuerySet[Task]:  # fmt: skip
    """A contract's tasks in schedule order, each with ``is_overdue`` (open past its due date) and its
    handed-in documents prefetched; filters: status, item code (or ``PROGRESS_FILTER``), late only."""
    today = today or timezone.localdate()
    qs = (
        Task.objects.filter(contract_id=contract.pk, contract__in=_visible_contracts(user))
        .select_related("item")
        .prefetch_related(
            Prefetch("documents", queryset=Deliverable.objects.select_related("file").order_by("id"))
        )
        .annotate(is_overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField()))
        .order_by("year", "month", "due_on", "id")
    )
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    if item == PROGRESS_FILTER:
        qs = qs.filter(kind=TaskKind.PROGRESS_REPORT)
    elif item:
        qs = qs.filter(item__code=item)
    if late:
        qs = qs.filter(Q(is_late=True) | _overdue(today))
    return qs


@dataclass
class ScheduleMonth:
    line: MonthLine
    tasks: list[Task] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status != TaskStatus.OPEN)


def schedule_by_month(*, contract: Contract, tasks) -> list[ScheduleMonth]:
    """Tasks grouped by the month they belong to, with that month's score sheet (one query more)."""
    groups = {(ln.year, ln.month): ScheduleMonth(ln) for ln in service_month_lines(contract=contract)}
    extra: dict[tuple[int, int], ScheduleMonth] = {}
    for t in tasks:
        key = (t.year, t.month)
        group = groups.get(key) or extra.setdefault(key, ScheduleMonth(MonthLine(0, t.year, t.month, None)))
        group.tasks.append(t)
    return [g for g in [*groups.values(), *extra.values()] if g.tasks]


def task_documents(*, task: Task) -> list[Deliverable]:
    """Everything handed in for a task, oldest first (earlier versions of returned work included)."""
    return list(Deliverable.objects.filter(task=task).select_related("file", "submitted_by").order_by("id"))


@dataclass(frozen=True)
class NamedDocument:
    index: int
    name: str
    latest: Deliverable | None


def named_documents(*, task: Task, documents: list[Deliverable]) -> list[NamedDocument]:
    """The documents the item names (附件3 服务成果), each with the latest file handed in under it."""
    latest = {d.title: d for d in documents}
    return [NamedDocument(i, name, latest.get(name)) for i, name in enumerate(task.deliverables)]


def deliverable_get_for(*, user, pk: int) -> Deliverable:
    row = (Deliverable.objects.filter(pk=pk, task__contract__in=_visible_contracts(user))
           .select_related("file", "task").first())  # fmt: skip
    if row is None:
        raise NotFound()
    return row


@dataclass
class ProgressFacts:
    """What the monthly progress report (第八条(七)) states about one month."""

    contract: Contract
    year: int
    month: int
    done: list[Task]
    late: list[Task]
    open: list[Task]
    next_month: list[Task]
    incidents: list
    requests: list
    personnel: list[Personnel]


def progress_report_facts(*, user, task: Task, today: date | None = None) -> ProgressFacts:
    """The month a progress report covers: its service tasks done/late/open, incidents, requests and
    the team; plus next month's planned work."""
    from wangan.incidents import selectors as incident_selectors  # late: incidents builds on contracts

    today = today or timezone.localdate()
    contract = task.contract
    tasks = list(Task.objects.filter(contract=contract, year=task.year, month=task.month, kind=TaskKind.SERVICE)
                 .select_related("item").order_by("due_on", "id"))  # fmt: skip
    late = [t for t in tasks if t.is_late or (t.status == TaskStatus.OPEN and t.due_on < today)]
    done = [t for t in tasks if t.status != TaskStatus.OPEN and not t.is_late]
    still_open = [t for t in tasks if t.status == TaskStatus.OPEN and t not in late]
    ny, nm = (task.year + 1, 1) if task.month == 12 else (task.year, task.month + 1)
    nxt = list(
        Task.objects.filter(contract=contract, year=ny, month=nm, kind=TaskKind.SERVICE).order_by(
            "due_on", "id"
        )
    )
    incidents = [i for i in incident_selectors.incident_list_for(user=user, contract=contract).order_by("started_at")
                 if (timezone.localtime(i.started_at).year, timezone.localtime(i.started_at).month) == (task.year, task.month)]  # fmt: skip
    requests = [r for r in incident_selectors.request_list_for(user=user, contract=contract).order_by("raised_at")
                if (timezone.localtime(r.raised_at).year, timezone.localtime(r.raised_at).month) == (task.year, task.month)]  # fmt: skip
    personnel = list(contract.personnel.filter(is_active=True))
    return ProgressFacts(
        contract, task.year, task.month, done, late, still_open, nxt, incidents, requests, personnel
    )


# --- penalties --------------------------------------------------------------------------------


def penalty_list_for(*, user, contract: Contract) -> QuerySet[PenaltySuggestion]:
    return (PenaltySuggestion.objects.filter(contract_id=contract.pk, contract__in=_visible_contracts(user))
            .select_related("decided_by").order_by("-created_at", "-id"))  # fmt: skip


@dataclass(frozen=True)
class PenaltyTotals:
    confirmed: Decimal
    suggested: Decimal
    dismissed: Decimal
    counts: dict[str, int]


def penalty_totals(rows) -> PenaltyTotals:
    """Sums per status of rows already loaded (第十四条: only confirmed penalties are owed)."""
    sums = {s: Decimal(0) for s in SuggestionStatus.values}
    counts = dict.fromkeys(SuggestionStatus.values, 0)
    for r in rows:
        sums[r.status] += r.amount
        counts[r.status] += 1
    return PenaltyTotals(sums[SuggestionStatus.CONFIRMED], sums[SuggestionStatus.SUGGESTED],
                         sums[SuggestionStatus.DISMISSED], counts)  # fmt: skip


# --- recording a contract ---------------------------------------------------------------------


def contractor_choices_for(*, user):
    """Providers the authority may sign with (active security service providers)."""
    from wangan.accounts.models import Organization
    from wangan.contracts.permissions import can_create_contract

    if not can_create_contract(user):
        return Organization.objects.none()
    return Organization.objects.filter(type="provider", status="active").order_by("name")
