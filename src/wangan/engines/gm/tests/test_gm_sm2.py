"""SM2 signatures and encryption, on every available backend."""

from __future__ import annotations

import os
import threading

import pytest

from wangan.engines import gm
from wangan.engines.gm._curve import N
from wangan.engines.gm._selftest import KAT

from . import sm2_reference as ref

# -- GB/T 32918 known answers ------------------------------------------------------


def test_kat_public_key_z_and_e(kat_key: gm.SM2PrivateKey) -> None:
    pub = kat_key.public_key
    assert (pub.x, pub.y) == (KAT.x, KAT.y)
    assert pub.z(b"1234567812345678") == KAT.z
    assert pub.z() == KAT.z  # the default user ID is 1234567812345678
    assert gm.DEFAULT_SM2_UID == b"1234567812345678"
    assert pub.digest(KAT.message) == KAT.e


def test_kat_nonce_gives_published_signature() -> None:
    # The textbook formula with the published k reproduces the published (r, s).
    assert ref.sign_with_k(KAT.d, KAT.e, KAT.k) == (KAT.r, KAT.s)


def test_kat_signature_verifies(backend: gm.SM2Backend, kat_key: gm.SM2PrivateKey) -> None:
    pub = kat_key.public_key
    raw = KAT.r.to_bytes(32, "big") + KAT.s.to_bytes(32, "big")
    assert pub.verify(raw, KAT.message, encoding="raw")
    assert pub.verify(gm.signature_raw_to_der(raw), KAT.message)
    assert pub.verify_digest(raw, KAT.e, encoding="raw")
    assert not pub.verify(raw, KAT.message + b"!", encoding="raw")
    assert not pub.verify(raw, KAT.message, uid=b"", encoding="raw")


def test_kat_ciphertext_decrypts(backend: gm.SM2Backend, kat_key: gm.SM2PrivateKey) -> None:
    raw = b"\x04" + KAT.c1x.to_bytes(32, "big") + KAT.c1y.to_bytes(32, "big") + KAT.c3 + KAT.c2
    assert kat_key.decrypt(raw, encoding="raw") == KAT.plaintext
    assert kat_key.decrypt(gm.ciphertext_raw_to_der(raw)) == KAT.plaintext


# -- signatures ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["der", "raw"])
def test_sign_verify_round_trip(backend: gm.SM2Backend, key: gm.SM2PrivateKey, encoding: gm.Encoding) -> None:
    for message in (b"", b"hello", os.urandom(1000)):
        sig = key.sign(message, encoding=encoding)
        if encoding == "raw":
            assert len(sig) == 64
        else:
            assert sig[0] == 0x30 and 8 <= len(sig) <= 72
        assert key.public_key.verify(sig, message, encoding=encoding)


