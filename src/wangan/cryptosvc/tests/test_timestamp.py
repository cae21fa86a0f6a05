"""RFC 3161 timestamps over HTTP: SM3 and SHA-256 imprints, SM2-signed tokens, verification."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess

import pytest
from asn1crypto import tsp

from wangan.cryptosvc import tsa
from wangan.cryptosvc.models import TimestampRecord
from wangan.engines import gm

pytestmark = pytest.mark.django_db
PATH = "/api/v1/crypto/timestamp/"
DATA = "合同 第1版".encode()


def query(digest: bytes, oid: str, *, nonce: int | None = 0x1234567890ABCDEF, cert_req: bool = True) -> bytes:
    req = {"version": "v1", "message_imprint": {"hash_algorithm": {"algorithm": oid}, "hashed_message": digest},
           "cert_req": cert_req}  # fmt: skip
    if nonce is not None:
        req["nonce"] = nonce
    return tsp.TimeStampReq(req).dump()


def stamp(caller, body: bytes):
    return caller.post(PATH, raw=body, content_type=tsa.CONTENT_TYPE_QUERY)


def test_sm3_timestamp_round_trip(caller):
    r = stamp(caller, query(gm.sm3(DATA), "1.2.156.10197.1.401"))
    assert r.status_code == 200 and r["Content-Type"] == tsa.CONTENT_TYPE_REPLY
    resp = tsp.TimeStampResp.load(r.content)
    assert resp["status"]["status"].native == "granted"
    signed = resp["time_stamp_token"]["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 0x1234567890ABCDEF  # echoed
    assert info["policy"].dotted == tsa.POLICY_OID
    assert info["accuracy"]["seconds"].native == 1
    assert info["message_imprint"]["hashed_message"].native == gm.sm3(DATA)
    assert signed["signer_infos"][0]["signature_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.501"
    assert len(signed["certificates"]) == 1  # cert_req honoured
    token = base64.b64encode(r.content).decode()
    v = caller.post("/api/v1/crypto/timestamp/verify/", {"token": token, "data": base64.b64encode(DATA).decode()})
    assert v.status_code == 200 and v.json()["valid"] is True, v.json()
    assert v.json()["hash_algorithm"] == "SM3" and v.json()["tsa"] == "tsa-internet"
    other = caller.post("/api/v1/crypto/timestamp/verify/", {"token": token, "data": base64.b64encode(b"x").decode()})
    assert other.json()["valid"] is False and other.json()["reason"] == "the token stamps other data"


def test_sha256_imprints_are_accepted_and_serials_are_unique(caller):
    serials = set()
    for i in range(3):
        r = stamp(caller, query(hashlib.sha256(DATA + bytes([i])).digest(), "sha256", nonce=None))
        info = tsp.TimeStampResp.load(r.content)["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
        assert info["nonce"].native is None
        serials.add(info["serial_number"].native)
    assert len(serials) == 3 == TimestampRecord.objects.count()


def test_tampered_token_does_not_verify(caller):
    r = stamp(caller, query(gm.sm3(DATA), "1.2.156.10197.1.401"))
    raw = bytearray(r.content)
    i = raw.find(gm.sm3(DATA))
    raw[i] ^= 1  # change the stamped imprint inside the TSTInfo
    v = tsa.timestamp_verify(token_der=bytes(raw))
    assert v.valid is False and "digest" in v.reason
    assert tsa.timestamp_verify(token_der=b"\x30\x03\x02\x01\x00").valid is False
    assert tsa.timestamp_verify(token_der=b"").reason == "malformed token"


@pytest.mark.parametrize(
    ("body", "fail"),
    [
        (b"garbage", "bad_data_format"),
        (query(b"\x00" * 20, "sha1"), "bad_alg"),
        (query(b"\x00" * 31, "sha256"), "bad_data_format"),
    ],
)
def test_bad_requests_get_an_rfc3161_rejection(caller, body, fail):
    r = stamp(caller, body)
    assert r.status_code == 200
    status = tsa.TimeStampResp.load(r.content)["status"]
    assert status["status"].native == "rejection" and fail in status["fail_info"].native


def test_wrong_content_type_is_415(caller):
    r = caller.post(PATH, raw=b"x", content_type="text/plain")
    assert r.status_code == 415


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_openssl_makes_the_query_and_reads_the_reply(caller, tmp_path):
    (tmp_path / "d.txt").write_bytes(DATA)
    for digest in ("-sm3", "-sha256"):
        subprocess.run(["openssl", "ts", "-query", "-data", str(tmp_path / "d.txt"), digest, "-cert",
                        "-out", str(tmp_path / "q.tsq")], check=True, capture_output=True)  # fmt: skip
        r = stamp(caller, (tmp_path / "q.tsq").read_bytes())
        (tmp_path / "r.tsr").write_bytes(r.content)
        out = subprocess.run(["openssl", "ts", "-reply", "-in", str(tmp_path / "r.tsr"), "-text"],
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
        assert "Status: Granted." in out
        assert f"Policy OID: {tsa.POLICY_OID}" in out
        assert "Accuracy: 0x01 seconds" in out
        assert "Nonce: 0x" in out
