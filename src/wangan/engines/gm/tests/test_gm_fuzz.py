"""Property-based fuzzing of every parser that sees untrusted bytes.

Whatever the input, the engine either succeeds or raises one of its own
:class:`GMError` subclasses: never IndexError, OverflowError, a ctypes error
or a crash.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangan.engines import gm

FUZZ = settings(
    database=None,
    deadline=None,
    max_examples=250,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_KEY = gm.SM2PrivateKey.generate()
_SAMPLES = {
    "pkcs8": _KEY.to_der("pkcs8"),
    "sec1": _KEY.to_der("sec1"),
    "spki": _KEY.public_key.to_der(),
    "sig": _KEY.sign(b"fuzz"),
    "ct": _KEY.public_key.encrypt(b"fuzz me"),
}


def _mutations(sample: bytes) -> st.SearchStrategy[bytes]:
    """Valid encodings with bytes flipped, cut, duplicated or inserted."""

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(sample)
        for _ in range(draw(st.integers(1, 4))):
            op = draw(st.sampled_from(["flip", "set", "cut", "insert", "truncate"]))
            if not data:
                break
            i = draw(st.integers(0, len(data) - 1))
            if op == "flip":
                data[i] ^= 1 << draw(st.integers(0, 7))
            elif op == "set":
                data[i] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0xFF]))
            elif op == "cut":
                del data[i]
            elif op == "insert":
                data[i:i] = draw(st.binary(min_size=1, max_size=4))
            else:
                del data[i:]
        return bytes(data)

    return mutate()


def _expect_gm_error(call: Callable[[], object]) -> None:
    """Run ``call``; success and GMError are both fine, anything else fails the test."""
    with contextlib.suppress(gm.GMError):
        call()


PARSERS: dict[str, Callable[[bytes], object]] = {
    "der_private": gm.load_der_private_key,
    "der_public": gm.load_der_public_key,
    "point": gm.SM2PublicKey.from_bytes,
    "raw_private": gm.SM2PrivateKey.from_bytes,
    "sig_der_to_raw": gm.signature_der_to_raw,
    "sig_raw_to_der": gm.signature_raw_to_der,
    "ct_der_to_raw": gm.ciphertext_der_to_raw,
    "ct_raw_to_der": gm.ciphertext_raw_to_der,
    "decrypt_der": lambda data: _KEY.decrypt(data),
    "decrypt_raw": lambda data: _KEY.decrypt(data, encoding="raw"),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_raise_only_gm_errors(name: str, data: bytes) -> None:
    _expect_gm_error(lambda: PARSERS[name](data))


@pytest.mark.parametrize(
    ("name", "sample"),
    [
        ("der_private", "pkcs8"),
        ("der_private", "sec1"),
        ("der_public", "spki"),
        ("sig_der_to_raw", "sig"),
        ("decrypt_der", "ct"),
    ],
)
@FUZZ
@given(data=st.data())
def test_mutated_encodings_raise_only_gm_errors(name: str, sample: str, data: st.DataObject) -> None:
    blob = data.draw(_mutations(_SAMPLES[sample]))
    _expect_gm_error(lambda: PARSERS[name](blob))


@FUZZ
@given(sig=st.one_of(st.binary(max_size=120), _mutations(_SAMPLES["sig"])))
def test_verify_never_raises_on_bad_signatures(sig: bytes) -> None:
    assert _KEY.public_key.verify(sig, b"fuzz") in (True, False)
    assert _KEY.public_key.verify(sig, b"fuzz", encoding="raw") in (True, False)


_PEM_LABELS = ["PRIVATE KEY", "EC PRIVATE KEY", "SM2 PRIVATE KEY", "PUBLIC KEY", "ENCRYPTED PRIVATE KEY", "X"]


@st.composite
def _pem_like(draw: st.DrawFn) -> str | bytes:
    label = draw(st.sampled_from(_PEM_LABELS))
    body = draw(
        st.one_of(st.text(max_size=200), st.binary(max_size=150).map(lambda b: base64.b64encode(b).decode()))
    )
    text = f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"
    return text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text


@FUZZ
@given(pem=st.one_of(_pem_like(), st.text(max_size=300), st.binary(max_size=300)))
def test_pem_parsers_raise_only_gm_errors(pem: str | bytes) -> None:
    _expect_gm_error(lambda: gm.load_pem_private_key(pem))
    _expect_gm_error(lambda: gm.load_pem_public_key(pem))


@FUZZ
@given(data=st.data())
def test_mutated_pem_raise_only_gm_errors(data: st.DataObject) -> None:
    pem = data.draw(_mutations(_KEY.to_pem()))
    _expect_gm_error(lambda: gm.load_pem_private_key(pem))


@pytest.mark.parametrize("bad", [None, 12, 3.5, object(), ["x"]])
def test_wrong_types_raise_gm_errors(bad: object) -> None:
    for parser in PARSERS.values():
        with pytest.raises(gm.GMError):
            parser(bad)  # type: ignore[arg-type]
    for loader in (gm.load_pem_private_key, gm.load_pem_public_key):
        with pytest.raises(gm.GMError):
            loader(bad)  # type: ignore[arg-type]
