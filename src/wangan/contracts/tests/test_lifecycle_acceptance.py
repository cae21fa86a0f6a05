"""Annual acceptance (seed 004 第十条(三)): after the service end, within one month; expert review; the year
report as DOCX; a pass releases the 30 % payment (第五条(二)2) once; a fail asks for rectification and a
re-review."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from wangan.contracts import acceptance, lifecycle, services
from wangan.contracts.errors import (
    AcceptanceDecided,
    AcceptanceInvalid,
    AcceptanceTooEarly,
    MilestoneReleased,
)
from wangan.contracts.models import AcceptanceReview, PaymentMilestone, Task
from wangan.contracts.tests.factories import full_marks
from wangan.contracts.tests.lifecycle_support import (
    SERVICE_END,
    api,
    docx_text,
    ended_contract,
    matrix_for,
    pdf,
    streamed,
)
from wangan.core.errors import PermissionDenied
from wangan.core.models import AuditEvent
from wangan.incidents import services as incident_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(parties):
    return matrix_for(parties)


EXPERTS = [
    acceptance.ExpertIn("测试专家甲", "服务符合合同约定"),
    acceptance.ExpertIn("测试专家乙", "文档规范"),
]
AFTER = date(2027, 3, 20)


def _at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=ZoneInfo("Asia/Shanghai"))


def _bytes(stored) -> bytes:
    with default_storage.open(stored.storage_name, "rb") as fh:
        return fh.read()


def _record(contract, reviewer, *, passed=True, reviewed_on=AFTER, today=AFTER, **kw):
    fail = {} if passed else {"failure_reasons": "渗透测试报告缺失", "rectification": "补交渗透测试报告"}
    return acceptance.acceptance_record(actor=reviewer, contract=contract, reviewed_on=reviewed_on, experts=EXPERTS,
                                       passed=passed, conclusion="同意通过" if passed else "整改后复审",
                                       today=today, **{**fail, **kw})  # fmt: skip


def test_deadline_is_one_month_after_the_end_and_flagged_when_passed(contract):
    state = acceptance.acceptance_state_for(contract=contract, today=date(2027, 4, 2))
    assert state.deadline == date(2027, 4, 2) and state.is_due and not state.is_overdue
    state = acceptance.acceptance_state_for(contract=contract, today=date(2027, 4, 3))
    assert state.is_overdue
    assert not acceptance.acceptance_state_for(contract=contract, today=SERVICE_END).is_due


def test_pass_releases_the_30_percent_once_and_accepts_the_contract(contract, parties):
    reviewer = parties[0]
    review = _record(contract, reviewer)
    contract.refresh_from_db()
    milestone = PaymentMilestone.objects.get(contract=contract, seq=2)
    assert review.round == 1 and review.status == "passed" and contract.status == "accepted"
    assert milestone.released_on == AFTER and milestone.amount == Decimal("515880.00")
    assert contract.continuation.started_on == date(2027, 3, 3)  # the service went on past the end meanwhile
    state = acceptance.acceptance_state_for(contract=contract, today=AFTER)
    assert state.passed == review and not state.is_due and not state.is_overdue
    assert state.payment_due.date > AFTER  # 20 working days after, once funds are allocated
    with pytest.raises(MilestoneReleased):
        acceptance.milestone_release(actor=reviewer, contract=contract, on=date(2027, 3, 25))
    with pytest.raises(AcceptanceDecided):
        _record(contract, reviewer, reviewed_on=date(2027, 3, 21), today=date(2027, 3, 21))
    milestone.refresh_from_db()
    assert milestone.released_on == AFTER and AcceptanceReview.objects.count() == 1
    assert AuditEvent.objects.filter(action="contracts.milestone_release").count() == 1
    assert AuditEvent.objects.filter(action="contract.accept", object_id=str(contract.pk)).count() == 1


def test_fail_then_rectify_then_re_review(contract, parties):
    reviewer, engineer = parties
    first = _record(contract, reviewer, passed=False)
    contract.refresh_from_db()
    assert first.status == "failed" and contract.status == "continuing"
    assert PaymentMilestone.objects.get(contract=contract, seq=2).released_on is None
    with pytest.raises(AcceptanceInvalid) as err:  # no re-review before the rectification is reported
        _record(contract, reviewer, reviewed_on=date(2027, 3, 25), today=date(2027, 3, 25))
    assert err.value.code == "RECTIFICATION_PENDING"
    with pytest.raises(PermissionDenied):
        acceptance.acceptance_rectify(actor=reviewer, review=first, report="x")
    first = acceptance.acceptance_rectify(
        actor=engineer, review=first, report="已补交渗透测试报告", upload=pdf("整改.pdf")
    )
    assert first.status == "rectified" and first.rectification_file.original_name == "整改.pdf"
    second = _record(contract, reviewer, reviewed_on=date(2027, 3, 28), today=date(2027, 3, 28))
    contract.refresh_from_db()
    assert second.round == 2 and second.is_passed and contract.status == "accepted"
    assert PaymentMilestone.objects.get(contract=contract, seq=2).released_on == date(2027, 3, 28)
    text = docx_text(_bytes(second.report_file))
    assert "第 1 轮" in text and "不通过" in text and "补交渗透测试报告" in text and "第 2 轮" in text


@pytest.mark.parametrize(("reviewed_on", "today"), [(SERVICE_END, AFTER), (AFTER, SERVICE_END),
                                                    (date(2026, 12, 1), date(2026, 12, 1))])  # fmt: skip
def test_acceptance_before_the_service_end_is_refused(contract, parties, reviewed_on, today):
    with pytest.raises(AcceptanceTooEarly) as err:
        _record(contract, parties[0], reviewed_on=reviewed_on, today=today)
    assert "2027-03-02" in err.value.message
    contract.refresh_from_db()
    assert contract.status == "active" and not AcceptanceReview.objects.exists()
    assert PaymentMilestone.objects.get(contract=contract, seq=2).released_on is None


def test_incomplete_reviews_are_refused_with_every_reason(contract, parties):
    reviewer, engineer = parties
    with pytest.raises(AcceptanceInvalid) as err:
        acceptance.acceptance_record(actor=reviewer, contract=contract, reviewed_on=date(2027, 3, 21), experts=[
            acceptance.ExpertIn("", "无名意见")], passed=False, conclusion="", today=AFTER)  # fmt: skip
    # future date, nameless expert, no conclusion, no reasons, no rectification
    assert len(err.value.details) == 5
    with pytest.raises(PermissionDenied):  # only the client's reviewers decide
        _record(contract, engineer)
    assert not AcceptanceReview.objects.exists()


def test_year_report_docx_holds_scores_tasks_incidents_and_penalties(contract, parties):
    reviewer, engineer = parties
    for month, zero in ((3, ()), (4, ("inspection", "website_monitoring", "antivirus_update", "data_backup",
                                       "sign_verify"))):  # fmt: skip
        sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=month)
        zeros = set(contract.items.filter(code__in=zero).values_list("pk", flat=True))
        entries = [services.ScoreIn(e.item_id, *(Decimal(0),) * 3) if e.item_id in zeros else e
                   for e in full_marks(contract, sheet)]  # fmt: skip
        services.month_score(actor=reviewer, sheet=sheet, entries=entries)
        services.month_close(actor=reviewer, sheet=sheet)
    g11 = contract.penalties.get(code="G11")  # April below 60 (附件6 11, 4 %)
    services.penalty_decide(actor=reviewer, suggestion=g11, confirm=True, reason="属实")
    march_report = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    services.task_submit(
        actor=engineer, task=march_report, uploads=[("报告", pdf())], today=date(2026, 3, 20)
    )
    late_count = lifecycle.tasks_mark_late(today=date(2026, 5, 1))
    incident_services.incident_save(actor=reviewer, contract=contract, title="服务中断", kind="outage",
                                    people_affected=150, started_at=_at(2026, 6, 1, 8), ended_at=_at(2026, 6, 1, 13))  # fmt: skip
    incident_services.incident_save(actor=reviewer, contract=contract, title="短暂中断", kind="outage",
                                    people_affected=3, started_at=_at(2026, 6, 2, 8), ended_at=_at(2026, 6, 2, 9))  # fmt: skip

    facts = acceptance.year_report_facts(contract=contract, today=date(2026, 6, 30))
    assert (
        facts.months[0] == (2026, 3, Decimal("100.00"))
        and facts.months[1][2] < 60
        and len(facts.months) == 12
    )
    assert facts.months[1][2] == Decimal("41.67")  # 25 of 60 scheduled points
    assert facts.score == Decimal("70.84") and facts.grade == "pass"  # (100 + 41.67) / 2; 60–80 及格
    assert facts.tasks["done"] == 1 and facts.tasks["overdue"] >= late_count > 0
    assert facts.incidents == {"A": 0, "B": 1, "other": 1}
    assert facts.penalties_total == Decimal("6878.40")  # 171,960 × 4 %

    text = docx_text(acceptance.year_report_bytes(user=engineer, contract=contract, today=date(2026, 6, 30)))
    assert "安全运维服务年度考核报告" in text and contract.number in text
    assert "2026年3月 | 100.00" in text and "2026年5月 | 未考核" in text
    assert f"年度得分（各月平均） | {facts.score}" in text
    assert f"{facts.tasks['total']} | 1 | 0 | {facts.tasks['open']} | {facts.tasks['overdue']}" in text
    assert "0 | 1 | 1" in text  # A | B | below B
    assert "G11" in text and "171,960.00 × 4%" in text and "合计 |  |  | 6,878.40" in text


# --- page ---------------------------------------------------------------------------------------


def test_page_review_fail_rectify_pass(client, parties, django_assert_max_num_queries):
    reviewer, engineer = parties
    contract = ended_contract(reviewer, engineer, days_ago=40, schedule=True)  # deadline passed 9-12 days ago
    url = reverse("contracts:acceptance", args=[contract.pk])
    client.force_login(reviewer)
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200 and b'data-testid="overdue"' in page.content
    form = {"action": "review", "reviewed_on": contract.service_end.isoformat(), "result": "fail",
            "expert_name_1": "测试专家甲", "expert_opinion_1": "报告不全", "conclusion": "整改后复审"}  # fmt: skip
    too_early = client.post(url, form)
    assert too_early.status_code == 422 and not AcceptanceReview.objects.exists()
    form["reviewed_on"] = (contract.service_end + timedelta(days=3)).isoformat()
    missing = client.post(url, form)  # a fail needs reasons and the rectification asked for
    assert missing.status_code == 422 and "测试专家甲".encode() in missing.content  # the form keeps its input
    form |= {"failure_reasons": "渗透测试报告缺失", "rectification": "补交"}
    assert client.post(url, form).status_code == 302
    review = AcceptanceReview.objects.get()

    client.force_login(engineer)
    page = client.get(url)
    assert b'data-testid="rectify-form"' in page.content and b'data-testid="review-form"' not in page.content
    assert client.post(url, form).status_code == 404  # the contractor does not review
    assert client.post(url, {"action": "rectify", "review": review.pk, "report": "已补交"}).status_code == 302
    report = client.get(reverse("contracts:acceptance_report", args=[contract.pk]))
    assert report.status_code == 200 and "第 1 轮" in docx_text(report.content)

    client.force_login(reviewer)
    form |= {"result": "pass", "reviewed_on": (contract.service_end + timedelta(days=5)).isoformat()}
    assert client.post(url, form).status_code == 302
    contract.refresh_from_db()
    assert contract.status == "accepted"
    page = client.get(url)
    assert b'data-testid="released"' in page.content and b'data-testid="overdue"' not in page.content
    stored = client.get(reverse("contracts:acceptance_document", args=[review.pk, "report"]))
    assert stored.status_code == 200 and "整改后复审" in docx_text(streamed(stored))


def test_page_before_the_end_offers_no_review(client, contract, parties):
    client.force_login(parties[0])
    page = client.get(reverse("contracts:acceptance", args=[contract.pk]))
    assert page.status_code == 200 and b'data-testid="not-yet"' in page.content


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 201)])  # fmt: skip
def test_api_review_permission_matrix(parties, matrix, who, expected):
    contract = ended_contract(*parties, days_ago=5)
    body = {"reviewed_on": (contract.service_end + timedelta(days=2)).isoformat(), "passed": True,
            "conclusion": "同意通过验收", "experts": [{"name": "测试专家甲", "opinion": "符合约定"}]}  # fmt: skip
    response = api(matrix[who]).post(
        f"/api/v1/contracts/{contract.pk}/acceptance/reviews/", body, format="json"
    )
    assert response.status_code == expected, response.content
    contract.refresh_from_db()
    released = PaymentMilestone.objects.get(contract=contract, seq=2).released_on
    assert (contract.status == "accepted") is (expected == 201) and (released is not None) is (
        expected == 201
    )
    if expected == 201:
        again = api(matrix[who]).post(
            f"/api/v1/contracts/{contract.pk}/acceptance/reviews/", body, format="json"
        )
        assert again.status_code == 409 and again.json()["code"] == "ACCEPTANCE_DECIDED"
        state = api(matrix["contractor"]).get(f"/api/v1/contracts/{contract.pk}/acceptance/").json()
        assert state["milestone"]["released_on"] == body["reviewed_on"] and state["reviews"][0]["is_passed"]


def test_api_too_early_and_rectify(contract, parties):
    reviewer, engineer = parties
    body = {
        "reviewed_on": "2026-12-01",
        "passed": True,
        "conclusion": "x",
        "experts": [{"name": "测试专家甲"}],
    }
    early = api(reviewer).post(f"/api/v1/contracts/{contract.pk}/acceptance/reviews/", body, format="json")
    assert early.status_code == 422 and early.json()["code"] == "ACCEPTANCE_TOO_EARLY"
    review = _record(contract, reviewer, passed=False)
    url = f"/api/v1/contracts/acceptance-reviews/{review.pk}/rectify/"
    assert api(reviewer).post(url, {"report": "x"}, format="json").status_code == 403
    ok = api(engineer).post(url, {"report": "已整改"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "rectified"
    twice = api(engineer).post(url, {"report": "再次"}, format="json")
    assert twice.status_code == 409
    report = api(engineer).get(f"/api/v1/contracts/{contract.pk}/acceptance/report.docx")
    assert report.status_code == 200 and "已整改" in docx_text(report.content)
