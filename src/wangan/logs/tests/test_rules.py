"""Rule management: built-in + uploaded Sigma rules, per-organization enable/disable and level, tests on samples."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from wangan.core.models import AuditEvent
from wangan.logs import selectors, services
from wangan.logs.errors import RuleDuplicate, RuleInvalid
from wangan.logs.models import Alert, CustomRule, RuleOverride
from wangan.logs.rules import builtin_rules, ruleset_for
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG, CUSTOM_RULE, LogSourceFactory

pytestmark = pytest.mark.django_db
BRUTE_FORCE = next(c.id for c in builtin_rules().correlations if c.title == "SSH Brute Force")
ROOT_LOGIN = next(r.id for r in builtin_rules().rules if r.title == "SSH Root Login Accepted")


def _scan(engineer, source):
    services.upload_receive(actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode()))
    run_jobs()


def test_catalog_lists_builtin_and_uploaded_rules_with_authors(engineer):
    services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE)
    rules = selectors.rule_list_for(user=engineer)
    assert len([r for r in rules if r.builtin]) == len(builtin_rules().rules) + len(builtin_rules().correlations)
    mine = [r for r in rules if not r.builtin]
    assert [(r.title, r.author, r.level) for r in mine] == [("Test Backdoor Account Name", "测试作者 Test Author", "high")]
    assert all(r.author for r in rules)


def test_disabling_a_rule_and_overriding_a_level_apply_to_the_organizations_next_scan(engineer, source):
    services.rule_override_set(actor=engineer, rule_id=BRUTE_FORCE, is_enabled=False)
    services.rule_override_set(actor=engineer, rule_id=ROOT_LOGIN, is_enabled=True, level="critical")
    _scan(engineer, source)
    assert not Alert.objects.filter(rule_id=BRUTE_FORCE).exists()
    assert Alert.objects.get(rule_id=ROOT_LOGIN).level == "critical"
    # another organization keeps the defaults
    other = LogSourceFactory()
    assert any(c.id == BRUTE_FORCE for c in ruleset_for(organization_id=other.organization_id).correlations)
    assert AuditEvent.objects.filter(action="logs.rule_override_set").count() == 2


def test_rule_set_cache_follows_changes(engineer):
    first = ruleset_for(organization_id=engineer.organization_id)
    assert ruleset_for(organization_id=engineer.organization_id) is first
    services.rule_override_set(actor=engineer, rule_id=ROOT_LOGIN, is_enabled=False)
    again = ruleset_for(organization_id=engineer.organization_id)
    assert again is not first and all(r.id != ROOT_LOGIN for r in again.rules)
    assert any(r.id == ROOT_LOGIN for r in builtin_rules().rules)  # the shared pack is never mutated


def test_unknown_rule_and_bad_level_are_refused(engineer):
    with pytest.raises(Exception) as exc:
        services.rule_override_set(actor=engineer, rule_id="nope", is_enabled=False)
    assert exc.value.code == "RULE_NOT_FOUND"
    with pytest.raises(Exception) as exc:
        services.rule_override_set(actor=engineer, rule_id=ROOT_LOGIN, is_enabled=True, level="severe")
    assert exc.value.code == "RULE_LEVEL_INVALID"
    assert not RuleOverride.objects.exists()


@pytest.mark.parametrize(("text", "needle"), [
    ("title: [unclosed\n", "unreadable"),
    ("title: No detection\nid: 1\nlogsource: {product: linux}\n", "no Sigma"),
    ("title: Bad cond\nid: 2\nlogsource: {product: linux}\ndetection:\n  sel: {a: b}\n  condition: missing\n", "unknown identifier"),
    ("just a string", "no Sigma"),
])  # fmt: skip
def test_bad_yaml_gets_a_clear_error_and_stores_nothing(engineer, text, needle):
    with translation.override("en"), pytest.raises(RuleInvalid) as exc:
        services.custom_rule_upload(actor=engineer, text=text)
    assert needle.lower() in exc.value.message.lower()
    assert not CustomRule.objects.exists()


def test_duplicate_ids_are_refused(engineer):
    services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE)
    with pytest.raises(RuleDuplicate):
        services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE)
    builtin = builtin_rules().rules[0]
    with pytest.raises(RuleDuplicate):
        services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE.replace("0b6f3c2e-4f0a-4a53-9c1e-7d8a5e1f2a10", builtin.id))


def test_multi_document_file_adds_each_rule_and_one_can_be_removed(engineer):
    two = CUSTOM_RULE + "---\n" + CUSTOM_RULE.replace("0b6f3c2e", "1c7a4d3f").replace("Backdoor Account Name", "Second")
    created = services.custom_rule_upload(actor=engineer, text=two)
    assert len(created) == 2 and "Second" not in created[0].text
    services.custom_rule_delete(actor=engineer, rule=created[0])
    assert [r.title for r in selectors.rule_list_for(user=engineer) if not r.builtin] == ["Test Second"]


def test_uploaded_rule_matches_in_scans_with_its_author(engineer, source):
    services.custom_rule_upload(actor=engineer, text=CUSTOM_RULE)
    _scan(engineer, source)
    alert = Alert.objects.get(title="Test Backdoor Account Name")
    assert alert.author == "测试作者 Test Author" and alert.level == "high" and "name=backdoor" in alert.evidence[0]


def test_rule_test_shows_normalized_fields_and_matches_even_for_disabled_rules(engineer):
    failure = [r for r in builtin_rules().rules if r.title == "SSH Authentication Failure"][0]
    services.rule_override_set(actor=engineer, rule_id=failure.id, is_enabled=False)
    client = APIClient()
    client.force_authenticate(engineer)
    lines = AUTH_LOG.splitlines()
    response = client.post("/api/v1/logs/rules/test/", {"rule_id": failure.id, "lines": lines[:2] + [lines[-1]]}, format="json")
    assert response.status_code == 200
    rows = response.json()
    assert [r["matched"] for r in rows] == [True, True, False]
    assert rows[0]["fields"]["source.address"] == "203.0.113.7" and rows[0]["log_type"] == "syslog"
    assert {"title": failure.title, "author": failure.author} .items() <= rows[0]["matched_rules"][0].items()


def test_rule_test_reports_correlations_on_the_completing_line(engineer):
    client = APIClient()
    client.force_authenticate(engineer)
    lines = AUTH_LOG.splitlines()[:8]
    rows = client.post("/api/v1/logs/rules/test/", {"rule_id": BRUTE_FORCE, "lines": lines}, format="json").json()
    assert any(r["matched"] for r in rows) and not rows[0]["matched"]


def test_rule_pages_upload_toggle_and_test(client, engineer):
    client.force_login(engineer)
    response = client.post("/logs/rules/", {"text": "title: [broken"})
    assert response.status_code == 422 and "unreadable" in response.content.decode()
    upload = SimpleUploadedFile("r.yml", CUSTOM_RULE.encode())
    assert client.post("/logs/rules/", {"file": upload}).status_code == 302
    assert CustomRule.objects.count() == 1
    assert client.post("/logs/rules/override/", {"rule_id": ROOT_LOGIN, "level": "high"}).status_code == 302
    assert RuleOverride.objects.get(rule_id=ROOT_LOGIN).is_enabled is False  # checkbox not sent = off
    page = client.post("/logs/rules/test/", {"rule_id": ROOT_LOGIN, "lines": AUTH_LOG.splitlines()[7]}).content.decode()
    assert 'data-testid="match"' in page and "Wangan logscan team" in page
