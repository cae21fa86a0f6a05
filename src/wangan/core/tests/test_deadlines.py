"""Deadlines: clock-time and working-day SLA clocks, stop/cancel semantics, the breach scan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from wangan.core import deadlines, workcal
from wangan.core.errors import ValidationFailed
from wangan.core.models import AuditEvent, Deadline, Notification
from wangan.core.workcal import CalendarEntry

pytestmark = pytest.mark.django_db
# Through the user model, not an import: core depends on no domain app, not even in its tests.
User = get_user_model()
Organization = User._meta.get_field("organization").related_model
SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = (23, 59, 59, 999999)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    workcal.workcal_cache_clear()
    with translation.override("en"):
        yield
    workcal.workcal_cache_clear()


@pytest.fixture
def org():
    return Organization.objects.create(name="示例网络科技有限公司（虚构）", type="enterprise")


@pytest.fixture
def watcher(org):
    return User.objects.create_user(
        username="duty_officer",
        password=None,
        real_name="值班员甲",
        organization=org,
        email="duty@example.invalid",
    )


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("amount", "unit", "started", "due", "provisional"),
    [
        # seed 001: respond within 2 hours — clock time, holidays included.
        (2, "hours", at(2026, 10, 1, 10, 0), at(2026, 10, 1, 12, 0), False),
        # seed 004: 15/30/60-minute response thresholds.
        (15, "minutes", at(2026, 10, 3, 23, 50), at(2026, 10, 4, 0, 5), False),
        (60, "minutes", at(2027, 2, 6, 8, 0), at(2027, 2, 6, 9, 0), False),
        # 5 working days across National Day 2026: end of Oct 13.
        (5, "working_days", at(2026, 9, 30, 10, 0), at(2026, 10, 13, *END_OF_DAY), False),
        (2, "working_days", at(2026, 2, 13, 16, 0), at(2026, 2, 24, *END_OF_DAY), False),
        # Unknown year: statutory fallback, flagged.
        (1, "working_days", at(2027, 2, 4, 9, 0), at(2027, 2, 11, *END_OF_DAY), True),
    ],
)
def test_deadline_start_computes_due_time(org, amount, unit, started, due, provisional):
    d = deadlines.deadline_start(obj=org, kind="response", amount=amount, unit=unit, started_at=started)
    d.refresh_from_db()
    assert d.due_at == due
    assert d.is_provisional is provisional
    assert d.status == Deadline.Status.RUNNING


def test_starting_a_running_clock_again_returns_it(org, watcher):
    first = deadlines.deadline_start(obj=org, kind="onsite", amount=5, unit="working_days", notify=[watcher])
    again = deadlines.deadline_start(obj=org, kind="onsite", amount=3, unit="hours")
    assert again.pk == first.pk
    assert Deadline.objects.count() == 1
    assert first.notify_user_ids == [watcher.pk]
    event = AuditEvent.objects.get(action="deadline.start")
    assert (event.object_type, event.object_id) == ("accounts.organization", str(org.pk))
    assert event.after["kind"] == "onsite"
    # A different kind on the same object is its own clock.
    deadlines.deadline_start(obj=org, kind="report", amount=2, unit="working_days")
    assert deadlines.deadlines_for(org).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 5, "unit": "weeks"}, "Unknown deadline unit"),
        ({"amount": 0, "unit": "hours"}, "positive whole amount"),
        ({"amount": -2, "unit": "hours"}, "positive whole amount"),
    ],
)
def test_bad_deadline_is_refused_and_nothing_is_written(org, kwargs, message):
    with pytest.raises(ValidationFailed, match=message):
        deadlines.deadline_start(obj=org, kind="onsite", **kwargs)
    assert Deadline.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_stop_before_due_is_met_and_remaining_time_freezes(org):
    start = at(2026, 3, 9, 9, 0)
    deadlines.deadline_start(obj=org, kind="response", amount=2, unit="hours", started_at=start)
    assert deadlines.deadline_remaining(Deadline.objects.get(), start + timedelta(minutes=30)) == timedelta(
        minutes=90
    )
    d = deadlines.deadline_stop(obj=org, kind="response", at=start + timedelta(hours=1))
    assert (d.status, d.stopped_at, d.breached_at) == ("met", start + timedelta(hours=1), None)
    assert deadlines.deadline_remaining(d, start + timedelta(days=3)) == timedelta(hours=1)
    assert AuditEvent.objects.filter(action="deadline.stop").count() == 1
    assert deadlines.deadline_stop(obj=org, kind="response") is None


def test_stop_after_due_is_breached_and_notifies_once(org, watcher):
    start = at(2026, 3, 9, 9, 0)
    deadlines.deadline_start(
        obj=org, kind="response", amount=15, unit="minutes", started_at=start, notify=[watcher]
    )
    d = deadlines.deadline_stop(obj=org, kind="response", at=start + timedelta(minutes=20))
    assert d.status == "breached" and d.breached_at == start + timedelta(minutes=20)
    assert deadlines.deadline_remaining(d) == timedelta(minutes=-5)
    assert Notification.objects.filter(recipient=watcher, verb="deadline.breached").count() == 1
    assert deadlines.deadlines_mark_breached(now=start + timedelta(hours=1)) == 0
    assert Notification.objects.count() == 1


def test_cancel_stops_the_clock_without_a_verdict_and_allows_a_new_one(org):
    deadlines.deadline_start(obj=org, kind="objection", amount=5, unit="working_days")
    d = deadlines.deadline_cancel(obj=org, kind="objection")
    assert d.status == "cancelled" and d.stopped_at is not None
    assert deadlines.deadline_cancel(obj=org, kind="objection") is None
    assert deadlines.deadline_stop(obj=org, kind="objection") is None
    assert deadlines.deadlines_mark_breached(now=d.due_at + timedelta(days=30)) == 0
    fresh = deadlines.deadline_start(obj=org, kind="objection", amount=5, unit="working_days")
    assert fresh.pk != d.pk
    assert [x.status for x in deadlines.deadlines_for(org)] == ["cancelled", "running"]
    assert AuditEvent.objects.filter(action="deadline.cancel").count() == 1


def test_breach_scan_marks_once_and_notifies_once_when_run_twice(org, watcher):
    start = at(2026, 3, 9, 9, 0)
    late = deadlines.deadline_start(
        obj=org, kind="response", amount=2, unit="hours", started_at=start, notify=[watcher.pk]
    )
    deadlines.deadline_start(obj=org, kind="report", amount=1, unit="working_days", started_at=start)
    now = start + timedelta(hours=3)
    assert deadlines.deadlines_mark_breached(now=now) == 1
    assert deadlines.deadlines_mark_breached(now=now + timedelta(minutes=1)) == 0
    late.refresh_from_db()
    assert (late.status, late.breached_at, late.stopped_at) == ("breached", now, None)
    assert Deadline.objects.get(kind="report").status == "running"
    notes = Notification.objects.filter(recipient=watcher)
    assert notes.count() == 1
    assert notes.get().dedupe_key == f"deadline:{late.pk}:breached"
    assert AuditEvent.objects.filter(action="deadline.breached").count() == 1
    # The work done later is recorded on the breached clock; no second notification.
    stopped = deadlines.deadline_stop(obj=org, kind="response", at=now + timedelta(hours=1))
    assert (stopped.pk, stopped.status, stopped.stopped_at) == (late.pk, "breached", now + timedelta(hours=1))
    assert notes.count() == 1


def test_breach_scan_with_no_arguments_uses_now(org):
    deadlines.deadline_start(
        obj=org,
        kind="response",
        amount=1,
        unit="minutes",
        started_at=datetime.now(SHANGHAI) - timedelta(hours=1),
    )
    assert deadlines.deadlines_mark_breached() == 1


def test_due_exactly_at_stop_time_is_met(org):
    start = at(2026, 9, 30, 10, 0)
    d = deadlines.deadline_start(obj=org, kind="onsite", amount=5, unit="working_days", started_at=start)
    assert deadlines.deadlines_mark_breached(now=d.due_at) == 0
    assert deadlines.deadline_stop(obj=org, kind="onsite", at=d.due_at).status == "met"


def test_entering_the_schedule_recomputes_running_provisional_clocks(org):
    d = deadlines.deadline_start(
        obj=org, kind="onsite", amount=1, unit="working_days", started_at=at(2027, 2, 4, 9, 0)
    )
    assert d.is_provisional and d.due_at == at(2027, 2, 11, *END_OF_DAY)
    workcal.calendar_year_import(
        actor=None,
        year=2027,
        rows=[CalendarEntry(date(2027, 2, d), False, "春节") for d in (5, 8, 9, 10, 11, 12)],
    )
    d.refresh_from_db()
    assert d.is_provisional is False
    assert d.due_at == at(2027, 2, 15, *END_OF_DAY)
    event = AuditEvent.objects.get(action="deadline.recalculated")
    assert event.before["is_provisional"] is True and event.after["is_provisional"] is False
