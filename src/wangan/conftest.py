"""Shared pytest fixtures: organizations and users of every role."""

from importlib import import_module

import pytest

from wangan.accounts.choices import OrgRole, OrgType, PlatformRole


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads of a test go to its own folder, never the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}},
    }


# Rows that data migrations seed.  A transactional test ends with a flush that empties every table,
# and with xdist a database test can run after one in the same worker: put the rows back first.
_SEEDED = (
    ("wangan.cryptosvc.migrations.0002_seed_zones", "seed", "cryptosvc.Zone"),
    ("wangan.vouchers.migrations.0002_park_areas", "forwards", "vouchers.ParkArea"),
)


@pytest.fixture(autouse=True)
def _migration_rows(request):
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db"}:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "transactional_db" in names
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    for module, function, model in _SEEDED:
        if not apps.get_model(model).objects.exists():
            getattr(import_module(module), function)(apps, None)


@pytest.fixture
def authority_org(db):
    from wangan.accounts.tests.factories import OrganizationFactory

    return OrganizationFactory(type=OrgType.AUTHORITY, name="测试管委会")


@pytest.fixture
def make_user(db):
    from wangan.accounts.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def system_admin(authority_org, make_user):
    return make_user(organization=authority_org, platform_role=PlatformRole.SYSTEM_ADMIN, with_totp=True)


@pytest.fixture
def security_admin(authority_org, make_user):
    return make_user(organization=authority_org, platform_role=PlatformRole.SECURITY_ADMIN, with_totp=True)


@pytest.fixture
def audit_admin(authority_org, make_user):
    return make_user(organization=authority_org, platform_role=PlatformRole.AUDIT_ADMIN, with_totp=True)


@pytest.fixture
def reviewer(authority_org, make_user):
    return make_user(organization=authority_org, roles=[OrgRole.REVIEWER], with_totp=True)


@pytest.fixture
def enterprise_user(make_user):
    return make_user(roles=[OrgRole.STAFF])


@pytest.fixture
def other_enterprise_user(make_user):
    return make_user(roles=[OrgRole.STAFF])
