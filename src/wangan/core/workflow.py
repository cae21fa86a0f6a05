"""A small explicit state-machine helper shared by every workflow.

Each app declares its transitions in one table (``workflow.py``); ``transition_apply`` is the only
code that changes a state field: it checks who may act and the guard, locks the row, saves the
changed fields, appends the audit event and runs follow-ups after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import InvalidTransition, PermissionDenied


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    allowed: Callable[[Any, Model], bool]  # (actor, obj) -> may act
    guard: Callable[[Model], str | None] = lambda obj: None  # returns a refusal reason
    label: str = ""


@dataclass
class Workflow:
    field_name: str
    transitions: dict[str, Transition] = field(default_factory=dict)

    @classmethod
    def of(cls, field_name: str, items: Iterable[Transition]) -> Workflow:
        return cls(field_name, {t.name: t for t in items})

    def available(self, actor, obj: Model) -> list[Transition]:
        state = getattr(obj, self.field_name)
        return [t for t in self.transitions.values() if state in t.source and t.allowed(actor, obj)]


def transition_apply(
    *,
    workflow: Workflow,
    name: str,
    obj: Model,
    actor,
    changes: dict[str, Any] | None = None,
    audit_extra: dict | None = None,
    on_commit: Callable[[Model], None] | None = None,
) -> Model:
    """Take transition ``name`` on ``obj`` (re-read under a row lock) and return the fresh row."""
    transition = workflow.transitions.get(name)
    if transition is None:
        raise InvalidTransition(_("Unknown action."))
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        state = getattr(locked, workflow.field_name)
        if state not in transition.source:
            raise InvalidTransition(
                _("This action is not possible in the current state (%(state)s).") % {"state": state}
            )
        if not transition.allowed(actor, locked):
            raise PermissionDenied(_("You may not take this action."))
        reason = transition.guard(locked)
        if reason:
            raise InvalidTransition(reason, code="GUARD_FAILED")
        before = {workflow.field_name: state}
        setattr(locked, workflow.field_name, transition.target)
        changes = changes or {}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save(update_fields=[workflow.field_name, *changes.keys()])
        after = {workflow.field_name: transition.target, **(audit_extra or {})}
        audit_record(
            action=f"{locked._meta.model_name}.{name}", actor=actor, obj=locked, before=before, after=after
        )
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(locked))
    return locked
