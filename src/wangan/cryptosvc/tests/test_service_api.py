"""The crypto calls over HTTP: digest, HMAC, sign/verify, encrypt/decrypt, batches, rotation."""

from __future__ import annotations

import base64

import pytest

from wangan.cryptosvc import services
from wangan.cryptosvc.choices import KeyPurpose, KeyStatus, Operation
from wangan.cryptosvc.models import Key, UsageCounter
from wangan.engines import gm

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_digest_is_sm3_of_the_data(caller):
    r = caller.post("/api/v1/crypto/digest/", {"data": b64(b"abc")})
    assert r.status_code == 200, r.content
    assert r.json() == {"alg": "SM3", "digest": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}


def test_sign_then_verify_and_tampered_message_is_valid_false(caller):
    data = "订单 2026-0001".encode()
    r = caller.post("/api/v1/crypto/sign/", {"data": b64(data)})
    assert r.status_code == 200, r.content
    sig = r.json()
    assert sig["alg"] == "SM2-with-SM3" and sig["version"] == 1
    # the signature is a standard SM2 signature under the key's published public key
    key = Key.objects.get(key_id=sig["key_id"], version=1)
    assert gm.load_pem_public_key(key.public_key_pem).verify(base64.b64decode(sig["signature"]), data)
    ok = caller.post("/api/v1/crypto/verify/", {"data": b64(data), "signature": sig["signature"], "key_id": sig["key_id"]})
    assert ok.status_code == 200 and ok.json()["valid"] is True
    bad = caller.post("/api/v1/crypto/verify/", {"data": b64(data + b"!"), "signature": sig["signature"],
                                                 "key_id": sig["key_id"]})  # fmt: skip
    assert bad.status_code == 200 and bad.json()["valid"] is False
    garbage = caller.post("/api/v1/crypto/verify/", {"data": b64(data), "signature": b64(b"\x30\x02\x01"),
                                                     "key_id": sig["key_id"]})  # fmt: skip
    assert garbage.status_code == 200 and garbage.json()["valid"] is False


def test_encrypt_decrypt_round_trip_and_tampering_is_refused(caller):
    r = caller.post("/api/v1/crypto/encrypt/", {"plaintext": b64("身份证号".encode()), "aad": b64(b"user:42")})
    assert r.status_code == 200, r.content
    env = r.json()
    assert env["alg"] == "SM4-GCM" and len(base64.b64decode(env["iv"])) == 12 and len(base64.b64decode(env["tag"])) == 16
    back = caller.post("/api/v1/crypto/decrypt/", {"envelope": env, "aad": b64(b"user:42")})
    assert back.status_code == 200, back.content
    assert base64.b64decode(back.json()["plaintext"]) == "身份证号".encode()
    wrong_aad = caller.post("/api/v1/crypto/decrypt/", {"envelope": env, "aad": b64(b"user:43")})
    assert wrong_aad.status_code == 400 and wrong_aad.json()["code"] == "DECRYPTION_FAILED"
    flipped = dict(env, ciphertext=b64(bytes([base64.b64decode(env["ciphertext"])[0] ^ 1]) +
                                       base64.b64decode(env["ciphertext"])[1:]))  # fmt: skip
    r = caller.post("/api/v1/crypto/decrypt/", {"envelope": flipped, "aad": b64(b"user:42")})
    assert r.status_code == 400 and r.json()["code"] == "DECRYPTION_FAILED"


def test_hmac_and_its_verification(caller):
    r = caller.post("/api/v1/crypto/hmac/", {"data": b64(b"payload")})
    assert r.status_code == 200, r.content
    mac = r.json()
    check = {"data": b64(b"payload"), "mac": mac["mac"], "key_id": mac["key_id"], "version": mac["version"]}
    assert caller.post("/api/v1/crypto/hmac/verify/", check).json()["valid"] is True
    assert caller.post("/api/v1/crypto/hmac/verify/", check | {"data": b64(b"payload2")}).json()["valid"] is False


def test_rotation_keeps_old_versions_usable_for_old_data(caller, security_admin):
    sig = caller.post("/api/v1/crypto/sign/", {"data": b64(b"v1 data")}).json()
    env = caller.post("/api/v1/crypto/encrypt/", {"plaintext": b64(b"v1 secret")}).json()
    for key in Key.objects.filter(application=caller.app):
        services.key_rotate(actor=security_admin, key=key)
    assert Key.objects.get(key_id=sig["key_id"], version=1).status == KeyStatus.RETIRED
    new_sig = caller.post("/api/v1/crypto/sign/", {"data": b64(b"v2 data")}).json()
    assert new_sig["version"] == 2 and new_sig["key_id"] == sig["key_id"]
    r = caller.post("/api/v1/crypto/verify/", {"data": b64(b"v1 data"), "signature": sig["signature"],
                                               "key_id": sig["key_id"]})  # fmt: skip
    assert r.json() == {"valid": True, "key_id": sig["key_id"], "version": 1}
    back = caller.post("/api/v1/crypto/decrypt/", {"envelope": env})
    assert back.status_code == 200 and base64.b64decode(back.json()["plaintext"]) == b"v1 secret"
    assert caller.post("/api/v1/crypto/encrypt/", {"plaintext": b64(b"x")}).json()["version"] == 2


