"""Incident reads, scoped through the contract: the client and the contractor see their contract's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts.catalog import EMERGENCY_RESPONSE_HOURS
from wangan.contracts.selectors import contract_list_for
from wangan.core.errors import NotFound
from wangan.incidents import availability, coverage
from wangan.incidents.classification import termination_right
from wangan.incidents.models import DutyAttendance, DutyShift, EmergencyRequest, Incident, SpecialPeriod


def incident_list_for(*, user, contract=None, filters: dict | None = None) -> QuerySet[Incident]:
    """Incidents of the caller's contracts; ``filters``: level ("A", "B", "none"), kind, special
    ("any" = in a 重保 period, "major"), since/until (dates of the start, inclusive)."""
    qs = Incident.objects.filter(contract__in=contract_list_for(user=user).values("pk"))
    if contract is not None:
        qs = qs.filter(contract=contract)
    f = filters or {}
    if f.get("level") in ("A", "B"):
        qs = qs.filter(level=f["level"])
    elif f.get("level") == "none":
        qs = qs.filter(level="")
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("special") == "any":
        qs = qs.exclude(period_level="")
    elif f.get("special") == "major":
        qs = qs.filter(period_level="major")
    if f.get("since"):
        qs = qs.filter(started_at__gte=_day_start(f["since"]))
    if f.get("until"):
        qs = qs.filter(started_at__lt=_day_start(f["until"] + timedelta(days=1)))
    return qs.select_related("contract", "special_period")


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.get_default_timezone())


def incident_get_for(*, user, pk: int) -> Incident:
    row = incident_list_for(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def request_list_for(*, user, contract=None) -> QuerySet[EmergencyRequest]:
    qs = EmergencyRequest.objects.filter(contract__in=contract_list_for(user=user).values("pk"))
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.select_related("contract", "incident", "raised_by", "responded_by", "recovered_by")


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


def response_findings(*, contract, now: datetime | None = None) -> list[Finding]:
    """Everything the incidents app can judge for penalty_scan: response/recovery bands, unattended
    on-site duty (附件5 10–11, 附件6 9–10) and availability and outages (附件5 1, 附件6 1–3)."""
    return [*_request_findings(contract=contract), *duty_findings(contract=contract, now=now),
            *availability_findings(contract=contract, now=now)]  # fmt: skip


def _request_findings(*, contract) -> list[Finding]:
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
        recovery = _avg_minutes(
            r.recovered_at - r.raised_at for r in rows if not r.is_emergency and r.recovered_at
        )
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


# --- requests: the 2-hour clock ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestClock:
    """Where a request stands against 附件3 8(2) (respond within 2 hours); computed, never stored."""

    is_emergency: bool
    due_at: datetime | None
    status: str  # "running", "overdue", "met", "breached"; "" for an O&M request
    remaining: timedelta | None  # negative once overdue; frozen at the response
    response_minutes: float | None
    recovery_minutes: float | None  # from the request, as 附件5/附件6 measure 故障恢复时间

    @property
    def remaining_minutes(self) -> int | None:
        """Whole minutes left (None when overdue or not an emergency)."""
        if self.remaining is None or self.remaining < timedelta(0):
            return None
        return int(self.remaining.total_seconds() // 60)

    @property
    def overdue_minutes(self) -> int | None:
        if self.remaining is None or self.remaining >= timedelta(0):
            return None
        return int(-self.remaining.total_seconds() // 60)

    @property
    def limit_minutes(self) -> int:
        return EMERGENCY_RESPONSE_HOURS * 60


def request_clock(*, request: EmergencyRequest, now: datetime | None = None) -> RequestClock:
    """Due time = raised + 2 h (the same as the core deadline's); no query."""
    now = now or timezone.now()
    r = request
    response = (r.responded_at - r.raised_at).total_seconds() / 60 if r.responded_at else None
    recovery = (r.recovered_at - r.raised_at).total_seconds() / 60 if r.recovered_at else None
    if not r.is_emergency:
        return RequestClock(False, None, "", None, response, recovery)
    due = r.raised_at + timedelta(hours=EMERGENCY_RESPONSE_HOURS)
    if r.responded_at:
        status = "met" if r.responded_at <= due else "breached"
        return RequestClock(True, due, status, due - r.responded_at, response, recovery)
    return RequestClock(True, due, "running" if now <= due else "overdue", due - now, None, None)


# --- special periods and the duty roster ------------------------------------------------------------


def period_window(period: SpecialPeriod) -> tuple[datetime, datetime]:
    """[first day 00:00, day after the last 00:00) in local time: 7×24 duty covers whole days."""
    return _day_start(period.starts_on), _day_start(period.ends_on + timedelta(days=1))


def special_period_list_for(*, contract, year: int) -> QuerySet[SpecialPeriod]:
    """The year's periods of a contract the caller already reached: statutory ones and its authority's."""
    from django.db.models import Count

    return special_periods_for(contract=contract, start=date(year, 1, 1), end=date(year, 12, 31)).annotate(
        shift_count=Count("duty_shifts", filter=Q(duty_shifts__contract=contract)))  # fmt: skip


def special_period_get_for(*, contract, pk: int) -> SpecialPeriod:
    row = SpecialPeriod.objects.filter(
        Q(source="calendar") | Q(declared_by_org_id=contract.client_id), pk=pk
    ).first()
    if row is None:
        raise NotFound()
    return row


def shift_list_for(*, user, contract=None, period=None) -> QuerySet[DutyShift]:
    qs = DutyShift.objects.filter(contract__in=contract_list_for(user=user).values("pk"))
    if contract is not None:
        qs = qs.filter(contract=contract)
    if period is not None:
        qs = qs.filter(special_period=period)
    return qs.select_related("contract", "special_period", "person")


def shift_get_for(*, user, pk: int) -> DutyShift:
    row = shift_list_for(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def attendance_get_for(*, user, pk: int) -> DutyAttendance:
    row = (DutyAttendance.objects.filter(pk=pk, shift__contract__in=contract_list_for(user=user).values("pk"))
           .select_related("shift__contract", "shift__special_period", "shift__person").first())  # fmt: skip
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class GapRow:
    gap: coverage.Gap
    code: str  # the row it would suggest (closed gaps in a band only), else ""


@dataclass
class RosterCoverage:
    """A period's roster against 7×24: what the plan leaves open and when nobody was actually there."""

    period: SpecialPeriod
    start: datetime
    end: datetime
    horizon: datetime  # attendance is judged up to here (now, or the period's end)
    shifts: list[DutyShift]
    attendance: list[DutyAttendance]
    planned_gaps: list[coverage.Gap]
    unattended: list[GapRow]
    serious: list[Incident]  # class A/B accidents in the period: the 附件5 rows apply
    grid: list[coverage.DayRow]

    @property
    def planned_hours(self) -> float:
        return (
            coverage.covered([(s.starts_at, s.ends_at) for s in self.shifts], self.start, self.end)
            / coverage.HOUR
        )

    @property
    def attended_hours(self) -> float:
        return (
            coverage.covered(_presence(self.attendance, self.horizon), self.start, self.horizon)
            / coverage.HOUR
        )


def _presence(rows, horizon: datetime) -> list[coverage.Interval]:
    # an open check-in counts as presence up to the horizon (the person is still there)
    return [(a.checked_in_at, a.checked_out_at or max(horizon, a.checked_in_at)) for a in rows]


def roster_coverage(*, contract, period: SpecialPeriod, now: datetime | None = None, with_grid: bool = True,
                    shifts: list[DutyShift] | None = None) -> RosterCoverage:  # fmt: skip
    """Planned gaps and unattended gaps of one period's roster (3 queries)."""
    start, end = period_window(period)
    horizon = min(end, max(start, now or timezone.now()))
    if shifts is None:
        shifts = list(
            DutyShift.objects.filter(contract=contract, special_period=period).select_related("person")
        )
    attendance = list(
        DutyAttendance.objects.filter(shift__in=[s.pk for s in shifts]).select_related("shift__person")
    )
    planned = [(s.starts_at, s.ends_at) for s in shifts]
    present = _presence(attendance, horizon)
    serious = list(Incident.objects.filter(contract=contract, level__in=("A", "B"), started_at__gte=start,
                                           started_at__lt=end))  # fmt: skip
    rows = []
    for gap in coverage.gaps(start, horizon, present, window_end=end):
        codes = coverage.BAND_CODES.get(gap.band)
        code = "" if gap.is_open or not codes else codes[0 if serious else 1]
        rows.append(GapRow(gap, code))
    grid = (coverage.hour_grid(start, end, planned, present, horizon=horizon, tz=timezone.get_default_timezone())
            if with_grid else [])  # fmt: skip
    return RosterCoverage(period, start, end, horizon, shifts, attendance, coverage.gaps(start, end, planned), rows,
                          serious, grid)  # fmt: skip


def duty_findings(*, contract, now: datetime | None = None) -> list[Finding]:
    """Unattended on-site duty of the periods this contract keeps a roster for.

    Bands are strict (附件5 10–11, 附件6 9–10: "大于 1 小时且小于 2 小时", "大于 2 小时且小于 4 小时");
    a period with a class A/B accident is "serious" (the 附件5 row), as in the response-time rows.
    A gap still open at ``now`` is judged once it closes.
    """
    shifts_by_period: dict[int, list[DutyShift]] = defaultdict(list)
    periods: dict[int, SpecialPeriod] = {}
    for s in DutyShift.objects.filter(contract=contract).select_related("special_period", "person"):
        shifts_by_period[s.special_period_id].append(s)
        periods[s.special_period_id] = s.special_period
    out: list[Finding] = []
    for pid, period in sorted(periods.items(), key=lambda kv: (kv[1].starts_on, kv[0])):
        cov = roster_coverage(
            contract=contract, period=period, now=now, with_grid=False, shifts=shifts_by_period[pid]
        )
        for row in cov.unattended:
            if not row.code:
                continue
            gap = row.gap
            if cov.serious:
                why = _("class %(level)s accident “%(title)s” in the period, so the 附件5 row applies") % {
                    "level": cov.serious[0].level, "title": cov.serious[0].title}  # fmt: skip
            else:
                why = _("no class A/B accident in the period, so the 附件6 row applies")
            out.append(Finding(row.code, _("%(period)s: nobody on site from %(start)s to %(end)s (%(minutes)d min, "
                                           "between %(low)s and %(high)s h); %(why)s.")
                               % {"period": period.name, "start": _local(gap.start), "end": _local(gap.end),
                                  "minutes": round(gap.minutes), "why": why,
                                  "low": 1 if gap.band == coverage.BAND_1_2 else 2,
                                  "high": 2 if gap.band == coverage.BAND_1_2 else 4},
                               f"{row.code}:duty:{period.pk}:{_stamp(gap.start)}"))  # fmt: skip
    return out


def _local(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _stamp(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y%m%d%H%M}"


# --- availability (附件5 1, 附件6 1–3) ----------------------------------------------------------------

SERIOUS_LOSS = 500_000  # CNY: the loss that makes a 附件4 outage class B; read here as 严重损失 (附件5 1)


@dataclass(frozen=True)
class AvailabilityRow:
    month: availability.Month  # ended outages only: what the findings judge
    shown: availability.Month  # with outages still going on, up to now
    serious: str  # why the month counts as serious (附件5 1), "" if not
    code: str  # "M1", "G1" or ""
    is_future: bool = False  # the month has not begun: nothing to measure yet

    @property
    def has_ongoing(self) -> bool:
        return self.shown.down_seconds != self.month.down_seconds


@dataclass(frozen=True)
class AvailabilityTable:
    rows: list[AvailabilityRow]
    long_outages: list[availability.Outage]
    clusters: list[availability.Cluster]


def _service_months(contract) -> list[tuple[int, int]]:
    y, m = contract.service_start.year, contract.service_start.month
    return [((y * 12 + m - 1 + k) // 12, (m - 1 + k) % 12 + 1) for k in range(12)]


def availability_table(*, contract, now: datetime | None = None) -> AvailabilityTable:
    """The 12 service months' availability from the provider's outages, with the findings' inputs (2 queries)."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    rows = list(
        Incident.objects.filter(contract=contract, kind="outage", is_provider_fault=True).order_by(
            "started_at"
        )
    )
    ended = [availability.Outage(i.pk, i.started_at, i.ended_at, i.title) for i in rows if i.ended_at]
    shown = ended + [availability.Outage(i.pk, i.started_at, max(now, i.started_at), i.title)
                     for i in rows if not i.ended_at]  # fmt: skip
    incidents = list(Incident.objects.filter(contract=contract).filter(Q(level__in=("A", "B")) | Q(kind="outage"))
                     .only("pk", "title", "level", "kind", "started_at", "loss_amount", "is_provider_fault"))  # fmt: skip
    out = []
    for year, month in _service_months(contract):
        m = availability.month_availability(year, month, ended, tz)
        serious = _serious_month(incidents, year, month) if m.is_below else ""
        code = ("M1" if serious else "G1") if m.is_below else ""
        begins = availability.month_bounds(year, month, tz)[0]
        out.append(AvailabilityRow(m, availability.month_availability(year, month, shown, tz), serious, code,
                                   is_future=begins > now))  # fmt: skip
    return AvailabilityTable(out, availability.long_outages(ended), availability.clusters(ended))


def _serious_month(incidents: list[Incident], year: int, month: int) -> str:
    """附件5 1 "造成严重损失": a class A/B accident that month, or outage losses of 500,000 CNY or more."""
    here = [i for i in incidents if (timezone.localtime(i.started_at).year, timezone.localtime(i.started_at).month)
            == (year, month)]  # fmt: skip
    graded = [i for i in here if i.level in ("A", "B")]
    if graded:
        return _("class %(level)s accident “%(title)s” that month") % {
            "level": graded[0].level,
            "title": graded[0].title,
        }
    loss = sum((i.loss_amount for i in here if i.kind == "outage" and i.is_provider_fault), 0)
    if loss >= SERIOUS_LOSS:
        return _("outage losses of %(loss)s CNY that month (500,000 CNY or more)") % {"loss": f"{loss:,.2f}"}
    return ""


def availability_formula(m: availability.Month) -> str:
    return f"({m.total_minutes:,} − {m.down_minutes:,}) / {m.total_minutes:,} = {m.percent}%"


def availability_findings(*, contract, now: datetime | None = None) -> list[Finding]:
    """附件5 1 / 附件6 1 per month below 99.9 %; 附件6 2 per outage of 2 h or more; 附件6 3 per bad week.
    Outages still going on are judged once they end."""
    table = availability_table(contract=contract, now=now)
    out = []
    for row in table.rows:
        if not row.code:
            continue
        why = (_("serious: %(why)s") % {"why": row.serious} if row.serious
               else _("not serious: no class A/B accident and outage losses below 500,000 CNY that month"))  # fmt: skip
        out.append(Finding(row.code, _("%(month)s: availability %(formula)s, below 99.9%%; %(why)s.")
                           % {"month": row.month.label, "formula": availability_formula(row.month), "why": why},
                           f"{row.code}:availability:{row.month.label}"))  # fmt: skip
    for o in table.long_outages:
        out.append(Finding("G2", _("Outage “%(title)s” from %(start)s to %(end)s: %(minutes)d min (2 hours or more).")
                           % {"title": o.title, "start": _local(o.start), "end": _local(o.end),
                              "minutes": round(o.duration.total_seconds() / 60)},
                           f"G2:outage:{o.ref}"))  # fmt: skip
    for c in table.clusters:
        out.append(Finding("G3", _("%(count)d outages totalling %(minutes)d min within 7 days from %(start)s "
                                   "(3 or more, or 4 hours or more): %(titles)s.")
                           % {"count": len(c.outages), "minutes": round(c.total.total_seconds() / 60),
                              "start": _local(c.start), "titles": "、".join(o.title for o in c.outages)},
                           f"G3:outages:{c.outages[0].ref}"))  # fmt: skip
    return out