def test_signatures_are_real_sm2(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    """Every signature checks out under the independent textbook verifier."""
    pub = key.public_key
    for i in range(5):
        message = f"message {i}".encode()
        raw = key.sign(message, encoding="raw")
        r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        assert ref.verify((pub.x, pub.y), pub.digest(message), r, s)


def test_nonces_are_fresh(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    rs = {key.sign(b"same message", encoding="raw")[:32] for _ in range(20)}
    assert len(rs) == 20


def test_tampered_message_returns_false(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    sig = key.sign(b"pay 100 yuan")
    assert key.public_key.verify(sig, b"pay 100 yuan")
    assert key.public_key.verify(sig, b"pay 900 yuan") is False


def test_tampered_signature_returns_false(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    raw = bytearray(key.sign(b"msg", encoding="raw"))
    for index in (0, 31, 32, 63):
        bad = bytearray(raw)
        bad[index] ^= 0x01
        assert key.public_key.verify(bytes(bad), b"msg", encoding="raw") is False


def test_wrong_key_returns_false(
    backend: gm.SM2Backend, key: gm.SM2PrivateKey, other_key: gm.SM2PrivateKey
) -> None:
    sig = key.sign(b"msg")
    assert other_key.public_key.verify(sig, b"msg") is False


def test_wrong_uid_returns_false(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    sig = key.sign(b"msg", uid=b"alice@example.cn")
    assert key.public_key.verify(sig, b"msg", uid=b"alice@example.cn")
    assert key.public_key.verify(sig, b"msg") is False
    assert key.public_key.verify(sig, b"msg", uid=b"") is False


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        b"\x30\x00",
        b"\x30\x06\x02\x01\x00\x02\x01\x01",  # r = 0
        b"\x30\x06\x02\x01\x01\x02\x01\xff",  # negative s
        b"\x30\x07\x02\x02\x00\x01\x02\x01\x01",  # non-minimal r
        b"\x30\x80\x02\x01\x01\x02\x01\x01\x00\x00",  # indefinite length
        b"garbage",
        bytes(64),
    ],
)
def test_malformed_signature_returns_false(key: gm.SM2PrivateKey, signature: bytes) -> None:
    assert key.public_key.verify(signature, b"msg") is False
    assert key.public_key.verify(signature, b"msg", encoding="raw") is False


def test_signature_with_trailing_data_is_rejected(key: gm.SM2PrivateKey) -> None:
    sig = key.sign(b"msg")
    assert key.public_key.verify(sig, b"msg")
    assert key.public_key.verify(sig + b"\x00", b"msg") is False
    with pytest.raises(gm.InvalidSignatureEncoding):
        gm.signature_der_to_raw(sig + b"\x00")


def test_out_of_range_values_rejected(key: gm.SM2PrivateKey) -> None:
    raw = key.sign(b"msg", encoding="raw")
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:], "big")
    for bad_r, bad_s in ((N, s), (r, N), (r + N, s), (0, s), (r, 0)):
        der = b"\x30" + bytes([len(_int(bad_r)) + len(_int(bad_s))]) + _int(bad_r) + _int(bad_s)
        assert key.public_key.verify(der, b"msg") is False
    with pytest.raises(gm.InvalidSignatureEncoding):
        gm.signature_raw_to_der(N.to_bytes(32, "big") + raw[32:])


def _int(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x02" + bytes([len(body)]) + body


def test_signature_conversions(key: gm.SM2PrivateKey) -> None:
    der = key.sign(b"x")
    raw = gm.signature_der_to_raw(der)
    assert len(raw) == 64
    assert gm.signature_raw_to_der(raw) == der
    assert key.public_key.verify(raw, b"x", encoding="raw")
    with pytest.raises(gm.InvalidSignatureEncoding):
        gm.signature_raw_to_der(raw[:63])
    with pytest.raises(gm.InvalidSignatureEncoding):
        gm.signature_der_to_raw(raw)


def test_sign_digest_matches_sign(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    e = key.public_key.digest(b"data", uid=b"bob")
    sig = key.sign_digest(e)
    assert key.public_key.verify(sig, b"data", uid=b"bob")
    with pytest.raises(gm.InvalidParameter):
        key.sign_digest(e[:31])


def test_cross_backend_signatures(key: gm.SM2PrivateKey) -> None:
    usable = [name for name, reason in gm.available_backends().items() if reason is None]
    if len(usable) < 2:
        pytest.skip("only one SM2 backend available")
    previous = gm.get_backend()
    try:
        for signer in usable:
            gm.set_backend(signer)
            sig = key.sign(b"interop")
            for verifier in usable:
                gm.set_backend(verifier)
                assert key.public_key.verify(sig, b"interop"), (signer, verifier)
    finally:
        gm.set_backend(previous)


def test_parameter_errors(key: gm.SM2PrivateKey) -> None:
    with pytest.raises(gm.InvalidParameter):
        key.sign("text")  # type: ignore[arg-type]
    with pytest.raises(gm.InvalidParameter):
        key.sign(b"x", encoding="base64")  # type: ignore[arg-type]
    with pytest.raises(gm.InvalidParameter):
        key.sign(b"x", uid=b"u" * 8192)
    with pytest.raises(gm.InvalidParameter):
        key.public_key.verify(b"", b"x", encoding="pem")  # type: ignore[arg-type]


def test_concurrent_use_of_one_key(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(25):
                message = f"{seed}-{i}".encode()
                sig = key.sign(message)
                assert key.public_key.verify(sig, message)
                assert not key.public_key.verify(sig, message + b"x")
                assert key.decrypt(key.public_key.encrypt(message)) == message
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


# -- encryption ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["der", "raw"])
def test_encrypt_decrypt_round_trip(
    backend: gm.SM2Backend, key: gm.SM2PrivateKey, encoding: gm.Encoding
) -> None:
    sizes = (1, 16, 255) if backend.name == "gmssl" else (1, 16, 255, 256, 5000)
    for size in sizes:
        message = os.urandom(size)
        ct = key.public_key.encrypt(message, encoding=encoding)
        if encoding == "raw":
            assert len(ct) == 1 + 64 + 32 + size and ct[0] == 4
        assert key.decrypt(ct, encoding=encoding) == message


def test_ciphertext_is_c1c3c2_by_the_textbook(backend: gm.SM2Backend, key: gm.SM2PrivateKey) -> None:
    ct = key.public_key.encrypt(b"independent check", encoding="raw")
    x1, y1 = int.from_bytes(ct[1:33], "big"), int.from_bytes(ct[33:65], "big")
    d = int.from_bytes(key.to_bytes(), "big")
    assert ref.decrypt(d, x1, y1, ct[65:97], ct[97:]) == b"independent check"


def test_encryption_is_randomized(key: gm.SM2PrivateKey) -> None:
    assert key.public_key.encrypt(b"same") != key.public_key.encrypt(b"same")


def test_gmssl_backend_limits_plaintext(key: gm.SM2PrivateKey) -> None:
    if gm.available_backends()["gmssl"] is not None:
        pytest.skip("gmssl backend unavailable")
    previous = gm.set_backend("gmssl")
    try:
        with pytest.raises(gm.InvalidParameter):
            key.public_key.encrypt(bytes(256))
    finally:
        gm.set_backend(previous)


@pytest.mark.parametrize("encoding", ["der", "raw"])
def test_tampered_ciphertext_fails(
    backend: gm.SM2Backend, key: gm.SM2PrivateKey, encoding: gm.Encoding
) -> None:
    ct = bytearray(key.public_key.encrypt(b"top secret", encoding=encoding))
    for index in (len(ct) - 1, len(ct) - 12, len(ct) - 20):  # inside C2 and C3
        bad = bytearray(ct)
        bad[index] ^= 0x01
        with pytest.raises(gm.DecryptionFailed):
            key.decrypt(bytes(bad), encoding=encoding)


def test_wrong_key_cannot_decrypt(
    backend: gm.SM2Backend, key: gm.SM2PrivateKey, other_key: gm.SM2PrivateKey
) -> None:
    ct = key.public_key.encrypt(b"for key only")
    with pytest.raises(gm.DecryptionFailed):
        other_key.decrypt(ct)


def test_ciphertext_point_off_curve_is_rejected(key: gm.SM2PrivateKey) -> None:
    ct = bytearray(key.public_key.encrypt(b"x", encoding="raw"))
    ct[64] ^= 0x01  # last byte of y1
    with pytest.raises(gm.InvalidCiphertextEncoding):
        key.decrypt(bytes(ct), encoding="raw")


def test_ciphertext_conversions(key: gm.SM2PrivateKey) -> None:
    der = key.public_key.encrypt(b"convert me")
    raw = gm.ciphertext_der_to_raw(der)
    assert gm.ciphertext_raw_to_der(raw) == der
    assert key.decrypt(raw, encoding="raw") == b"convert me"
    with pytest.raises(gm.InvalidCiphertextEncoding):
        gm.ciphertext_raw_to_der(raw[1:])  # the 04 prefix is required
    with pytest.raises(gm.InvalidCiphertextEncoding):
        gm.ciphertext_der_to_raw(raw)


def test_empty_plaintext_rejected(key: gm.SM2PrivateKey) -> None:
    with pytest.raises(gm.InvalidParameter):
        key.public_key.encrypt(b"")


# -- backend plumbing ----------------------------------------------------------------


def test_default_backend_satisfies_protocol() -> None:
    backend = gm.get_backend()
    assert isinstance(backend, gm.SM2Backend)
    assert gm.available_backends()["openssl"] is None  # libcrypto.so.3 is always on Debian 12


def test_unknown_backend_name() -> None:
    with pytest.raises(gm.BackendUnavailable):
        gm.set_backend("no-such-backend")
    with pytest.raises(TypeError):
        gm.set_backend(42)  # type: ignore[arg-type]


def test_environment_variable_selects_backend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    code = "from wangan.engines import gm; print(gm.get_backend().name)"
    env = dict(os.environ, WANGAN_GM_SM2_BACKEND="openssl", PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "openssl"


def test_auto_falls_back_to_openssl_without_gmssl() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['gmssl_pyx'] = None\n"
        "from wangan.engines import gm\n"
        "k = gm.generate_private_key(); assert k.public_key.verify(k.sign(b'x'), b'x')\n"
        "print(gm.get_backend().name)"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("WANGAN_GM_SM2_BACKEND", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "openssl"
