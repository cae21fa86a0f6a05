"""SM2 key formats: PKCS#8, SEC 1, SubjectPublicKeyInfo, PEM, raw."""

from __future__ import annotations

import base64
import pickle
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from wangan.engines import gm
from wangan.engines.gm._curve import N, P
from wangan.engines.gm._selftest import KAT

# OpenSSL 3.0 `genpkey -algorithm SM2` output for the GB/T 32918 example key,
# rebuilt by hand: PKCS#8 with id-ecPublicKey + sm2 and the public key in [1].
KAT_PKCS8_HEX = (
    "308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420"
    "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
    "a144034200"
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
)
KAT_SPKI_HEX = (
    "3059301306072a8648ce3d020106082a811ccf5501822d034200"
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
)


def test_kat_key_encodings(kat_key: gm.SM2PrivateKey) -> None:
    assert kat_key.to_der().hex() == KAT_PKCS8_HEX
    assert kat_key.public_key.to_der().hex() == KAT_SPKI_HEX
    assert gm.load_der_private_key(bytes.fromhex(KAT_PKCS8_HEX)).to_bytes() == kat_key.to_bytes()
    assert gm.load_der_public_key(bytes.fromhex(KAT_SPKI_HEX)) == kat_key.public_key


@pytest.mark.parametrize("fmt", ["pkcs8", "sec1"])
def test_private_key_round_trips(key: gm.SM2PrivateKey, fmt: gm.PrivateFormat) -> None:
    pem = key.to_pem(fmt)
    assert pem.startswith(
        b"-----BEGIN PRIVATE KEY-----\n" if fmt == "pkcs8" else b"-----BEGIN EC PRIVATE KEY-----\n"
    )
    assert all(len(line) <= 64 for line in pem.splitlines())
    for loaded in (
        gm.load_pem_private_key(pem),
        gm.load_pem_private_key(pem.decode()),
        gm.load_der_private_key(key.to_der(fmt)),
    ):
        assert loaded.to_bytes() == key.to_bytes()
        assert loaded.public_key == key.public_key


def test_private_key_without_public_part(kat_key: gm.SM2PrivateKey) -> None:
    # SEC 1 with only the scalar and curve: the public key is derived.
    der = bytes.fromhex("30310201010420" + f"{KAT.d:064x}" + "a00a06082a811ccf5501822d")
    loaded = gm.load_der_private_key(der)
    assert loaded.public_key == kat_key.public_key
    # SM2 PRIVATE KEY is what `openssl ec` labels SEC 1 SM2 keys.
    pem = b"-----BEGIN SM2 PRIVATE KEY-----\n" + base64.encodebytes(der) + b"-----END SM2 PRIVATE KEY-----\n"
    assert gm.load_pem_private_key(pem).public_key == kat_key.public_key


def test_public_key_round_trips(key: gm.SM2PrivateKey) -> None:
    pub = key.public_key
    assert gm.load_pem_public_key(pub.to_pem()) == pub
    assert gm.load_der_public_key(pub.to_der()) == pub
    assert gm.SM2PublicKey.from_bytes(pub.to_bytes()) == pub
    assert gm.SM2PublicKey.from_bytes(pub.to_bytes()[1:]) == pub  # bare x||y
    compressed = pub.to_bytes(compressed=True)
    assert len(compressed) == 33 and compressed[0] in (2, 3)
    assert gm.SM2PublicKey.from_bytes(compressed) == pub
    assert hash(gm.SM2PublicKey.from_bytes(compressed)) == hash(pub)


def test_compressed_point_in_spki(key: gm.SM2PrivateKey) -> None:
    pub = key.public_key
    spki = bytes.fromhex("3039301306072a8648ce3d020106082a811ccf5501822d032200") + pub.to_bytes(
        compressed=True
    )
    assert gm.load_der_public_key(spki) == pub


def test_raw_private_key(key: gm.SM2PrivateKey) -> None:
    assert gm.SM2PrivateKey.from_bytes(key.to_bytes()).public_key == key.public_key
    with pytest.raises(gm.InvalidKey):
        gm.SM2PrivateKey.from_bytes(key.to_bytes()[:31])


