"""Fixtures of the incidents tests: the two parties of a seed-004-like contract, a declared 重保
period in the past with two team members to put on duty, and a stranger of another provider."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from wangan.accounts.choices import OrgRole, OrgType
from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
from wangan.contracts.tests.factories import make_contract, make_parties
from wangan.incidents import services

TZ = timezone.get_default_timezone()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def parties(db):
    return make_parties()


@pytest.fixture
def reviewer(parties):
    return parties[0]


@pytest.fixture
def engineer(parties):
    return parties[1]


@pytest.fixture
def contract(parties):
    return make_contract(*parties)


@pytest.fixture
def team(contract):
    """Two active members of the contractor's team (附件1); the factory's own engineer first."""
    first = contract.personnel.get()
    second = contract.personnel.create(name="测试值守员", project_role="应急保障组")
    return first, second


@pytest.fixture
def period(contract, reviewer):
    """A declared major-event period of two whole days (2026-09-14 00:00 to 2026-09-16 00:00)."""
    return services.special_period_declare(actor=reviewer, contract=contract, name="重大活动保障",
                                           starts_on=date(2026, 9, 14), ends_on=date(2026, 9, 15))  # fmt: skip


@pytest.fixture
def stranger(db):
    """An engineer of another provider, party to another contract."""
    other_reviewer, other_engineer = make_parties()
    make_contract(other_reviewer, other_engineer, number="OTHER-1", schedule=False)
    return other_engineer


@pytest.fixture
def client_staff(reviewer):
    """Client staff without an acting role: may look, may not act."""
    return UserFactory(organization=reviewer.organization, roles=[OrgRole.STAFF])


@pytest.fixture
def other_authority_reviewer(db):
    return UserFactory(
        organization=OrganizationFactory(type=OrgType.AUTHORITY), roles=[OrgRole.REVIEWER], with_totp=True
    )
