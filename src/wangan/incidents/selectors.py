"""Incident reads, scoped through the contract: the client and the contractor see their contract's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts.selectors import contract_list_for
from wangan.core.errors import NotFound
from wangan.incidents.classification import termination_right
from wangan.incidents.models import EmergencyRequest, Incident, SpecialPeriod


def incident_list_for(*, user, contract=None) -> QuerySet[Incident]:
    qs = Incident.objects.filter(contract__in=contract_list_for(user=user).values("pk"))
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.select_related("contract")


def incident_get_for(*, user, pk: int) -> Incident:
    row = incident_list_for(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def request_list_for(*, user, contract=None) -> QuerySet[EmergencyRequest]:
    qs = EmergencyRequest.objects.filter(contract__in=contract_list_for(user=user).values("pk"))
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.select_related("contract")


def request_get_for(*, user, pk: int) -> EmergencyRequest:
    row = request_list_for(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class TerminationStatus:
    a_count: int
    b_count: int
    has_right: bool


def termination_status(*, contract, start: date | None = None, end: date | None = None) -> TerminationStatus:
    """第十四条(四): A ×1 or B ×3 within the service year (by default) flags the right to terminate."""
    start, end = start or contract.service_start, end or contract.service_end
    levels = list(Incident.objects.filter(contract=contract, started_at__date__gte=start, started_at__date__lte=end)
                  .exclude(level="").values_list("level", flat=True))  # fmt: skip
    return TerminationStatus(levels.count("A"), levels.count("B"), termination_right(levels))


def special_periods_for(*, contract, start: date, end: date) -> QuerySet[SpecialPeriod]:
    """Calendar holidays and the periods the contract's authority declared, overlapping [start, end]."""
    return SpecialPeriod.objects.filter(Q(source="calendar") | Q(declared_by_org_id=contract.client_id),
                                        starts_on__lte=end, ends_on__gte=start)  # fmt: skip


def special_period_at(*, contract, when) -> SpecialPeriod | None:
    day = timezone.localtime(when).date()
    rows = list(special_periods_for(contract=contract, start=day, end=day))
    return max(rows, key=lambda p: p.level == "major", default=None)


@dataclass(frozen=True)
class Finding:
    code: str
    evidence: str
    key: str


def _avg_minutes(deltas) -> float | None:
    values = [d.total_seconds() / 60 for d in deltas]
    return sum(values) / len(values) if values else None


def response_findings(*, contract) -> list[Finding]:
    """Monthly average response/recovery times against the bands of 附件5 6–9 and 附件6 5–8.

    Bands are strict ("大于 X 且小于 Y").  A month with a class A/B accident is "serious": the major row
    applies; otherwise the general row.  Emergency response (附件5 6) has only a serious row.
    """
    by_month: dict[tuple[int, int], list[EmergencyRequest]] = defaultdict(list)
    for r in EmergencyRequest.objects.filter(contract=contract, responded_at__isnull=False):
        local = timezone.localtime(r.raised_at)
        by_month[(local.year, local.month)].append(r)
    serious_months = {(timezone.localtime(i.started_at).year, timezone.localtime(i.started_at).month)
                      for i in Incident.objects.filter(contract=contract, level__in=("A", "B"))}  # fmt: skip
    findings: list[Finding] = []
    for (year, month), rows in sorted(by_month.items()):
        period = f"{year}-{month:02d}"
        serious = (year, month) in serious_months
        emergency = _avg_minutes(r.responded_at - r.raised_at for r in rows if r.is_emergency)
        ordinary = _avg_minutes(r.responded_at - r.raised_at for r in rows if not r.is_emergency)
        recovery = _avg_minutes(r.recovered_at - r.raised_at for r in rows if not r.is_emergency and r.recovered_at)
        checks = [
            (emergency, 15, 30, "M6" if serious else None, _("average emergency response")),
            (ordinary, 30, 60, "M7" if serious else "G5", _("average O&M request response")),
            (ordinary, 60, 120, None if serious else "G6", _("average O&M request response")),
            (recovery, 30, 60, "M8" if serious else None, _("average recovery")),
            (recovery, 60, 120, "M9" if serious else "G7", _("average recovery")),
            (recovery, 120, 240, None if serious else "G8", _("average recovery")),
        ]
        for value, low, high, code, label in checks:
            if code and value is not None and low < value < high:
                findings.append(Finding(code, _("%(period)s: %(what)s %(value).1f min (between %(low)s and %(high)s min).")
                                        % {"period": period, "what": label, "value": value, "low": low, "high": high},
                                        f"{code}:{period}"))  # fmt: skip
    return findings
