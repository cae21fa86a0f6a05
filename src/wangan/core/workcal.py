"""Working days: the official Chinese schedule, admin-entered years, and a flagged statutory fallback.

How one day is decided (the first rule that applies):

1. an admin ``CalendarDay`` row for that date (also corrects a packaged year, e.g. an extended holiday);
2. the packaged official schedule (``chinese_calendar``), make-up working weekends included;
3. a year with at least one admin row: the admin entered its schedule, so other days follow the week;
4. otherwise the statutory holidays (``holidays.China``) and the week — every such day is *provisional*.

Counting follows the civil code (民法典 第二百零一条): the start day is not counted.  Deadlines in
working days end at 24:00 local time of the last day (民法典 第二百零三条).
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from typing import Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import ValidationFailed
from wangan.core.models import CalendarDay

YearStatus = Literal["official", "admin", "provisional"]

# Bounds the day-by-day walk: 10,000 working days is ~40 years, far beyond any SLA.
MAX_WORKING_DAYS = 10_000
# Other processes (web nodes, workers) see an admin edit at the latest after this long;
# the writing process sees it at once.
ADMIN_CACHE_SECONDS = 60.0
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length

_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "work", "working", "workday", "班", "上班", "工作日"})
_FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "off", "holiday", "休", "休息", "放假", "假"})


@dataclass(frozen=True)
class WorkdayResult:
    """A computed day (a ``date``; an aware ``datetime`` from ``add_working_time``) and its reliability."""

    date: date
    is_provisional: bool


@dataclass(frozen=True)
class WorkdayCount:
    """A signed number of working days and whether any day counted was provisional."""

    days: int
    is_provisional: bool


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date and where it got it."""

    date: date
    is_working: bool
    source: YearStatus  # "admin" when an admin row decided this day
    name: str = ""

    @property
    def is_provisional(self) -> bool:
        return self.source == "provisional"

    @property
    def is_standard(self) -> bool:
        """True when the day follows the plain Monday–Friday week."""
        return self.is_working == (self.date.weekday() < 5)


@dataclass(frozen=True)
class CalendarEntry:
    """One row of an admin schedule: a weekday holiday or a make-up working weekend day."""

    date: date
    is_working: bool
    name: str = ""


@dataclass(frozen=True)
class ImportSummary:
    """What ``calendar_year_import`` changed."""

    year: int
    added: int
    changed: int
    removed: int
    unchanged: int


# --- the per-year tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    status: YearStatus
    days: dict[date, tuple[bool, str]]  # every day that is not decided by the plain week
    admin_days: frozenset[date]


@cache
def _official_days(year: int) -> dict[date, tuple[bool, str]] | None:
    """Days of ``year`` where the packaged official schedule departs from the week; None if unknown."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:  # the package only knows the years published before its release
        return None
    days: dict[date, tuple[bool, str]] = {}
    d = date(year, 1, 1)
    while d.year == year:
        is_working = chinese_calendar.is_workday(d)
        if is_working != (d.weekday() < 5):
            _, name = chinese_calendar.get_holiday_detail(d)
            days[d] = (is_working, name or "")
        d += timedelta(days=1)
    return days


@cache
def _statutory_days(year: int) -> dict[date, tuple[bool, str]]:
    """Weekday statutory holidays (and any make-up weekends the package knows) of ``year``."""
    import holidays

    table = holidays.China(years=year)
    days: dict[date, tuple[bool, str]] = {
        d: (False, name) for d, name in table.items() if d.year == year and d.weekday() < 5
    }
    for d in getattr(table, "weekend_workdays", ()):
        if d.year == year:
            days[d] = (True, "")
    return days


class _Cache:
    """Admin rows (few: tens a year) loaded in one query; year tables derived from them.

    The state is one tuple swapped whole, so readers need no lock; the generation keeps a load that
    raced with a write from installing rows read before it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: tuple[int, float | None, dict[int, dict[date, tuple[bool, str]]], dict[int, _Year]] = (
            0, None, {}, {},
        )  # fmt: skip

    def clear(self) -> None:
        with self.lock:
            self.state = (self.state[0] + 1, None, {}, {})

    def year(self, year: int) -> _Year:
        generation, loaded_at, admin, years = self.state
        if loaded_at is None or time.monotonic() - loaded_at > ADMIN_CACHE_SECONDS:
            admin, years = {}, {}
            for d, is_working, name in CalendarDay.objects.values_list("date", "is_working", "name"):
                admin.setdefault(d.year, {})[d] = (is_working, name)
            with self.lock:
                if self.state[0] == generation:
                    self.state = (generation, time.monotonic(), admin, years)
        table = years.get(year)
        if table is None:
            table = years[year] = _build_year(year, admin.get(year, {}))
        return table


def _build_year(year: int, admin: dict[date, tuple[bool, str]]) -> _Year:
    official = _official_days(year)
    status: YearStatus
    if official is not None:
        status, days = "official", dict(official)
    elif admin:
        status, days = "admin", {}
    else:
        status, days = "provisional", dict(_statutory_days(year))
    days.update(admin)
    return _Year(status=status, days=days, admin_days=frozenset(admin))


