"""Small display helpers for the log pages."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

_BADGE = {"critical": "danger", "high": "warning", "medium": "info", "low": "secondary", "informational": "light"}
_LEVEL = {"critical": _("critical"), "high": _("high"), "medium": _("medium"), "low": _("low"),
          "informational": _("informational")}  # fmt: skip
_TACTIC = {
    "reconnaissance": _("Reconnaissance"), "resource-development": _("Resource development"),
    "initial-access": _("Initial access"), "execution": _("Execution"), "persistence": _("Persistence"),
    "privilege-escalation": _("Privilege escalation"), "defense-evasion": _("Defense evasion"),
    "credential-access": _("Credential access"), "discovery": _("Discovery"), "lateral-movement": _("Lateral movement"),
    "collection": _("Collection"), "command-and-control": _("Command and control"), "exfiltration": _("Exfiltration"),
    "impact": _("Impact"),
}  # fmt: skip


@register.filter
def level_badge(level: str) -> str:
    return _BADGE.get(level or "", "secondary")


@register.filter
def level_label(level: str) -> str:
    return str(_LEVEL.get(level or "", level or "—"))


@register.filter
def tactic_label(tactic: str) -> str:
    return str(_TACTIC.get(tactic or "", tactic or "—"))


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
