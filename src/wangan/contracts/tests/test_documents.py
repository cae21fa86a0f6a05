"""Deliverable documents pre-filled per task (附件3 服务成果, 第八条(七) 当月工作进度报告)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts import catalog, documents, services, taskflow
from wangan.contracts.models import Task
from wangan.contracts.tests.pages_support import docx_text, docx_upload, pdf

pytestmark = pytest.mark.django_db


def test_every_document_the_catalogue_names_has_its_own_sections():
    names = {n for spec in catalog.SERVICE_ITEMS for n in spec.deliverables}
    assert len(names) == 14
    assert {documents.document_key(n) for n in names} <= set(documents.SECTIONS)
    assert documents.document_key("《渗透测试报告》（含安全整改措施）") == "渗透测试报告"


@pytest.mark.parametrize(("code", "month", "index", "heading"), [
    ("inspection", 3, 0, "二、巡检对象与结果"),
    ("hardening", 6, 1, "二、加固效果验证"),
    ("penetration_test", 7, 0, "四、安全整改措施"),
    ("log_analysis", 8, 0, "二、日志审查"),
    ("antivirus_update", 3, 0, "二、病毒库升级记录"),
])  # fmt: skip
def test_a_named_document_is_prefilled_with_the_contract_facts(
    contract, parties, code, month, index, heading
):
    task = Task.objects.get(contract=contract, item__code=code, year=2026, month=month)
    text = docx_text(documents.deliverable_docx(user=parties[1], task=task, index=index))
    name = task.deliverables[index]
    for fact in (contract.number, contract.name, contract.client.name, contract.contractor.name, task.item.name,
                 name, f"{task.year}年{task.month}月", f"{task.due_on:%Y年%m月%d日}", heading):  # fmt: skip
        assert fact in text
    assert f"服务期第 {month - 2} 个月" in text
    assert "暂定" not in text


def test_a_provisional_due_date_is_flagged_in_the_document(contract, parties):
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    task.due_is_provisional = True
    assert "日期暂定" in docx_text(documents.deliverable_docx(user=parties[1], task=task, index=0))


def test_the_progress_report_states_the_months_work_incidents_and_requests(contract, parties):
    from wangan.incidents import services as incident_services

    reviewer, engineer = parties
    march = {
        t.item.code: t for t in Task.objects.filter(contract=contract, year=2026, month=3, kind="service")
    }
    services.task_submit(
        actor=engineer, task=march["inspection"], uploads=[("", pdf())], today=date(2026, 3, 25)
    )
    services.task_submit(
        actor=engineer, task=march["antivirus_update"], uploads=[("", pdf())], today=date(2026, 4, 3)
    )
    when = timezone.make_aware(datetime(2026, 3, 18, 9, 30))
    incident_services.incident_save(actor=reviewer, contract=contract, title="门户页面被篡改", kind="defacement",
                                    started_at=when, ended_at=when + timedelta(minutes=40))  # fmt: skip
    # an ordinary O&M request (an emergency one would add an on-demand task to the month)
    request = incident_services.request_raise(actor=reviewer, contract=contract, description="数据库连接异常",
                                              is_emergency=False, raised_at=when + timedelta(days=2))  # fmt: skip
    incident_services.request_respond(
        actor=engineer, request=request, at=when + timedelta(days=2, minutes=25)
    )
    report = Task.objects.get(contract=contract, kind="progress_report", year=2026, month=3)
    assert report.deliverables == [services.PROGRESS_REPORT_TITLE]

    text = docx_text(documents.deliverable_docx(user=engineer, task=report, index=0, today=date(2026, 3, 28)))
    scheduled = len(march)
    assert f"本月计划工作 {scheduled} 项：按时完成 1 项，逾期 1 项，进行中 {scheduled - 2} 项。" in text
    # after the month's due date the open work counts as late
    later = docx_text(documents.deliverable_docx(user=engineer, task=report, index=0, today=date(2026, 4, 5)))
    assert f"按时完成 1 项，逾期 {scheduled - 1} 项，进行中 0 项。" in later
    assert "安全巡检 | 2026-03-31 | " in text and "按时提交" in text and "逾期提交" in text
    assert "门户页面被篡改" in text and "数据库连接异常" in text and "25 分钟" in text
    assert "测试工程师" in text  # 人员配置情况 (附件1)
    assert "七、下月工作计划" in text and "病毒库升级服务 | 2026-04-30" in text  # April's planned work
    for part in ("项目进度执行情况", "已完成的项目内容", "人员配置情况", "项目变更情况"):  # 第八条(七)
        assert part in text


def test_a_completed_document_goes_back_in_through_the_task_page(client, contract, parties):
    engineer = parties[1]
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    client.force_login(engineer)
    download = client.get(reverse("contracts:task_document", args=[task.pk, 0]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["Content-Disposition"].endswith(".docx")
    response = client.post(reverse("contracts:task", args=[task.pk]),
                           {"action": "submit", "doc_0": docx_upload(download.content, "安全巡检报告-3月.docx")})  # fmt: skip
    assert response.status_code == 302
    doc = task.documents.get()
    assert doc.title == "《安全巡检报告》" and doc.file.original_name == "安全巡检报告-3月.docx"


def test_document_downloads_are_scoped_and_bounded(client, contract, parties):
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    client.force_login(parties[0])
    assert client.get(reverse("contracts:task_document", args=[task.pk, 0])).status_code == 200
    assert client.get(reverse("contracts:task_document", args=[task.pk, 1])).status_code == 404
    client.force_login(UserFactory(roles=[OrgRole.ENGINEER]))
    assert client.get(reverse("contracts:task_document", args=[task.pk, 0])).status_code == 404


def test_hand_in_refuses_files_for_documents_not_named(contract, parties):
    from wangan.core.errors import ValidationFailed

    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    with pytest.raises(ValidationFailed):
        taskflow.task_hand_in(actor=parties[1], task=task, files={0: pdf(), 1: pdf()})
    task.refresh_from_db()
    assert task.status == "open" and not task.documents.exists()
