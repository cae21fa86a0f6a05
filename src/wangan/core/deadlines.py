"""SLA clocks on any object: start, stop, cancel, and the idempotent periodic breach scan.

Working-day clocks end at 24:00 of the last working day (see ``workcal.add_working_time``); hours
and minutes are plain clock time (seed 001: respond within 2 hours; seed 004: 15/30/60-minute
response thresholds run through nights and holidays).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import ValidationFailed
from wangan.core.models import Deadline
from wangan.core.notify import notify as notify_send
from wangan.core.workcal import add_working_time

log = logging.getLogger(__name__)
Status = Deadline.Status
Unit = Deadline.Unit


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value, timezone.get_default_timezone()) if timezone.is_naive(value) else value


def _due(started_at: datetime, amount: int, unit: str) -> tuple[datetime, bool]:
    if unit == Unit.WORKING_DAYS:
        result = add_working_time(started_at, amount)
        return result.date, result.is_provisional
    step = timedelta(hours=amount) if unit == Unit.HOURS else timedelta(minutes=amount)
    return started_at + step, False


def _user_ids(users: Iterable) -> list[int]:
    return sorted({u if isinstance(u, int) else u.pk for u in users if u is not None})


def _subject_filter(obj: Model) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


def _audit(deadline: Deadline, action: str, *, actor=None, before: dict | None = None) -> None:
    """One audit event on the clock's subject, so the object's history shows its clocks."""
    ct = deadline.content_type
    audit_record(
        action=action,
        actor=actor,
        actor_name="" if actor is not None else "system",
        object_type=f"{ct.app_label}.{ct.model}",
        object_id=deadline.object_id,
        object_repr=_subject_repr(deadline),
        before=before,
        after=_state(deadline),
    )


def _state(deadline: Deadline) -> dict:
    return {
        "deadline_id": deadline.pk,
        "kind": deadline.kind,
        "amount": deadline.amount,
        "unit": deadline.unit,
        "started_at": deadline.started_at,
        "due_at": deadline.due_at,
        "is_provisional": deadline.is_provisional,
        "status": deadline.status,
        "stopped_at": deadline.stopped_at,
        "breached_at": deadline.breached_at,
    }


def _subject_repr(deadline: Deadline) -> str:
    try:
        subject = deadline.subject
    except Exception:  # the subject's model or row is gone; the clock still gets audited
        subject = None
    return str(subject)[:300] if subject is not None else ""


def _local(value: datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


def _announce_breach(deadline: Deadline) -> None:
    """Audit and notify one breach; the dedupe key keeps a retried scan from notifying twice."""
    _audit(deadline, "deadline.breached")
    if not deadline.notify_user_ids:
        return
    users = get_user_model().objects.filter(pk__in=deadline.notify_user_ids, is_active=True)
    subject = _subject_repr(deadline) or f"{deadline.content_type.model} #{deadline.object_id}"
    notify_send(
        recipients=users,
        verb="deadline.breached",
        title=_("Deadline breached: %(subject)s") % {"subject": subject},
        body=_("The %(kind)s deadline (%(amount)s %(unit)s from %(started)s) was due at %(due)s.")
        % {
            "kind": deadline.kind,
            "amount": deadline.amount,
            "unit": deadline.get_unit_display(),
            "started": _local(deadline.started_at),
            "due": _local(deadline.due_at),
        },
        dedupe_key=f"deadline:{deadline.pk}:breached",
    )


def deadline_start(
    *,
    obj: Model,
    kind: str,
    amount: int,
    unit: str,
    started_at: datetime | None = None,
    notify: Iterable = (),
    organization_id: int | None = None,
    actor=None,
) -> Deadline:
    """Start the ``kind`` clock on ``obj``, or return the one already running for (obj, kind)."""
    if unit not in Unit.values:
        raise ValidationFailed(_("Unknown deadline unit %(unit)r.") % {"unit": unit}, code="DEADLINE_INVALID")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValidationFailed(_("A deadline needs a positive whole amount."), code="DEADLINE_INVALID")
    if not kind:
        raise ValidationFailed(_("A deadline needs a kind."), code="DEADLINE_INVALID")
    where = _subject_filter(obj) & Q(kind=kind, status=Status.RUNNING)
    running = Deadline.objects.filter(where).first()
    if running is not None:
        return running
    started_at = _aware(started_at or timezone.now())
    due_at, is_provisional = _due(started_at, amount, unit)
    if organization_id is None:
        organization_id = getattr(obj, "organization_id", None)
    try:
        with transaction.atomic():
            deadline = Deadline.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                kind=kind,
                organization_id_ref=organization_id,
                amount=amount,
                unit=unit,
                started_at=started_at,
                due_at=due_at,
                is_provisional=is_provisional,
                notify_user_ids=_user_ids(notify),
            )
            _audit(deadline, "deadline.start", actor=actor)
    except IntegrityError:
        # Another request started the same clock between our check and insert.
        running = Deadline.objects.filter(where).first()
        if running is None:
            raise
        return running
    return deadline


def deadline_stop(*, obj: Model, kind: str, at: datetime | None = None, actor=None) -> Deadline | None:
    """Stop the running (obj, kind) clock: met if ``at`` is not after due, else breached.

    A clock the scan already marked breached gets its ``stopped_at`` (when the work was finally
    done).  Returns None when there is no such clock.
    """
    at = _aware(at or timezone.now())
    base = _subject_filter(obj) & Q(kind=kind)
    with transaction.atomic():
        deadline = (
            Deadline.objects.select_for_update().filter(base, status=Status.RUNNING).first()
            or Deadline.objects.select_for_update()
            .filter(base, status=Status.BREACHED, stopped_at__isnull=True)
            .order_by("-started_at", "-pk")
            .first()
        )
        if deadline is None:
            return None
        before = _state(deadline)
        newly_breached = False
        deadline.stopped_at = at
        if deadline.status == Status.RUNNING:
            if at <= deadline.due_at:
                deadline.status = Status.MET
            else:
                deadline.status, deadline.breached_at, newly_breached = Status.BREACHED, at, True
        deadline.save(update_fields=["status", "stopped_at", "breached_at"])
        _audit(deadline, "deadline.stop", actor=actor, before=before)
        if newly_breached:  # the scan had not seen it yet: it never will, so announce here
            _announce_breach(deadline)
    return deadline


def deadline_cancel(*, obj: Model, kind: str, actor=None) -> Deadline | None:
    """Cancel the running (obj, kind) clock (the measured duty no longer applies); None if none runs."""
    with transaction.atomic():
        deadline = (
            Deadline.objects.select_for_update()
            .filter(_subject_filter(obj), kind=kind, status=Status.RUNNING)
            .first()
        )
        if deadline is None:
            return None
        before = _state(deadline)
        deadline.status, deadline.stopped_at = Status.CANCELLED, timezone.now()
        deadline.save(update_fields=["status", "stopped_at"])
        _audit(deadline, "deadline.cancel", actor=actor, before=before)
    return deadline


def deadlines_for(obj: Model) -> QuerySet[Deadline]:
    """Every clock ever started on ``obj``, oldest first."""
    return Deadline.objects.filter(_subject_filter(obj)).order_by("started_at", "pk")


def deadline_remaining(deadline: Deadline, now: datetime | None = None) -> timedelta:
    """Time left until due (negative once overdue); frozen at ``stopped_at`` once the clock stopped."""
    end = deadline.stopped_at if deadline.stopped_at is not None else (now or timezone.now())
    return deadline.due_at - end


def deadlines_mark_breached(*, now: datetime | None = None) -> int:
    """Periodic: mark every running clock past due as breached, audit and notify each once."""
    now = now or timezone.now()
    due_ids = list(
        Deadline.objects.filter(status=Status.RUNNING, due_at__lt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    marked = 0
    for pk in due_ids:
        try:
            with transaction.atomic():
                # The status guard makes the UPDATE the claim: of two overlapping scans (or a scan
                # and a deadline_stop) exactly one changes the row, and only that one announces it.
                if not Deadline.objects.filter(pk=pk, status=Status.RUNNING).update(
                    status=Status.BREACHED, breached_at=now
                ):
                    continue
                _announce_breach(Deadline.objects.select_related("content_type").get(pk=pk))
        except Exception:
            # Rolled back, so the next scan retries it; one bad row must not hold up the others.
            log.exception("could not mark deadline %s as breached", pk)
            continue
        marked += 1
    return marked


def deadlines_recalculate(*, first: date, last: date) -> int:
    """Recompute running working-day clocks after the calendar changed between ``first`` and ``last``.

    Called by the calendar services; a clock whose due time moves gets an audit event.  Clocks
    already breached or stopped stay as they are.
    """
    tz = timezone.get_default_timezone()
    from_at = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    until_at = datetime.combine(last, datetime.min.time(), tzinfo=tz)
    # A changed day matters only inside (start day, due day]; provisional clocks are always redone.
    touched = Q(is_provisional=True) | Q(started_at__lt=until_at, due_at__gte=from_at)
    moved = 0
    with transaction.atomic():
        for deadline in Deadline.objects.select_for_update().filter(
            touched, status=Status.RUNNING, unit=Unit.WORKING_DAYS
        ):
            due_at, is_provisional = _due(deadline.started_at, deadline.amount, deadline.unit)
            if (due_at, is_provisional) == (deadline.due_at, deadline.is_provisional):
                continue
            before = _state(deadline)
            deadline.due_at, deadline.is_provisional = due_at, is_provisional
            deadline.save(update_fields=["due_at", "is_provisional"])
            _audit(deadline, "deadline.recalculated", before=before)
            moved += 1
    return moved
