"""Who may use the log service.

Logs are an organization's own business: its security engineers and organization administrators
work with them; plain staff and the three platform roles (who run the system, not the business)
do not.  Objects of other organizations are never reachable (selectors return "not found").
"""

from __future__ import annotations

from wangan.accounts.choices import OrgRole


def can_use_logs(user) -> bool:
    """Read sources, events, alerts, chains, risks, reports; upload logs; manage sources and rules."""
    return bool(
        getattr(user, "is_authenticated", False)
        and not user.platform_role
        and user.has_org_role(OrgRole.ENGINEER, OrgRole.ORG_ADMIN)
    )


def can_manage_sources(user) -> bool:
    """Create and change log sources (the organization administrator and security engineers)."""
    return can_use_logs(user)


def can_manage_rules(user) -> bool:
    """Enable/disable rules, override levels, upload Sigma rules."""
    return can_use_logs(user)
