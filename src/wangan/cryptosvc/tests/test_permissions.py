"""Permission matrix of the management API and pages: anonymous, another organization, the owner
organization without a role, the owner's administrator (read-only), the other two platform roles
(三权分立), and the security administrator.  A denial changes nothing."""

from __future__ import annotations

import pytest

from wangan.accounts.choices import OrgRole
from wangan.cryptosvc.choices import KeyStatus
from wangan.cryptosvc.models import Application, Certificate, Key

pytestmark = pytest.mark.django_db
DENIED = ["anonymous", "other_org_admin", "same_org_staff", "same_org_admin", "system_admin", "audit_admin"]


@pytest.fixture
def who(request, make_user, app_org, system_admin, audit_admin, security_admin):
    def get(name: str):
        if name == "anonymous":
            return None
        if name == "other_org_admin":
            return make_user(roles=[OrgRole.ORG_ADMIN])
        if name == "same_org_staff":
            return make_user(organization=app_org, roles=[OrgRole.STAFF])
        if name == "same_org_admin":
            return make_user(organization=app_org, roles=[OrgRole.ORG_ADMIN])
        return {"system_admin": system_admin, "audit_admin": audit_admin, "security_admin": security_admin}[name]

    return get


def _login(client, user):
    if user is not None:
        client.force_login(user)


def _snapshot(app) -> tuple:
    keys = tuple(Key.objects.order_by("pk").values_list("pk", "status", "version"))
    app.refresh_from_db()
    return (Application.objects.count(), keys, bytes(app.secret_wrapped), app.is_active, Certificate.objects.count())


MUTATIONS = [
    ("post", "/api/v1/crypto/applications/", lambda app, key: {"organization_id": app.organization_id,
                                                               "zone": "internet", "name": "新系统"}),
    ("patch", "/api/v1/crypto/applications/{app}/", lambda app, key: {"is_active": False}),
    ("post", "/api/v1/crypto/applications/{app}/credentials/", lambda app, key: {}),
    ("post", "/api/v1/crypto/applications/{app}/keys/", lambda app, key: {"purpose": "sign"}),
    ("post", "/api/v1/crypto/keys/{key}/rotate/", lambda app, key: {}),
    ("post", "/api/v1/crypto/keys/{key}/disable/", lambda app, key: {}),
    ("post", "/api/v1/crypto/certificates/", lambda app, key: {"organization_id": app.organization_id,
                                                               "dns_names": ["a.example.cn"]}),
]  # fmt: skip


@pytest.mark.parametrize("name", DENIED)
@pytest.mark.parametrize(("method", "path", "payload"), MUTATIONS)
def test_management_mutations_are_denied_and_change_nothing(client, who, registered, name, method, path, payload):
    app, _secret = registered
    key = Key.objects.filter(application=app).first()
    _login(client, who(name))
    before = _snapshot(app)
    r = getattr(client, method)(path.format(app=app.pk, key=key.pk), payload(app, key), content_type="application/json")
    assert r.status_code in ((401, 403) if name == "anonymous" else (404,)), (name, r.status_code, r.content)
    assert _snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "payload"), MUTATIONS)
def test_security_admin_may_do_every_mutation(client, who, registered, method, path, payload):
    app, _secret = registered
    key = Key.objects.filter(application=app).first()
    _login(client, who("security_admin"))
    r = getattr(client, method)(path.format(app=app.pk, key=key.pk), payload(app, key), content_type="application/json")
    assert r.status_code in (200, 201), r.content


@pytest.mark.parametrize(("name", "visible"), [
    ("other_org_admin", False), ("same_org_staff", None), ("same_org_admin", True), ("system_admin", None),
    ("audit_admin", None), ("security_admin", True),
])  # fmt: skip
def test_application_reads_are_scoped(client, who, registered, name, visible):
    app, _secret = registered
    _login(client, who(name))
    listing = client.get("/api/v1/crypto/applications/")
    detail = client.get(f"/api/v1/crypto/applications/{app.pk}/")
    usage = client.get("/api/v1/crypto/usage/")
    if visible is None:  # no business with the crypto service at all
        assert listing.status_code == detail.status_code == usage.status_code == 404
    else:
        assert listing.status_code == 200 and usage.status_code == 200
        assert [a["id"] for a in listing.json()] == ([app.pk] if visible else [])
        assert detail.status_code == (200 if visible else 404)
        assert "secret" not in detail.content.decode() or name == "security_admin"


@pytest.mark.parametrize("name", ["other_org_admin", "same_org_staff", "same_org_admin", "system_admin", "audit_admin"])
def test_key_management_page_and_key_api_are_404_for_everybody_else(client, who, registered, name):
    app, _secret = registered
    key = Key.objects.filter(application=app).first()
    _login(client, who(name))
    assert client.get("/crypto/").status_code == 404
    assert client.get(f"/api/v1/crypto/applications/{app.pk}/keys/").status_code == 404
    assert client.post(f"/crypto/keys/{key.pk}/disable/").status_code == 404
    assert client.post(f"/crypto/applications/{app.pk}/credentials/").status_code == 404
    key.refresh_from_db()
    assert key.status == KeyStatus.ACTIVE


def test_anonymous_is_sent_to_login(client, registered):
    r = client.get("/crypto/")
    assert r.status_code == 302 and "/accounts/login" in r["Location"]


def test_security_admin_manages_keys_on_the_page(client, security_admin, registered):
    app, _secret = registered
    client.force_login(security_admin)
    page = client.get("/crypto/")
    assert page.status_code == 200 and app.app_key in page.content.decode()
    key = Key.objects.filter(application=app, purpose="encrypt").first()
    assert client.post(f"/crypto/keys/{key.pk}/rotate/").status_code == 302
    assert Key.objects.filter(key_id=key.key_id).count() == 2
    r = client.post(f"/crypto/applications/{app.pk}/credentials/")
    assert r.status_code == 200 and b'data-testid="secret"' in r.content
    r = client.post("/crypto/applications/", {"organization": app.organization_id, "zone": "extranet",
                                              "name": "中小企业多维分析系统", "daily_quota": "5000"})  # fmt: skip
    assert r.status_code == 200 and Application.objects.filter(name="中小企业多维分析系统").exists()
    assert client.get("/crypto/usage/").status_code == 200
    r = client.post("/crypto/certificates/", {"organization": app.organization_id, "dns_names": "www.example.cn"})
    assert r.status_code == 200 and b'data-testid="issued"' in r.content


def test_org_admin_sees_own_usage_and_certificates_pages(client, who, registered):
    client.force_login(who("same_org_admin"))
    assert client.get("/crypto/usage/").status_code == 200
    assert client.get("/crypto/certificates/").status_code == 200
    assert client.post("/crypto/certificates/", {"organization": registered[0].organization_id,
                                                 "dns_names": "x.example.cn"}).status_code == 404  # fmt: skip
