"""Incident pages per role: register, incident form with its class, requests with the clock and report,
special periods, the roster page and availability."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from wangan.incidents import services
from wangan.incidents.models import DutyAttendance, DutyShift, EmergencyRequest, Incident, SpecialPeriod
from wangan.incidents.tests.conftest import at

pytestmark = pytest.mark.django_db


def _outage(actor, contract, day, hours=5, people=150, title="门户网站中断"):
    return services.incident_save(actor=actor, contract=contract, title=title, kind="outage", people_affected=people,
                                  started_at=at(2026, 5, day, 8), ended_at=at(2026, 5, day, 8 + hours))  # fmt: skip


def test_register_shows_incidents_and_the_termination_banner_to_both_parties(
    client, reviewer, engineer, contract
):
    for day in (10, 11, 12):
        _outage(engineer, contract, day)
    for user in (reviewer, engineer):
        client.force_login(user)
        page = client.get(reverse("incidents:register", args=[contract.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert body.count('data-testid="incident-row"') == 3 and 'data-testid="termination"' in body
    filtered = client.get(reverse("incidents:register", args=[contract.pk]), {"level": "A"}).content.decode()
    assert filtered.count('data-testid="incident-row"') == 0


def test_a_provider_never_sees_another_contractors_incidents(client, engineer, contract, stranger):
    row = _outage(engineer, contract, 10, title="机密中断")
    client.force_login(stranger)
    assert client.get(reverse("incidents:register", args=[contract.pk])).status_code == 404
    assert client.get(reverse("incidents:incident_detail", args=[row.pk])).status_code == 404
    assert client.get(reverse("incidents:incident_edit", args=[row.pk])).status_code == 404
    index = client.get(reverse("incidents:index")).content.decode()
    assert contract.number not in index and "OTHER-1" in index
    own = stranger.organization.contracts_as_contractor.get()
    assert "机密中断" not in client.get(reverse("incidents:register", args=[own.pk])).content.decode()


def test_register_query_count_does_not_grow(
    client, reviewer, engineer, contract, django_assert_max_num_queries
):
    _outage(engineer, contract, 10)
    client.force_login(reviewer)
    url = reverse("incidents:register", args=[contract.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for day in range(11, 20):
        _outage(engineer, contract, day, hours=1, people=0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('data-testid="incident-row"') == 10


def _form(**over):
    data = {"title": "门户网站中断", "kind": "outage", "started_at": "2026-05-10T08:00", "ended_at": "2026-05-10T13:00",
            "people_affected": "150", "loss_amount": "0", "is_provider_fault": "on", "period_level": "auto",
            "handled_per_plan": "on"}  # fmt: skip
    return {**data, **over}


def test_incident_form_saves_and_shows_the_class_and_the_rule(client, engineer, contract):
    client.force_login(engineer)
    response = client.post(reverse("incidents:incident_create", args=[contract.pk]), _form(), follow=True)
    body = response.content.decode()
    row = Incident.objects.get()
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[row.pk])
    assert (row.level, row.rule) == ("B", "B-outage")
    assert 'data-testid="rule">B-outage<' in body and row.rule_reason in body
    edit = client.post(reverse("incidents:incident_edit", args=[row.pk]), _form(ended_at="2026-05-10T09:00"))
    assert edit.status_code == 302
    row.refresh_from_db()
    assert row.level == "" and row.rule == ""


def test_incident_form_refuses_an_end_before_the_start(client, reviewer, contract):
    client.force_login(reviewer)
    response = client.post(
        reverse("incidents:incident_create", args=[contract.pk]), _form(ended_at="2026-05-10T07:00")
    )
    assert response.status_code == 422
    assert (
        'data-testid="errors"' in response.content.decode()
        and "结束时间早于开始时间" in response.content.decode()
    )
    assert not Incident.objects.exists()


def test_special_period_is_detected_on_the_form(client, reviewer, contract):
    services.special_periods_sync_calendar(year=2026)
    client.force_login(reviewer)
    client.post(reverse("incidents:incident_create", args=[contract.pk]),
                _form(kind="defacement", started_at="2026-10-02T09:00", ended_at="2026-10-02T09:45", handled_per_plan="",
                      is_publicly_reported="on"))  # fmt: skip
    row = Incident.objects.get()
    assert row.special_period.name == "国庆" and row.level == "B" and row.rule == "B-defacement"


def test_requests_run_through_the_pages_with_the_clock_and_the_report(client, reviewer, engineer, contract):
    client.force_login(reviewer)
    raised = timezone.now() - timedelta(minutes=30)
    response = client.post(reverse("incidents:request_list", args=[contract.pk]),
                           {"description": "网站无法访问", "is_emergency": "1",
                            "raised_at": timezone.localtime(raised).strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    req = EmergencyRequest.objects.get()
    assert response.status_code == 302
    clock = client.get(reverse("incidents:request_clock", args=[req.pk])).content.decode()
    assert 'data-testid="remaining"' in clock and 'hx-trigger="every 30s"' in clock
    remaining = int(clock.split('data-testid="remaining">')[1].split(" ")[0])
    assert 88 <= remaining <= 90  # 120 min less the 30 (and the minute the form drops)
    client.force_login(engineer)
    early = client.post(reverse("incidents:request_detail", args=[req.pk]), {"action": "recover"})
    assert early.status_code == 409 and 'data-testid="errors"' in early.content.decode()
    assert (
        client.post(
            reverse("incidents:request_detail", args=[req.pk]), {"action": "respond", "note": "已远程处置"}
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("incidents:request_detail", args=[req.pk]), {"action": "recover"}).status_code
        == 302
    )
    req.refresh_from_db()
    assert req.status == "recovered" and req.responded_by == engineer and req.response_note == "已远程处置"
    page = client.get(reverse("incidents:request_detail", args=[req.pk])).content.decode()
    assert 'data-testid="clock-status"' in page and "hx-trigger" not in page  # stopped clocks are not polled
    report = client.get(reverse("incidents:request_report", args=[req.pk]))
    assert report.status_code == 200 and report.content[:2] == b"PK"
    doc = Document(io.BytesIO(report.content))
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert facts["类型"] == "应急事件" and facts["事件描述"] == "网站无法访问"
    assert facts["响应结论"] == "在2小时内响应（达标）" and 29 <= int(facts["响应用时（分钟）"]) <= 31


def test_only_the_contractor_responds_and_only_the_client_raises(client, reviewer, engineer, contract):
    req = services.request_raise(
        actor=reviewer, contract=contract, description="x", raised_at=at(2026, 6, 3, 8)
    )
    client.force_login(reviewer)
    response = client.post(reverse("incidents:request_detail", args=[req.pk]), {"action": "respond"})
    assert response.status_code == 403
    client.force_login(engineer)
    response = client.post(
        reverse("incidents:request_list", args=[contract.pk]), {"description": "y", "is_emergency": "1"}
    )
    assert response.status_code == 403
    assert EmergencyRequest.objects.count() == 1 and EmergencyRequest.objects.get().responded_at is None


def test_request_list_query_count_does_not_grow(client, reviewer, contract, django_assert_max_num_queries):
    services.request_raise(actor=reviewer, contract=contract, description="a", raised_at=at(2026, 6, 3, 8))
    client.force_login(reviewer)
    url = reverse("incidents:request_list", args=[contract.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(6):
        services.request_raise(actor=reviewer, contract=contract, description=f"b{n}", is_emergency=n % 2 == 0,
                               raised_at=at(2026, 6, 4, 8 + n))  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('data-testid="request-row"') == 7


def test_period_list_shows_statutory_and_declared_periods_and_declares(client, reviewer, engineer, contract):
    client.force_login(reviewer)
    page = client.get(reverse("incidents:period_list", args=[contract.pk]), {"year": 2026}).content.decode()
    assert "国庆" in page and "春节" in page
    response = client.post(reverse("incidents:period_list", args=[contract.pk]) + "?year=2026",
                           {"name": "两会", "starts_on": "2027-03-04", "ends_on": "2027-03-03", "level": "major"})  # fmt: skip
    assert response.status_code == 422 and not SpecialPeriod.objects.filter(source="declared").exists()
    response = client.post(reverse("incidents:period_list", args=[contract.pk]) + "?year=2026",
                           {"name": "两会", "starts_on": "2027-03-04", "ends_on": "2027-03-11", "level": "major"})  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    client.force_login(engineer)
    page = client.get(reverse("incidents:period_list", args=[contract.pk]), {"year": 2027}).content.decode()
    assert "两会" in page and 'data-testid="declare-form"' not in page


def test_roster_page_plans_signs_in_and_shows_the_gaps(client, reviewer, engineer, contract, period, team,
                                                     django_assert_max_num_queries):  # fmt: skip
    url = reverse("incidents:roster", args=[contract.pk, period.pk])
    client.force_login(engineer)
    shift = {"action": "add_shift", "person": team[0].pk, "starts_at": "2026-09-14T00:00", "ends_at": "2026-09-14T22:30",
             "post": "机房值守"}  # fmt: skip
    assert client.post(url, shift).status_code == 302
    clash = client.post(
        url, {**shift, "person": team[0].pk, "starts_at": "2026-09-14T20:00", "ends_at": "2026-09-16T00:00"}
    )
    assert clash.status_code == 422 and "已有值班安排" in clash.content.decode()
    assert client.post(url, {**shift, "person": team[1].pk, "starts_at": "2026-09-15T00:00",
                             "ends_at": "2026-09-16T00:00"}).status_code == 302  # fmt: skip
    first, second = DutyShift.objects.order_by("starts_at")
    assert (
        client.post(url, {"action": "check_in", "shift": first.pk, "at": "2026-09-14T00:00"}).status_code
        == 302
    )
    row = DutyAttendance.objects.get()
    bad = client.post(url, {"action": "check_out", "attendance": row.pk, "at": "2026-09-13T23:00"})
    assert bad.status_code == 422 and DutyAttendance.objects.get().checked_out_at is None
    client.force_login(reviewer)  # the client's staff sign the sheet too
    assert (
        client.post(url, {"action": "check_out", "attendance": row.pk, "at": "2026-09-14T22:30"}).status_code
        == 302
    )
    assert (
        client.post(url, {"action": "check_in", "shift": second.pk, "at": "2026-09-15T00:00"}).status_code
        == 302
    )
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    planned = page.split('data-testid="planned-gaps"')[1].split("</ul>")[0]
    assert "2026-09-14 22:30 – 2026-09-15 00:00" in planned and "90" in planned
    unattended = page.split('data-testid="unattended"')[1].split("</ul>")[0]
    assert 'data-testid="gap-code">G9<' in unattended
    assert 'data-testid="add-shift"' not in page  # the client does not plan
    xlsx = client.get(reverse("incidents:roster_export", args=[contract.pk, period.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_roster_of_another_authoritys_period_is_not_found(
    client, engineer, contract, other_authority_reviewer
):
    foreign = SpecialPeriod.objects.create(name="别处的活动", starts_on=timezone.localdate(), ends_on=timezone.localdate(),
                                           level="major", source="declared",
                                           declared_by_org=other_authority_reviewer.organization)  # fmt: skip
    client.force_login(engineer)
    assert client.get(reverse("incidents:roster", args=[contract.pk, foreign.pk])).status_code == 404


def test_availability_page_shows_the_formula(
    client, reviewer, engineer, contract, django_assert_max_num_queries
):
    services.incident_save(actor=engineer, contract=contract, title="短时中断", kind="outage",
                           started_at=at(2026, 6, 10, 8), ended_at=at(2026, 6, 10, 8, 50))  # fmt: skip
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("incidents:availability", args=[contract.pk])).content.decode()
    assert page.count('data-testid="month-row"') == 12
    assert "(43,200 − 50.0) / 43,200 = 99.884%" in page and 'data-testid="code">G1<' in page


def test_forms_open_with_their_values(client, reviewer, engineer, contract, period, team):
    row = _outage(engineer, contract, 10)
    shift = services.shift_save(actor=engineer, contract=contract, special_period=period, person=team[1],
                                starts_at=at(2026, 9, 14, 8), ends_at=at(2026, 9, 14, 20), post="值班室")  # fmt: skip
    client.force_login(engineer)
    edit = client.get(reverse("incidents:incident_edit", args=[row.pk])).content.decode()
    assert (
        'value="2026-05-10T08:00"' in edit
        and 'value="2026-05-10T13:00"' in edit
        and 'value="门户网站中断"' in edit
    )
    shift_page = client.get(reverse("incidents:shift_edit", args=[shift.pk])).content.decode()
    assert (
        'value="2026-09-14T20:00"' in shift_page and f'<option value="{team[1].pk}" selected>' in shift_page
    )
    index = client.get(reverse("incidents:index")).content.decode()
    assert reverse("incidents:register", args=[contract.pk]) in index
    client.force_login(reviewer)  # the client looks at the roster but does not edit it
    assert client.get(reverse("incidents:shift_edit", args=[shift.pk])).status_code == 404
    assert client.post(reverse("incidents:shift_delete", args=[shift.pk])).status_code == 302
    assert DutyShift.objects.filter(pk=shift.pk).exists()
