"""Who may act on an application: its organization's members, and users assigned to a stage."""

from __future__ import annotations

from wangan.filings.choices import AssignmentRole
from wangan.filings.models import Application, StageAssignment


def is_applicant(user, application: Application) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.platform_role
        and user.organization_id == application.organization_id
    )


def assigned(user, type_code: str, stage: str, *roles: str) -> bool:
    """True when the user is assigned to this stage of this type in one of ``roles``."""
    if not user.is_authenticated or not stage:
        return False
    cache = getattr(user, "_filing_assignments", None)
    if cache is None:
        cache = set(StageAssignment.objects.filter(user_id=user.pk).values_list("type_code", "stage", "role"))
        user._filing_assignments = cache
    wanted = roles or tuple(AssignmentRole.values)
    return any((type_code, stage, r) in cache for r in wanted)


def acts_at_current_stage(user, application: Application, *roles: str) -> bool:
    return assigned(user, application.type_code, application.stage, *roles)


def assigned_types(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(StageAssignment.objects.filter(user_id=user.pk).values_list("type_code", flat=True))
