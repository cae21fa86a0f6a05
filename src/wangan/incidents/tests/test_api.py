"""Incidents API: permission matrices (nothing changes on denial), the error format, roster CRUD with
attendance and coverage, availability, scoped lists with a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from docx import Document
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.core.models import AuditEvent
from wangan.incidents import services
from wangan.incidents.models import DutyAttendance, DutyShift, EmergencyRequest, Incident
from wangan.incidents.tests.conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/incidents"


def _api(user):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.fixture
def matrix(reviewer, engineer, client_staff, stranger):
    return {"anonymous": None, "other_org": stranger, "client_without_role": client_staff, "contractor": engineer,
            "client_reviewer": reviewer}  # fmt: skip


INCIDENT = {"title": "门户网站中断", "kind": "outage", "started_at": "2026-05-10T08:00:00+08:00",
            "ended_at": "2026-05-10T13:00:00+08:00", "people_affected": 150}  # fmt: skip


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 201), ("client_reviewer", 201)])  # fmt: skip
def test_incident_create_permission_matrix(matrix, contract, who, expected):
    response = _api(matrix[who]).post(f"{BASE}/contracts/{contract.pk}/incidents/", INCIDENT, format="json")
    assert response.status_code == expected, response.content
    assert Incident.objects.exists() is (expected == 201)
    if expected == 201:
        assert (response.json()["level"], response.json()["rule"]) == ("B", "B-outage")


def test_incident_refusal_uses_the_error_format(contract, engineer):
    response = _api(engineer).post(f"{BASE}/contracts/{contract.pk}/incidents/",
                                   {**INCIDENT, "ended_at": "2026-05-10T07:00:00+08:00", "kind": "flood"}, format="json")  # fmt: skip
    body = response.json()
    assert response.status_code == 422 and body["code"] == "INCIDENT_INVALID" and len(body["details"]) == 2
    assert not Incident.objects.exists()


def test_incident_patch_reclassifies_and_lists_filter(contract, engineer, reviewer):
    row_id = (
        _api(engineer)
        .post(f"{BASE}/contracts/{contract.pk}/incidents/", INCIDENT, format="json")
        .json()["id"]
    )
    patched = (
        _api(reviewer)
        .patch(f"{BASE}/{row_id}/", {"ended_at": "2026-05-10T09:00:00+08:00"}, format="json")
        .json()
    )
    assert patched["level"] == "" and patched["people_affected"] == 150
    listed = _api(reviewer).get(f"{BASE}/contracts/{contract.pk}/incidents/", {"level": "none"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == row_id
    assert (
        _api(reviewer).get(f"{BASE}/contracts/{contract.pk}/incidents/", {"level": "B"}).json()["count"] == 0
    )


def test_incident_list_is_scoped_and_its_query_count_fixed(
    contract, engineer, stranger, django_assert_max_num_queries
):
    services.incident_save(
        actor=engineer, contract=contract, title="a", kind="outage", started_at=at(2026, 5, 1, 8)
    )
    url = f"{BASE}/contracts/{contract.pk}/incidents/"
    assert _api(stranger).get(url).status_code == 404
    row = Incident.objects.get()
    assert _api(stranger).get(f"{BASE}/{row.pk}/").status_code == 404
    with django_assert_max_num_queries(8) as few:
        _api(engineer).get(url)
    for n in range(5):
        services.incident_save(
            actor=engineer, contract=contract, title=f"b{n}", kind="other", started_at=at(2026, 5, 2 + n, 8)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _api(engineer).get(url).json()["count"] == 6


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 201)])  # fmt: skip
def test_request_raise_permission_matrix(matrix, contract, who, expected):
    response = _api(matrix[who]).post(f"{BASE}/contracts/{contract.pk}/requests/",
                                      {"description": "网站无法访问", "raised_at": "2026-06-03T08:00:00+08:00"}, format="json")  # fmt: skip
    assert response.status_code == expected, response.content
    assert EmergencyRequest.objects.exists() is (expected == 201)


def test_request_clock_respond_twice_and_recover(contract, reviewer, engineer):
    body = _api(reviewer).post(f"{BASE}/contracts/{contract.pk}/requests/",
                               {"description": "网站无法访问", "raised_at": "2026-06-03T08:00:00+08:00"}, format="json").json()  # fmt: skip
    assert body["status"] == "raised" and body["clock"]["due_at"].startswith("2026-06-03T10:00:00")
    assert body["clock"]["status"] == "overdue" and body["clock"]["limit_minutes"] == 120
    url = f"{BASE}/requests/{body['id']}"
    early = _api(engineer).post(f"{url}/recover/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "REQUEST_STATE"
    assert _api(reviewer).post(f"{url}/respond/", {}, format="json").status_code == 403
    done = _api(engineer).post(
        f"{url}/respond/", {"at": "2026-06-03T09:40:00+08:00", "note": "现场处置"}, format="json"
    )
    assert done.status_code == 200 and done.json()["clock"] | {"due_at": None} == {
        "due_at": None, "status": "met", "limit_minutes": 120, "remaining_minutes": 20, "overdue_minutes": None,
        "response_minutes": 100.0, "recovery_minutes": None}  # fmt: skip
    twice = _api(engineer).post(f"{url}/respond/", {"at": "2026-06-03T09:50:00+08:00"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "REQUEST_STATE"
    assert EmergencyRequest.objects.get().responded_at == at(2026, 6, 3, 9, 40)
    recovered = (
        _api(engineer).post(f"{url}/recover/", {"at": "2026-06-03T11:00:00+08:00"}, format="json").json()
    )
    assert recovered["status"] == "recovered" and recovered["clock"]["recovery_minutes"] == 180.0
    assert (
        AuditEvent.objects.filter(action__in=["emergencyrequest.respond", "emergencyrequest.recover"]).count()
        == 2
    )
    report = _api(reviewer).get(f"{url}/report.docx")
    doc = Document(io.BytesIO(report.content))
    facts = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert (facts["响应用时（分钟）"], facts["故障恢复用时（分钟，自提出起算）"], facts["响应情况"]) == (
        "100",
        "180",
        "现场处置",
    )


def test_request_with_an_incident_of_another_contract_is_refused(contract, reviewer, engineer, stranger):
    own = stranger.organization.contracts_as_contractor.get()
    foreign = services.incident_save(
        actor=stranger, contract=own, title="别处", kind="other", started_at=at(2026, 5, 1)
    )
    response = _api(reviewer).post(f"{BASE}/contracts/{contract.pk}/requests/",
                                   {"description": "x", "incident": foreign.pk}, format="json")  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "REQUEST_INVALID"
    assert not EmergencyRequest.objects.filter(contract=contract).exists()


def test_periods_list_and_declare(contract, reviewer, engineer):
    listed = _api(engineer).get(f"{BASE}/contracts/{contract.pk}/special-periods/", {"year": 2026}).json()
    assert {"国庆", "春节"} <= {p["name"] for p in listed}
    denied = _api(engineer).post(f"{BASE}/contracts/{contract.pk}/special-periods/",
                                 {"name": "两会", "starts_on": "2027-03-04", "ends_on": "2027-03-11"}, format="json")  # fmt: skip
    assert denied.status_code == 403
    made = _api(reviewer).post(f"{BASE}/contracts/{contract.pk}/special-periods/",
                               {"name": "两会", "starts_on": "2027-03-04", "ends_on": "2027-03-11"}, format="json")  # fmt: skip
    assert made.status_code == 201 and made.json()["level"] == "major" and made.json()["source"] == "declared"


def test_roster_crud_attendance_and_coverage(contract, reviewer, engineer, period, team, stranger):
    url = f"{BASE}/contracts/{contract.pk}/special-periods/{period.pk}/shifts/"
    shift = {"person": team[0].pk, "starts_at": "2026-09-14T00:00:00+08:00", "ends_at": "2026-09-15T00:00:00+08:00",
             "post": "机房值守", "phone": "010-00000000"}  # fmt: skip
    assert _api(reviewer).post(url, shift, format="json").status_code == 403
    assert _api(stranger).post(url, shift, format="json").status_code == 404
    first = _api(engineer).post(url, shift, format="json")
    assert first.status_code == 201 and first.json()["person_name"] == team[0].name
    outside = _api(engineer).post(
        url, {**shift, "person": team[1].pk, "ends_at": "2026-09-16T01:00:00+08:00"}, format="json"
    )
    assert outside.status_code == 422 and outside.json()["code"] == "ROSTER_INVALID"
    second = _api(engineer).post(url, {**shift, "person": team[1].pk, "starts_at": "2026-09-15T03:00:00+08:00",
                                       "ends_at": "2026-09-16T00:00:00+08:00"}, format="json").json()  # fmt: skip
    assert DutyShift.objects.count() == 2
    moved = _api(engineer).patch(
        f"{BASE}/shifts/{second['id']}/", {"starts_at": "2026-09-15T01:30:00+08:00"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["starts_at"].startswith("2026-09-15T01:30")
    sid = first.json()["id"]
    checked = _api(engineer).post(
        f"{BASE}/shifts/{sid}/check-in/", {"at": "2026-09-14T00:00:00+08:00"}, format="json"
    )
    assert checked.status_code == 201
    bad = _api(reviewer).post(f"{BASE}/attendance/{checked.json()['id']}/check-out/",
                              {"at": "2026-09-13T23:59:00+08:00"}, format="json")  # fmt: skip
    assert bad.status_code == 422 and DutyAttendance.objects.get().checked_out_at is None
    assert _api(reviewer).post(f"{BASE}/attendance/{checked.json()['id']}/check-out/",
                               {"at": "2026-09-15T00:00:00+08:00"}, format="json").status_code == 200  # fmt: skip
    _api(engineer).post(
        f"{BASE}/shifts/{second['id']}/check-in/", {"at": "2026-09-15T01:30:00+08:00"}, format="json"
    )
    cov = _api(reviewer).get(f"{BASE}/contracts/{contract.pk}/special-periods/{period.pk}/coverage/").json()
    assert [(g["minutes"], g["band"], g["code"]) for g in cov["planned_gaps"]] == [(90.0, "1-2h", "")]
    assert [(g["minutes"], g["code"]) for g in cov["unattended"]] == [(90.0, "G9")]
    assert cov["planned_hours"] == 46.5 and len(cov["shifts"]) == 2 and len(cov["attendance"]) == 2
    assert (
        _api(engineer).delete(f"{BASE}/shifts/{sid}/").status_code == 422
    )  # attendance recorded: evidence stays
    free = _api(engineer).post(url, {**shift, "starts_at": "2026-09-15T00:00:00+08:00",
                                     "ends_at": "2026-09-15T01:00:00+08:00"}, format="json").json()  # fmt: skip
    assert _api(reviewer).delete(f"{BASE}/shifts/{free['id']}/").status_code == 403
    assert _api(engineer).delete(f"{BASE}/shifts/{free['id']}/").status_code == 204
    assert DutyShift.objects.count() == 2


def test_availability_api(contract, reviewer, engineer):
    services.incident_save(actor=engineer, contract=contract, title="短时中断", kind="outage",
                           started_at=at(2026, 6, 10, 8), ended_at=at(2026, 6, 10, 8, 50))  # fmt: skip
    body = _api(reviewer).get(f"{BASE}/contracts/{contract.pk}/availability/").json()
    june = next(m for m in body["months"] if m["month"] == "2026-06")
    assert (june["availability"], june["outage_minutes"], june["code"]) == ("99.884", "50.0", "G1")
    assert len(body["months"]) == 12 and body["long_outages"] == [] and body["clusters"] == []
    other = UserFactory(roles=[OrgRole.REVIEWER])
    assert _api(other).get(f"{BASE}/contracts/{contract.pk}/availability/").status_code == 404


def test_schema_documents_the_incident_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = set(schema["paths"])
    for p in ("/api/v1/incidents/contracts/{id}/incidents/", "/api/v1/incidents/requests/{id}/respond/",
              "/api/v1/incidents/contracts/{id}/special-periods/{period_pk}/coverage/",
              "/api/v1/incidents/shifts/{id}/check-in/", "/api/v1/incidents/contracts/{id}/availability/"):  # fmt: skip
        assert p in paths, p
