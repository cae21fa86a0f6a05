"""Interop with the ``openssl`` command-line tool (skipped when it is absent).

The CLI sets the SM2 user ID with ``-pkeyopt distid:...``; without it OpenSSL
uses an empty ID, which is exactly the mismatch these tests guard against.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wangan.engines import gm

UID = "1234567812345678"
DISTID = f"distid:{UID}"


@pytest.fixture
def files(tmp_path: Path, key: gm.SM2PrivateKey) -> Path:
    (tmp_path / "key.pem").write_bytes(key.to_pem())
    (tmp_path / "pub.pem").write_bytes(key.public_key.to_pem())
    (tmp_path / "msg").write_bytes(b"interop message \x00\xff" + os.urandom(100))
    return tmp_path


def test_openssl_verifies_engine_signature(backend: gm.SM2Backend, run_openssl, files: Path, key) -> None:  # type: ignore[no-untyped-def]
    message = (files / "msg").read_bytes()
    (files / "sig").write_bytes(key.sign(message))
    out = run_openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        DISTID,
        "-in",
        "msg",
        "-sigfile",
        "sig",
    )
    assert b"Signature Verified Successfully" in out.stdout
    out = run_openssl("dgst", "-sm3", "-verify", "pub.pem", "-sigopt", DISTID, "-signature", "sig", "msg")
    assert b"Verified OK" in out.stdout


def test_openssl_rejects_engine_signature_with_other_id(run_openssl, files: Path, key) -> None:  # type: ignore[no-untyped-def]
    message = (files / "msg").read_bytes()
    (files / "sig").write_bytes(key.sign(message))
    out = run_openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:someone-else",
        "-in",
        "msg",
        "-sigfile",
        "sig",
        check=False,
    )
    assert out.returncode != 0


def test_engine_verifies_openssl_signature(backend: gm.SM2Backend, run_openssl, files: Path, key) -> None:  # type: ignore[no-untyped-def]
    run_openssl(
        "pkeyutl",
        "-sign",
        "-inkey",
        "key.pem",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        DISTID,
        "-in",
        "msg",
        "-out",
        "sig",
    )
    message = (files / "msg").read_bytes()
    signature = (files / "sig").read_bytes()
    assert key.public_key.verify(signature, message)
    assert key.public_key.verify(gm.signature_der_to_raw(signature), message, encoding="raw")
    assert not key.public_key.verify(signature, message, uid=b"")


def test_engine_decrypts_openssl_ciphertext(backend: gm.SM2Backend, run_openssl, files: Path, key) -> None:  # type: ignore[no-untyped-def]
    (files / "plain").write_bytes(b"from openssl " * 10)
    run_openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "plain", "-out", "ct")
    ciphertext = (files / "ct").read_bytes()
    assert key.decrypt(ciphertext) == b"from openssl " * 10
    assert key.decrypt(gm.ciphertext_der_to_raw(ciphertext), encoding="raw") == b"from openssl " * 10


def test_openssl_decrypts_engine_ciphertext(backend: gm.SM2Backend, run_openssl, files: Path, key) -> None:  # type: ignore[no-untyped-def]
    (files / "ct").write_bytes(key.public_key.encrypt(b"to openssl"))
    out = run_openssl("pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "ct")
    assert out.stdout == b"to openssl"


def test_engine_loads_openssl_keys(run_openssl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pem = run_openssl("genpkey", "-algorithm", "SM2").stdout
    (tmp_path / "k.pem").write_bytes(pem)
    pub_pem = run_openssl("pkey", "-in", "k.pem", "-pubout").stdout
    sec1_pem = run_openssl("ec", "-in", "k.pem").stdout  # "SM2 PRIVATE KEY" (SEC 1)
    der = run_openssl("pkey", "-in", "k.pem", "-outform", "DER").stdout
    key = gm.load_pem_private_key(pem)
    assert key.public_key == gm.load_pem_public_key(pub_pem)
    assert gm.load_pem_private_key(sec1_pem).to_bytes() == key.to_bytes()
    assert gm.load_der_private_key(der).to_bytes() == key.to_bytes()
    assert key.public_key.to_pem() == pub_pem


def test_openssl_reads_engine_keys(run_openssl, files: Path, key: gm.SM2PrivateKey) -> None:  # type: ignore[no-untyped-def]
    text = run_openssl("pkey", "-in", "key.pem", "-noout", "-text").stdout
    assert b"SM2" in text or b"sm2" in text
    der = run_openssl("pkey", "-in", "key.pem", "-outform", "DER").stdout
    assert gm.load_der_private_key(der).to_bytes() == key.to_bytes()
    pub = run_openssl("pkey", "-pubin", "-in", "pub.pem", "-pubout").stdout
    assert pub == key.public_key.to_pem()
    (files / "sec1.pem").write_bytes(key.to_pem("sec1"))
    again = run_openssl("pkey", "-in", "sec1.pem").stdout
    assert again == key.to_pem()


def test_sm3_and_hmac_match_openssl(run_openssl) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(1000)
    out = run_openssl("dgst", "-sm3", "-r", stdin=data).stdout
    assert out.split()[0].decode() == gm.sm3(data).hex()
    out = run_openssl("dgst", "-sm3", "-hmac", "key", "-r", stdin=b"abc").stdout
    assert out.split()[0].decode() == gm.hmac_sm3(b"key", b"abc").hex()
    hexkey = os.urandom(40).hex()
    out = run_openssl("mac", "-digest", "SM3", "-macopt", f"hexkey:{hexkey}", "HMAC", stdin=data).stdout
    assert out.strip().decode().lower() == gm.hmac_sm3(bytes.fromhex(hexkey), data).hex()


def test_sm4_cbc_matches_openssl(run_openssl) -> None:  # type: ignore[no-untyped-def]
    key, iv, data = os.urandom(16), os.urandom(16), os.urandom(100)
    out = run_openssl("enc", "-sm4-cbc", "-K", key.hex(), "-iv", iv.hex(), stdin=data).stdout
    assert out == gm.sm4_cbc_encrypt(key, iv, data)
    out = run_openssl("enc", "-sm4-ctr", "-K", key.hex(), "-iv", iv.hex(), stdin=data).stdout
    assert out == gm.sm4_ctr_encrypt(key, iv, data)
