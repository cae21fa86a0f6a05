"""Background jobs: recorded with the request, dispatched after commit, never lost, run once."""

import pytest
from django.db import transaction

from wangan.core import jobs
from wangan.core.models import Job, Notification
from wangan.core.notify import notify

pytestmark = pytest.mark.django_db


def test_a_job_is_recorded_even_when_the_broker_is_down(settings, monkeypatch, django_capture_on_commit_callbacks):
    from wangan.celery import app

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(task="core.notification_mail", kwargs={"notification_ids": []})
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING  # kept, to be sent again

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append((name, kw)))
    assert jobs.jobs_redispatch(older_than=__import__("datetime").timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and sent == [("core.notification_mail", {
        "kwargs": {"job_id": job.pk}, "queue": "default", "retry": False})]  # fmt: skip


def test_a_rolled_back_request_sends_no_job(monkeypatch, django_capture_on_commit_callbacks):
    from wangan.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        jobs.job_enqueue(task="core.notification_mail", kwargs={})
        raise RuntimeError("request failed")
    assert sent == [] and not Job.objects.exists()


def test_a_redelivered_job_does_its_effect_once(enterprise_user, mailoutbox):
    from wangan.core.tasks import notification_mail_task

    (note,) = notify(recipients=[enterprise_user], verb="t", title="hello", dedupe_key="k1")
    job = Job.objects.get(task="core.notification_mail")
    notification_mail_task.run(job.pk)
    notification_mail_task.run(job.pk)  # the broker delivers the message again
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [enterprise_user.email]
    notify(recipients=[enterprise_user], verb="t", title="hello", dedupe_key="k1")
    assert Notification.objects.filter(recipient=enterprise_user).count() == 1


def test_a_failed_job_records_its_error(enterprise_user):
    run = jobs.job_task(lambda job: 1 / 0)
    job = Job.objects.create(task="x")
    with pytest.raises(ZeroDivisionError):
        run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "ZeroDivisionError" in job.error


def test_jobs_cut_off_by_a_killed_embedded_worker_are_sent_again(monkeypatch):
    from wangan.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append(kw["kwargs"]["job_id"]))
    running = Job.objects.create(task="core.notification_mail", kwargs={"notification_ids": []},
                                 status=Job.Status.RUNNING, attempts=1)
    others = {s: Job.objects.create(task="core.notification_mail", status=s)
              for s in (Job.Status.PENDING, Job.Status.QUEUED, Job.Status.DONE, Job.Status.FAILED)}
    assert jobs.jobs_resume_interrupted() == 1
    running.refresh_from_db()
    assert sent == [running.pk] and running.status == Job.Status.QUEUED and running.attempts == 1
    assert all(Job.objects.get(pk=j.pk).status == s for s, j in others.items())  # their messages exist or they ended
    assert jobs.jobs_resume_interrupted() == 0 and sent == [running.pk]
