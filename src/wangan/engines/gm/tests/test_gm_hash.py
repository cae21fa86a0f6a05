"""SM3 (GB/T 32905) and HMAC-SM3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangan.engines import gm

FUZZ = settings(database=None, deadline=None, max_examples=200)


def test_sm3_abc_vector() -> None:
    # GB/T 32905-2016, example 1
    assert gm.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_64_byte_vector() -> None:
    # GB/T 32905-2016, example 2: "abcd" repeated 16 times
    assert gm.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm3_empty() -> None:
    assert gm.sm3(b"").hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_sm3_incremental_matches_one_shot() -> None:
    h = gm.SM3(b"ab")
    snapshot = h.copy()
    h.update(b"c")
    assert h.digest() == gm.sm3(b"abc")
    assert h.digest() == h.digest()  # digest() does not finalize
    assert snapshot.hexdigest() == gm.sm3(b"ab").hex()
    assert h.digest_size == gm.SM3_DIGEST_SIZE == 32


@FUZZ
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_sm3_split_points_do_not_matter(a: bytes, b: bytes) -> None:
    assert gm.SM3(a).update(b).digest() == gm.sm3(a + b)


def _hmac_by_definition(key: bytes, msg: bytes) -> bytes:
    """RFC 2104 written out with the engine's SM3 (block size 64)."""
    if len(key) > 64:
        key = gm.sm3(key)
    key = key.ljust(64, b"\0")
    inner = gm.sm3(bytes(k ^ 0x36 for k in key) + msg)
    return gm.sm3(bytes(k ^ 0x5C for k in key) + inner)


def test_hmac_sm3_known_answer() -> None:
    # Recorded from `printf abc | openssl dgst -sm3 -hmac key` (OpenSSL 3.0);
    # the CLI cross-check in test_gm_openssl_cli.py recomputes it live.
    assert (
        gm.hmac_sm3(b"key", b"abc").hex()
        == "28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393"
    )


@FUZZ
@given(st.binary(max_size=150), st.binary(max_size=300))
def test_hmac_sm3_matches_rfc2104_construction(key: bytes, msg: bytes) -> None:
    assert gm.hmac_sm3(key, msg) == _hmac_by_definition(key, msg)


def test_hmac_sm3_verify() -> None:
    tag = gm.hmac_sm3(b"k", b"m")
    assert gm.hmac_sm3_verify(b"k", b"m", tag)
    assert not gm.hmac_sm3_verify(b"k", b"m", tag[:-1] + bytes([tag[-1] ^ 1]))
    assert not gm.hmac_sm3_verify(b"k", b"m2", tag)
    assert not gm.hmac_sm3_verify(b"k2", b"m", tag)
    assert not gm.hmac_sm3_verify(b"k", b"m", b"")


@pytest.mark.parametrize("bad", ["abc", 3, None])
def test_hash_rejects_non_bytes(bad: object) -> None:
    with pytest.raises(gm.InvalidParameter):
        gm.sm3(bad)  # type: ignore[arg-type]
    with pytest.raises(gm.InvalidParameter):
        gm.hmac_sm3(bad, b"x")  # type: ignore[arg-type]


def test_hash_accepts_bytes_like() -> None:
    assert gm.sm3(bytearray(b"abc")) == gm.sm3(memoryview(b"abc")) == gm.sm3(b"abc")  # type: ignore[arg-type]
