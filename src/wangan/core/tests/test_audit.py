"""The audit trail: SM3 chain, tamper detection, append-only on PostgreSQL, CLI."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wangan.core.audit import audit_record, audit_verify, event_hash
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int, actor=None):
    return [audit_record(action="test.event", actor=actor, object_type="thing", object_id=i, after={"i": i})
            for i in range(n)]  # fmt: skip


def _raw_update(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chain_links_each_event_to_the_previous_one(enterprise_user):
    events = _events(3, enterprise_user)
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert all(event_hash(e) == e.hash for e in events)
    assert events[0].actor_name == enterprise_user.username and events[0].organization_name
    assert audit_verify().ok


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the change itself")
def test_an_altered_event_is_reported_as_the_first_broken_link():
    _events(5)
    _raw_update("UPDATE core_auditevent SET after = %s WHERE seq = 3", ['{"i": 99}'])
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and result.checked == 2
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the change itself")
def test_a_deleted_event_is_detected_in_the_middle_and_at_the_end():
    _events(5)
    _raw_update("DELETE FROM core_auditevent WHERE seq = 2", [])
    assert audit_verify().broken_seq == 2
    _raw_update("DELETE FROM core_auditevent WHERE seq > 1", [])
    result = audit_verify()
    assert not result.ok and "missing" in result.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete():
    _events(2)
    for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw_update(sql, [])
    assert AuditEvent.objects.count() == 2 and audit_verify().ok


def test_cli_reports_an_intact_trail(capsys):
    _events(3)
    call_command("audit", "verify")
    assert "3 events verified" in capsys.readouterr().out
