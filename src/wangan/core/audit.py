"""The audit trail: append an event, read it (audit admin only), verify the SM3 chain.

Each event's hash is SM3(prev_hash || canonical JSON of its fields).  Appending locks the single
``AuditHead`` row so events are chained in commit order; the head keeps the last hash, so deleting
the newest rows is detected as well as altering or deleting any earlier one.

Inside a transaction the event is appended when that transaction commits, in a short transaction
of its own (``AUDIT_DEFER_TO_COMMIT``): the global head lock is then never held together with a
business row lock, so audited transactions cannot deadlock on it, and an action that rolls back
leaves no event.  Unit tests (which run inside one transaction that never commits) append at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from wangan.core.models import AuditEvent, AuditHead
from wangan.core.requestctx import current_ip

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "organization_id_ref", "organization_name", "role", "action",
    "object_type", "object_id", "object_repr", "before", "after", "ip", "outcome",
)  # fmt: skip


def _canonical(event: AuditEvent) -> bytes:
    data: dict[str, Any] = {}
    for name in _HASHED_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        data[name] = value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.new("sm3", event.prev_hash.encode() + _canonical(event)).hexdigest()


def _describe_actor(actor) -> tuple[Any, str, Any, str, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", None, "", ""
    from wangan.core.permissions import role_label  # late: permissions reads the user model

    org = actor.organization
    return actor, actor.username, org.pk, org.name, role_label(actor)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
    outcome: str = "success",
    actor_name: str = "",
) -> AuditEvent | None:
    """Record one event: at once outside a transaction, at its commit inside one (see above)."""
    user, username, org_id, org_name, role = _describe_actor(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)[:300]
    fields = {
        "at": timezone.now(), "actor_id": getattr(user, "pk", None), "actor_name": username or actor_name,
        "organization_id_ref": org_id, "organization_name": org_name, "role": role, "action": action,
        "object_type": object_type, "object_id": str(object_id), "object_repr": object_repr[:300],
        "before": _jsonable(before), "after": _jsonable(after), "ip": ip if ip is not None else current_ip(),
        "outcome": outcome,
    }  # fmt: skip
    if getattr(settings, "AUDIT_DEFER_TO_COMMIT", False) and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _append(fields))
        return None
    return _append(fields)


def _append(fields: dict) -> AuditEvent:
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(seq=head.seq + 1, prev_hash=head.hash, **fields)
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _jsonable(value: dict | None) -> dict | None:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, batch: int = 2000) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content does not hold."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in _iter_events(batch):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} does not link to its predecessor")
        if event_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} was altered")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(False, checked, checked + 1, f"events after #{checked} are missing")
    return VerifyResult(True, checked)


def _iter_events(batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
