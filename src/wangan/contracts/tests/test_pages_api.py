"""The API behind the task and penalty pages: lists with filters, accept/return/submit with a permission
matrix (nothing changes on denial), downloads, penalty raise and scan, contract create with its team."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts import services
from wangan.contracts.models import Contract, PenaltySuggestion, Task
from wangan.contracts.tests.pages_support import pdf

pytestmark = pytest.mark.django_db


def _api(user):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.fixture
def matrix(contract, parties):
    reviewer, engineer = parties
    return {
        "anonymous": None,
        "other_org": UserFactory(roles=[OrgRole.REVIEWER]),
        "client_without_role": UserFactory(organization=reviewer.organization, roles=[OrgRole.STAFF]),
        "contractor": engineer,
        "client_reviewer": reviewer,
    }


def _submitted(contract, engineer, month=3):
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=month)
    return services.task_submit(
        actor=engineer, task=task, uploads=[("《安全巡检报告》", pdf())], today=date(2026, 3, 30)
    )


def test_task_list_filters_and_stays_flat(contract, parties, django_assert_max_num_queries):
    reviewer, engineer = parties
    done = _submitted(contract, engineer)
    api = _api(reviewer)
    url = f"/api/v1/contracts/{contract.pk}/tasks/"
    body = api.get(url, {"item": "inspection", "limit": 100}).json()
    assert body["count"] == 12 and {r["item"] for r in body["results"]} == {"inspection"}
    first = body["results"][0]
    assert (first["id"], first["status"], first["is_late"], first["documents"][0]["title"]) == (
        done.pk, "submitted", False, "《安全巡检报告》")  # fmt: skip
    assert [r["id"] for r in api.get(url, {"status": "submitted"}).json()["results"]] == [done.pk]
    reports = api.get(url, {"item": "progress_report"}).json()
    assert reports["count"] == 12 and reports["results"][0]["due_on"] == "2026-04-10"
    late = api.get(url, {"late": "1", "limit": 500}).json()["results"]
    assert (
        late and all(r["is_late"] or r["is_overdue"] for r in late) and done.pk not in {r["id"] for r in late}
    )
    with django_assert_max_num_queries(6):
        assert api.get(url, {"limit": 500}).status_code == 200
    assert _api(UserFactory(roles=[OrgRole.REVIEWER])).get(url).status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 200)])  # fmt: skip
def test_accept_permission_matrix(matrix, contract, who, expected):
    task = _submitted(contract, matrix["contractor"])
    response = _api(matrix[who]).post(f"/api/v1/contracts/tasks/{task.pk}/accept/")
    assert response.status_code == expected, response.content
    task.refresh_from_db()
    assert task.status == ("accepted" if expected == 200 else "submitted")


def test_return_needs_a_reason_and_reopens_the_task(contract, parties):
    reviewer, engineer = parties
    task = _submitted(contract, engineer)
    api = _api(reviewer)
    assert (
        api.post(f"/api/v1/contracts/tasks/{task.pk}/return/", {"reason": ""}, format="json").status_code
        == 400
    )
    task.refresh_from_db()
    assert task.status == "submitted"
    body = api.post(
        f"/api/v1/contracts/tasks/{task.pk}/return/", {"reason": "报告缺少端口变更"}, format="json"
    ).json()
    assert body["status"] == "open" and body["is_late"] is None


def test_submit_takes_one_file_per_named_document(contract, parties):
    reviewer, engineer = parties
    task = Task.objects.get(contract=contract, item__code="hardening", year=2026, month=6)
    url = f"/api/v1/contracts/tasks/{task.pk}/submit/"
    missing = _api(engineer).post(url, {"doc_0": pdf()}, format="multipart")
    assert missing.status_code == 422 and missing.json()["code"] == "DELIVERABLE_MISSING"
    assert missing.json()["details"] == ["《信息系统安全加固报告》"]
    assert _api(reviewer).post(url, {"doc_0": pdf(), "doc_1": pdf()}, format="multipart").status_code == 403
    task.refresh_from_db()
    assert task.status == "open" and not task.documents.exists()
    body = (
        _api(engineer)
        .post(url, {"doc_0": pdf("方案.pdf"), "doc_1": pdf("报告.pdf")}, format="multipart")
        .json()
    )
    assert body["status"] == "submitted" and [d["title"] for d in body["documents"]] == task.deliverables
    twice = _api(engineer).post(url, {"doc_0": pdf(), "doc_1": pdf()}, format="multipart")
    assert twice.status_code == 409 and twice.json()["code"] == "TASK_ALREADY_SUBMITTED"
    assert task.documents.count() == 2


def test_downloads_for_both_parties_only(contract, parties):
    reviewer, engineer = parties
    task = _submitted(contract, engineer)
    doc = task.documents.get()
    for user in (reviewer, engineer):
        got = _api(user).get(f"/api/v1/contracts/deliverables/{doc.pk}/download/")
        assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
        template = _api(user).get(f"/api/v1/contracts/tasks/{task.pk}/documents/0.docx")
        assert template.status_code == 200 and template.content[:2] == b"PK"
    stranger = _api(UserFactory(roles=[OrgRole.ENGINEER]))
    assert stranger.get(f"/api/v1/contracts/deliverables/{doc.pk}/download/").status_code == 404
    assert stranger.get(f"/api/v1/contracts/tasks/{task.pk}/documents/0.docx").status_code == 404
    assert stranger.get(f"/api/v1/contracts/tasks/{task.pk}/").status_code == 404
    assert _api(reviewer).get(f"/api/v1/contracts/tasks/{task.pk}/documents/3.docx").status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 201)])  # fmt: skip
def test_penalty_raise_permission_matrix(matrix, contract, who, expected):
    response = _api(matrix[who]).post(f"/api/v1/contracts/{contract.pk}/penalties/raise/",
                                      {"code": "M2", "evidence": "数据被篡改"}, format="json")  # fmt: skip
    assert response.status_code == expected, response.content
    assert PenaltySuggestion.objects.filter(contract=contract).count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["formula"] == "171,960.00 × 20% = 34,392.00"


def test_penalty_scan_is_the_authoritys(contract, parties):
    reviewer, engineer = parties
    url = f"/api/v1/contracts/{contract.pk}/penalties/scan/"
    assert _api(engineer).post(url).status_code == 403
    assert _api(reviewer).post(url).json() == []


def test_contract_create_takes_the_team(parties):
    reviewer, engineer = parties
    body = _api(reviewer).post("/api/v1/contracts/", {
        "number": "API-1", "name": "接口录入的合同", "contractor": engineer.organization_id, "amount": "1719600",
        "signed_on": "2026-03-03", "personnel": [{"name": "测试经理", "project_role": "项目经理"}],
    }, format="json")  # fmt: skip
    assert body.status_code == 201, body.content
    contract = Contract.objects.get(number="API-1")
    assert list(contract.personnel.values_list("name", "project_role")) == [("测试经理", "项目经理")]
    assert body.json()["amount_upper"] == "人民币壹佰柒拾壹万玖仟陆佰元整"
