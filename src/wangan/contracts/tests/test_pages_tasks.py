"""Task pages: the year schedule by month with filters, handing in one file per named document, the
authority's accept/return, downloads for both parties — and every refusal changing nothing."""

from datetime import date

import pytest
from django.urls import reverse

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts import services
from wangan.contracts.models import Deliverable, Task
from wangan.contracts.tests.pages_support import pdf
from wangan.core.models import AuditEvent, Notification, StoredFile

pytestmark = pytest.mark.django_db


def _task(contract, code, month, year=2026):
    return Task.objects.get(contract=contract, item__code=code, year=year, month=month)


def test_schedule_lists_the_year_by_month_with_provisional_dates(client, contract, parties):
    Task.objects.filter(pk=_task(contract, "inspection", 3).pk).update(due_is_provisional=True)
    client.force_login(parties[1])
    page = client.get(reverse("contracts:schedule", args=[contract.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="schedule-month"') == 12
    assert body.count('data-testid="task-row"') == contract.tasks.count()
    assert (
        body.count('data-testid="provisional"') == contract.tasks.filter(due_is_provisional=True).count() >= 1
    )
    # the progress report of March is due by 10 April (第八条(七))
    report = contract.tasks.get(kind="progress_report", year=2026, month=3)
    assert report.due_on == date(2026, 4, 10)
    assert f'data-task="{report.pk}"' in body


def test_schedule_filters_by_status_item_and_lateness(client, contract, parties):
    reviewer, engineer = parties
    on_time = services.task_submit(actor=engineer, task=_task(contract, "inspection", 3), uploads=[("", pdf())],
                                   today=date(2026, 3, 20))  # fmt: skip
    late = services.task_submit(actor=engineer, task=_task(contract, "inspection", 4), uploads=[("", pdf())],
                                today=date(2026, 5, 20))  # fmt: skip
    client.force_login(reviewer)
    url = reverse("contracts:schedule", args=[contract.pk])

    def rows(**params):
        body = client.get(url, params).content.decode()
        return {int(x.split('"')[0]) for x in body.split('data-task="')[1:]}

    assert rows(status="submitted") == {on_time.pk, late.pk}
    assert rows(item="inspection") == set(
        contract.tasks.filter(item__code="inspection").values_list("pk", flat=True)
    )
    assert len(rows(item="inspection")) == 12
    assert rows(item="progress_report") == set(
        contract.tasks.filter(kind="progress_report").values_list("pk", flat=True)
    )
    late_rows = rows(late="1")
    assert late.pk in late_rows and on_time.pk not in late_rows
    # open tasks past their due date count as late too (today is after them)
    overdue = contract.tasks.filter(status="open", due_on__lt=date.today())
    assert late_rows == {late.pk, *overdue.values_list("pk", flat=True)}
    assert rows(item="inspection", status="submitted", late="1") == {late.pk}


def test_schedule_page_queries_do_not_grow_with_tasks_and_documents(client, contract, parties,
                                                                     django_assert_max_num_queries):  # fmt: skip
    reviewer, engineer = parties
    client.force_login(reviewer)
    url = reverse("contracts:schedule", args=[contract.pk])
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    for month in (3, 4, 5, 6):
        services.task_submit(actor=engineer, task=_task(contract, "inspection", month), uploads=[("", pdf())])
    services.task_request(
        actor=reviewer, contract=contract, item_code="self_inspection", due_on=date(2026, 7, 1)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_provider_hands_in_one_file_per_named_document(client, contract, parties,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    engineer = parties[1]
    task = _task(contract, "hardening", 6)  # 方案 and 报告 (附件3 3)
    assert task.deliverables == ["《信息系统安全加固方案》", "《信息系统安全加固报告》"]
    client.force_login(engineer)
    url = reverse("contracts:task", args=[task.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="doc_0"' in page and 'data-testid="doc_1"' in page

    missing = client.post(url, {"action": "submit", "doc_0": pdf("方案.pdf")})
    assert missing.status_code == 422
    assert "《信息系统安全加固报告》" in missing.content.decode()
    task.refresh_from_db()
    assert task.status == "open" and not Deliverable.objects.exists() and not StoredFile.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"action": "submit", "doc_0": pdf("方案.pdf"), "doc_1": pdf("报告.pdf")})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "submitted" and task.is_late is True  # due 2026-06-30, handed in in November
    assert list(task.documents.values_list("title", flat=True)) == task.deliverables

    twice = client.post(url, {"action": "submit", "doc_0": pdf(), "doc_1": pdf()})
    assert twice.status_code == 409 and "该任务已提交" in twice.content.decode()
    assert task.documents.count() == 2 and StoredFile.objects.count() == 2
    # the authority was told
    assert Notification.objects.filter(verb="contracts.task_submitted", link=url).exists()


def test_accepting_is_the_authoritys_and_returning_needs_a_reason(client, contract, parties,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    reviewer, engineer = parties
    task = services.task_submit(
        actor=engineer, task=_task(contract, "inspection", 3), uploads=[("《安全巡检报告》", pdf())]
    )
    url = reverse("contracts:task", args=[task.pk])
    client.force_login(engineer)
    page = client.get(url).content.decode()
    assert 'data-testid="accept"' not in page
    refused = client.post(url, {"action": "accept"})
    assert refused.status_code == 403 and 'data-testid="errors"' in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "submitted" and task.accepted_at is None

    client.force_login(reviewer)
    assert 'data-testid="accept"' in client.get(url).content.decode()
    no_reason = client.post(url, {"action": "return", "reason": "  "})
    assert no_reason.status_code == 422
    task.refresh_from_db()
    assert task.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "return", "reason": "缺少端口变更记录"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "open" and task.submitted_at is None and task.is_late is None
    note = Notification.objects.get(recipient=engineer, verb="contracts.task_returned")
    assert note.body == "缺少端口变更记录" and note.link == url
    client.force_login(engineer)
    assert "缺少端口变更记录" in client.get(url).content.decode()  # shown on the task page

    # reworked: handed in again with a fresh file, then accepted
    assert client.post(url, {"action": "submit", "doc_0": pdf("巡检报告-v2.pdf")}).status_code == 302
    client.force_login(reviewer)
    assert client.post(url, {"action": "accept"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "accepted" and task.documents.count() == 2
    assert AuditEvent.objects.filter(action="task.accept", object_id=str(task.pk)).count() == 1


def test_task_without_named_documents_is_handed_in_without_a_file(client, contract, parties):
    task = _task(contract, "sign_verify", 3)
    assert task.deliverables == []
    client.force_login(parties[1])
    assert client.post(reverse("contracts:task", args=[task.pk]), {"action": "submit"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "submitted" and not task.documents.exists()


def test_both_parties_download_a_handed_in_document_and_others_get_404(client, contract, parties):
    reviewer, engineer = parties
    task = services.task_submit(
        actor=engineer, task=_task(contract, "inspection", 3), uploads=[("《安全巡检报告》", pdf())]
    )
    doc = task.documents.get()
    url = reverse("contracts:deliverable", args=[doc.pk])
    client.force_login(reviewer)  # the authority reads the provider's upload
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        action="file.downloaded", actor_id=reviewer.pk, object_id=str(doc.file_id)
    ).exists()
    stranger = UserFactory(roles=[OrgRole.REVIEWER], with_totp=True)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("contracts:task", args=[task.pk])).status_code == 404
    assert client.get(reverse("contracts:task_document", args=[task.pk, 0])).status_code == 404
    assert client.get(reverse("contracts:schedule", args=[contract.pk])).status_code == 404
    posted = client.post(reverse("contracts:task", args=[task.pk]), {"action": "accept"})
    assert posted.status_code == 404
    task.refresh_from_db()
    assert task.status == "submitted"
    assert not AuditEvent.objects.filter(action="file.downloaded", actor_id=stranger.pk).exists()


def test_authority_requests_on_demand_work(client, contract, parties):
    reviewer, engineer = parties
    url = reverse("contracts:task_request", args=[contract.pk])
    client.force_login(engineer)
    assert client.post(url, {"item": "self_inspection", "due_on": "2026-07-15"}).status_code == 302
    assert not contract.tasks.filter(item__code="self_inspection").exists()  # refused: not the authority
    client.force_login(reviewer)
    assert client.post(url, {"item": "self_inspection", "due_on": "not a date"}).status_code == 302
    assert not contract.tasks.filter(item__code="self_inspection").exists()
    response = client.post(
        url, {"item": "self_inspection", "due_on": "2026-07-15", "title": "网信办年度自查"}
    )
    task = contract.tasks.get(item__code="self_inspection")
    assert response.url == reverse("contracts:task", args=[task.pk])
    assert (task.title, task.due_on, task.month, task.deliverables) == ("网信办年度自查", date(2026, 7, 15), 7,
                                                                        ["《安全自查报告》"])  # fmt: skip
