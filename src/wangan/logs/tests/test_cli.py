"""`wangan logs …`: offline scan through the engine's CLI, plan and purge for operators."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangan.logs.models import CollectionTask
from wangan.logs.tests.factories import AUTH_LOG


@pytest.fixture
def auth_log(tmp_path):
    path = tmp_path / "auth.log"
    path.write_text(AUTH_LOG, encoding="utf-8")
    return path


def test_scan_json_prints_detections_chains_and_authors(auth_log, capsys):
    call_command("logs", "scan", str(auth_log), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    titles = {a["title"] for a in out["alerts"]}
    assert "SSH Brute Force" in titles and out["chains"] and out["risks"]
    assert all(a["author"] for a in out["alerts"]) and out["stats"]["events"] == 14


def test_scan_table_with_extra_rules_dir(auth_log, tmp_path, capsys):
    from wangan.logs.tests.factories import CUSTOM_RULE

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "custom.yml").write_text(CUSTOM_RULE, encoding="utf-8")
    call_command("logs", "scan", str(auth_log), "--rules", str(rules), "--format", "table")
    out = capsys.readouterr().out
    assert "== Attack chains ==" in out and "Test Backdoor Account Name" in out and "测试作者" in out


def test_scan_fail_on_sets_the_exit_code(auth_log):
    with pytest.raises(SystemExit) as exc:
        call_command("logs", "scan", str(auth_log), "--format", "json", "--fail-on", "high")
    assert exc.value.code == 1


@pytest.mark.django_db
def test_plan_and_purge(engineer, capsys):
    call_command("logs", "plan", "--organization", str(engineer.organization_id), "--year", "2026")
    assert CollectionTask.objects.filter(organization=engineer.organization).count() == 4
    assert "2026 Q1" in capsys.readouterr().out
    call_command("logs", "purge")
    with pytest.raises(CommandError):
        call_command("logs", "plan", "--organization", "999999", "--year", "2026")


@pytest.mark.django_db
def test_syslog_needs_a_port_and_an_active_source(source):
    with pytest.raises(CommandError):
        call_command("logs", "syslog", "--source", str(source.pk))
    with pytest.raises(CommandError):
        call_command("logs", "syslog", "--source", "999999", "--udp", "0")
