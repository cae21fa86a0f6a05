"""Incident writes: record/classify incidents, emergency requests with the 2-hour clock, 重保 periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import permissions as cperms
from wangan.contracts import services as contract_services
from wangan.contracts.catalog import EMERGENCY_RESPONSE_HOURS
from wangan.core.audit import audit_record
from wangan.core.deadlines import deadline_start, deadline_stop
from wangan.core.errors import PermissionDenied
from wangan.core.workcal import day_info
from wangan.core.workflow import transition_apply
from wangan.incidents import selectors
from wangan.incidents.choices import IncidentKind, PeriodLevel
from wangan.incidents.classification import Facts, classify
from wangan.incidents.errors import (
    IncidentInvalid,
    PeriodInvalid,
    RequestInvalid,
    RequestState,
    RosterInvalid,
)
from wangan.incidents.models import DutyAttendance, DutyShift, EmergencyRequest, Incident, SpecialPeriod
from wangan.incidents.workflow import REQUEST_WORKFLOW

CLOCK_KIND = "emergency_response"
FUTURE_SLACK = timedelta(minutes=5)  # clocks of client and server differ a little; the future is refused
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
    if i.ended_at is not None and i.started_at is not None and i.ended_at < i.started_at:
        problems.append(_("The end precedes the start."))
    if i.weakness_treated_at and i.weakness_notified_at and i.weakness_treated_at < i.weakness_notified_at:
        problems.append(_("The weakness was treated before it was notified."))
    if Decimal(i.loss_amount) < 0 or (i.data_loss_months is not None and i.data_loss_months < 0):
        problems.append(_("Amounts must not be negative."))
    if i.people_affected is None or i.people_affected < 0:
        problems.append(_("The number of people affected must not be negative."))
    if i.kind not in IncidentKind.values:
        problems.append(_("Choose a kind of incident."))
    if i.period_level not in PeriodLevel.values:
        problems.append(_("Choose a special-period level."))
    if i.started_at is None:
        problems.append(_("Enter when the incident started."))
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


def _check_incident(contract, incident: Incident | None) -> None:
    if incident is not None and incident.contract_id != contract.pk:
        raise RequestInvalid(_("The incident belongs to another contract."))


def request_raise(*, actor, contract, description: str, is_emergency: bool = True, raised_at: datetime | None = None,
                  incident: Incident | None = None) -> EmergencyRequest:  # fmt: skip
    """The client asks for help; an emergency starts the 2-hour response clock (附件3 8(2))."""
    if not cperms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may raise requests."))
    if not description.strip():
        raise RequestInvalid(_("Describe the request."))
    _check_incident(contract, incident)
    raised_at = raised_at or timezone.now()
    if raised_at > timezone.now() + FUTURE_SLACK:
        raise RequestInvalid(_("A request cannot be raised in the future."))
    with transaction.atomic():
        req = EmergencyRequest.objects.create(contract=contract, is_emergency=is_emergency, raised_at=raised_at,
                                              raised_by=actor, description=description.strip(), incident=incident)  # fmt: skip
        if is_emergency:
            # the emergency-response item counts in this month (附件7: on-demand work is then scheduled)
            req.task = contract_services.task_request(actor=actor, contract=contract, item_code="emergency_response",
                                                      due_on=timezone.localtime(raised_at).date())  # fmt: skip
            req.save(update_fields=["task"])
            deadline_start(obj=req, kind=CLOCK_KIND, amount=EMERGENCY_RESPONSE_HOURS, unit="hours",
                           started_at=raised_at, organization_id=contract.contractor_id, actor=actor)  # fmt: skip
        audit_record(action="incidents.request_raise", actor=actor, obj=req,
                     after={"is_emergency": is_emergency, "raised_at": raised_at, "incident": incident and incident.pk})  # fmt: skip
    return req


def request_respond(
    *, actor, request: EmergencyRequest, at: datetime | None = None, note: str = ""
) -> EmergencyRequest:
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
        if at > timezone.now() + FUTURE_SLACK:
            raise RequestInvalid(_("A response cannot be recorded in the future."))
        req = transition_apply(workflow=REQUEST_WORKFLOW, name="respond", obj=req, actor=actor,
                               changes={"responded_at": at, "responded_by": actor, "response_note": note.strip()},
                               audit_extra={"responded_at": at})  # fmt: skip
        if req.is_emergency:
            deadline_stop(obj=req, kind=CLOCK_KIND, at=at, actor=actor)
    return req


def request_recover(
    *, actor, request: EmergencyRequest, at: datetime | None = None, note: str = ""
) -> EmergencyRequest:
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
        if at > timezone.now() + FUTURE_SLACK:
            raise RequestInvalid(_("Recovery cannot be recorded in the future."))
        req = transition_apply(workflow=REQUEST_WORKFLOW, name="recover", obj=req, actor=actor,
                               changes={"recovered_at": at, "recovered_by": actor, "recovery_note": note.strip()},
                               audit_extra={"recovered_at": at})  # fmt: skip
    return req


def request_link_incident(*, actor, request: EmergencyRequest, incident: Incident | None) -> EmergencyRequest:
    """Either party ties the request to the incident it was about (shown in the 应急响应报告)."""
    if not _may_record(actor, request.contract):
        raise PermissionDenied(_("Only the parties' acting staff may link incidents."))
    _check_incident(request.contract, incident)
    with transaction.atomic():
        req = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
        before = {"incident": req.incident_id}
        req.incident = incident
        req.save(update_fields=["incident"])
        audit_record(action="incidents.request_link_incident", actor=actor, obj=req, before=before,
                     after={"incident": incident and incident.pk})  # fmt: skip
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


def special_period_declare(
    *, actor, contract, name: str, starts_on: date, ends_on: date, level: str = "major"
) -> SpecialPeriod:
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
    for p in selectors.special_periods_for(
        contract=contract, start=contract.service_start, end=contract.service_end
    ):
        d = max(p.starts_on, contract.service_start)
        while d <= min(p.ends_on, contract.service_end):
            out.add((d.year, d.month))
            d += timedelta(days=1)
    return sorted(out)


# --- duty roster (应急值班表) and attendance ---------------------------------------------------------


def _may_plan(user, contract) -> bool:
    # 附件3 5(1): the contractor sends its staff on site; it keeps the roster
    return cperms.can_deliver(user, contract)


SHIFT_FIELDS = ("person", "starts_at", "ends_at", "post", "phone")


def _shift_problems(row: DutyShift, contract) -> list[str]:
    problems = []
    period = row.special_period
    person = row.person
    if person is None or person.contract_id != contract.pk or not person.is_active:
        problems.append(_("The person is not on this contract's team."))
    if not row.post.strip():
        problems.append(_("Enter the post or location."))
    if row.starts_at is None or row.ends_at is None:
        problems.append(_("Enter the start and the end of the shift."))
        return problems
    if row.ends_at <= row.starts_at:
        problems.append(_("The shift must end after it starts."))
    start, end = selectors.period_window(period)
    if row.starts_at < start or row.ends_at > end:
        problems.append(_("The shift lies outside the special period (%(start)s to %(end)s).")
                        % {"start": f"{period.starts_on:%Y-%m-%d} 00:00", "end": f"{period.ends_on:%Y-%m-%d} 24:00"})  # fmt: skip
    return problems


def shift_save(
    *, actor, contract, special_period: SpecialPeriod, shift: DutyShift | None = None, **data
) -> DutyShift:
    """Plan or change one on-site duty shift; a person's shifts never overlap and stay inside the period."""
    if not _may_plan(actor, contract):
        raise PermissionDenied(_("Only the contractor's engineers may plan the duty roster."))
    unknown = set(data) - set(SHIFT_FIELDS)
    if unknown:
        raise RosterInvalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not selectors.special_periods_for(contract=contract, start=special_period.starts_on,
                                         end=special_period.ends_on).filter(pk=special_period.pk).exists():  # fmt: skip
        raise RosterInvalid(_("This special period does not apply to the contract."))
    if shift is not None and (
        shift.contract_id != contract.pk or shift.special_period_id != special_period.pk
    ):
        raise RosterInvalid(_("The shift belongs to another roster."))
    with transaction.atomic():
        row = DutyShift.objects.select_for_update().get(pk=shift.pk) if shift else DutyShift(
            contract=contract, special_period=special_period, created_by=actor)  # fmt: skip
        before = {k: _plain(getattr(row, k)) for k in SHIFT_FIELDS} if shift else None
        for k, v in data.items():
            setattr(row, k, v.strip() if isinstance(v, str) else v)
        problems = _shift_problems(row, contract)
        if not problems:
            # the person's row lock serialises two planners booking the same engineer at once
            contract.personnel.select_for_update().filter(pk=row.person_id).first()
            clash = (DutyShift.objects.filter(person_id=row.person_id, starts_at__lt=row.ends_at, ends_at__gt=row.starts_at)
                     .exclude(pk=row.pk).first())  # fmt: skip
            if clash is not None:
                problems.append(_("%(name)s is already on duty from %(start)s to %(end)s.")
                                % {"name": row.person.name, "start": _local(clash.starts_at), "end": _local(clash.ends_at)})  # fmt: skip
        if problems:
            raise RosterInvalid("; ".join(str(p) for p in problems), details=[str(p) for p in problems])
        if shift is not None and row.attendance.exists() and before["person"] != row.person_id:
            raise RosterInvalid(_("Attendance was recorded on this shift; its person cannot change."))
        row.save()
        audit_record(action="incidents.shift_save", actor=actor, obj=row, before=before,
                     after={**{k: _plain(getattr(row, k)) for k in SHIFT_FIELDS}, "special_period": special_period.pk})  # fmt: skip
    return row


