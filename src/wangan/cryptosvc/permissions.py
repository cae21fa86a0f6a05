"""Who may manage the crypto service.

The security administrator runs key management, application access and certificates (等保 三权分立:
keys are the security admin's, see ``accounts.permissions``).  An organization administrator sees
the applications, usage and certificates of their own organization, never key material or key
actions.  Everybody else sees nothing (pages and API answer 404).
"""

from __future__ import annotations

from wangan.accounts.choices import OrgRole
from wangan.accounts.permissions import is_security_admin


def can_manage(user) -> bool:
    """Register applications, rotate credentials, manage keys, issue and revoke certificates."""
    return is_security_admin(user)


def can_view_org(user, organization_id: int) -> bool:
    """Read-only view of an organization's crypto applications, usage and certificates."""
    if is_security_admin(user):
        return True
    return (
        user.is_authenticated
        and not user.platform_role
        and user.organization_id == organization_id
        and user.has_org_role(OrgRole.ORG_ADMIN)
    )


def is_org_viewer(user) -> bool:
    return user.is_authenticated and not user.platform_role and user.has_org_role(OrgRole.ORG_ADMIN)