_cache = _Cache()


def workcal_cache_clear() -> None:
    """Forget the cached admin rows (called after every write; tests call it too)."""
    _cache.clear()


def _lookup(d: date) -> tuple[bool, bool]:
    """(is_working, is_provisional) of one day; the hot path of every walk."""
    table = _cache.year(d.year)
    entry = table.days.get(d)
    is_working = entry[0] if entry is not None else d.weekday() < 5
    return is_working, table.status == "provisional" and d not in table.admin_days


# --- questions -------------------------------------------------------------------------------


def year_status(year: int) -> YearStatus:
    """``official`` (packaged schedule), ``admin`` (entered by an admin) or ``provisional``."""
    return _cache.year(year).status


def day_info(d: date) -> DayInfo:
    """Whether ``d`` is a working day, why, and how sure we are."""
    table = _cache.year(d.year)
    is_working, name = table.days.get(d, (d.weekday() < 5, ""))
    source: YearStatus = "admin" if d in table.admin_days else table.status
    return DayInfo(date=d, is_working=is_working, source=source, name=name)


def is_working_day(d: date) -> bool:
    """True if ``d`` is a working day (see ``day_info`` for whether that is provisional)."""
    return _lookup(d)[0]


def year_days(year: int) -> list[DayInfo]:
    """The days of ``year`` that depart from the plain week, plus every admin row, in date order."""
    table = _cache.year(year)
    return [day_info(d) for d in sorted(table.days)]


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationFailed(
            _("The number of working days must be a whole number."), code="WORKDAYS_INVALID"
        )
    if n < 0:
        raise ValidationFailed(
            _("The number of working days must not be negative (got %(n)s).") % {"n": n},
            code="WORKDAYS_NEGATIVE",
        )
    if n > MAX_WORKING_DAYS:
        raise ValidationFailed(
            _("At most %(max)s working days can be added (got %(n)s).") % {"max": MAX_WORKING_DAYS, "n": n},
            code="WORKDAYS_TOO_MANY",
        )


def add_working_days(start: date, n: int) -> WorkdayResult:
    """The ``n``-th working day after ``start`` (``start`` itself never counts); ``n == 0`` gives ``start``."""
    _check_count(n)
    d, found, provisional = start, 0, False
    try:
        while found < n:
            d += timedelta(days=1)
            is_working, is_provisional = _lookup(d)
            provisional = provisional or is_provisional
            found += is_working
    except OverflowError:
        raise ValidationFailed(
            _("The result is beyond the last supported date."), code="DATE_OUT_OF_RANGE"
        ) from None
    return WorkdayResult(date=d, is_provisional=provisional)


def working_days_between(a: date, b: date) -> WorkdayCount:
    """Working days in (a, b]; negative (the days in (b, a]) when ``b`` is before ``a``."""
    low, high, sign = (a, b, 1) if b >= a else (b, a, -1)
    days, provisional = 0, False
    d = low
    while d < high:
        d += timedelta(days=1)
        is_working, is_provisional = _lookup(d)
        provisional = provisional or is_provisional
        days += is_working
    return WorkdayCount(days=sign * days, is_provisional=provisional)


def add_working_time(start: datetime, n: int) -> WorkdayResult:
    """Due time ``n`` working days after ``start``: the end (24:00) of that day in ``TIME_ZONE``.

    End of day, not the same clock time: the civil code ends a period counted in days at 24:00 of its
    last day (民法典 第二百零三条), which is what "within 5 working days" means in the seeds.  A naive
    ``start`` is read as local time; ``n == 0`` gives ``start`` itself.  ``.date`` of the result is an
    aware ``datetime``.
    """
    tz = timezone.get_default_timezone()
    if timezone.is_naive(start):
        start = timezone.make_aware(start, tz)
    if n == 0:
        return WorkdayResult(date=start, is_provisional=False)
    day = add_working_days(timezone.localtime(start, tz).date(), n)
    due = datetime.combine(day.date, dtime.max, tzinfo=tz)
    return WorkdayResult(date=due, is_provisional=day.is_provisional)


# --- admin schedule: parsing and writing -----------------------------------------------------


def _entry_dict(is_working: bool, name: str) -> dict:
    return {"is_working": is_working, "name": name}


def _name_problem(name: str) -> str | None:
    if len(name) > NAME_MAX_LENGTH:
        return _("the name is longer than %(max)s characters") % {"max": NAME_MAX_LENGTH}
    return None


def _after_write(year: int) -> None:
    workcal_cache_clear()
    transaction.on_commit(workcal_cache_clear)
    # A running clock computed with the old schedule (provisional ones in particular) would stay
    # silently wrong; deadlines imports this module, hence the late import.
    from wangan.core.deadlines import deadlines_recalculate

    deadlines_recalculate(first=date(year, 1, 1), last=date(year, 12, 31))