def shift_delete(*, actor, shift: DutyShift) -> None:
    """Remove a planned shift; one with attendance recorded stays (it is evidence)."""
    if not _may_plan(actor, shift.contract):
        raise PermissionDenied(_("Only the contractor's engineers may plan the duty roster."))
    with transaction.atomic():
        row = DutyShift.objects.select_for_update().get(pk=shift.pk)
        if row.attendance.exists():
            raise RosterInvalid(_("Attendance was recorded on this shift; it cannot be deleted."))
        before = {k: _plain(getattr(row, k)) for k in SHIFT_FIELDS}
        audit_record(action="incidents.shift_delete", actor=actor, obj=row, before=before)
        row.delete()


def _plain(value):
    return getattr(value, "pk", value)


def _local(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _may_attest(user, contract) -> bool:
    # either party may sign the attendance sheet: the engineer on arrival, the client's staff on site
    return cperms.can_deliver(user, contract) or cperms.can_score(user, contract)


def _overlapping_presence(person_id: int, start: datetime, end: datetime | None, exclude: int | None = None):
    qs = DutyAttendance.objects.filter(shift__person_id=person_id).exclude(pk=exclude)
    if end is None:  # an open record: anything still open, or a closed one holding ``start``
        return qs.filter(
            models.Q(checked_out_at__isnull=True)
            | models.Q(checked_in_at__lte=start, checked_out_at__gt=start)
        ).first()
    return qs.filter(models.Q(checked_out_at__isnull=True, checked_in_at__lt=end)
                     | models.Q(checked_in_at__lt=end, checked_out_at__gt=start)).first()  # fmt: skip


def attendance_check_in(
    *, actor, shift: DutyShift, at: datetime | None = None, note: str = ""
) -> DutyAttendance:
    """The person of ``shift`` arrives on site (actual presence, not the plan)."""
    if not _may_attest(actor, shift.contract):
        raise PermissionDenied(_("Only the parties' acting staff may record attendance."))
    at = at or timezone.now()
    start, end = selectors.period_window(shift.special_period)
    problems = []
    if not (start <= at < end):
        problems.append(_("The check-in lies outside the special period."))
    if at > timezone.now() + FUTURE_SLACK:
        problems.append(_("A check-in cannot be in the future."))
    with transaction.atomic():
        shift.contract.personnel.select_for_update().filter(pk=shift.person_id).first()
        other = _overlapping_presence(shift.person_id, at, None)
        if other is not None:
            problems.append(_("%(name)s is already checked in (since %(at)s).")
                            % {"name": shift.person.name, "at": _local(other.checked_in_at)})  # fmt: skip
        if problems:
            raise RosterInvalid("; ".join(str(p) for p in problems), details=[str(p) for p in problems])
        row = DutyAttendance.objects.create(
            shift=shift, checked_in_at=at, note=note.strip()[:300], recorded_by=actor
        )
        audit_record(action="incidents.attendance_check_in", actor=actor, obj=row,
                     after={"shift": shift.pk, "person": shift.person_id, "checked_in_at": at})  # fmt: skip
    return row


def attendance_check_out(*, actor, attendance: DutyAttendance, at: datetime | None = None) -> DutyAttendance:
    """The person leaves the site; the presence interval is closed."""
    shift = attendance.shift
    if not _may_attest(actor, shift.contract):
        raise PermissionDenied(_("Only the parties' acting staff may record attendance."))
    at = at or timezone.now()
    with transaction.atomic():
        row = DutyAttendance.objects.select_for_update().get(pk=attendance.pk)
        problems = []
        if row.checked_out_at is not None:
            raise RosterInvalid(_("The check-out was recorded already."))
        if at <= row.checked_in_at:
            problems.append(
                _("The check-out must come after the check-in (%(at)s).") % {"at": _local(row.checked_in_at)}
            )
        elif _overlapping_presence(shift.person_id, row.checked_in_at, at, exclude=row.pk) is not None:
            problems.append(_("This would overlap another attendance record of the same person."))
        if at > timezone.now() + FUTURE_SLACK:
            problems.append(_("A check-out cannot be in the future."))
        if problems:
            raise RosterInvalid("; ".join(str(p) for p in problems), details=[str(p) for p in problems])
        row.checked_out_at = at
        row.save(update_fields=["checked_out_at"])
        audit_record(action="incidents.attendance_check_out", actor=actor, obj=row,
                     before={"checked_out_at": None}, after={"checked_out_at": at})  # fmt: skip
    return row
