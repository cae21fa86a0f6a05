import pytest

from wangan.accounts.choices import OrgRole
from wangan.logs.tests.factories import LogSourceFactory


@pytest.fixture
def engineer(make_user):
    return make_user(roles=[OrgRole.ENGINEER])


@pytest.fixture
def source(engineer):
    return LogSourceFactory(organization=engineer.organization)


@pytest.fixture
def staff_same_org(make_user, engineer):
    return make_user(organization=engineer.organization, roles=[OrgRole.STAFF])


@pytest.fixture
def other_engineer(make_user):
    return make_user(roles=[OrgRole.ENGINEER])


def run_jobs(task_name: str | None = None) -> list:
    """Run every pending log job in-process, in order, as a worker would (the task functions themselves)."""
    from wangan.core.models import Job
    from wangan.logs import tasks

    runners = {"logs.batch_process": tasks.batch_process_task, "logs.report_generate": tasks.report_generate_task}
    jobs = Job.objects.filter(status__in=["pending", "queued"], task__startswith="logs.").order_by("pk")
    return [runners[job.task](job.pk) for job in jobs if task_name in (None, job.task)]


@pytest.fixture
def world(engineer, source):
    """One organization's processed logs: an upload with alerts, a chain and risks, an uploaded rule,
    the year's collection tasks and a generated report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wangan.logs import services
    from wangan.logs.models import Alert, AttackChain, CustomRule, LogEvent
    from wangan.logs.tests.factories import AUTH_LOG, CUSTOM_RULE

    batch = services.upload_receive(actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode()))
    [rule] = services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE)
    tasks = services.collection_plan_for_year(organization=engineer.organization, year=2026, actor=engineer)
    report = services.report_request(actor=engineer, period_start=tasks[0].period_start, period_end=tasks[0].period_end)
    run_jobs()
    batch.refresh_from_db()
    report.refresh_from_db()
    return {
        "source": source, "batch": batch, "alert": Alert.objects.filter(batch=batch).first(),
        "chain": AttackChain.objects.first(), "event": LogEvent.objects.first(), "rule": CustomRule.objects.get(pk=rule.pk),
        "task": tasks[0], "report": report,
    }