@pytest.mark.parametrize("scalar", [0, N - 1, N, N + 5, 2**256 - 1])
def test_private_scalar_range(scalar: int) -> None:
    with pytest.raises(gm.InvalidKey):
        gm.SM2PrivateKey.from_bytes(scalar.to_bytes(32, "big"))
    with pytest.raises(gm.InvalidKey):
        gm.SM2PrivateKey(scalar)


def test_extreme_valid_scalars() -> None:
    for scalar in (1, 2, N - 2):
        k = gm.SM2PrivateKey(scalar)
        sig = k.sign(b"edge")
        assert k.public_key.verify(sig, b"edge")


def test_mismatched_public_key_rejected(key: gm.SM2PrivateKey, other_key: gm.SM2PrivateKey) -> None:
    with pytest.raises(gm.InvalidKey):
        gm.SM2PrivateKey(int.from_bytes(key.to_bytes(), "big"), other_key.public_key)
    der = bytearray(key.to_der("sec1"))
    tail = other_key.public_key.to_bytes()
    der[-65:] = tail
    with pytest.raises(gm.InvalidKey):
        gm.load_der_private_key(bytes(der))


def test_points_off_curve_rejected(key: gm.SM2PrivateKey) -> None:
    raw = bytearray(key.public_key.to_bytes())
    raw[-1] ^= 1
    with pytest.raises(gm.InvalidKey):
        gm.SM2PublicKey.from_bytes(bytes(raw))
    with pytest.raises(gm.InvalidKey):
        gm.SM2PublicKey(P, 0)
    with pytest.raises(gm.InvalidKey):
        gm.SM2PublicKey.from_bytes(b"\x04" + bytes(64))  # (0, 0) is not on the curve
    spki = bytearray(key.public_key.to_der())
    spki[-1] ^= 1
    with pytest.raises(gm.InvalidKey):
        gm.load_der_public_key(bytes(spki))


def test_other_curves_rejected() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1())
    priv_pem = p256.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pub_pem = p256.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(gm.InvalidKey, match="curve"):
        gm.load_pem_private_key(priv_pem)
    with pytest.raises(gm.InvalidKey, match="curve"):
        gm.load_pem_public_key(pub_pem)


def test_encrypted_private_key_rejected(key: gm.SM2PrivateKey) -> None:
    pem = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
    with pytest.raises(gm.InvalidKey, match="encrypted"):
        gm.load_pem_private_key(pem)


@pytest.mark.parametrize(
    "pem",
    [
        b"",
        b"not pem at all",
        b"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMIGH\u00e9\n-----END PRIVATE KEY-----\n".encode(),
    ],
)
def test_bad_private_pem(pem: bytes) -> None:
    with pytest.raises(gm.InvalidKey):
        gm.load_pem_private_key(pem)


def test_pem_with_surrounding_text(key: gm.SM2PrivateKey) -> None:
    text = b"Bag Attributes: whatever\n" + key.public_key.to_pem() + b"trailing junk\n"
    assert gm.load_pem_public_key(text) == key.public_key
    mixed = key.public_key.to_pem() + key.to_pem()
    assert gm.load_pem_private_key(mixed).to_bytes() == key.to_bytes()


def test_public_key_is_not_a_private_key(key: gm.SM2PrivateKey) -> None:
    with pytest.raises(gm.InvalidKey):
        gm.load_der_private_key(key.public_key.to_der())
    with pytest.raises(gm.InvalidKey):
        gm.load_der_public_key(key.to_der())


def test_key_objects_do_not_leak(key: gm.SM2PrivateKey) -> None:
    assert key.to_bytes().hex() not in repr(key)
    with pytest.raises(TypeError):
        pickle.dumps(key)


@pytest.mark.parametrize(
    "hostile",
    [
        "-----BEGIN A-----\n" * 50_000,
        "-----BEGIN A-----\n" * 50_000 + "-----END A-----",
        "".join(f"-----BEGIN A{i}-----\n" for i in range(40_000)),
        "-----END PUBLIC KEY-----" * 40_000,
    ],
)
def test_pem_parsing_stays_linear(hostile: str) -> None:
    started = time.perf_counter()
    with pytest.raises(gm.InvalidKey):
        gm.load_pem_public_key(hostile)
    assert time.perf_counter() - started < 2.0
