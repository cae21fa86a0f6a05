"""Task hand-in and review as the pages and the API use them, built on ``services``: one file per
named document (附件3 服务成果), the authority's accept/return with reasons, deliverable downloads for
both parties, the year schedule with its special periods, and the penalty scan on demand.

Each write checks who may act before anything is stored, is audited (by the service it calls or
here) and notifies the other party after commit.
"""

from __future__ import annotations

from datetime import date

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wangan.contracts import permissions as perms
from wangan.contracts import services
from wangan.contracts.choices import TaskStatus
from wangan.contracts.errors import DeliverableMissing, ReasonRequired, ScheduleExists
from wangan.contracts.models import Contract, Deliverable, PenaltySuggestion, Task
from wangan.core.audit import audit_record
from wangan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from wangan.core.models import StoredFile
from wangan.core.notify import notify

EXTRA_DOCUMENT = "extra"  # the one optional attachment of a task whose item names no document


def _party_users(org_id: int, roles: tuple[str, ...]) -> list:
    from wangan.accounts.models import User

    return list(
        User.objects.filter(organization_id=org_id, is_active=True, org_roles__role__in=roles).distinct()
    )


def _notify_after_commit(*, org_id: int, roles: tuple[str, ...], verb: str, title: str, body: str = "",
                         link: str = "") -> None:  # fmt: skip
    users = _party_users(org_id, roles)
    if users:
        transaction.on_commit(lambda: notify(recipients=users, verb=verb, title=title, body=body, link=link,
                                             email=False))  # fmt: skip


def _subject(task: Task) -> dict:
    return {"task": task.title, "period": f"{task.year}-{task.month:02d}"}


def task_link(task: Task) -> str:
    return reverse("contracts:task", args=[task.pk])


def schedule_generate_for(*, actor, contract: Contract) -> list[Task]:
    """The year schedule with special-period duty planned in the months holding a 重保 period (附件3 5)."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may generate the schedule."))
    if contract.tasks.exists():
        raise ScheduleExists(_("The year schedule exists already."))
    # late: incidents builds on contracts
    from wangan.incidents.services import special_months, special_periods_sync_calendar

    for year in sorted({contract.service_start.year, contract.service_end.year}):
        special_periods_sync_calendar(year=year)
    return services.schedule_generate(
        actor=actor, contract=contract, special_months=special_months(contract=contract)
    )


def task_hand_in(*, actor, task: Task, files: dict, today: date | None = None) -> Task:
    """The contractor hands in one file per document the item names, all at once.

    ``files`` maps the index of a named document in ``task.deliverables`` to its upload; a task whose
    item names no document may carry one optional file under ``EXTRA_DOCUMENT``.  Everything is
    checked before a byte is stored, so a refusal leaves nothing behind.
    """
    if not perms.can_deliver(actor, task.contract):
        raise PermissionDenied(_("Only the contractor's engineers may hand in deliverables."))
    if task.status != TaskStatus.OPEN:
        raise InvalidTransition(_("This task was handed in already; wait until the client accepts or returns it."),
                                code="TASK_ALREADY_SUBMITTED")  # fmt: skip
    names = list(task.deliverables)
    files = {k: f for k, f in files.items() if f}
    unknown = [k for k in files if k != EXTRA_DOCUMENT and k not in range(len(names))]
    if unknown or (names and EXTRA_DOCUMENT in files):
        raise ValidationFailed(
            _("Attach files only to the documents this task names."), code="DELIVERABLE_UNKNOWN"
        )
    # a returned task is reworked as a whole: every named document is handed in again
    missing = [name for i, name in enumerate(names) if i not in files]
    if missing:
        raise DeliverableMissing(_("Attach one file for each document this task names; missing: %(docs)s")
                                 % {"docs": "、".join(missing)}, details=missing)  # fmt: skip
    uploads = [(names[i], files[i]) for i in range(len(names))]
    if EXTRA_DOCUMENT in files:
        uploads.append(("", files[EXTRA_DOCUMENT]))
    with transaction.atomic():
        task = services.task_submit(actor=actor, task=task, uploads=uploads, today=today)
        task_handed_in_notify(task=task)
    return task


def task_handed_in_notify(*, task: Task) -> None:
    """Tell the client's reviewers, once the hand-in commits (also used when another app hands work in)."""
    if task.is_late:
        title = _("%(task)s %(period)s handed in late") % _subject(task)
    else:
        title = _("%(task)s %(period)s handed in") % _subject(task)
    _notify_after_commit(org_id=task.contract.client_id, roles=perms.CLIENT_ACTING_ROLES,
                         verb="contracts.task_submitted", title=title, link=task_link(task))  # fmt: skip


def task_accept_for(*, actor, task: Task) -> Task:
    """The client accepts the documents; the contractor is told."""
    with transaction.atomic():
        task = services.task_accept(actor=actor, task=task)
        _notify_after_commit(org_id=task.contract.contractor_id, roles=perms.CONTRACTOR_ACTING_ROLES,
                             verb="contracts.task_accepted", link=task_link(task),
                             title=_("%(task)s %(period)s accepted") % _subject(task))  # fmt: skip
    return task


def task_return_for(*, actor, task: Task, reason: str) -> Task:
    """The client returns the documents for rework; the reason reaches the contractor's inbox."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for returning the documents."))
    with transaction.atomic():
        task = services.task_return(actor=actor, task=task, reason=reason)
        _notify_after_commit(org_id=task.contract.contractor_id, roles=perms.CONTRACTOR_ACTING_ROLES,
                             verb="contracts.task_returned", link=task_link(task), body=reason.strip(),
                             title=_("%(task)s %(period)s returned for rework") % _subject(task))  # fmt: skip
    return task


def deliverable_open(*, user, deliverable: Deliverable) -> tuple[StoredFile, File]:
    """Open a handed-in document for either party of its contract (the caller fetched it through a
    scoped selector); every download is audited like any stored file's."""
    stored = deliverable.file
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:
        raise NotFound(_("The file's content is missing."), code="FILE_CONTENT_MISSING") from exc
    try:
        audit_record(action="file.downloaded", actor=user, obj=stored,
                     after={"sm3": stored.sm3, "size": stored.size, "deliverable": deliverable.pk,
                            "task": deliverable.task_id})  # fmt: skip
    except BaseException:
        handle.close()
        raise
    return stored, handle


def penalty_scan_for(*, actor, contract: Contract) -> list[PenaltySuggestion]:
    """The authority runs the penalty scan now (it also runs when a month closes)."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may run the penalty scan."))
    with transaction.atomic():
        made = services.penalty_scan(contract=contract)
        audit_record(action="contracts.penalty_scan", actor=actor, obj=contract,
                     after={"suggested": [p.code for p in made]})  # fmt: skip
    return made
