"""Core reads, always scoped to the asking user."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from wangan.core.errors import NotFound
from wangan.core.models import AuditEvent, Notification


def notification_list_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=user.pk)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_get_for(*, user, pk: int) -> Notification:
    obj = Notification.objects.filter(recipient_id=user.pk, pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def audit_event_list_for(
    *,
    user,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    text: str = "",
) -> QuerySet[AuditEvent]:
    """Only the audit admin reads the trail (三权分立); everyone else sees nothing."""
    if not (user.is_authenticated and getattr(user, "platform_role", "") == "audit_admin"):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    if text:
        qs = qs.filter(Q(object_repr__icontains=text) | Q(organization_name__icontains=text))
    return qs.order_by("-seq")


def audit_counts_by_day(*, user, since: datetime) -> list[dict]:
    """Events per day for the audit admin's chart (one grouped query)."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    qs = audit_event_list_for(user=user, since=since).order_by()
    return list(qs.annotate(day=TruncDate("at")).values("day").annotate(n=Count("id")).order_by("day"))


def deadline_list_for(*, user, running_only: bool = False):
    """Deadlines of the user's organization (authority staff see every organization's)."""
    from wangan.core.models import Deadline

    if not user.is_authenticated:
        return Deadline.objects.none()
    qs = Deadline.objects.select_related("content_type")
    org = user.organization
    if org.type != "authority":
        qs = qs.filter(organization_id_ref=org.pk)
    elif getattr(user, "platform_role", ""):
        return Deadline.objects.none()  # platform admins run the system, not the business
    if running_only:
        qs = qs.filter(status=Deadline.Status.RUNNING)
    return qs.order_by("due_at")
