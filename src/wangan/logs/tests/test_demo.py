"""Demo data of the log service: after `wangan demo` the review pages and the report are not empty,
with fictitious hosts and documentation addresses only; loading twice changes nothing."""

import ipaddress
import time

import pytest
from django.contrib.auth import get_user_model

from wangan.accounts.demo import demo_load as accounts_demo_load
from wangan.logs import demo
from wangan.logs.models import (
    Alert,
    AnalysisReport,
    AttackChain,
    CollectionTask,
    IngestBatch,
    LogEvent,
    LogSource,
)

pytestmark = pytest.mark.django_db
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


@pytest.fixture
def loaded():
    accounts_demo_load()
    started = time.perf_counter()
    summary = demo.demo_load()
    return summary, time.perf_counter() - started


def _user(name):
    return get_user_model().objects.get(username=name)


def test_demo_sources_uploads_and_report_are_there(loaded):
    summary, seconds = loaded
    assert summary.startswith("3 log uploads analysed")
    assert seconds < 10  # about 1.5 s alone; generous for a shared CI machine (the goal is < 3 s)
    provider = _user("prov_engineer").organization
    assert set(LogSource.objects.filter(organization=provider).values_list("name", flat=True)) == {
        "门户主机 portal-01", "门户网站 nginx"}  # fmt: skip
    assert set(IngestBatch.objects.values_list("status", flat=True)) == {"done"}
    titles = set(Alert.objects.filter(organization=provider).values_list("title", flat=True))
    assert {"SSH Login Success After Brute Force", "New User With UID 0 Created", "System Log Files Deleted",
            "SQL Injection Attempt In Request", "Path Traversal Attempt"} <= titles  # fmt: skip
    chain = AttackChain.objects.filter(organization=provider).order_by("-progression").first()
    assert demo.ATTACKER in chain.src_ips
    assert chain.tactics[:2] == ["credential-access", "initial-access"]
    assert {"persistence", "defense-evasion"} <= set(chain.tactics)
    report = AnalysisReport.objects.get(organization=provider)
    assert report.status == "done" and report.file_id and (report.pdf_file_id or report.pdf_error)
    assert report.summary["chains"] >= 1 and report.summary["review"]["unauthorized"] >= 8
    assert CollectionTask.objects.filter(organization=provider).count() == 4
    enterprise = _user("ent_admin").organization
    assert LogEvent.objects.filter(organization=enterprise).count() == 4


def test_only_documentation_addresses_and_fictitious_hosts(loaded):
    addresses = set(LogEvent.objects.exclude(src_ip="").values_list("src_ip", flat=True))
    assert addresses and all(any(ipaddress.ip_address(a) in net for net in DOC_NETS) for a in addresses)
    assert set(LogEvent.objects.values_list("host", flat=True)) <= {"portal-01", "gw-01"}


def test_the_review_pages_show_the_demo_to_its_users_only(loaded, client, django_assert_max_num_queries):
    client.force_login(_user("prov_engineer"))
    with django_assert_max_num_queries(40):
        overview = client.get("/logs/").content.decode()
    assert demo.ATTACKER in overview
    assert demo.ATTACKER in client.get("/logs/chains/").content.decode()
    assert "opsadmin" in client.get("/logs/review/privileged/").content.decode()
    assert "sysbak" in client.get("/logs/review/privileged/").content.decode()
    assert 'data-testid="download-docx"' in client.get("/logs/reports/").content.decode()
    client.force_login(_user("ent_admin"))
    page = client.get("/logs/").content.decode()
    assert demo.ATTACKER not in page and "gw-01" in client.get("/logs/sources/").content.decode()


def test_loading_twice_changes_nothing(loaded):
    counts = (LogSource.objects.count(), IngestBatch.objects.count(), LogEvent.objects.count(), Alert.objects.count(),
              AnalysisReport.objects.count())  # fmt: skip
    assert demo.demo_load() == ""
    assert counts == (LogSource.objects.count(), IngestBatch.objects.count(), LogEvent.objects.count(),
                      Alert.objects.count(), AnalysisReport.objects.count())  # fmt: skip


def test_nothing_without_the_demo_accounts():
    assert demo.demo_load() == ""
    assert not LogSource.objects.exists()
