"""Application authentication: every refusal has its own code, and a refused call does nothing."""

from __future__ import annotations

import json
import time

import pytest

from wangan.core.models import AuditEvent
from wangan.cryptosvc import requestauth, services
from wangan.cryptosvc.choices import Operation
from wangan.cryptosvc.models import Nonce, QuotaUsage, UsageCounter

pytestmark = pytest.mark.django_db
PATH = "/api/v1/crypto/digest/"
BODY = {"data": "YWJj"}


def _nothing_counted(app) -> bool:
    return not UsageCounter.objects.filter(application=app).exists()


def test_signed_call_passes(caller):
    assert caller.post(PATH, BODY).status_code == 200


def test_no_headers_is_401(client, registered):
    r = client.post(PATH, BODY, content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "AUTH_HEADERS_MISSING"


def test_session_user_cannot_call_the_service(client, security_admin):
    client.force_login(security_admin)
    r = client.post(PATH, BODY, content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "AUTH_HEADERS_MISSING"


def test_bad_signature_is_refused(caller):
    body = json.dumps(BODY).encode()
    headers = caller.headers("POST", PATH, body)
    headers["HTTP_X_WANGAN_SIGNATURE"] = "0" * 64
    r = caller.post(PATH, raw=body, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "SIGNATURE_INVALID"
    assert _nothing_counted(caller.app) and not Nonce.objects.exists()


def test_signature_covers_the_body_and_the_path(caller):
    body = json.dumps(BODY).encode()
    headers = caller.headers("POST", PATH, body)
    r = caller.post(PATH, raw=json.dumps({"data": "YWJk"}).encode(), headers=headers)
    assert r.json()["code"] == "SIGNATURE_INVALID"
    r = caller.post("/api/v1/crypto/sign/", raw=body, headers=caller.headers("POST", PATH, body))
    assert r.json()["code"] == "SIGNATURE_INVALID"


def test_wrong_secret_is_refused(client, registered):
    app, _secret = registered
    from wangan.cryptosvc.tests.conftest import AppCaller

    r = AppCaller(client, app, "ws_not-the-secret").post(PATH, BODY)
    assert r.status_code == 401 and r.json()["code"] == "SIGNATURE_INVALID"


@pytest.mark.parametrize("skew", [-310, 310, -3600])  # clear of the 300 s limit: int(time()) truncates
def test_stale_timestamp_is_refused(caller, skew):
    r = caller.post(PATH, BODY, timestamp=int(time.time()) + skew)
    assert r.status_code == 401 and r.json()["code"] == "TIMESTAMP_STALE"


def test_replayed_nonce_is_refused(caller):
    body = json.dumps(BODY).encode()
    headers = caller.headers("POST", PATH, body)
    assert caller.post(PATH, raw=body, headers=headers).status_code == 200
    r = caller.post(PATH, raw=body, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "NONCE_REPLAYED"
    assert UsageCounter.objects.get(application=caller.app, operation=Operation.DIGEST).count == 1


@pytest.mark.parametrize("nonce", ["short", "x" * 65, "has spaces in it!!!!"])
def test_malformed_nonce_is_refused(caller, nonce):
    r = caller.post(PATH, BODY, nonce=nonce)
    assert r.status_code == 401 and r.json()["code"] == "AUTH_HEADERS_MISSING"


def test_unknown_application_is_refused(client, db):
    body = json.dumps(BODY).encode()
    h = requestauth.signed_headers(app_key="wa_00000000000000000000", secret="ws_x", method="POST", path=PATH, body=body)
    r = client.generic("POST", PATH, body, content_type="application/json",
                       **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in h.items()})  # fmt: skip
    assert r.status_code == 401 and r.json()["code"] == "APP_UNKNOWN"


def test_disabled_application_is_refused(caller, security_admin):
    services.application_update(actor=security_admin, application=caller.app, is_active=False)
    r = caller.post(PATH, BODY)
    assert r.status_code == 403 and r.json()["code"] == "APP_DISABLED"
    assert _nothing_counted(caller.app)


def test_rotated_credentials_end_the_old_secret(caller, security_admin):
    new_secret = services.application_credentials_rotate(actor=security_admin, application=caller.app)
    assert caller.post(PATH, BODY).json()["code"] == "SIGNATURE_INVALID"
    caller.secret = new_secret
    assert caller.post(PATH, BODY).status_code == 200


def test_daily_quota_is_enforced_with_429(caller, security_admin):
    services.application_update(actor=security_admin, application=caller.app, daily_quota=3)
    caller.app.refresh_from_db()
    assert [caller.post(PATH, BODY).status_code for _ in range(3)] == [200, 200, 200]
    r = caller.post(PATH, BODY)
    assert r.status_code == 429 and r.json()["code"] == "QUOTA_EXCEEDED"
    # a batch larger than what is left is refused whole
    r = caller.post("/api/v1/crypto/sign/batch/", {"items": [{"data": "YQ=="}] * 2})
    assert r.status_code == 429
    assert QuotaUsage.objects.get(application=caller.app).used == 3
    assert UsageCounter.objects.get(application=caller.app, operation=Operation.DIGEST).count == 3


def test_oversized_body_is_413_before_reading_it(caller):
    body = b"{}"
    headers = caller.headers("POST", PATH, body)
    headers["CONTENT_LENGTH"] = str(9 * 1024 * 1024)
    r = caller.client.generic("POST", PATH, body, content_type="application/json", **headers)
    assert r.status_code == 413 and r.json()["code"] == "PAYLOAD_TOO_LARGE"


def test_old_nonces_are_purged(caller):
    from datetime import timedelta

    from django.utils import timezone

    caller.post(PATH, BODY)
    assert services.nonce_purge(now=timezone.now() + timedelta(minutes=16)) == 1
    assert not Nonce.objects.exists()


def test_service_calls_audit_no_payload(caller):
    caller.post("/api/v1/crypto/encrypt/", {"plaintext": "c2VjcmV0LXBheWxvYWQ="})
    for event in AuditEvent.objects.all():
        text = json.dumps([event.before, event.after, event.object_repr], ensure_ascii=False)
        assert "c2VjcmV0" not in text and "secret-payload" not in text and caller.secret not in text
