"""Fixtures of the crypto service: fixed master keys, a registered application, signed calls."""

from __future__ import annotations

import json

import pytest

from wangan.cryptosvc import keystore, requestauth, services
from wangan.cryptosvc.models import Zone

MASTER_KEYS = {
    "WANGAN_CRYPTO_MASTER_KEY_INTERNET": "00112233445566778899aabbccddeeff",
    "WANGAN_CRYPTO_MASTER_KEY_EXTRANET": "ffeeddccbbaa99887766554433221100",
    "WANGAN_CRYPTO_MASTER_KEY_PLATFORM": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
}


@pytest.fixture(autouse=True)
def _master_keys(monkeypatch, tmp_path):
    """Tests never touch the developer's generated master keys."""
    for name, value in MASTER_KEYS.items():
        monkeypatch.setenv(name, value)
    keystore.forget_master_keys()
    yield
    keystore.forget_master_keys()


@pytest.fixture
def internet(db) -> Zone:
    # get_or_create: a transactional test elsewhere in the worker flushes the rows the migration seeded
    return Zone.objects.get_or_create(code="internet")[0]


@pytest.fixture
def extranet(db) -> Zone:
    return Zone.objects.get_or_create(code="extranet")[0]


@pytest.fixture
def app_org(make_user):
    from wangan.accounts.tests.factories import OrganizationFactory

    return OrganizationFactory(name="示例电商运营有限公司")


@pytest.fixture
def registered(security_admin, app_org, internet):
    """(application, secret) of an application with its default signing and encryption keys."""
    return services.application_register(actor=security_admin, organization=app_org, zone=internet, name="电商系统")


class AppCaller:
    """Sends HMAC-SM3 signed requests through Django's test client."""

    def __init__(self, client, app, secret):
        self.client, self.app, self.secret = client, app, secret

    def headers(self, method: str, path: str, body: bytes, **overrides) -> dict:
        h = requestauth.signed_headers(app_key=self.app.app_key, secret=self.secret, method=method, path=path,
                                       body=body, **overrides)  # fmt: skip
        return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in h.items()}

    def post(self, path: str, payload=None, *, raw: bytes | None = None, content_type="application/json",
             headers: dict | None = None, **overrides):  # fmt: skip
        body = raw if raw is not None else json.dumps(payload).encode()
        meta = headers if headers is not None else self.headers("POST", path, body, **overrides)
        return self.client.generic("POST", path, body, content_type=content_type, **meta)

    def get(self, path: str, **overrides):
        return self.client.generic("GET", path, b"", **self.headers("GET", path, b"", **overrides))


@pytest.fixture
def caller(client, registered):
    app, secret = registered
    return AppCaller(client, app, secret)
