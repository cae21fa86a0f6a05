"""Quarterly collection plan (seed 004 附件3 §6) and 《日志分析和审计报告》 as DOCX."""

import gzip
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from wangan.core.models import AuditEvent, Deadline
from wangan.logs import services
from wangan.logs.errors import ReportPeriodInvalid, TaskStateInvalid
from wangan.logs.models import AnalysisReport, CollectionTask
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG

pytestmark = pytest.mark.django_db


def test_plan_creates_four_quarters_with_report_due_five_working_days_after_collection(engineer):
    tasks = services.collection_plan_for_year(organization=engineer.organization, year=2026, actor=engineer)
    assert [(t.quarter, t.period_start, t.period_end) for t in tasks] == [
        (1, date(2026, 1, 1), date(2026, 3, 31)), (2, date(2026, 4, 1), date(2026, 6, 30)),
        (3, date(2026, 7, 1), date(2026, 9, 30)), (4, date(2026, 10, 1), date(2026, 12, 31))]  # fmt: skip
    # Qingming (4–6 April) and National Day (1–7 October, make-up Saturday 10 October) are skipped
    assert [t.report_due for t in tasks[:3]] == [date(2026, 4, 8), date(2026, 7, 7), date(2026, 10, 13)]
    assert tasks[3].report_due_provisional  # 2027's schedule is not official yet
    again = services.collection_plan_for_year(organization=engineer.organization, year=2026, actor=engineer)
    assert [t.pk for t in again] == [t.pk for t in tasks] and CollectionTask.objects.count() == 4
    assert AuditEvent.objects.filter(action="logs.collection_planned").count() == 4


def test_marking_collected_starts_the_report_clock_and_the_report_stops_it(engineer, source):
    services.upload_receive(actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode()))
    run_jobs()
    task = services.collection_plan_for_year(organization=engineer.organization, year=2026)[0]
    collected = timezone.make_aware(datetime(2026, 4, 1, 9, 0))
    task = services.collection_task_mark_collected(actor=engineer, task=task, collected_at=collected)
    assert task.status == "collected" and task.report_due == date(2026, 4, 9)
    clock = Deadline.objects.get(kind="logs.report")
    assert clock.status == "running" and timezone.localtime(clock.due_at).date() == date(2026, 4, 9)
    with pytest.raises(TaskStateInvalid):
        services.collection_task_mark_collected(actor=engineer, task=task)
    report = services.report_request(actor=engineer, period_start=date(2000, 1, 1), period_end=date(2000, 1, 2), task=task)
    assert (report.period_start, report.period_end) == (task.period_start, task.period_end)
    run_jobs()
    task.refresh_from_db()
    clock.refresh_from_db()
    assert task.status == "reported" and clock.status in ("met", "breached") and clock.stopped_at is not None


def test_report_docx_opens_and_has_every_section(engineer, source):
    services.upload_receive(actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode()))
    report = services.report_request(actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))
    run_jobs()
    report.refresh_from_db()
    assert report.status == "done" and report.file.content_type.endswith("wordprocessingml.document")
    assert report.summary["sources"] == 1 and report.summary["lines"] == 14 and report.summary["alerts"] >= 6 and report.summary["chains"] >= 1 and report.summary["review"]["unauthorized"] == 7
    client = APIClient()
    client.force_authenticate(engineer)
    response = client.get(f"/api/v1/logs/reports/{report.pk}/download/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for heading in ("日志分析和审计报告", "一、范围与方法", "二、日志来源与数量", "三、日志审查发现", "授权访问", "非授权访问",
                    "特权操作", "系统故障与异常", "四、告警统计", "五、攻击链", "六、需优先处置的威胁", "七、ATT&CK 覆盖",
                    "八、安全加固建议"):  # fmt: skip
        assert heading in text, heading
    assert "Wangan logscan team" in cells and "203.0.113.7" in cells and source.name in cells
    assert "SSH" in cells and "凭据访问" in text + cells
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert 'w:eastAsia="' in doc.styles["Normal"].element.xml
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(report.file_id)).count() == 1


def test_report_period_must_make_sense(engineer):
    with pytest.raises(ReportPeriodInvalid):
        services.report_request(actor=engineer, period_start=date(2026, 3, 1), period_end=date(2026, 2, 1))
    assert not AnalysisReport.objects.exists()


def test_report_web_pages(client, engineer):
    client.force_login(engineer)
    assert client.post("/logs/reports/", {"period_start": "2026-01-01", "period_end": "2026-03-31"}).status_code == 302
    page = client.get("/logs/reports/").content.decode()
    assert 'hx-trigger="every 3s"' in page  # the pending report polls
    run_jobs()
    partial = client.get("/logs/reports/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "/download/" in partial


def test_plan_page_creates_and_marks(client, engineer):
    client.force_login(engineer)
    assert client.post("/logs/plan/", {"year": 2026}).status_code == 302
    page = client.get("/logs/plan/?year=2026").content.decode()
    assert page.count("2026 Q") == 4 and "2026-04-08" in page
    task = CollectionTask.objects.get(quarter=1)
    assert client.post(f"/logs/plan/tasks/{task.pk}/collected/").status_code == 302
    assert client.post(f"/logs/plan/tasks/{task.pk}/report/").status_code == 302
    assert AnalysisReport.objects.get().task_id == task.pk


def test_report_survives_control_characters_in_log_lines(engineer, source):
    noisy = AUTH_LOG.replace("Failed password", "\x1b[31mFailed\x1b[0m password\x07").replace("backdoor", "back\x0cdoor")
    upload = SimpleUploadedFile("auth.log.gz", gzip.compress(noisy.encode()))
    services.upload_receive(actor=engineer, source=source, upload=upload)
    report = services.report_request(actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))
    run_jobs()
    report.refresh_from_db()
    assert report.status == "done", report.error
