"""Self-registration (seed 000 §五(一)) and the authority's review."""

import pytest

from wangan.accounts import services
from wangan.accounts.choices import OrgStatus
from wangan.accounts.models import Organization, User
from wangan.core.models import Notification

pytestmark = pytest.mark.django_db

FORM = {
    "org_type": "enterprise", "org_name": "示例未来科技有限公司", "credit_code": "91120000MA0000099Q",
    "address": "示例市示例路 1 号", "contact_name": "示例人", "contact_phone": "022-12345678",
    "username": "future_admin", "real_name": "林示例", "phone": "13700000000", "email": "a@example.invalid",
    "password": "Good-pass-2026", "password2": "Good-pass-2026", "accepted": "on",
    "agreement_version": services.AGREEMENT_VERSION,
}  # fmt: skip


def test_registration_waits_for_review_then_signs_in(client, reviewer):
    response = client.post("/accounts/register/", FORM)
    assert response.status_code == 200, response.content.decode()[:2000]
    org = Organization.objects.get(name=FORM["org_name"])
    assert org.status == OrgStatus.PENDING and org.agreement_version == services.AGREEMENT_VERSION
    assert Notification.objects.filter(recipient=reviewer, verb="registration.submitted").exists()
    refused = client.post("/accounts/login/", {"username": "future_admin", "password": FORM["password"]})
    assert "审核" in refused.content.decode()
    services.organization_review(actor=reviewer, organization=org, approve=True)
    ok = client.post("/accounts/login/", {"username": "future_admin", "password": FORM["password"]})
    assert ok.status_code == 302 and client.session["_auth_user_id"]


def test_registration_without_accepting_the_agreement_changes_nothing(client):
    data = {k: v for k, v in FORM.items() if k != "accepted"}
    response = client.post("/accounts/register/", data)
    assert response.status_code == 422
    assert not Organization.objects.filter(name=FORM["org_name"]).exists()
    assert "示例未来科技有限公司" in response.content.decode()  # what was typed is kept


def test_registration_with_a_stale_agreement_version_is_refused(client):
    response = client.post("/accounts/register/", {**FORM, "agreement_version": "1999.1"})
    assert response.status_code == 422 and not User.objects.filter(username="future_admin").exists()


def test_departments_cannot_register_themselves():
    fields = {k: v for k, v in FORM.items() if k not in ("password2",)}
    fields["accepted"] = True
    fields["org_type"] = "department"
    data = services.Registration(**fields)
    with pytest.raises(services.ValidationFailed) as exc:
        services.registration_submit(data=data)
    assert "org_type" in exc.value.details
    assert not Organization.objects.filter(name=FORM["org_name"]).exists()


def test_rejection_needs_a_reason_and_is_notified(reviewer):
    fields = {k: v for k, v in FORM.items() if k != "password2"}
    fields["accepted"] = True
    org = services.registration_submit(data=services.Registration(**fields))
    with pytest.raises(services.ValidationFailed):
        services.organization_review(actor=reviewer, organization=org, approve=False, comment=" ")
    org.refresh_from_db()
    assert org.status == OrgStatus.PENDING
    services.organization_review(actor=reviewer, organization=org, approve=False, comment="信用代码与名称不符")
    org.refresh_from_db()
    assert org.status == OrgStatus.REJECTED


def test_enterprise_staff_cannot_approve_registrations(enterprise_user):
    fields = {k: v for k, v in FORM.items() if k != "password2"}
    fields["accepted"] = True
    org = services.registration_submit(data=services.Registration(**fields))
    with pytest.raises(services.PermissionDenied):
        services.organization_review(actor=enterprise_user, organization=org, approve=True)
    org.refresh_from_db()
    assert org.status == OrgStatus.PENDING
