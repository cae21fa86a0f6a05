"""API: token auth (keyed hashes, scopes, expiry, revocation), one error format, scoping."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wangan.accounts import services
from wangan.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _client(raw: str | None = None, lang: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=lang)
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_tokens_are_stored_only_as_keyed_hashes(enterprise_user):
    token, raw = services.api_token_create(user=enterprise_user, name="同步", scopes=["read"])
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.digest, stored.prefix} and len(stored.digest) == 64
    assert _client(raw).get("/api/v1/me/").json()["username"] == enterprise_user.username


@pytest.mark.parametrize("state", ["expired", "revoked", "garbage", "missing"])
def test_bad_tokens_get_401_json(enterprise_user, state):
    token, raw = services.api_token_create(user=enterprise_user, name="t", scopes=["read"])
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        services.api_token_revoke(actor=enterprise_user, token=token)
    elif state == "garbage":
        raw = "wg_deadbeef_not-a-token"
    response = _client(None if state == "missing" else raw).get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] in {"AUTHENTICATION_FAILED", "NOT_AUTHENTICATED"} and body["message"]


def test_error_messages_follow_the_request_language(enterprise_user):
    zh = _client("wg_x_y").get("/api/v1/me/").json()["message"]
    en = _client("wg_x_y", lang="en").get("/api/v1/me/").json()["message"]
    assert zh != en and "token" in en.lower()


def test_read_scope_cannot_write(enterprise_user):
    _token, raw = services.api_token_create(user=enterprise_user, name="ro", scopes=["read"])
    response = _client(raw).post("/api/v1/tokens/", {"name": "x", "scopes": ["read"]}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "PERMISSION_DENIED"
    assert ApiToken.objects.filter(user=enterprise_user).count() == 1


def test_users_of_other_organizations_are_not_found(enterprise_user, other_enterprise_user):
    _token, raw = services.api_token_create(user=enterprise_user, name="ro", scopes=["read"])
    client = _client(raw)
    assert client.get(f"/api/v1/users/{other_enterprise_user.pk}/").status_code == 404
    assert client.get(f"/api/v1/organizations/{other_enterprise_user.organization_id}/").json()["code"] == "NOT_FOUND"
    listed = {u["username"] for u in client.get("/api/v1/users/").json()["results"]}
    assert listed == {enterprise_user.username}


def test_audit_api_is_for_the_audit_admin_only(system_admin, audit_admin):
    for user, status in ((system_admin, 404), (audit_admin, 200)):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/v1/audit/events/").status_code == status


def test_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/tokens/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"//cdn" not in docs.content and b"unpkg" not in docs.content


def test_registration_api_validates_at_the_edge():
    response = _client().post("/api/v1/registrations/", {"org_type": "enterprise"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_FAILED" and "org_name" in body["details"]


def test_org_admin_registers_webhooks_for_own_organization_only(make_user, enterprise_user, other_enterprise_user):
    from wangan.core.models import WebhookEndpoint

    admin = make_user(organization=enterprise_user.organization, roles=["org_admin"])
    other_admin = make_user(organization=other_enterprise_user.organization, roles=["org_admin"])
    client = APIClient()
    client.force_authenticate(admin)
    created = client.post("/api/v1/webhooks/", {"url": "https://soc.example.cn/hook", "events": ["voucher.signed"]},
                          format="json")  # fmt: skip
    assert created.status_code == 201 and len(created.json()["secret"]) == 64
    assert client.post("/api/v1/webhooks/", {"url": "ftp://x"}, format="json").status_code == 400
    staff = APIClient()
    staff.force_authenticate(enterprise_user)
    assert staff.get("/api/v1/webhooks/").status_code == 404  # not an org admin
    thief = APIClient()
    thief.force_authenticate(other_admin)
    assert thief.delete(f"/api/v1/webhooks/{created.json()['id']}/").status_code == 404
    assert WebhookEndpoint.objects.count() == 1
    assert client.delete(f"/api/v1/webhooks/{created.json()['id']}/").status_code == 204
    assert WebhookEndpoint.objects.count() == 0
