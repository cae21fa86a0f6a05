"""Incident register, the 2-hour emergency clock, response-time penalties and 重保 periods."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from wangan.contracts.models import PenaltySuggestion
from wangan.contracts.services import penalty_scan, scheduled_item_ids
from wangan.contracts.tests.factories import make_contract, make_parties
from wangan.core.deadlines import deadlines_for
from wangan.core.errors import PermissionDenied
from wangan.incidents import selectors, services
from wangan.incidents.errors import IncidentInvalid
from wangan.incidents.models import Incident, SpecialPeriod

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@pytest.fixture
def setup(db):
    reviewer, engineer = make_parties()
    return reviewer, engineer, make_contract(reviewer, engineer)


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_incident_end_before_start_is_refused(setup):
    reviewer, _e, contract = setup
    with pytest.raises(IncidentInvalid) as err:
        services.incident_save(actor=reviewer, contract=contract, title="中断", kind="outage",
                               started_at=at(2026, 5, 10, 10), ended_at=at(2026, 5, 10, 9))  # fmt: skip
    assert err.value.code == "INCIDENT_INVALID" and len(err.value.details) == 1
    assert not Incident.objects.exists()


def test_one_a_or_three_b_flag_termination(setup):
    reviewer, engineer, contract = setup
    for day in (10, 11):
        services.incident_save(actor=engineer, contract=contract, title="中断", kind="outage", people_affected=150,
                               started_at=at(2026, 5, day, 8), ended_at=at(2026, 5, day, 13))  # fmt: skip
    status = selectors.termination_status(contract=contract)
    assert (status.b_count, status.has_right) == (2, False)
    row = services.incident_save(actor=reviewer, contract=contract, title="中断", kind="outage", people_affected=150,
                                 started_at=at(2026, 5, 12, 8), ended_at=at(2026, 5, 12, 13))  # fmt: skip
    assert row.level == "B" and row.rule == "B-outage" and "5.0" in row.rule_reason
    assert selectors.termination_status(contract=contract).has_right


def test_special_period_detected_from_the_calendar(setup):
    reviewer, _e, contract = setup
    services.special_periods_sync_calendar(year=2026)
    national = SpecialPeriod.objects.get(name="国庆")
    assert (national.starts_on, national.ends_on) == (date(2026, 10, 1), date(2026, 10, 7))
    assert set(SpecialPeriod.objects.values_list("name", flat=True)) >= {
        "元旦",
        "春节",
        "清明",
        "五一",
        "端午",
        "中秋",
        "国庆",
    }
    row = services.incident_save(actor=reviewer, contract=contract, title="篡改", kind="defacement",
                                 started_at=at(2026, 10, 2, 9), ended_at=at(2026, 10, 2, 9, 45),
                                 handled_per_plan=False, is_publicly_reported=True)  # fmt: skip
    assert row.period_level == "normal" and row.level == "B"
    assert (2026, 10) in services.special_months(contract=contract)


def test_declared_major_period_is_scoped_to_its_authority(setup):
    reviewer, engineer, contract = setup
    services.special_period_declare(actor=reviewer, contract=contract, name="两会", starts_on=date(2027, 3, 1),
                                    ends_on=date(2027, 3, 2))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.special_period_declare(actor=engineer, contract=contract, name="x", starts_on=date(2027, 1, 1),
                                        ends_on=date(2027, 1, 2))  # fmt: skip
    other_reviewer, other_engineer = make_parties()
    other = make_contract(other_reviewer, other_engineer, number="OTHER", schedule=False)
    assert selectors.special_period_at(contract=contract, when=at(2027, 3, 1, 10)).level == "major"
    assert selectors.special_period_at(contract=other, when=at(2027, 3, 1, 10)) is None


def test_emergency_request_runs_the_two_hour_clock(setup):
    reviewer, engineer, contract = setup
    req = services.request_raise(actor=reviewer, contract=contract, description="网站无法访问",
                                 raised_at=at(2026, 6, 3, 22))  # fmt: skip
    clock = deadlines_for(req).get()
    assert clock.due_at == at(2026, 6, 4, 0) and clock.unit == "hours"
    assert contract.items.get(code="emergency_response").pk in scheduled_item_ids(contract, 2026, 6)
    services.request_respond(actor=engineer, request=req, at=at(2026, 6, 3, 23, 30))
    clock.refresh_from_db()
    assert clock.status == "met"


def test_late_emergency_response_breaches(setup):
    reviewer, engineer, contract = setup
    req = services.request_raise(
        actor=reviewer, contract=contract, description="x", raised_at=at(2026, 6, 3, 8)
    )
    services.request_respond(actor=engineer, request=req, at=at(2026, 6, 3, 10, 1))
    assert deadlines_for(req).get().status == "breached"


def test_average_request_times_suggest_the_band(setup):
    reviewer, engineer, contract = setup
    for minutes in (40, 50):
        req = services.request_raise(actor=reviewer, contract=contract, description="运维需求", is_emergency=False,
                                     raised_at=at(2026, 7, 1, 9))  # fmt: skip
        services.request_respond(
            actor=engineer, request=req, at=at(2026, 7, 1, 9) + timedelta(minutes=minutes)
        )
        services.request_recover(
            actor=engineer, request=req, at=at(2026, 7, 1, 9) + timedelta(minutes=minutes + 60)
        )
    penalty_scan(contract=contract)
    codes = set(PenaltySuggestion.objects.values_list("code", flat=True))
    assert codes == {"G5", "G7"}  # response 45 min (30–60), recovery 105 min (60–120); no A/B accident


def test_recovery_before_response_is_refused(setup):
    reviewer, engineer, contract = setup
    req = services.request_raise(
        actor=reviewer, contract=contract, description="x", raised_at=at(2026, 6, 3, 8)
    )
    from wangan.incidents.errors import RequestInvalid, RequestState

    with pytest.raises(RequestState):
        services.request_recover(actor=engineer, request=req, at=at(2026, 6, 3, 9))
    with pytest.raises(RequestInvalid):
        services.request_respond(actor=engineer, request=req, at=at(2026, 6, 3, 7))
    req.refresh_from_db()
    assert req.responded_at is None
