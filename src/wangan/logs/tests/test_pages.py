"""Pages: list pages run a fixed number of queries; uploads show progress; the review pages filter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangan.logs import services
from wangan.logs.models import IngestBatch
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG, LogSourceFactory

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/logs/?since=2026-01-01&until=2026-12-31", "/logs/events/?since=2026-01-01&until=2026-12-31",
    "/logs/review/unauthorized/?since=2026-01-01&until=2026-12-31", "/logs/review/privileged/?since=2026-01-01&until=2026-12-31",
    "/logs/review/anomalies/?since=2026-01-01&until=2026-12-31", "/logs/alerts/?since=2026-01-01&until=2026-12-31",
    "/logs/chains/?since=2026-01-01&until=2026-12-31", "/logs/risks/?since=2026-01-01&until=2026-12-31",
    "/logs/sources/", "/logs/reports/", "/logs/plan/?year=2026",
]  # fmt: skip


def _grow(engineer, n: int) -> None:
    for _ in range(n):
        source = LogSourceFactory(organization=engineer.organization)
        services.upload_receive(actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode()))
    services.collection_plan_for_year(organization=engineer.organization, year=2026)
    run_jobs()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_run_a_fixed_number_of_queries(client, engineer, url):
    client.force_login(engineer)
    _grow(engineer, 1)
    small = _queries(client, url)
    _grow(engineer, 3)
    assert _queries(client, url) == small
    assert small <= 30


def test_web_upload_shows_progress_then_results(client, engineer):
    source = LogSourceFactory(organization=engineer.organization)
    client.force_login(engineer)
    response = client.post(f"/logs/sources/{source.pk}/", {"action": "upload", "file": SimpleUploadedFile("auth.log", AUTH_LOG.encode())})
    batch = IngestBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/logs/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and batch.sm3 in page
    run_jobs()
    partial = client.get(f"/logs/batches/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"
    page = client.get(f"/logs/batches/{batch.pk}/").content.decode()
    assert "SSH Brute Force" in page and "Wangan logscan team" in page and "every 2s" not in page


def test_refused_web_upload_says_why_with_422(client, engineer):
    source = LogSourceFactory(organization=engineer.organization)
    client.force_login(engineer)
    response = client.post(f"/logs/sources/{source.pk}/", {"action": "upload", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00")})
    assert response.status_code == 422 and "exe" in response.content.decode()
    assert IngestBatch.objects.get().status == "refused"


def test_source_form_validates_with_422(client, engineer):
    client.force_login(engineer)
    assert client.post("/logs/sources/", {"name": "", "criticality": 9, "type": "syslog"}).status_code == 422
    assert client.post("/logs/sources/", {"name": "a", "host": "h", "criticality": 2, "type": "syslog"}).status_code == 302
    response = client.post("/logs/sources/", {"name": "a", "host": "h", "criticality": 2, "type": "syslog"})
    assert response.status_code == 422  # the name is taken


def test_review_pages_split_the_events(client, engineer):
    _grow(engineer, 1)
    client.force_login(engineer)
    q = "?since=2026-01-01&until=2026-12-31"
    unauthorized = client.get("/logs/review/unauthorized/" + q).context["page"].paginator.count
    authorized = client.get("/logs/review/authorized/" + q).context["page"].paginator.count
    privileged = client.get("/logs/review/privileged/" + q).context["page"].paginator.count
    faults = client.get("/logs/review/faults/" + q).context["page"].paginator.count
    assert (unauthorized, privileged) == (7, 3)
    assert authorized >= 2 and faults >= 1
    search = client.get("/logs/events/" + q + "&src_ip=198.51.100.20").context["page"].paginator.count
    assert search == 1
    assert client.get("/logs/review/nonsense/").status_code == 404
