"""Account reads — scoped to what the asking user may see; others' objects are "not found"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wangan.accounts import permissions as perms
from wangan.accounts.choices import OrgStatus, OrgType
from wangan.accounts.models import ApiToken, LoginFailure, LoginLock, Organization, User
from wangan.core.errors import NotFound


def organization_list_for(*, user, status: str = "", type: str = "", text: str = "") -> QuerySet[Organization]:
    """System admins and authority reviewers see every organization; others only their own."""
    if perms.is_system_admin(user) or perms.is_reviewer(user):
        qs = Organization.objects.all()
    elif user.is_authenticated and not user.platform_role:
        qs = Organization.objects.filter(pk=user.organization_id)
    else:
        return Organization.objects.none()
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(credit_code__icontains=text))
    return qs.annotate(user_count=Count("users"))


def organization_get_for(*, user, pk: int) -> Organization:
    org = organization_list_for(user=user).filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


def registration_queue_for(*, user) -> QuerySet[Organization]:
    if not perms.can_review_registrations(user):
        return Organization.objects.none()
    return Organization.objects.filter(status=OrgStatus.PENDING).order_by("created_at")


def user_list_for(*, user, organization_id: int | None = None, text: str = "") -> QuerySet[User]:
    """System admin: everyone; security admin: everyone (to unlock/reset); org admin: own org;
    anyone else: their own organization's colleagues."""
    if not user.is_authenticated:
        return User.objects.none()
    if perms.is_system_admin(user) or perms.is_security_admin(user):
        qs = User.objects.all()
    elif user.platform_role:
        return User.objects.none()
    else:
        qs = User.objects.filter(organization_id=user.organization_id)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(real_name__icontains=text))
    locked = LoginLock.objects.filter(username=OuterRef("username"), locked_until__gt=_now())
    return qs.select_related("organization").prefetch_related("org_roles").annotate(is_locked=Exists(locked))


def user_get_for(*, user, pk: int) -> User:
    found = user_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def api_token_list_for(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def api_token_get_for(*, user, pk: int) -> ApiToken:
    token = api_token_list_for(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def login_lock_list_for(*, user) -> QuerySet[LoginLock]:
    if not perms.is_security_admin(user):
        return LoginLock.objects.none()
    return LoginLock.objects.filter(locked_until__gt=_now()).order_by("-created_at")


def organization_stats() -> dict:
    """Counts by type and status for the admin dashboards — two grouped queries."""
    by_type = dict(Organization.objects.values_list("type").annotate(n=Count("id")).order_by())
    by_status = dict(Organization.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "orgs_by_type": [{"type": t.label, "code": t.value, "n": by_type.get(t.value, 0)} for t in OrgType],
        "orgs_by_status": by_status,
        "org_total": sum(by_type.values()),
        "user_total": User.objects.count(),
    }


def security_overview(*, now: datetime) -> dict:
    day_ago = now - timedelta(days=1)
    return {
        "locks": list(LoginLock.objects.filter(locked_until__gt=now).order_by("-created_at")[:10]),
        "failures_24h": LoginFailure.objects.filter(at__gte=day_ago).count(),
        "mfa_missing": User.objects.filter(is_active=True, totp_confirmed_at__isnull=True)
        .filter(Q(organization__type=OrgType.AUTHORITY) | ~Q(platform_role=""))
        .count(),
        "tokens_expiring": ApiToken.objects.filter(
            revoked_at__isnull=True, expires_at__gt=now, expires_at__lt=now + timedelta(days=14)
        ).count(),
    }


def _now():
    from django.utils import timezone

    return timezone.now()
