"""三权分立 and tenant scoping: each platform role does its own work only; no IDOR."""

import pytest
from django.urls import reverse

from wangan.accounts import services
from wangan.accounts.choices import OrgRole, PlatformRole
from wangan.accounts.models import User, UserRole
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_platform_admin_cannot_hold_another_role(system_admin, authority_org):
    with pytest.raises(services.ValidationFailed):
        services.user_create(actor=system_admin, organization=authority_org, username="dual", real_name="双",
                             roles=[OrgRole.REVIEWER], platform_role=PlatformRole.AUDIT_ADMIN)  # fmt: skip
    assert not User.objects.filter(username="dual").exists()


def test_platform_roles_only_for_authority_staff(system_admin, enterprise_user):
    with pytest.raises(services.ValidationFailed):
        services.user_set_roles(actor=system_admin, user=enterprise_user, roles=[],
                                platform_role=PlatformRole.SECURITY_ADMIN)  # fmt: skip
    enterprise_user.refresh_from_db()
    assert enterprise_user.platform_role == ""


def test_org_admin_manages_own_users_but_not_platform_roles(make_user, enterprise_user):
    admin = make_user(organization=enterprise_user.organization, roles=[OrgRole.ORG_ADMIN])
    user, temporary = services.user_create(actor=admin, organization=admin.organization, username="newbie",
                                           real_name="新人")  # fmt: skip
    assert user.must_change_password and len(temporary) >= 12
    with pytest.raises(services.PermissionDenied):
        services.user_set_roles(actor=admin, user=enterprise_user, roles=[], platform_role=PlatformRole.SYSTEM_ADMIN)
    assert User.objects.get(pk=enterprise_user.pk).platform_role == ""


def test_org_admin_cannot_touch_another_organization(make_user, enterprise_user, other_enterprise_user):
    admin = make_user(organization=enterprise_user.organization, roles=[OrgRole.ORG_ADMIN])
    with pytest.raises(services.PermissionDenied):
        services.user_set_active(actor=admin, user=other_enterprise_user, is_active=False)
    assert User.objects.get(pk=other_enterprise_user.pk).is_active


def test_nobody_changes_their_own_roles(system_admin):
    with pytest.raises(services.PermissionDenied):
        services.user_set_roles(actor=system_admin, user=system_admin, roles=[], platform_role=PlatformRole.AUDIT_ADMIN)


def test_role_changes_are_audited_with_before_and_after(system_admin, enterprise_user):
    services.user_set_roles(actor=system_admin, user=enterprise_user, roles=[OrgRole.ORG_ADMIN])
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.before == {"roles": ["staff"]} and event.after == {"roles": ["org_admin"]}
    assert list(UserRole.objects.filter(user=enterprise_user).values_list("role", flat=True)) == ["org_admin"]


@pytest.mark.parametrize(
    ("who", "audit", "users", "locks"),
    [("system_admin", 403, 200, 404), ("security_admin", 403, 200, 200), ("audit_admin", 200, 404, 404),
     ("reviewer", 403, 404, 404), ("enterprise_user", 403, 404, 404)],
)  # fmt: skip
def test_each_role_reaches_only_its_own_pages(client, request, who, audit, users, locks):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("core:audit_list")).status_code == audit
    assert client.get(reverse("accounts:user_list")).status_code == users
    assert client.get(reverse("accounts:lock_list")).status_code == locks


def test_user_of_another_organization_is_not_found(client, enterprise_user, other_enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(reverse("accounts:user_detail", args=[other_enterprise_user.pk])).status_code == 404
    assert client.get(reverse("accounts:organization_detail", args=[other_enterprise_user.organization_id])).status_code == 404
    response = client.post(reverse("accounts:user_action", args=[other_enterprise_user.pk, "deactivate"]))
    assert response.status_code == 404
    assert User.objects.get(pk=other_enterprise_user.pk).is_active


@pytest.mark.parametrize("who", ["system_admin", "security_admin", "audit_admin", "reviewer", "enterprise_user"])
def test_every_role_has_a_dashboard(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/")
    assert response.status_code == 200
    assert b'data-testid="dashboard-title"' in response.content
