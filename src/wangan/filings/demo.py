"""Demo reviewer assignments for the three shipped application types (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from wangan.filings.choices import AssignmentRole
from wangan.filings.models import StageAssignment

R, E, C = AssignmentRole.REVIEWER, AssignmentRole.EXPERT, AssignmentRole.COORDINATOR

# (login, type, stage, role) — fictitious people of the demo organizations
ASSIGNMENTS = [
    ("reviewer", "provider_filing", "authority_review", R),
    ("reviewer", "support_unit", "association_review", R),
    ("county_reviewer", "key_park", "county_review", R),
    ("county_office", "key_park", "county_letter", R),
    ("expert_a", "key_park", "expert_review", E),
    ("expert_b", "key_park", "expert_review", E),
    ("expert_c", "key_park", "expert_review", E),
    ("reviewer", "key_park", "expert_review", C),
    ("reviewer", "key_park", "public_notice", C),
    ("reviewer", "key_park", "city_approval", R),
    ("county_reviewer", "key_park", "county_assessment_review", R),
    ("county_office", "key_park", "county_acceptance_request", R),
    ("expert_a", "key_park", "expert_acceptance", E),
    ("expert_b", "key_park", "expert_acceptance", E),
    ("expert_c", "key_park", "expert_acceptance", E),
    ("reviewer", "key_park", "expert_acceptance", C),
]


def demo_load() -> str:
    users = {u.username: u for u in get_user_model().objects.filter(username__in={a[0] for a in ASSIGNMENTS})}
    created = 0
    for login, type_code, stage, role in ASSIGNMENTS:
        if login in users:
            _obj, was_created = StageAssignment.objects.get_or_create(
                user=users[login], type_code=type_code, stage=stage, role=role
            )
            created += was_created
    return f"{created} reviewer assignments created" if created else ""
