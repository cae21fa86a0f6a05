"""SM4 (GB/T 32907): block vectors, CBC/PKCS#7, CTR and GCM (RFC 8998)."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangan.engines import gm
from wangan.engines.gm._sm4 import _ecb_encryptor

FUZZ = settings(database=None, deadline=None, max_examples=150)

VECTOR_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_sm4_single_block_vector() -> None:
    # GB/T 32907-2016 example 1: key = plaintext
    enc = _ecb_encryptor(VECTOR_KEY)
    assert enc.update(VECTOR_KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_million_iterations_vector() -> None:
    # GB/T 32907-2016 example 2: encrypt the block 1,000,000 times with the same key.
    # One reused ECB context, one block per call: about a second here.
    started = time.perf_counter()
    update = _ecb_encryptor(VECTOR_KEY).update
    block = VECTOR_KEY
    for _ in range(1_000_000):
        block = update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"
    assert time.perf_counter() - started < 60


# RFC 8998 appendix A.1 (SM4-GCM)
GCM_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
GCM_IV = bytes.fromhex("00001234567800000000ABCD")
GCM_AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
GCM_PT = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)
GCM_CT = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
)
GCM_TAG = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")


def test_sm4_gcm_rfc8998_vector() -> None:
    assert gm.sm4_gcm_encrypt(GCM_KEY, GCM_IV, GCM_PT, GCM_AAD) == GCM_CT + GCM_TAG
    assert gm.sm4_gcm_decrypt(GCM_KEY, GCM_IV, GCM_CT + GCM_TAG, GCM_AAD) == GCM_PT


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda k, n, d, a: (k, n, d[:5] + bytes([d[5] ^ 1]) + d[6:], a), id="ciphertext"),
        pytest.param(lambda k, n, d, a: (k, n, d[:-1] + bytes([d[-1] ^ 0x80]), a), id="tag"),
        pytest.param(lambda k, n, d, a: (k, n, d, a + b"x"), id="aad"),
        pytest.param(lambda k, n, d, a: (k, bytes(12), d, a), id="nonce"),
        pytest.param(lambda k, n, d, a: (bytes(16), n, d, a), id="key"),
        pytest.param(lambda k, n, d, a: (k, n, d[:-1], a), id="truncated"),
        pytest.param(lambda k, n, d, a: (k, n, d[:10], a), id="shorter-than-tag"),
    ],
)
def test_sm4_gcm_rejects_tampering(mutate) -> None:  # type: ignore[no-untyped-def]
    args = mutate(GCM_KEY, GCM_IV, GCM_CT + GCM_TAG, GCM_AAD)
    with pytest.raises(gm.DecryptionFailed):
        gm.sm4_gcm_decrypt(*args)


@FUZZ
@given(st.binary(max_size=2000), st.binary(max_size=64), st.binary(min_size=8, max_size=32))
def test_sm4_gcm_round_trip(plaintext: bytes, aad: bytes, nonce: bytes) -> None:
    key = os.urandom(16)
    sealed = gm.sm4_gcm_encrypt(key, nonce, plaintext, aad)
    assert len(sealed) == len(plaintext) + gm.SM4_GCM_TAG_SIZE
    assert gm.sm4_gcm_decrypt(key, nonce, sealed, aad) == plaintext


def test_sm4_cbc_known_answer() -> None:
    # One full block of padding after a one-block message: the first block is
    # plain SM4 of (P xor IV), checked against the single-block vector.
    iv = bytes(16)
    out = gm.sm4_cbc_encrypt(VECTOR_KEY, iv, VECTOR_KEY)
    assert out[:16].hex() == "681edf34d206965e86b3e94f536e4246"
    assert len(out) == 32
    assert gm.sm4_cbc_decrypt(VECTOR_KEY, iv, out) == VECTOR_KEY


@FUZZ
@given(st.binary(max_size=500))
def test_sm4_cbc_round_trip(plaintext: bytes) -> None:
    key, iv = os.urandom(16), os.urandom(16)
    ct = gm.sm4_cbc_encrypt(key, iv, plaintext)
    assert len(ct) % 16 == 0 and len(ct) > len(plaintext)
    assert gm.sm4_cbc_decrypt(key, iv, ct) == plaintext


def test_sm4_cbc_bad_input() -> None:
    key, iv = os.urandom(16), os.urandom(16)
    with pytest.raises(gm.DecryptionFailed):
        gm.sm4_cbc_decrypt(key, iv, b"")
    with pytest.raises(gm.DecryptionFailed):
        gm.sm4_cbc_decrypt(key, iv, bytes(15))
    # A wrong key almost always breaks the padding; search for a case that does.
    ct = gm.sm4_cbc_encrypt(key, iv, b"attack at dawn")
    failures = 0
    for _ in range(20):
        try:
            gm.sm4_cbc_decrypt(os.urandom(16), iv, ct)
        except gm.DecryptionFailed:
            failures += 1
    assert failures >= 15


def test_sm4_ctr_matches_manual_keystream() -> None:
    counter = bytes(15) + b"\xfe"
    data = os.urandom(45)
    out = gm.sm4_ctr_encrypt(VECTOR_KEY, counter, data)
    enc = _ecb_encryptor(VECTOR_KEY)
    stream = b"".join(enc.update((int.from_bytes(counter, "big") + i).to_bytes(16, "big")) for i in range(3))
    assert out == bytes(a ^ b for a, b in zip(data, stream, strict=False))
    assert gm.sm4_ctr_decrypt(VECTOR_KEY, counter, out) == data


@pytest.mark.parametrize(
    "call",
    [
        lambda: gm.sm4_cbc_encrypt(bytes(15), bytes(16), b"x"),
        lambda: gm.sm4_cbc_encrypt(bytes(16), bytes(8), b"x"),
        lambda: gm.sm4_ctr_encrypt(bytes(17), bytes(16), b"x"),
        lambda: gm.sm4_ctr_encrypt(bytes(16), bytes(12), b"x"),
        lambda: gm.sm4_gcm_encrypt(bytes(16), bytes(4), b"x"),
        lambda: gm.sm4_gcm_decrypt(bytes(16), bytes(200), bytes(32)),
        lambda: gm.sm4_gcm_encrypt("0" * 16, bytes(12), b"x"),  # type: ignore[arg-type]
        lambda: gm.sm4_gcm_encrypt(bytes(16), bytes(12), "text"),  # type: ignore[arg-type]
    ],
)
def test_sm4_parameter_checks(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(gm.InvalidParameter):
        call()
