"""Who may do what with accounts — 等保 三权分立 is enforced here and nowhere else.

* system admin: organizations and users (never the audit trail, never unlocks or MFA resets)
* security admin: lockouts, MFA resets, security policy, keys (never user management, never audit)
* audit admin: reads and exports the audit trail (nothing else)
* org admin: the users of their own organization (no platform roles)
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework.permissions import BasePermission

from wangan.accounts.choices import OrgRole, OrgType, PlatformRole


def is_system_admin(user) -> bool:
    return user.is_authenticated and user.platform_role == PlatformRole.SYSTEM_ADMIN


def is_security_admin(user) -> bool:
    return user.is_authenticated and user.platform_role == PlatformRole.SECURITY_ADMIN


def is_audit_admin(user) -> bool:
    return user.is_authenticated and user.platform_role == PlatformRole.AUDIT_ADMIN


def is_reviewer(user) -> bool:
    """Authority staff who review registrations and applications."""
    return (
        user.is_authenticated
        and not user.platform_role
        and user.organization.type == OrgType.AUTHORITY
        and user.has_org_role(OrgRole.REVIEWER)
    )


def can_manage_users_of(user, organization) -> bool:
    if is_system_admin(user):
        return True
    return (
        user.is_authenticated
        and not user.platform_role
        and user.organization_id == organization.pk
        and user.has_org_role(OrgRole.ORG_ADMIN)
    )


def can_review_registrations(user) -> bool:
    return is_system_admin(user) or is_reviewer(user)


def require(predicate):
    """View decorator: 403 unless ``predicate(request.user)``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class Predicate(BasePermission):
    """DRF permission from a predicate: ``permission_classes = [Predicate.of(is_audit_admin)]``."""

    predicate = staticmethod(lambda user: False)

    @classmethod
    def of(cls, predicate):
        return type(f"Require_{predicate.__name__}", (cls,), {"predicate": staticmethod(predicate)})

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and self.predicate(request.user))
