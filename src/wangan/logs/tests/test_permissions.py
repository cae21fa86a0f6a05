"""Permission matrix for every page and endpoint: anonymous, another organization, the same organization
without the role, permitted — and on denial nothing changes."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from wangan.core.models import AuditEvent, Job
from wangan.logs.models import (
    AnalysisReport,
    CollectionTask,
    CustomRule,
    IngestBatch,
    LogSource,
    RuleOverride,
)
from wangan.logs.tests.factories import AUTH_LOG, LogSourceFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/logs/", "/logs/events/", "/logs/review/authorized/", "/logs/review/unauthorized/", "/logs/review/privileged/",
    "/logs/review/faults/", "/logs/review/anomalies/", "/logs/alerts/", "/logs/chains/", "/logs/risks/",
    "/logs/sources/", "/logs/rules/", "/logs/rules/test/", "/logs/plan/?year=2026", "/logs/reports/",
]  # fmt: skip
OBJECT_PAGES = [
    ("source", "/logs/sources/{pk}/"), ("batch", "/logs/batches/{pk}/"), ("batch", "/logs/batches/{pk}/progress/"),
    ("alert", "/logs/alerts/{pk}/"), ("chain", "/logs/chains/{pk}/"), ("report", "/logs/reports/{pk}/download/"),
]  # fmt: skip
API_READS = [
    "/api/v1/logs/sources/", "/api/v1/logs/batches/", "/api/v1/logs/events/", "/api/v1/logs/alerts/",
    "/api/v1/logs/chains/", "/api/v1/logs/risks/", "/api/v1/logs/rules/", "/api/v1/logs/collection-tasks/",
    "/api/v1/logs/reports/",
]  # fmt: skip
API_OBJECTS = [
    ("source", "/api/v1/logs/sources/{pk}/"), ("batch", "/api/v1/logs/batches/{pk}/"),
    ("chain", "/api/v1/logs/chains/{pk}/"), ("report", "/api/v1/logs/reports/{pk}/download/"),
]  # fmt: skip


def _snapshot():
    return (LogSource.objects.count(), list(LogSource.objects.order_by("pk").values_list("name", "criticality", "is_active")),
            IngestBatch.objects.count(), RuleOverride.objects.count(), CustomRule.objects.count(),
            CollectionTask.objects.count(), list(CollectionTask.objects.values_list("status", flat=True)),
            AnalysisReport.objects.count(), Job.objects.count())  # fmt: skip


@pytest.fixture
def who(request, engineer, staff_same_org, other_engineer):
    return {"anonymous": None, "other_org": other_engineer, "no_role": staff_same_org, "permitted": engineer}


def _web(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_pages(client, world, who, url):
    assert _web(client, None).get(url).status_code == 302
    assert _web(client, who["no_role"]).get(url).status_code == 403
    other = _web(client, who["other_org"]).get(url)
    assert other.status_code == 200
    page = other.content.decode()
    for mark in ("203.0.113.7", "测试作者", world["source"].name):  # nothing of the first organization shows
        assert mark not in page
    assert _web(client, who["permitted"]).get(url).status_code == 200


@pytest.mark.parametrize(("key", "url"), OBJECT_PAGES)
def test_object_pages(client, world, who, key, url):
    url = url.format(pk=world[key].pk)
    assert _web(client, None).get(url).status_code == 302
    assert _web(client, who["no_role"]).get(url).status_code == 403
    assert _web(client, who["other_org"]).get(url).status_code == 404
    assert _web(client, who["permitted"]).get(url).status_code == 200


def test_permitted_pages_show_the_organizations_findings_with_rule_authors(client, world, engineer):
    client.force_login(engineer)
    alerts = client.get("/logs/alerts/").content.decode()
    assert "SSH Brute Force" in alerts and "Wangan logscan team" in alerts and "测试作者" in alerts
    chain = client.get(f"/logs/chains/{world['chain'].pk}/").content.decode()
    assert 'data-testid="timeline"' in chain and "Wangan logscan team" in chain
    risks = client.get("/logs/risks/").content.decode()
    assert "203.0.113.7" in risks
    review = client.get("/logs/review/unauthorized/?since=2026-01-01&until=2026-12-31").content.decode()
    assert "203.0.113.7" in review
    overview = client.get("/logs/?since=2026-01-01&until=2026-12-31").content.decode()
    assert 'data-chart="logs-events-per-day"' in overview and 'id="logs-events-per-day"' in overview


def _api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", API_READS)
def test_api_reads(world, who, url):
    assert _api(None).get(url).status_code in (401, 403)
    assert _api(who["no_role"]).get(url).status_code == 403
    other = _api(who["other_org"]).get(url)
    assert other.status_code == 200
    data = other.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if url.endswith("/rules/"):
        assert not any(r["id"] == world["rule"].rule_id for r in rows)
    else:
        assert rows == []
    ok = _api(who["permitted"]).get(url)
    assert ok.status_code == 200


@pytest.mark.parametrize(("key", "url"), API_OBJECTS)
def test_api_objects(world, who, key, url):
    url = url.format(pk=world[key].pk)
    assert _api(None).get(url).status_code in (401, 403)
    assert _api(who["no_role"]).get(url).status_code == 403
    response = _api(who["other_org"]).get(url)
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    assert _api(who["permitted"]).get(url).status_code == 200


def _mutations(world):
    src, task, rule = world["source"], world["task"], world["rule"]
    return [
        ("post", "/api/v1/logs/sources/", {"name": "new", "host": "h", "criticality": 2}, "json"),
        ("patch", f"/api/v1/logs/sources/{src.pk}/", {"criticality": 1, "is_active": False}, "json"),
        ("post", f"/api/v1/logs/sources/{src.pk}/uploads/", {"file": SimpleUploadedFile("a.log", AUTH_LOG.encode())}, "multipart"),
        ("post", f"/api/v1/logs/sources/{src.pk}/bulk/", json.dumps({"raw": "x"}) + "\n", "ndjson"),
        ("put", f"/api/v1/logs/rules/{rule.rule_id}/override/", {"is_enabled": False}, "json"),
        ("post", "/api/v1/logs/rules/", {"text": "title: x\nid: 7\nlogsource: {product: linux}\ndetection: {k: [a], condition: k}\n"}, "json"),
        ("post", "/api/v1/logs/collection-tasks/plan/", {"year": 2027}, "json"),
        ("post", f"/api/v1/logs/collection-tasks/{task.pk}/collected/", None, "json"),
        ("post", "/api/v1/logs/reports/", {"period_start": "2026-01-01", "period_end": "2026-03-31"}, "json"),
    ]  # fmt: skip


def _send(client, method, url, data, fmt):
    if fmt == "ndjson":
        return getattr(client, method)(url, data=data, content_type="application/x-ndjson")
    if fmt == "multipart":
        return getattr(client, method)(url, data=data, format="multipart")
    return getattr(client, method)(url, data=data, format="json")


@pytest.mark.parametrize("index", range(9))
def test_api_mutations_are_denied_without_changing_anything(world, who, index):
    for role, expected in (("anonymous", {401, 403}), ("no_role", {403}), ("other_org", {404})):
        method, url, data, fmt = _mutations(world)[index]
        if role == "other_org" and url in ("/api/v1/logs/sources/", "/api/v1/logs/rules/",
                                           "/api/v1/logs/collection-tasks/plan/", "/api/v1/logs/reports/"):
            continue  # not object-bound: another organization acts on its own data
        if role == "other_org" and "/override/" in url:
            expected = {404}  # the uploaded rule is the other organization's
        before, audits = _snapshot(), AuditEvent.objects.count()
        response = _send(_api(who[role]), method, url, data, fmt)
        assert response.status_code in expected, (role, url, response.status_code, response.content[:200])
        assert _snapshot() == before and AuditEvent.objects.count() == audits
    method, url, data, fmt = _mutations(world)[index]
    response = _send(_api(who["permitted"]), method, url, data, fmt)
    assert response.status_code in (200, 201, 202), response.content[:300]


# (url, data, what another organization's engineer gets: None = acts on its own data, not checked here)
WEB_POSTS = [
    ("/logs/sources/", {"name": "n", "host": "h", "type": "syslog", "criticality": 3, "is_active": "on"}, None),
    ("/logs/sources/{source}/", {"action": "update", "name": "renamed", "host": "h", "type": "syslog", "criticality": 1}, 404),
    ("/logs/sources/{source}/", {"action": "upload", "file": "AUTH"}, 404),
    ("/logs/rules/override/", {"rule_id": "{rule_id}", "level": "low"}, 302),  # "no such rule" for them
    ("/logs/rules/{rule}/delete/", {}, 404),
    ("/logs/plan/", {"year": 2028}, None),
    ("/logs/plan/tasks/{task}/collected/", {}, 404),
    ("/logs/plan/tasks/{task}/report/", {}, 404),
    ("/logs/reports/", {"period_start": "2026-01-01", "period_end": "2026-02-01"}, None),
]


@pytest.mark.parametrize("index", range(len(WEB_POSTS)))
def test_web_posts_are_denied_without_changing_anything(client, world, who, index):
    url, data, other_status = WEB_POSTS[index]
    fill = {"source": world["source"].pk, "rule": world["rule"].pk, "task": world["task"].pk, "rule_id": world["rule"].rule_id}
    url = url.format(**fill)

    def payload():
        return {k: (SimpleUploadedFile("a.log", AUTH_LOG.encode()) if v == "AUTH" else v.format(**fill) if isinstance(v, str) else v)
                for k, v in data.items()}  # fmt: skip

    for role, expected in (("anonymous", 302), ("no_role", 403), ("other_org", other_status)):
        if expected is None:
            continue
        client.logout()
        _web(client, who[role])  # signing in is audited itself
        before, audits = _snapshot(), AuditEvent.objects.count()
        response = client.post(url, payload())
        assert response.status_code == expected, (role, url, response.status_code)
        if role == "anonymous":
            assert "/accounts/login" in response["Location"]
        assert _snapshot() == before and AuditEvent.objects.count() == audits, (role, url)
    client.logout()
    _web(client, who["permitted"])
    audits = AuditEvent.objects.count()
    response = client.post(url, payload())
    assert response.status_code == 302, response.content[:500]
    assert AuditEvent.objects.count() > audits  # the permitted user's action did happen


def test_other_organizations_source_takes_no_bulk_lines(world, other_engineer):
    foreign = LogSourceFactory(organization=other_engineer.organization)
    response = _api(world["batch"].created_by).post(f"/api/v1/logs/sources/{foreign.pk}/bulk/", data=b'{"raw": "x"}\n',
                                                     content_type="application/x-ndjson")  # fmt: skip
    assert response.status_code == 404 and not IngestBatch.objects.filter(source=foreign).exists()
