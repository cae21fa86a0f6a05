"""Working-day calendar: the official 2026 schedule, admin-entered 2027, the provisional fallback."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from wangan.core import workcal
from wangan.core.errors import ValidationFailed
from wangan.core.models import AuditEvent, CalendarDay
from wangan.core.workcal import CalendarEntry

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

# A fictitious 2027 schedule, as an admin would enter it from a State Council notice.
SCHEDULE_2027 = [
    CalendarEntry(date(2027, 1, 1), False, "元旦"),
    CalendarEntry(date(2027, 2, 5), False, "春节"),
    CalendarEntry(date(2027, 2, 8), False, "春节"),
    CalendarEntry(date(2027, 2, 9), False, "春节"),
    CalendarEntry(date(2027, 2, 10), False, "春节"),
    CalendarEntry(date(2027, 2, 11), False, "春节"),
    CalendarEntry(date(2027, 2, 20), True, "春节调休上班"),
]


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    workcal.workcal_cache_clear()
    with translation.override("en"):  # messages are asserted in their English source form
        yield
    workcal.workcal_cache_clear()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # National Day 2026: Oct 1–7 off, Sat Oct 10 is a make-up working day.
        (date(2026, 9, 30), 5, date(2026, 10, 13)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),
        # Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 are make-up working days.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        # New Year 2026: Jan 1–3 off, Sun Jan 4 works.
        (date(2025, 12, 31), 1, date(2026, 1, 4)),
        # Labour Day 2026: May 1–5 off, Sat May 9 works.
        (date(2026, 4, 30), 3, date(2026, 5, 8)),
        (date(2026, 4, 30), 4, date(2026, 5, 9)),
        # An ordinary week; the start day never counts, whatever it is.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        (date(2026, 10, 1), 1, date(2026, 10, 8)),
        (date(2026, 3, 9), 0, date(2026, 3, 9)),
    ],
)
def test_add_working_days_follows_the_official_2026_schedule(start, n, expected):
    assert workcal.add_working_days(start, n) == workcal.WorkdayResult(date=expected, is_provisional=False)


@pytest.mark.parametrize(
    ("day", "is_working"),
    [
        (date(2026, 1, 4), True),  # Sunday, make-up working day
        (date(2026, 2, 14), True),  # Saturday, make-up working day
        (date(2026, 2, 28), True),
        (date(2026, 5, 9), True),
        (date(2026, 9, 20), True),  # Sunday
        (date(2026, 10, 10), True),
        (date(2026, 1, 2), False),  # Friday holiday
        (date(2026, 2, 16), False),
        (date(2026, 2, 23), False),
        (date(2026, 9, 25), False),  # Mid-autumn
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 3, 7), False),  # plain Saturday
        (date(2026, 3, 9), True),  # plain Monday
    ],
)
def test_is_working_day_in_2026(day, is_working):
    assert workcal.is_working_day(day) is is_working
    info = workcal.day_info(day)
    assert info.is_working is is_working
    assert info.source == "official"
    assert not info.is_provisional


def test_2026_is_official_and_lists_its_make_up_days():
    assert workcal.year_status(2026) == "official"
    special = {info.date: info.is_working for info in workcal.year_days(2026)}
    assert special[date(2026, 10, 10)] is True
    assert special[date(2026, 10, 1)] is False
    assert date(2026, 3, 9) not in special


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Statutory rules: Spring Festival eve to day 3 (Feb 5–8), weekend days made up on Feb 9–10.
        (date(2027, 2, 4), 1, date(2027, 2, 11)),
        (date(2027, 9, 30), 1, date(2027, 10, 6)),  # Oct 1–3 and their two weekend days made up
        (date(2027, 3, 1), 5, date(2027, 3, 8)),  # no holiday inside: still provisional
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # into an unknown year
    ],
)
def test_a_year_without_schedule_uses_statutory_holidays_and_is_provisional(start, n, expected):
    assert CalendarDay.objects.count() == 0
    assert workcal.add_working_days(start, n) == workcal.WorkdayResult(date=expected, is_provisional=True)


def test_2027_without_admin_rows_is_provisional():
    assert workcal.year_status(2027) == "provisional"
    info = workcal.day_info(date(2027, 2, 8))
    assert (info.is_working, info.source, info.is_provisional) == (False, "provisional", True)
    assert workcal.working_days_between(date(2026, 12, 30), date(2026, 12, 31)).is_provisional is False
    assert workcal.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == workcal.WorkdayCount(1, True)


def test_2027_with_admin_rows_uses_them_and_is_not_provisional():
    workcal.calendar_year_import(actor=None, year=2027, rows=SCHEDULE_2027)
    assert workcal.year_status(2027) == "admin"
    # Feb 11 is an admin holiday; the statutory fallback would have made it a working day.
    assert workcal.add_working_days(date(2027, 2, 4), 1) == workcal.WorkdayResult(date(2027, 2, 12), False)
    # The admin make-up Saturday works.
    assert workcal.is_working_day(date(2027, 2, 20)) is True
    assert workcal.add_working_days(date(2027, 2, 19), 1) == workcal.WorkdayResult(date(2027, 2, 20), False)
    # A weekday the admin did not list is a working day, whatever the statutory rules would guess.
    assert workcal.day_info(date(2027, 10, 4)) == workcal.DayInfo(date(2027, 10, 4), True, "admin")
    assert workcal.day_info(date(2027, 2, 11)).name == "春节"
    assert workcal.working_days_between(date(2027, 1, 1), date(2027, 12, 31)).is_provisional is False


def test_an_admin_row_overrides_the_packaged_schedule_for_that_day_only():
    workcal.calendar_day_set(actor=None, date=date(2026, 3, 9), is_working=False, name="临时休假")
    assert workcal.year_status(2026) == "official"
    assert workcal.is_working_day(date(2026, 3, 9)) is False
    assert workcal.day_info(date(2026, 3, 9)).source == "admin"
    assert workcal.add_working_days(date(2026, 3, 6), 1).date == date(2026, 3, 10)
    assert workcal.is_working_day(date(2026, 10, 10)) is True


def test_working_days_between_counts_the_half_open_interval_and_signs_it():
    assert workcal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == workcal.WorkdayCount(
        5, False
    )
    assert workcal.working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == workcal.WorkdayCount(
        -5, False
    )
    assert workcal.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == workcal.WorkdayCount(0, False)


def test_adding_then_counting_gives_back_n_for_every_start_of_2026():
    start = date(2026, 1, 1)
    while start.year == 2026:
        for n in (1, 2, 5, 10):
            result = workcal.add_working_days(start, n)
            assert workcal.working_days_between(start, result.date).days == n
            assert workcal.is_working_day(result.date)
        start += timedelta(days=1)


@pytest.mark.parametrize(("n", "code"), [(-1, "WORKDAYS_NEGATIVE"), (10_001, "WORKDAYS_TOO_MANY")])
def test_bad_counts_are_refused(n, code):
    with pytest.raises(ValidationFailed) as exc:
        workcal.add_working_days(date(2026, 3, 9), n)
    assert exc.value.code == code


def test_add_working_time_is_due_at_the_end_of_the_last_working_day_in_shanghai():
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    result = workcal.add_working_time(start, 5)
    assert result.date == datetime(2026, 10, 13, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert result.is_provisional is False


def test_add_working_time_uses_the_local_date_not_the_utc_date():
    # 2026-09-30 17:30 UTC is already 2026-10-01 01:30 in Shanghai, a holiday.
    start = datetime(2026, 9, 30, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert workcal.add_working_time(start, 1).date == datetime(
        2026, 10, 8, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )


def test_add_working_time_reads_a_naive_start_as_local_time_and_flags_provisional_years():
    result = workcal.add_working_time(datetime(2027, 2, 4, 9, 0), 1)
    assert result.date == datetime(2027, 2, 11, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert result.is_provisional is True


def test_calendar_day_set_audits_and_is_seen_at_once():
    assert workcal.is_working_day(date(2027, 6, 12)) is False
    workcal.calendar_day_set(
        actor=None, date=date(2027, 6, 12), is_working=True, name="调休上班", actor_name="t"
    )
    assert workcal.is_working_day(date(2027, 6, 12)) is True
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert (event.object_type, event.object_id) == ("calendar_day", "2027-06-12")
    assert event.before is None
    assert event.after == {"is_working": True, "name": "调休上班"}
    # Setting the same again changes nothing and is not audited again.
    workcal.calendar_day_set(actor=None, date=date(2027, 6, 12), is_working=True, name="调休上班")
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 1
    workcal.calendar_day_set(actor=None, date=date(2027, 6, 12), is_working=False, name="")
    changed = AuditEvent.objects.filter(action="calendar.day_set").order_by("seq").last()
    assert changed.before == {"is_working": True, "name": "调休上班"}
    assert workcal.is_working_day(date(2027, 6, 12)) is False


def test_year_import_replaces_the_year_and_audits_each_changed_day():
    summary = workcal.calendar_year_import(actor=None, year=2027, rows=SCHEDULE_2027)
    assert (summary.added, summary.changed, summary.removed) == (7, 0, 0)
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 7
    corrected = [*SCHEDULE_2027[:5], CalendarEntry(date(2027, 2, 11), False, "春节假期")]
    summary = workcal.calendar_year_import(actor=None, year=2027, rows=corrected)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 1, 1, 5)
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 9
    assert workcal.is_working_day(date(2027, 2, 20)) is False
    again = workcal.calendar_year_import(actor=None, year=2027, rows=corrected)
    assert again.unchanged == 6 and AuditEvent.objects.count() == 9


def test_a_bad_year_import_lists_every_problem_and_changes_nothing():
    rows = [
        CalendarEntry(date(2027, 1, 1), False, "元旦"),
        CalendarEntry(date(2028, 1, 3), False, "wrong year"),
        CalendarEntry(date(2027, 1, 1), True, "duplicate"),
        CalendarEntry(date(2027, 3, 1), False, "x" * 101),
    ]
    with pytest.raises(ValidationFailed) as exc:
        workcal.calendar_year_import(actor=None, year=2027, rows=rows)
    assert exc.value.code == "CALENDAR_IMPORT_INVALID"
    assert len(exc.value.details) == 3
    assert CalendarDay.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert workcal.year_status(2027) == "provisional"


def test_csv_parse_accepts_header_comments_words_and_gbk():
    text = "date,is_working,name\n# 国务院办公厅通知\n2027-02-05,off,春节\n2027-02-20,上班,春节调休\n\n2027-10-08,0\n"
    expected = [
        CalendarEntry(date(2027, 2, 5), False, "春节"),
        CalendarEntry(date(2027, 2, 20), True, "春节调休"),
        CalendarEntry(date(2027, 10, 8), False, ""),
    ]
    assert workcal.calendar_csv_parse(data=text) == expected
    assert workcal.calendar_csv_parse(data=text.encode("gb18030")) == expected
    assert workcal.calendar_csv_parse(data=b"\xef\xbb\xbf" + text.encode()) == expected


def test_csv_parse_reports_every_bad_row():
    text = "2027-02-05,off,春节\n2027-02-30,off,x\nnot a date,maybe\n2027-02-06\n2027-02-07,1,a,b\n"
    with pytest.raises(ValidationFailed) as exc:
        workcal.calendar_csv_parse(data=text)
    details = exc.value.details
    assert [d.split(":")[0] for d in details] == ["line 2", "line 3", "line 4", "line 5"]
    assert "2027-02-30" in details[0]
    assert "not a date" in details[1] and "maybe" in details[1]


def test_a_row_written_by_another_process_is_seen_once_the_cache_expires(monkeypatch):
    assert workcal.is_working_day(date(2027, 3, 1)) is True
    CalendarDay.objects.create(date=date(2027, 3, 1), is_working=False, name="written elsewhere")
    assert workcal.is_working_day(date(2027, 3, 1)) is True  # cached in this process
    monkeypatch.setattr(workcal, "ADMIN_CACHE_SECONDS", -1.0)
    assert workcal.is_working_day(date(2027, 3, 1)) is False
    assert workcal.year_status(2027) == "admin"
