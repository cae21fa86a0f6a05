"""The report is handed in for the contract's log-analysis task (seed 004 附件3 §6 服务成果), through the
contracts app's services: the provider picks one of its open tasks; anything else is refused and
changes nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from wangan.accounts.choices import OrgRole
from wangan.contracts import selectors as contract_selectors
from wangan.contracts.tests.factories import make_contract, make_parties
from wangan.core.errors import NotFound
from wangan.core.models import AuditEvent, Notification
from wangan.logs import selectors, services
from wangan.logs.errors import ReportNotReady, ReportTaskInvalid
from wangan.logs.models import AnalysisReport
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG, LogSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    """A seed-004-like contract whose contractor's engineer analysed logs and generated a report."""
    reviewer, engineer = make_parties()
    contract = make_contract(reviewer, engineer)
    source = LogSourceFactory(organization=engineer.organization)
    services.upload_receive(
        actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode())
    )
    report = services.report_request(
        actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    run_jobs()
    report.refresh_from_db()
    tasks = list(contract.tasks.filter(item__code="log_analysis").order_by("due_on"))
    return {
        "reviewer": reviewer,
        "engineer": engineer,
        "contract": contract,
        "report": report,
        "tasks": tasks,
    }


def _task(user, pk):
    return contract_selectors.task_get_for(user=user, pk=pk)


def test_the_provider_sees_its_open_log_analysis_tasks(deal):
    choices = selectors.contract_task_choices_for(user=deal["engineer"])
    assert [c.id for c in choices] == [t.pk for t in deal["tasks"]] and len(
        choices
    ) == 2  # twice a year (附件3)
    assert deal["contract"].number in choices[0].label and "日志分析服务" in choices[0].label
    assert selectors.contract_task_choices_for(user=deal["reviewer"]) == []  # the client does not hand in


def test_handing_in_attaches_docx_and_pdf_and_submits_the_task(deal, client, django_capture_on_commit_callbacks):
    engineer, report, task = deal["engineer"], deal["report"], deal["tasks"][0]
    client.force_login(engineer)
    page = client.get("/logs/reports/").content.decode()
    assert 'data-testid="attach-form"' in page and f'value="{task.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/logs/reports/{report.pk}/attach/", {"task": task.pk})
    assert response.status_code == 302
    # the client's reviewer hears of it, as when the task page is used
    assert Notification.objects.filter(recipient=deal["reviewer"], verb="contracts.task_submitted").count() == 1
    task = _task(engineer, task.pk)
    assert task.status == "submitted" and task.submitted_at is not None
    docs = sorted((d.title, d.file.content_type) for d in task.documents.select_related("file"))
    assert docs == [("《日志分析和审计报告》", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                    ("《日志分析和审计报告》（PDF）", "application/pdf")]  # fmt: skip
    report.refresh_from_db()
    assert report.contract_task_ref == task.pk and report.attached_by == engineer and report.attached_at
    assert deal["contract"].number in report.contract_task_label
    audit = AuditEvent.objects.get(action="logs.report_attached")
    assert audit.after["contract_task_ref"] == task.pk and audit.after["pdf_file_id"] == report.pdf_file_id
    page = client.get("/logs/reports/").content.decode()
    assert 'data-testid="attached"' in page and report.contract_task_label in page
    # the task is no longer open: it is not offered again
    assert [c.id for c in selectors.contract_task_choices_for(user=engineer)] == [deal["tasks"][1].pk]


def _unchanged(deal, task):
    report = AnalysisReport.objects.get(pk=deal["report"].pk)
    assert report.contract_task_ref is None and report.attached_at is None
    assert _task(deal["engineer"], task.pk).documents.count() == 0
    assert not AuditEvent.objects.filter(action="logs.report_attached").exists()


def test_a_task_of_another_item_is_refused(deal):
    other = deal["contract"].tasks.filter(item__code="inspection").first()
    with pytest.raises(ReportTaskInvalid):
        services.report_attach_to_task(actor=deal["engineer"], report=deal["report"], task_id=other.pk)
    _unchanged(deal, other)
    assert _task(deal["engineer"], other.pk).status == "open"


def test_another_providers_engineer_cannot_reach_the_task(deal, make_user):
    stranger = make_user(roles=[OrgRole.ENGINEER])
    source = LogSourceFactory(organization=stranger.organization)
    services.upload_receive(
        actor=stranger, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode())
    )
    theirs = services.report_request(
        actor=stranger, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    run_jobs()
    theirs.refresh_from_db()
    task = deal["tasks"][0]
    with pytest.raises(NotFound):
        services.report_attach_to_task(actor=stranger, report=theirs, task_id=task.pk)
    with pytest.raises(NotFound):  # nor hand in somebody else's report
        services.report_attach_to_task(actor=stranger, report=deal["report"], task_id=task.pk)
    api = APIClient()
    api.force_authenticate(stranger)
    response = api.post(f"/api/v1/logs/reports/{theirs.pk}/attach/", {"task": task.pk}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    _unchanged(deal, task)
    assert _task(deal["engineer"], task.pk).status == "open"


def test_a_report_not_finished_cannot_be_handed_in(deal):
    pending = services.report_request(
        actor=deal["engineer"], period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    with pytest.raises(ReportNotReady):
        services.report_attach_to_task(actor=deal["engineer"], report=pending, task_id=deal["tasks"][0].pk)
    assert _task(deal["engineer"], deal["tasks"][0].pk).status == "open"


def test_a_task_handed_in_already_is_refused_by_its_workflow(deal):
    engineer, task = deal["engineer"], deal["tasks"][0]
    services.report_attach_to_task(actor=engineer, report=deal["report"], task_id=task.pk)
    second = services.report_request(
        actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    run_jobs()
    second.refresh_from_db()
    api = APIClient()
    api.force_authenticate(engineer)
    response = api.post(f"/api/v1/logs/reports/{second.pk}/attach/", {"task": task.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "INVALID_TRANSITION"
    second.refresh_from_db()
    assert second.contract_task_ref is None and _task(engineer, task.pk).documents.count() == 2


def test_api_lists_tasks_and_hands_in(deal):
    engineer = deal["engineer"]
    api = APIClient()
    api.force_authenticate(engineer)
    listed = api.get("/api/v1/logs/contract-tasks/").json()
    assert [t["id"] for t in listed] == [t.pk for t in deal["tasks"]] and listed[0]["contract_id"] == deal[
        "contract"
    ].pk
    response = api.post(
        f"/api/v1/logs/reports/{deal['report'].pk}/attach/", {"task": listed[1]["id"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["contract_task"] == listed[1]["id"]
    assert _task(engineer, listed[1]["id"]).status == "submitted"
    api.force_authenticate(deal["reviewer"])  # the client's reviewer does not use the log service
    assert (
        api.post(
            f"/api/v1/logs/reports/{deal['report'].pk}/attach/", {"task": listed[0]["id"]}, format="json"
        ).status_code
        == 403
    )


def test_hand_in_page_permissions_and_bad_choice(deal, client, make_user):
    report, task = deal["report"], deal["tasks"][0]
    url = f"/logs/reports/{report.pk}/attach/"
    assert client.post(url, {"task": task.pk}).status_code == 302  # anonymous: to the login page
    staff = make_user(organization=deal["engineer"].organization, roles=[OrgRole.STAFF])
    client.force_login(staff)
    assert client.post(url, {"task": task.pk}).status_code == 403
    assert client.get(f"/logs/reports/{report.pk}/download/pdf/").status_code == 403
    client.force_login(deal["engineer"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"task": 999999})  # not one of the offered tasks
    assert response.status_code == 422 and 'data-testid="reports"' in response.content.decode()
    _unchanged(deal, task)
    assert _task(deal["engineer"], task.pk).status == "open"
