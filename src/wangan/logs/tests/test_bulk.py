"""HTTP bulk collection: API tokens, line checks, size cap (413), back-pressure (429) with visible counters."""

import json

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from wangan.accounts import services as account_services
from wangan.core.models import Job
from wangan.logs.models import IngestBatch, LogEvent, LogSource
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG

pytestmark = pytest.mark.django_db
NDJSON = "application/x-ndjson"


def _client(user, scopes=("read", "write")) -> APIClient:
    _token, raw = account_services.api_token_create(user=user, name="collector", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _body(lines) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _url(source) -> str:
    return f"/api/v1/logs/sources/{source.pk}/bulk/"


def test_bulk_lines_are_checked_recorded_and_processed(engineer, source):
    lines = [json.dumps({"raw": ln}) for ln in AUTH_LOG.splitlines()]
    lines += ['{"@timestamp": "2026-03-03T10:09:00+08:00", "host": "web01", "user": "bob", "message": "login ok"}',
              "not json at all", "[1, 2]"]  # fmt: skip
    response = _client(engineer).post(_url(source), data=_body(lines), content_type=NDJSON)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["lines"] == 17 and body["refused"] == 2
    assert body["reasons"] == {"invalid_json": 1, "not_object": 1} and len(body["sm3"]) == 64
    assert Job.objects.filter(task="logs.batch_process").count() == 1
    run_jobs()
    batch = IngestBatch.objects.get()
    assert batch.status == "done" and batch.accepted == 15 and batch.refused == 2 and batch.lines == 17
    assert LogEvent.objects.filter(batch=batch, src_ip="203.0.113.7").count() >= 8
    assert batch.scan.alerts.filter(title="SSH Brute Force").exists()
    assert not default_storage.exists(batch.spool_name)  # the spooled payload is gone once processed


def test_over_long_lines_are_refused_and_counted(engineer, source, monkeypatch):
    monkeypatch.setenv("WANGAN_LOG_BULK_MAX_LINE", "200")
    lines = [json.dumps({"raw": "x" * 500}), json.dumps({"raw": "ok"})]
    body = _client(engineer).post(_url(source), data=_body(lines), content_type=NDJSON).json()
    assert body["refused"] == 1 and body["reasons"] == {"line_too_long": 1}


def test_body_over_the_size_cap_gets_413_and_is_counted(engineer, source, monkeypatch):
    monkeypatch.setenv("WANGAN_LOG_BULK_MAX_BYTES", "1000")
    response = _client(engineer).post(_url(source), data=_body([json.dumps({"raw": "y" * 100})] * 20), content_type=NDJSON)
    assert response.status_code == 413 and response.json()["code"] == "LOG_BATCH_TOO_LARGE"
    source.refresh_from_db()
    assert source.refused_batches == 1 and source.last_refused_reason == "too_large"
    assert not IngestBatch.objects.exists() and not Job.objects.exists()


def test_back_pressure_answers_429_with_retry_after_and_counts_what_it_refused(engineer, source, monkeypatch):
    monkeypatch.setenv("WANGAN_LOG_BULK_MAX_PENDING", "2")
    client = _client(engineer)
    line = _body([json.dumps({"raw": "Mar  3 10:00:01 web01 app: hello"})] * 3)
    assert [client.post(_url(source), data=line, content_type=NDJSON).status_code for _ in range(2)] == [202, 202]
    response = client.post(_url(source), data=line, content_type=NDJSON)
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert response.json()["code"] == "LOG_BACKPRESSURE" and response.json()["details"]["refused_lines"] == 3
    source.refresh_from_db()
    assert (source.refused_batches, source.refused_lines, source.last_refused_reason) == (1, 3, "backpressure")
    assert IngestBatch.objects.count() == 2
    run_jobs()  # the queue drains: accepted again
    assert client.post(_url(source), data=line, content_type=NDJSON).status_code == 202


def test_rate_limit_per_minute_is_back_pressure_too(engineer, source, monkeypatch):
    monkeypatch.setenv("WANGAN_LOG_BULK_MAX_LINES_PER_MINUTE", "5")
    client = _client(engineer)
    line = _body([json.dumps({"raw": "hello"})] * 4)
    assert client.post(_url(source), data=line, content_type=NDJSON).status_code == 202
    response = client.post(_url(source), data=line, content_type=NDJSON)
    assert response.status_code == 429 and response.json()["details"]["reason"] == "rate_limit"
    assert LogSource.objects.get(pk=source.pk).refused_lines == 4


def test_read_only_token_cannot_send(engineer, source):
    response = _client(engineer, scopes=("read",)).post(_url(source), data=b'{"raw": "x"}\n', content_type=NDJSON)
    assert response.status_code == 403 and not IngestBatch.objects.exists()


def test_empty_or_all_refused_body_is_still_recorded(engineer, source):
    body = _client(engineer).post(_url(source), data=b"garbage\n\xff\xfe\n", content_type=NDJSON).json()
    assert body["status"] == "done" and body["lines"] == 2 and body["refused"] == 2
    assert not Job.objects.exists()


def test_api_upload_returns_the_queued_batch(engineer, source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(engineer).post(f"/api/v1/logs/sources/{source.pk}/uploads/",
                                      {"file": SimpleUploadedFile("auth.log", AUTH_LOG.encode())}, format="multipart")  # fmt: skip
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_jobs()
    events = _client(engineer).get("/api/v1/logs/events/?since=2026-01-01&category=authentication&outcome=failure").json()
    assert events["count"] == 7
    alerts = _client(engineer).get("/api/v1/logs/alerts/?since=2026-01-01&level=critical").json()["results"]
    assert alerts and all(a["author"] == "Wangan logscan team" for a in alerts)
    risks = _client(engineer).get("/api/v1/logs/risks/?since=2026-01-01").json()
    assert risks[0]["score"] >= risks[-1]["score"] and risks[0]["evidence"]


def test_api_refused_upload_is_422_with_the_code(engineer, source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(engineer).post(f"/api/v1/logs/sources/{source.pk}/uploads/",
                                      {"file": SimpleUploadedFile("x.pdf", b"not a pdf")}, format="multipart")  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "FILE_TYPE_NOT_ALLOWED"
    assert IngestBatch.objects.get().status == "refused"


def test_nul_characters_never_reach_the_database(engineer, source):
    line = json.dumps({"raw": "Mar  3 10:00:01 web01 sshd[1]: Failed password for ro\u0000ot from 203.0.113.7 port 1 ssh2"})
    assert _client(engineer).post(_url(source), data=_body([line]), content_type=NDJSON).status_code == 202
    run_jobs()
    event = LogEvent.objects.get()
    assert "\x00" not in event.raw and "\ufffd" in event.raw


def test_source_api_validates_the_type(engineer):
    client = _client(engineer)
    bad = client.post("/api/v1/logs/sources/", {"name": "x", "type": "bogus"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "VALIDATION_FAILED" and not LogSource.objects.exists()
    ok = client.post("/api/v1/logs/sources/", {"name": "x", "type": "nginx", "criticality": 5}, format="json")
    assert ok.status_code == 201 and ok.json()["type"] == "nginx"