def calendar_day_set(
    *, actor, date: date, is_working: bool, name: str = "", actor_name: str = ""
) -> CalendarDay:
    """Enter or correct one day of the admin schedule (audited; running clocks recomputed)."""
    name = (name or "").strip()
    problem = _name_problem(name)
    if problem:
        raise ValidationFailed(problem, code="CALENDAR_DAY_INVALID")
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = _entry_dict(row.is_working, row.name) if row else None
        after = _entry_dict(bool(is_working), name)
        if before == after:
            return row
        if row is None:
            row = CalendarDay.objects.create(date=date, is_working=bool(is_working), name=name)
        else:
            row.is_working, row.name = bool(is_working), name
            row.save(update_fields=["is_working", "name"])
        audit_record(
            action="calendar.day_set",
            actor=actor,
            actor_name=actor_name,
            object_type="calendar_day",
            object_id=str(date),
            object_repr=str(row),
            before=before,
            after=after,
        )
        _after_write(date.year)
    return row


def calendar_year_problems(*, year: int, entries: list[CalendarEntry]) -> list[str]:
    """Every reason ``entries`` cannot be the admin schedule of ``year`` (empty when they can)."""
    problems: list[str] = []
    if not entries:
        problems.append(_("there are no rows"))
    seen: set[date] = set()
    for entry in entries:
        if entry.date.year != year:
            problems.append(_("%(date)s is not in %(year)s") % {"date": entry.date, "year": year})
        if entry.date in seen:
            problems.append(_("%(date)s is given more than once") % {"date": entry.date})
        seen.add(entry.date)
        problem = _name_problem(entry.name)
        if problem:
            problems.append(f"{entry.date}: {problem}")
    return problems


def calendar_year_import(
    *, actor, year: int, rows: Iterable[CalendarEntry], actor_name: str = ""
) -> ImportSummary:
    """Replace the admin schedule of ``year`` with ``rows``: all or nothing, one audit event per changed day."""
    entries = [r if isinstance(r, CalendarEntry) else CalendarEntry(*r) for r in rows]
    entries = [CalendarEntry(e.date, bool(e.is_working), (e.name or "").strip()) for e in entries]
    problems = calendar_year_problems(year=year, entries=entries)
    if problems:
        raise ValidationFailed(
            _("The schedule for %(year)s was not imported; nothing was changed.") % {"year": year},
            code="CALENDAR_IMPORT_INVALID",
            details=problems,
        )
    wanted = {e.date: _entry_dict(e.is_working, e.name) for e in entries}
    added = changed = removed = unchanged = 0
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)}
        for d in sorted(set(existing) | set(wanted)):
            row, after = existing.get(d), wanted.get(d)
            before = _entry_dict(row.is_working, row.name) if row else None
            if before == after:
                unchanged += 1
                continue
            if after is None:
                row.delete()
                removed += 1
            elif row is None:
                CalendarDay.objects.create(date=d, **after)
                added += 1
            else:
                row.is_working, row.name = after["is_working"], after["name"]
                row.save(update_fields=["is_working", "name"])
                changed += 1
            audit_record(
                action="calendar.day_set",
                actor=actor,
                actor_name=actor_name,
                object_type="calendar_day",
                object_id=str(d),
                before=before,
                after=after,
            )
        if added or changed or removed:
            _after_write(year)
    return ImportSummary(year=year, added=added, changed=changed, removed=removed, unchanged=unchanged)


def _parse_bool(raw: str) -> bool | None:
    word = raw.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def calendar_csv_parse(*, data: bytes | str) -> list[CalendarEntry]:
    """Read ``date,is_working,name`` rows (header and ``#`` comments optional); every bad row is reported."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheets on Chinese Windows save CSV in GB18030/GBK.
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ValidationFailed(
                    _("The file is neither UTF-8 nor GB18030 text."), code="CALENDAR_IMPORT_INVALID"
                ) from None
    else:
        text = data.removeprefix("\ufeff")
    entries: list[CalendarEntry] = []
    problems: list[str] = []
    first_data_row = True
    for line_no, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first_data_row and cells[0].lower() in {"date", "日期"}:
            first_data_row = False
            continue
        first_data_row = False
        row_problems: list[str] = []
        if len(cells) not in (2, 3):
            problems.append(
                _("line %(line)s: expected date,is_working,name but found %(count)s columns")
                % {"line": line_no, "count": len(cells)}
            )
            continue
        raw_date, raw_working = cells[0], cells[1]
        name = cells[2] if len(cells) == 3 else ""
        try:
            d = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        except ValueError:
            d = None
        if d is None:
            row_problems.append(_("%(value)r is not a date (YYYY-MM-DD)") % {"value": raw_date})
        is_working = _parse_bool(raw_working)
        if is_working is None:
            row_problems.append(
                _("%(value)r is not a working flag (use 1/0, true/false, work/off)") % {"value": raw_working}
            )
        name_problem = _name_problem(name)
        if name_problem:
            row_problems.append(name_problem)
        if row_problems:
            problems.append(
                _("line %(line)s: %(problems)s") % {"line": line_no, "problems": "; ".join(row_problems)}
            )
        else:
            entries.append(CalendarEntry(date=d, is_working=is_working, name=name))
    if problems:
        raise ValidationFailed(
            _("The file has invalid rows; nothing was imported."),
            code="CALENDAR_IMPORT_INVALID",
            details=problems,
        )
    return entries
