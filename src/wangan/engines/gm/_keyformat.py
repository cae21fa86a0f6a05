"""SM2 key containers: PKCS#8, SEC 1 ``ECPrivateKey``, SubjectPublicKeyInfo, PEM.

Written to match what OpenSSL 3 and GmSSL 3 produce and accept:
``AlgorithmIdentifier { id-ecPublicKey, sm2 }`` (the SM2 curve OID
1.2.156.10197.1.301 as the named-curve parameter).  The reader also takes the
SM2 algorithm OID itself in the algorithm slot, which some toolkits write.
All parse errors surface as :class:`InvalidKey`.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from dataclasses import dataclass

from ._curve import N, decode_point, encode_point
from ._der import (
    TAG_BIT_STRING,
    TAG_NULL,
    TAG_OID,
    TAG_SEQUENCE,
    DERError,
    DERReader,
    context_tag,
    encode_bit_string,
    encode_integer,
    encode_octet_string,
    encode_oid,
    encode_sequence,
    encode_tlv,
)
from ._errors import InvalidKey

__all__ = [
    "OID_EC_PUBLIC_KEY",
    "OID_SM2",
    "ParsedPrivateKey",
    "check_private_scalar",
    "decode_private_der",
    "decode_public_der",
    "encode_pkcs8",
    "encode_sec1",
    "encode_spki",
    "pem_decode",
    "pem_encode",
]

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2 = "1.2.156.10197.1.301"
_ACCEPTED_ALGORITHMS = {OID_EC_PUBLIC_KEY, OID_SM2}

_ALGORITHM_ID = encode_sequence(encode_oid(OID_EC_PUBLIC_KEY), encode_oid(OID_SM2))
_SM2_CURVE_PARAM = encode_tlv(context_tag(0, constructed=True), encode_oid(OID_SM2))

PEM_PRIVATE = "PRIVATE KEY"
PEM_EC_PRIVATE = "EC PRIVATE KEY"
PEM_SM2_PRIVATE = "SM2 PRIVATE KEY"  # what `openssl ec` writes for a SEC 1 SM2 key
PEM_PUBLIC = "PUBLIC KEY"
PEM_ENCRYPTED_PRIVATE = "ENCRYPTED PRIVATE KEY"

# Markers are matched separately and paired up afterwards, which keeps parsing
# linear even for hostile input full of unmatched BEGIN lines.
_PEM_BEGIN_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,64})-----[ \t]*\r?\n")
_PEM_END_RE = re.compile(r"-----END ([A-Z0-9 ]{1,64})-----")
_MAX_PEM_INPUT = 1 << 20


def check_private_scalar(d: int) -> int:
    """SM2 needs 1 <= d <= n-2 so that (1 + d) is invertible mod n."""
    if not 1 <= d <= N - 2:
        raise InvalidKey("SM2 private key scalar out of range [1, n-2]")
    return d


@dataclass(frozen=True, slots=True)
class ParsedPrivateKey:
    d: int
    public: tuple[int, int] | None  # as stored in the container, if it was


# -- writers ---------------------------------------------------------------------


def encode_spki(x: int, y: int) -> bytes:
    return encode_sequence(_ALGORITHM_ID, encode_bit_string(encode_point(x, y)))


def encode_sec1(d: int, x: int | None = None, y: int | None = None, *, with_curve: bool = True) -> bytes:
    parts = [encode_integer(1), encode_octet_string(d.to_bytes(32, "big"))]
    if with_curve:
        parts.append(_SM2_CURVE_PARAM)
    if x is not None and y is not None:
        parts.append(encode_tlv(context_tag(1, constructed=True), encode_bit_string(encode_point(x, y))))
    return encode_sequence(*parts)


def encode_pkcs8(d: int, x: int, y: int) -> bytes:
    # Like OpenSSL: the curve is named in the AlgorithmIdentifier, so the inner
    # ECPrivateKey leaves out [0] and keeps the public key in [1].
    inner = encode_sec1(d, x, y, with_curve=False)
    return encode_sequence(encode_integer(0), _ALGORITHM_ID, encode_octet_string(inner))


# -- readers ---------------------------------------------------------------------


def _read_algorithm(reader: DERReader) -> None:
    alg = reader.read_sequence()
    oid = alg.read_oid()
    if oid not in _ACCEPTED_ALGORITHMS:
        raise InvalidKey(f"not an SM2 key (algorithm {oid})")
    if alg.at_end():
        if oid != OID_SM2:
            raise InvalidKey("EC key without curve parameters")
    else:
        tag = alg.peek_tag()
        if tag == TAG_NULL and oid == OID_SM2:
            alg.read_null()
        elif tag == TAG_OID:
            curve = alg.read_oid()
            if curve != OID_SM2:
                raise InvalidKey(f"not an SM2 key (curve {curve})")
        else:
            raise InvalidKey("unsupported EC parameters (only the named SM2 curve is accepted)")
    alg.expect_end()


def _read_sec1(reader: DERReader) -> ParsedPrivateKey:
    seq = reader.read_sequence()
    if seq.read_integer() != 1:
        raise InvalidKey("unsupported ECPrivateKey version")
    raw = seq.read_octet_string()
    if not 1 <= len(raw) <= 32:
        raise InvalidKey("SM2 private key must be at most 32 bytes")
    d = check_private_scalar(int.from_bytes(raw, "big"))
    public: tuple[int, int] | None = None
    if seq.peek_tag() == context_tag(0, constructed=True):
        params = seq.read_constructed(context_tag(0, constructed=True))
        curve = params.read_oid()
        params.expect_end()
        if curve != OID_SM2:
            raise InvalidKey(f"not an SM2 key (curve {curve})")
    if seq.peek_tag() == context_tag(1, constructed=True):
        wrapper = seq.read_constructed(context_tag(1, constructed=True))
        public = decode_point(wrapper.read_bit_string())
        wrapper.expect_end()
    seq.expect_end()
    return ParsedPrivateKey(d, public)


def _read_pkcs8(reader: DERReader) -> ParsedPrivateKey:
    seq = reader.read_sequence()
    if seq.read_integer() not in (0, 1):
        raise InvalidKey("unsupported PKCS#8 version")
    _read_algorithm(seq)
    inner_reader = DERReader(seq.read_octet_string())
    key = _read_sec1(inner_reader)
    inner_reader.expect_end()
    # Optional [0] attributes and [1] public key (RFC 5958) are allowed and ignored.
    if seq.peek_tag() == context_tag(0, constructed=True):
        seq.read_tlv()
    if seq.peek_tag() == context_tag(1, constructed=False):
        seq.read_tlv()
    seq.expect_end()
    return key


def decode_private_der(data: bytes) -> ParsedPrivateKey:
    """PKCS#8 ``PrivateKeyInfo`` or SEC 1 ``ECPrivateKey`` (told apart by structure)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidKey("DER key data must be bytes")
    data = bytes(data)
    try:
        probe = DERReader(data).read_sequence()
        probe.read_integer()
        is_pkcs8 = probe.peek_tag() == TAG_SEQUENCE  # SEC 1 has an OCTET STRING there
    except DERError as exc:
        raise InvalidKey(f"malformed DER private key: {exc}") from None
    try:
        reader = DERReader(data)
        key = _read_pkcs8(reader) if is_pkcs8 else _read_sec1(reader)
        reader.expect_end()
    except DERError as exc:
        raise InvalidKey(f"malformed DER private key: {exc}") from None
    return key