def test_disabled_and_destroyed_keys_are_refused_with_codes(caller, security_admin):
    env = caller.post("/api/v1/crypto/encrypt/", {"plaintext": b64(b"secret")}).json()
    key = Key.objects.get(key_id=env["key_id"], version=1)
    services.key_disable(actor=security_admin, key=key)
    r = caller.post("/api/v1/crypto/decrypt/", {"envelope": env})
    assert r.status_code == 409 and r.json()["code"] == "KEY_DISABLED"
    r = caller.post("/api/v1/crypto/encrypt/", {"plaintext": b64(b"more")})
    assert r.status_code == 409 and r.json()["code"] == "KEY_DISABLED"  # no active encryption key left
    services.key_destroy(actor=security_admin, key=Key.objects.get(pk=key.pk))
    key.refresh_from_db()
    assert key.wrapped is None and key.status == KeyStatus.DESTROYED
    r = caller.post("/api/v1/crypto/decrypt/", {"envelope": env})
    assert r.status_code == 409 and r.json()["code"] == "KEY_DESTROYED"


def test_unknown_and_other_applications_key_ids_are_not_found(caller, security_admin, app_org, extranet):
    other, _secret = services.application_register(actor=security_admin, organization=app_org, zone=extranet,
                                                   name="电商系统")  # fmt: skip
    other_key = Key.objects.get(application=other, purpose=KeyPurpose.SIGN)
    for key_id in ("k_00000000000000000000", other_key.key_id):
        r = caller.post("/api/v1/crypto/sign/", {"data": b64(b"x"), "key_id": key_id})
        assert r.status_code == 404 and r.json()["code"] == "KEY_NOT_FOUND"


def test_batches_answer_per_item_and_count_each_item(caller):
    items = [{"data": b64(f"m{i}".encode())} for i in range(10)]
    r = caller.post("/api/v1/crypto/sign/batch/", {"items": items})
    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert len(results) == 10 and all(x["ok"] for x in results)
    checks = [{"data": items[i]["data"], "signature": results[i]["signature"], "key_id": results[i]["key_id"]}
              for i in range(10)]  # fmt: skip
    checks[3]["data"] = b64(b"tampered")
    checks[5]["key_id"] = "k_00000000000000000000"
    v = caller.post("/api/v1/crypto/verify/batch/", {"items": checks}).json()["results"]
    assert [x.get("valid") for x in v] == [True, True, True, False, True, None, True, True, True, True]
    assert v[5] == {"ok": False, "code": "KEY_NOT_FOUND", "message": v[5]["message"]}
    envs = caller.post("/api/v1/crypto/encrypt/batch/", {"items": [{"plaintext": b64(b"a")}, {"plaintext": b64(b"b")}]})
    opened = caller.post("/api/v1/crypto/decrypt/batch/",
                         {"items": [{"envelope": e["envelope"]} for e in envs.json()["results"]]})  # fmt: skip
    assert [base64.b64decode(x["plaintext"]) for x in opened.json()["results"]] == [b"a", b"b"]
    usage = UsageCounter.objects.get(application=caller.app, operation=Operation.SIGN)
    assert usage.count == 10 and usage.bytes == sum(len(f"m{i}") for i in range(10))


@pytest.mark.parametrize(
    ("path", "payload", "status", "code"),
    [
        ("/api/v1/crypto/sign/", {"data": "not base64!"}, 400, "MALFORMED_BASE64"),
        ("/api/v1/crypto/sign/", {"data": "YWJj="}, 400, "MALFORMED_BASE64"),
        ("/api/v1/crypto/sign/", {"data": 42}, 400, "MALFORMED_BASE64"),
        ("/api/v1/crypto/sign/", {}, 400, "VALIDATION_FAILED"),
        ("/api/v1/crypto/sign/", {"data": "YQ==", "key_id": "../../etc"}, 400, "VALIDATION_FAILED"),
        ("/api/v1/crypto/decrypt/", {"envelope": "x"}, 400, "MALFORMED_ENVELOPE"),
        ("/api/v1/crypto/decrypt/", {"envelope": {"alg": "SM4-CBC"}}, 400, "MALFORMED_ENVELOPE"),
        ("/api/v1/crypto/sign/", {"data": b64(b"x" * (1024 * 1024 + 1))}, 413, "PAYLOAD_TOO_LARGE"),
        ("/api/v1/crypto/sign/batch/", {"items": [{"data": "YQ=="}] * 101}, 413, "BATCH_TOO_LARGE"),
        ("/api/v1/crypto/sign/batch/", {"items": []}, 400, "BATCH_EMPTY"),
        ("/api/v1/crypto/sign/batch/", {"items": "nope"}, 400, "VALIDATION_FAILED"),
    ],
)
def test_bad_input_is_a_4xx_with_a_code(caller, path, payload, status, code):
    r = caller.post(path, payload)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code


def test_malformed_json_is_a_400(caller):
    r = caller.post("/api/v1/crypto/sign/", raw=b"{not json")
    assert r.status_code == 400 and r.json()["code"] == "MALFORMED_REQUEST"


def test_public_key_of_the_signing_key(caller):
    r = caller.get("/api/v1/crypto/public-key/")
    assert r.status_code == 200, r.content
    assert gm.load_pem_public_key(r.json()["public_key_pem"])
