"""The periodic lifecycle job: late tasks (idempotent, audited once, the contractor told), the penalty scan of
contracts in service, and the run through the beat schedule and the job runner."""

from datetime import date
from decimal import Decimal

import pytest

from wangan.contracts import lifecycle, services
from wangan.contracts import tasks as contract_tasks
from wangan.contracts.models import Contract, PenaltySuggestion, Task
from wangan.contracts.tests.factories import full_marks
from wangan.contracts.tests.lifecycle_support import pdf
from wangan.core import jobs
from wangan.core.models import AuditEvent, Job, Notification

pytestmark = pytest.mark.django_db


def test_open_tasks_past_due_become_late_once(contract, parties, django_capture_on_commit_callbacks):
    reviewer, engineer = parties
    on_time = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    services.task_submit(actor=engineer, task=on_time, uploads=[("报告", pdf())], today=date(2026, 3, 20))
    today = date(2026, 5, 1)
    expected = set(
        Task.objects.filter(contract=contract, status="open", due_on__lt=today).values_list("pk", flat=True)
    )
    assert expected and on_time.pk not in expected
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.tasks_mark_late(today=today) == len(expected)
    assert set(Task.objects.filter(is_late=True).values_list("pk", flat=True)) == expected
    on_time.refresh_from_db()
    assert on_time.is_late is False  # handed in on time: untouched
    # due today is not late yet
    assert not Task.objects.filter(due_on=today, is_late=True).exists()
    note = Notification.objects.get(recipient=engineer, verb="contracts.tasks_late")
    assert str(len(expected)) in note.title and contract.number in note.title

    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.tasks_mark_late(today=today) == 0  # idempotent
        assert lifecycle.tasks_mark_late(today=date(2026, 5, 2)) == 0
    assert AuditEvent.objects.filter(action="contracts.task_late").count() == len(expected)
    assert Notification.objects.filter(verb="contracts.tasks_late").count() == 1
    assert not Notification.objects.filter(recipient=reviewer, verb="contracts.tasks_late").exists()
    # a late task handed in later keeps is_late from the submission
    late = Task.objects.get(pk=min(expected))
    late = services.task_submit(actor=engineer, task=late, uploads=[("报告", pdf())], today=today)
    assert late.is_late is True


def test_the_scan_runs_the_penalty_scan_for_contracts_in_service_only(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    zeros = set(contract.items.filter(code__in=("inspection", "website_monitoring", "antivirus_update",
                                                 "data_backup", "sign_verify")).values_list("pk", flat=True))  # fmt: skip
    services.month_score(actor=reviewer, sheet=sheet, entries=[
        services.ScoreIn(e.item_id, *(Decimal(0),) * 3) if e.item_id in zeros else e
        for e in full_marks(contract, sheet)])  # fmt: skip
    services.month_close(actor=reviewer, sheet=sheet)
    PenaltySuggestion.objects.all().delete()  # as if the scan had not run at close
    assert lifecycle.lifecycle_scan(today=date(2026, 4, 2))["penalties_suggested"] == 1
    assert PenaltySuggestion.objects.get().code == "G11"
    assert lifecycle.lifecycle_scan(today=date(2026, 4, 3))["penalties_suggested"] == 0  # one row per finding
    PenaltySuggestion.objects.all().delete()
    Contract.objects.filter(pk=contract.pk).update(status="accepted")
    assert lifecycle.lifecycle_scan(today=date(2026, 4, 4))["penalties_suggested"] == 0


def test_beat_entry_queues_one_job_and_the_runner_does_the_scan(contract):
    from wangan.celery import app

    entry = app.conf.beat_schedule["contracts-lifecycle-scan"]
    assert entry["task"] == "contracts.lifecycle_scan" and entry["options"]["expires"] < entry["schedule"]
    assert {"contracts.lifecycle_scan", "contracts.lifecycle_run"} <= set(app.tasks.keys())

    job_id = contract_tasks.lifecycle_scan_task()
    assert contract_tasks.lifecycle_scan_task() is None  # one waiting run is enough
    result = contract_tasks.lifecycle_run_task(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "done" and job.result == result
    # the real today (after the seed contract's March tasks were due) marks them late
    assert result["late_tasks"] == Task.objects.filter(is_late=True).count() > 0
    assert contract_tasks.lifecycle_run_task(job_id) is None  # a redelivered message does nothing
    assert contract_tasks.lifecycle_scan_task() is not None  # the next tick queues again


def test_the_runner_takes_a_date_and_is_idempotent(contract):
    first = jobs.job_enqueue(task=contract_tasks.RUN_TASK, kwargs={"today": "2026-05-01"})
    second = jobs.job_enqueue(task=contract_tasks.RUN_TASK, kwargs={"today": "2026-05-01"})
    a = contract_tasks.lifecycle_run_task(first.pk)
    b = contract_tasks.lifecycle_run_task(second.pk)
    assert a["late_tasks"] > 0 and b["late_tasks"] == 0
    assert AuditEvent.objects.filter(action="contracts.task_late").count() == a["late_tasks"]