def decode_public_der(data: bytes) -> tuple[int, int]:
    """SubjectPublicKeyInfo with an SM2 point (uncompressed or compressed)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidKey("DER key data must be bytes")
    try:
        reader = DERReader(bytes(data))
        seq = reader.read_sequence()
        reader.expect_end()
        _read_algorithm(seq)
        tag = seq.peek_tag()
        if tag != TAG_BIT_STRING:
            raise InvalidKey("SubjectPublicKeyInfo without a BIT STRING key")
        point = seq.read_bit_string()
        seq.expect_end()
    except DERError as exc:
        raise InvalidKey(f"malformed DER public key: {exc}") from None
    return decode_point(point)


# -- PEM -------------------------------------------------------------------------


def pem_encode(label: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return b"".join(
        [
            f"-----BEGIN {label}-----\n".encode(),
            *(line + b"\n" for line in lines),
            f"-----END {label}-----\n".encode(),
        ]
    )


def pem_decode(data: bytes | str, labels: tuple[str, ...]) -> tuple[str, bytes]:
    """The label and DER body of the first PEM block whose label is in ``labels``."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("ascii")
        except UnicodeDecodeError:
            raise InvalidKey("PEM data must be ASCII") from None
    elif isinstance(data, str):
        text = data
    else:
        raise InvalidKey("PEM data must be bytes or str")
    if len(text) > _MAX_PEM_INPUT:
        raise InvalidKey("PEM input too large")
    ends: dict[str, list[int]] = {}
    for end_match in _PEM_END_RE.finditer(text):
        ends.setdefault(end_match.group(1), []).append(end_match.start())
    seen: list[str] = []
    pos = 0
    while (match := _PEM_BEGIN_RE.search(text, pos)) is not None:
        label = match.group(1)
        candidates = ends.get(label, [])
        index = bisect.bisect_left(candidates, match.end())
        if index == len(candidates):
            pos = match.end()  # no END line for this BEGIN
            continue
        body = text[match.end() : candidates[index]]
        pos = candidates[index]  # BEGIN lines inside a block are not blocks
        seen.append(label)
        if label == PEM_ENCRYPTED_PRIVATE or "Proc-Type:" in body:
            raise InvalidKey("encrypted private keys are not supported; decrypt them first")
        if label not in labels:
            continue
        compact = "".join(body.split())
        try:
            der = base64.b64decode(compact.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise InvalidKey("PEM body is not valid base64") from None
        if not der:
            raise InvalidKey("empty PEM body")
        return label, der
    if seen:
        found = ", ".join(seen[:5]) + (", ..." if len(seen) > 5 else "")
        raise InvalidKey(f"no PEM block labelled {' or '.join(labels)} (found {found})")
    raise InvalidKey("no PEM block found")
