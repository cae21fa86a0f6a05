"""Continuing after expiry and its settlement by the day (seed 004 第三条(二))."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.contracts import lifecycle
from wangan.contracts.errors import AlreadyDecided, SuccessorInvalid
from wangan.contracts.models import Continuation, Contract
from wangan.contracts.tests.lifecycle_support import SERVICE_END, api, ended_contract, matrix_for
from wangan.core.errors import PermissionDenied
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(parties):
    return matrix_for(parties)


def test_the_day_after_the_end_the_contract_continues_once(contract):
    assert lifecycle.lifecycle_scan(today=SERVICE_END)["expired"] == 0  # the last day is still in service
    contract.refresh_from_db()
    assert contract.status == "active"
    assert lifecycle.lifecycle_scan(today=SERVICE_END + timedelta(days=1))["expired"] == 1
    contract.refresh_from_db()
    assert contract.status == "continuing"
    assert contract.continuation.started_on == date(2027, 3, 3)
    assert lifecycle.lifecycle_scan(today=SERVICE_END + timedelta(days=5))["expired"] == 0  # idempotent
    events = AuditEvent.objects.filter(action="contract.continue", object_id=str(contract.pk))
    assert events.count() == 1 and events.get().after["by"] == "system"


def test_running_settlement_shows_the_formula_and_the_upper_case_amount(contract):
    lifecycle.contract_expire(contract=contract, today=date(2027, 3, 3))
    s = lifecycle.settlement_for(contract=contract, today=date(2027, 3, 22))  # 3-03 … 3-22: 20 days
    assert (s.days, s.year_days, s.is_final) == (20, 365, False)
    # 1,719,600 ÷ 365 × 20 = 94,224.657… → 94,224.66
    assert s.amount == Decimal("94224.66")
    assert s.formula == "1,719,600.00 ÷ 365 × 20 = 94,224.66"
    assert s.amount_upper == "人民币玖万肆仟贰佰贰拾肆元陆角陆分"


def test_next_provider_start_ends_the_continuation_and_fixes_the_settlement(contract, parties):
    reviewer = parties[0]
    lifecycle.contract_expire(contract=contract, today=date(2027, 3, 3))
    # recorded ahead: nothing ends before the day comes
    contract = lifecycle.successor_record(actor=reviewer, contract=contract, starts_on=date(2027, 4, 1),
                                          name="测试后继服务有限公司", today=date(2027, 3, 20))  # fmt: skip
    assert contract.status == "continuing" and contract.continuation.ended_on is None
    assert lifecycle.lifecycle_scan(today=date(2027, 3, 31))["continuations_closed"] == 0
    assert lifecycle.lifecycle_scan(today=date(2027, 4, 1))["continuations_closed"] == 1
    contract.refresh_from_db()
    row = contract.continuation
    assert contract.status == "ended"
    assert (row.started_on, row.ended_on, row.days) == (date(2027, 3, 3), date(2027, 3, 31), 29)
    assert row.amount == row.payable == Decimal("136625.75")  # 1,719,600 × 29 / 365 = 136,625.753…
    s = lifecycle.settlement_for(contract=contract, today=date(2027, 6, 1))
    assert s.is_final and s.days == 29 and s.amount == Decimal("136625.75")  # fixed, no longer running
    assert lifecycle.lifecycle_scan(today=date(2027, 4, 2))["continuations_closed"] == 0
    with pytest.raises(AlreadyDecided):
        lifecycle.successor_record(actor=reviewer, contract=contract, starts_on=date(2027, 5, 1), name="x",
                                   today=date(2027, 4, 2))  # fmt: skip


def test_the_same_contractor_next_year_is_not_paid_separately(contract, parties):
    lifecycle.contract_expire(contract=contract, today=date(2027, 3, 3))
    contract = lifecycle.successor_record(actor=parties[0], contract=contract, starts_on=date(2027, 3, 13),
                                          is_contractor=True, today=date(2027, 3, 20))  # fmt: skip
    row = Continuation.objects.get(contract=contract)
    assert contract.status == "ended" and contract.successor_name == contract.contractor.name
    assert row.days == 10 and row.amount == Decimal("47112.33") and row.payable == Decimal("0.00")


def test_recording_the_successor_before_the_job_ran_continues_then_ends(contract, parties):
    # past the end, still ACTIVE (the periodic job has not run yet): the expiry happens first, as the system
    contract = lifecycle.successor_record(actor=parties[0], contract=contract, starts_on=date(2027, 3, 13),
                                          name="测试后继服务有限公司", today=date(2027, 3, 20))  # fmt: skip
    assert contract.status == "ended" and contract.continuation.days == 10
    assert AuditEvent.objects.get(action="contract.continue").after["by"] == "system"
    assert AuditEvent.objects.get(action="contract.end").actor_id == parties[0].pk


def test_a_successor_starting_the_day_after_the_end_means_no_continuation(contract, parties):
    lifecycle.successor_record(actor=parties[0], contract=contract, starts_on=SERVICE_END + timedelta(days=1),
                               name="测试后继服务有限公司", today=date(2027, 1, 5))  # fmt: skip
    lifecycle.lifecycle_scan(today=SERVICE_END + timedelta(days=1))
    contract.refresh_from_db()
    assert contract.status == "ended" and not Continuation.objects.exists()
    assert lifecycle.settlement_for(contract=contract) is None


def test_successor_refusals_change_nothing(contract, parties):
    reviewer, engineer = parties
    with pytest.raises(PermissionDenied):
        lifecycle.successor_record(actor=engineer, contract=contract, starts_on=date(2027, 4, 1), name="x")
    with pytest.raises(SuccessorInvalid) as err:
        lifecycle.successor_record(actor=reviewer, contract=contract, starts_on=SERVICE_END, name="",
                                   today=date(2027, 1, 5))  # fmt: skip
    assert len(err.value.details) == 2
    contract.refresh_from_db()
    assert contract.successor_starts_on is None and contract.status == "active"


def test_page_shows_the_running_settlement_and_the_client_records_the_successor(client, parties,
                                                                                django_assert_max_num_queries):  # fmt: skip
    reviewer, engineer = parties
    contract = ended_contract(reviewer, engineer, days_ago=20)
    lifecycle.lifecycle_scan()
    url = reverse("contracts:settlement", args=[contract.pk])
    client.force_login(engineer)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="formula"' in body and "successor-form" not in body
    s = lifecycle.settlement_for(contract=contract)
    assert s.days == 20 and s.formula in body and s.amount_upper in body
    assert client.post(url, {"starts_on": "2099-01-01", "name": "x"}).status_code == 404

    client.force_login(reviewer)
    bad = client.post(url, {"starts_on": contract.service_end.isoformat(), "name": "测试后继服务有限公司"})
    assert bad.status_code == 422 and b'data-testid="errors"' in bad.content
    start = contract.service_end + timedelta(days=6)
    assert (
        client.post(url, {"starts_on": start.isoformat(), "name": "测试后继服务有限公司"}).status_code == 302
    )
    contract.refresh_from_db()
    assert contract.status == "ended" and contract.continuation.days == 5


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 200)])  # fmt: skip
def test_api_successor_permission_matrix(parties, matrix, who, expected):
    contract = ended_contract(*parties, days_ago=20)
    lifecycle.lifecycle_scan()
    start = contract.service_end + timedelta(days=11)
    response = api(matrix[who]).post(f"/api/v1/contracts/{contract.pk}/settlement/successor/",
                                     {"starts_on": start.isoformat(), "name": "测试后继服务有限公司"}, format="json")  # fmt: skip
    assert response.status_code == expected, response.content
    contract.refresh_from_db()
    assert (contract.status == "ended") is (expected == 200)
    if expected == 200:
        body = response.json()
        assert body["settlement"]["days"] == 10 and body["settlement"]["is_final"] is True
    else:
        assert (
            contract.successor_starts_on is None
            and Contract.objects.get(pk=contract.pk).status == "continuing"
        )


def test_api_settlement_view_is_scoped(parties, matrix):
    contract = ended_contract(*parties, days_ago=3)
    lifecycle.lifecycle_scan()
    assert api(matrix["other_org"]).get(f"/api/v1/contracts/{contract.pk}/settlement/").status_code == 404
    body = api(matrix["contractor"]).get(f"/api/v1/contracts/{contract.pk}/settlement/").json()
    assert body["status"] == "continuing" and body["settlement"]["days"] == 3
