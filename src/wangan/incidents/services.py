"""Incident writes: record/classify incidents, emergency requests with the 2-hour clock, 重保 periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import permissions as cperms
from wangan.contracts import services as contract_services
from wangan.contracts.catalog import EMERGENCY_RESPONSE_HOURS
from wangan.core.audit import audit_record
from wangan.core.deadlines import deadline_start, deadline_stop
from wangan.core.errors import PermissionDenied
from wangan.core.workcal import day_info
from wangan.incidents import selectors
from wangan.incidents.classification import Facts, classify
from wangan.incidents.errors import IncidentInvalid, PeriodInvalid, RequestInvalid, RequestState
from wangan.incidents.models import EmergencyRequest, Incident, SpecialPeriod

CLOCK_KIND = "emergency_response"
# seed 004 附件4 注: 元旦、春节、清明、五一、端午、中秋、国庆 are 重保 periods.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明", "Labour Day": "五一",
    "Dragon Boat Festival": "端午", "Mid-autumn Festival": "中秋", "National Day": "国庆",
}  # fmt: skip
INCIDENT_FIELDS = ("title", "kind", "started_at", "ended_at", "people_affected", "loss_amount", "is_provider_fault",
                   "period_level", "handled_per_plan", "is_publicly_reported", "data_loss_months", "is_unrecoverable",
                   "weakness_notified_at", "weakness_treated_at", "is_major_event")  # fmt: skip


def _may_record(user, contract) -> bool:
    return cperms.can_score(user, contract) or cperms.can_deliver(user, contract)


def _facts(i: Incident) -> Facts:
    untreated = bool(i.weakness_notified_at and (
        (i.weakness_treated_at or i.started_at) - i.weakness_notified_at > timedelta(hours=48)))  # fmt: skip
    return Facts(kind=i.kind, duration=(i.ended_at - i.started_at) if i.ended_at else None,
                 people_affected=i.people_affected, loss_amount=Decimal(i.loss_amount),
                 is_provider_fault=i.is_provider_fault, period_level=i.period_level,
                 handled_per_plan=i.handled_per_plan, is_publicly_reported=i.is_publicly_reported,
                 data_loss_months=i.data_loss_months, is_unrecoverable=i.is_unrecoverable,
                 untreated_48h=untreated, is_major_event=i.is_major_event)  # fmt: skip


def _check(i: Incident) -> None:
    problems = []
    if not i.title.strip():
        problems.append(_("Enter a title."))
    if i.ended_at is not None and i.ended_at < i.started_at:
        problems.append(_("The end precedes the start."))
    if i.weakness_treated_at and i.weakness_notified_at and i.weakness_treated_at < i.weakness_notified_at:
        problems.append(_("The weakness was treated before it was notified."))
    if Decimal(i.loss_amount) < 0 or (i.data_loss_months is not None and i.data_loss_months < 0):
        problems.append(_("Amounts must not be negative."))
    if problems:
        raise IncidentInvalid("; ".join(str(p) for p in problems), details=[str(p) for p in problems])


def incident_save(*, actor, contract, incident: Incident | None = None, **data) -> Incident:
    """Record or correct an incident; its 附件4 class and the rule that fired are recomputed."""
    if not _may_record(actor, contract):
        raise PermissionDenied(_("Only the parties' acting staff may record incidents."))
    unknown = set(data) - set(INCIDENT_FIELDS)
    if unknown:
        raise IncidentInvalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    row = incident or Incident(contract=contract, recorded_by=actor)
    before = {k: getattr(row, k) for k in INCIDENT_FIELDS} if incident else None
    for k, v in data.items():
        setattr(row, k, v)
    _check(row)
    if "period_level" not in data and row.started_at:
        period = selectors.special_period_at(contract=contract, when=row.started_at)
        row.special_period, row.period_level = period, (period.level if period else "")
    result = classify(_facts(row))
    row.level, row.rule, row.rule_reason = result.level, result.rule, result.reason
    with transaction.atomic():
        row.save()
        audit_record(action="incidents.incident_save", actor=actor, obj=row, before=before,
                     after={**{k: getattr(row, k) for k in INCIDENT_FIELDS}, "level": row.level, "rule": row.rule})  # fmt: skip
    return row


def request_raise(*, actor, contract, description: str, is_emergency: bool = True,
                  raised_at: datetime | None = None) -> EmergencyRequest:  # fmt: skip
    """The client asks for help; an emergency starts the 2-hour response clock (附件3 8(2))."""
    if not cperms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may raise requests."))
    if not description.strip():
        raise RequestInvalid(_("Describe the request."))
    raised_at = raised_at or timezone.now()
    with transaction.atomic():
        req = EmergencyRequest.objects.create(contract=contract, is_emergency=is_emergency, raised_at=raised_at,
                                              raised_by=actor, description=description.strip())  # fmt: skip
        if is_emergency:
            # the emergency-response item counts in this month (附件7: on-demand work is then scheduled)
            req.task = contract_services.task_request(actor=actor, contract=contract, item_code="emergency_response",
                                                      due_on=timezone.localtime(raised_at).date())  # fmt: skip
            req.save(update_fields=["task"])
            deadline_start(obj=req, kind=CLOCK_KIND, amount=EMERGENCY_RESPONSE_HOURS, unit="hours",
                           started_at=raised_at, organization_id=contract.contractor_id, actor=actor)  # fmt: skip
        audit_record(action="incidents.request_raise", actor=actor, obj=req, after={"is_emergency": is_emergency})
    return req


def request_respond(*, actor, request: EmergencyRequest, at: datetime | None = None) -> EmergencyRequest:
    """The contractor responds: the clock stops, met or breached."""
    if not cperms.can_deliver(actor, request.contract):
        raise PermissionDenied(_("Only the contractor's engineers may respond."))
    at = at or timezone.now()
    with transaction.atomic():
        req = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
        if req.responded_at:
            raise RequestState(_("The response was recorded already."))
        if at < req.raised_at:
            raise RequestInvalid(_("The response cannot precede the request."))
        req.responded_at = at
        req.save(update_fields=["responded_at"])
        if req.is_emergency:
            deadline_stop(obj=req, kind=CLOCK_KIND, at=at, actor=actor)
        audit_record(action="incidents.request_respond", actor=actor, obj=req, after={"responded_at": at})
    return req


def request_recover(*, actor, request: EmergencyRequest, at: datetime | None = None) -> EmergencyRequest:
    """The contractor records recovery (the 故障恢复时间 of 附件5/附件6)."""
    if not cperms.can_deliver(actor, request.contract):
        raise PermissionDenied(_("Only the contractor's engineers may record recovery."))
    at = at or timezone.now()
    with transaction.atomic():
        req = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
        if not req.responded_at:
            raise RequestState(_("Record the response first."))
        if req.recovered_at:
            raise RequestState(_("Recovery was recorded already."))
        if at < req.responded_at:
            raise RequestInvalid(_("Recovery cannot precede the response."))
        req.recovered_at = at
        req.save(update_fields=["recovered_at"])
        audit_record(action="incidents.request_recover", actor=actor, obj=req, after={"recovered_at": at})
    return req


def special_periods_sync_calendar(*, year: int) -> list[SpecialPeriod]:
    """The statutory holidays of ``year`` as 重保 periods: each run of days off holding a named holiday
    (weekends joined to it included); idempotent."""
    made, run = [], []
    first = date(year, 1, 1)
    all_days = [day_info(first + timedelta(days=n)) for n in range((date(year + 1, 1, 1) - first).days)]
    for d in [*all_days, None]:
        if d is not None and not d.is_working:
            run.append(d)
            continue
        names = [HOLIDAY_NAMES[x.name] for x in run if x.name in HOLIDAY_NAMES]
        if names:
            row, created = SpecialPeriod.objects.get_or_create(
                source="calendar", name=names[0], starts_on=run[0].date,
                defaults={"ends_on": run[-1].date, "level": "normal"})  # fmt: skip
            if created:
                made.append(row)
        run = []
    return made


def special_period_declare(*, actor, contract, name: str, starts_on: date, ends_on: date, level: str = "major") -> SpecialPeriod:
    """The authority declares a period (两会, major events) for its contracts."""
    if not cperms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may declare special periods."))
    if not name.strip() or ends_on < starts_on or level not in ("normal", "major"):
        raise PeriodInvalid(_("Enter a name, a level and an end on or after the start."))
    with transaction.atomic():
        row = SpecialPeriod.objects.create(name=name.strip(), starts_on=starts_on, ends_on=ends_on, level=level,
                                           source="declared", declared_by_org=actor.organization)  # fmt: skip
        audit_record(action="incidents.special_period_declare", actor=actor, obj=row,
                     after={"starts_on": starts_on, "ends_on": ends_on, "level": level})  # fmt: skip
    return row


def special_months(*, contract) -> list[tuple[int, int]]:
    """Calendar months of the service year that hold a special period (for the duty schedule)."""
    out = set()
    for p in selectors.special_periods_for(contract=contract, start=contract.service_start, end=contract.service_end):
        d = max(p.starts_on, contract.service_start)
        while d <= min(p.ends_on, contract.service_end):
            out.add((d.year, d.month))
            d += timedelta(days=1)
    return sorted(out)
