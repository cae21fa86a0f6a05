"""Contract reads, scoped: the client (甲方) sees its contracts, the contractor (乙方) its own;
anyone else gets "not found"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from wangan.contracts import scoring
from wangan.contracts.choices import MonthStatus, SuggestionStatus, TaskKind, TaskStatus
from wangan.contracts.models import (
    Contract,
    PenaltySuggestion,
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
    weights = list(SchemeWeight.objects.filter(scheme_id=sheet.scheme_id).select_related("item").order_by("item__seq"))
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
    ids = [c.pk for c in contracts] if isinstance(contracts, list) else list(contracts.values_list("pk", flat=True))
    months: dict[int, dict[tuple[int, int], Decimal | None]] = defaultdict(dict)
    for cid, y, m, total in ScoringMonth.objects.filter(contract_id__in=ids, status=MonthStatus.CLOSED).values_list(
        "contract_id", "year", "month", "total"
    ):
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
    return {
        "sheet": score_sheet(sheet=sheet) if sheet else None,
        "open_tasks": list(tasks.filter(status=TaskStatus.OPEN, due_on__lte=_month_end(today)).order_by("due_on")[:50]),
        "late_tasks": list(tasks.filter(Q(status=TaskStatus.OPEN, due_on__lt=today) | Q(is_late=True))
                           .order_by("due_on")[:50]),  # fmt: skip
        "incidents": list(incident_selectors.Incident.objects.filter(contract=contract)[:20]),
        "penalties": list(contract.penalties.filter(status=SuggestionStatus.SUGGESTED)[:50]),
        "termination": incident_selectors.termination_status(contract=contract),
        "year": year_scores(contracts=[contract])[contract.pk],
        "months": list(contract.months.order_by("year", "month")),
    }


def _month_end(d: date) -> date:
    import calendar

    return d.replace(day=calendar.monthrange(d.year, d.month)[1])
