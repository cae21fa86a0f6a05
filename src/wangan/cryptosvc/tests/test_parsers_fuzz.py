"""Fuzzing the parsers that take untrusted input: envelope, base64, CSR, RFC 3161 request/token.
Each either returns a value or raises the one documented error — never anything else."""

from __future__ import annotations

import base64
import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangan.cryptosvc import envelope as env
from wangan.cryptosvc import pki, tsa
from wangan.cryptosvc.errors import MalformedInput, PayloadTooLarge

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=8),
    max_leaves=20,
)
b64_text = st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
near_envelopes = st.fixed_dictionaries(
    {
        "alg": st.sampled_from(["SM4-GCM", "SM4-CBC", "", None]),
        "key_id": st.sampled_from(["k_0123456789abcdef0123", "k_x", "", None]) | st.text(max_size=24),
        "version": st.sampled_from([1, 0, -1, 2**31, True, "1", None]) | st.integers(),
        "iv": b64_text | st.text(max_size=20),
        "tag": b64_text | st.text(max_size=30),
        "ciphertext": b64_text | st.text(max_size=30),
    },
    optional={"v": st.sampled_from([1, 2, "1", True]), "extra": st.integers()},
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, near_envelopes))
def test_envelope_parser_is_total(value):
    try:
        parsed = env.envelope_parse(value, max_bytes=1024)
    except (MalformedInput, PayloadTooLarge):
        return
    assert len(parsed.iv) == env.IV_SIZE and len(parsed.tag) == env.TAG_SIZE
    assert env.KEY_ID_RE.match(parsed.key_id) and 1 <= parsed.version < 2**31
    assert env.envelope_parse(parsed.as_dict(), max_bytes=1024) == parsed  # round trip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.binary(max_size=20), st.integers(), st.none()))
def test_base64_decoder_is_strict_and_total(value):
    try:
        out = env.b64decode(value, field="data")
    except MalformedInput:
        return
    assert base64.b64encode(out).decode() == value  # only canonical base64 is accepted


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_csr_parser_refuses_garbage_with_its_code(data):
    try:
        pki.csr_public_key(data)
    except MalformedInput as exc:
        assert exc.code == "CSR_INVALID"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_timestamp_token_verifier_is_total(data):
    assert tsa.timestamp_verify(token_der=data).valid is False


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_mutated_csr_never_crashes(noise):
    from wangan.engines import gm

    key = gm.generate_private_key()
    from asn1crypto import csr as asn1_csr
    from asn1crypto import keys

    info = asn1_csr.CertificationRequestInfo({"version": "v1", "subject": pki.name(common_name="a.example.cn"),
                                              "subject_pk_info": keys.PublicKeyInfo.load(key.public_key.to_der()),
                                              "attributes": []})  # fmt: skip
    good = asn1_csr.CertificationRequest({"certification_request_info": info,
                                          "signature_algorithm": {"algorithm": pki.OID_SM2_WITH_SM3},
                                          "signature": key.sign(info.dump())}).dump()  # fmt: skip
    assert pki.csr_public_key(good) == key.public_key
    i = noise[0] % len(good)
    mutated = good[:i] + noise[1:] + good[i + len(noise) - 1 :]
    with contextlib.suppress(MalformedInput):
        pki.csr_public_key(mutated)
