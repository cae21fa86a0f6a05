"""Home dashboard figures per role — a fixed, small number of aggregate queries each."""

from __future__ import annotations

from django.utils import timezone

from wangan.accounts import permissions as perms
from wangan.accounts import selectors as account_selectors
from wangan.core import selectors as core_selectors


def dashboard_for(*, user) -> dict:
    """The template name and figures for this user's home page."""
    now = timezone.now()
    context: dict = {
        "recent_notifications": list(core_selectors.notification_list_for(user=user)[:5]),
        "deadlines": list(core_selectors.deadline_list_for(user=user, running_only=True)[:8]),
    }
    if perms.is_system_admin(user):
        context["kind"] = "system_admin"
        context.update(account_selectors.organization_stats())
        context["pending_registrations"] = list(account_selectors.registration_queue_for(user=user)[:10])
        context["orgs_chart"] = _org_chart(context)
    elif perms.is_security_admin(user):
        context["kind"] = "security_admin"
        context.update(account_selectors.security_overview(now=now))
    elif perms.is_audit_admin(user):
        context["kind"] = "audit_admin"
        overview = core_selectors.audit_overview(user=user, days=7)
        context["audit_chart"] = {"kind": "bar", "labels": overview["labels"], "values": overview["values"]}
        context["audit_failures"] = overview["failures"]
        context["audit_by_action"] = overview["by_action"]
        context["audit_recent"] = list(core_selectors.audit_event_list_for(user=user)[:10])
    elif perms.is_reviewer(user):
        context["kind"] = "reviewer"
        context["pending_registrations"] = list(account_selectors.registration_queue_for(user=user)[:10])
        context.update(account_selectors.organization_stats())
        context["orgs_chart"] = _org_chart(context)
    else:
        context["kind"] = "member"
        context["organization"] = user.organization
        context["colleagues"] = account_selectors.user_list_for(user=user).count()
    return context


def _org_chart(context: dict) -> dict:
    return {"kind": "pie", "data": [{"name": str(row["type"]), "value": row["n"]} for row in context["orgs_by_type"]]}
