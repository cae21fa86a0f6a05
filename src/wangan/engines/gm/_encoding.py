"""Wire formats of SM2 signatures and ciphertexts.

Signatures: DER ``SEQUENCE { r INTEGER, s INTEGER }`` or raw 64-byte ``r || s``.
Ciphertexts (C1C3C2 order): DER ``SEQUENCE { x INTEGER, y INTEGER, hash OCTET
STRING, ciphertext OCTET STRING }`` (GM/T 0009) or raw ``04 || x || y || C3 || C2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ._curve import N, is_on_curve
from ._der import DERError, DERReader, encode_integer, encode_octet_string, encode_sequence
from ._errors import InvalidCiphertextEncoding, InvalidParameter, InvalidSignatureEncoding
from ._util import as_bytes

__all__ = [
    "Encoding",
    "SM2Ciphertext",
    "check_encoding",
    "ciphertext_der_to_raw",
    "ciphertext_raw_to_der",
    "decode_ciphertext",
    "decode_signature",
    "encode_signature",
    "signature_der_to_raw",
    "signature_raw_to_der",
]

Encoding = Literal["der", "raw"]
_SM3_SIZE = 32


def check_encoding(encoding: object) -> Encoding:
    if encoding == "der":
        return "der"
    if encoding == "raw":
        return "raw"
    raise InvalidParameter(f"encoding must be 'der' or 'raw', not {encoding!r}")


# -- signatures ------------------------------------------------------------------


def encode_signature(r: int, s: int, encoding: Encoding) -> bytes:
    if encoding == "raw":
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return encode_sequence(encode_integer(r), encode_integer(s))


def decode_signature(signature: bytes, encoding: Encoding) -> tuple[int, int]:
    """Parse a signature strictly; r and s must lie in [1, n-1]."""
    signature = as_bytes(signature, "signature")
    if encoding == "raw":
        if len(signature) != 64:
            raise InvalidSignatureEncoding(f"a raw SM2 signature is 64 bytes, got {len(signature)}")
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
    else:
        try:
            outer = DERReader(signature)
            seq = outer.read_sequence()
            outer.expect_end()
            r = seq.read_integer()
            s = seq.read_integer()
            seq.expect_end()
        except DERError as exc:
            raise InvalidSignatureEncoding(f"malformed DER SM2 signature: {exc}") from None
    if not (0 < r < N and 0 < s < N):
        raise InvalidSignatureEncoding("SM2 signature value out of range")
    return r, s


def signature_der_to_raw(signature: bytes) -> bytes:
    """DER ``SEQUENCE{r, s}`` to 64-byte ``r || s``."""
    return encode_signature(*decode_signature(signature, "der"), "raw")


def signature_raw_to_der(signature: bytes) -> bytes:
    """64-byte ``r || s`` to DER ``SEQUENCE{r, s}``."""
    return encode_signature(*decode_signature(signature, "raw"), "der")


# -- ciphertexts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SM2Ciphertext:
    """The parts of an SM2 ciphertext: C1 = (x, y), C3 = SM3 hash, C2 = masked message."""

    x: int
    y: int
    c3: bytes
    c2: bytes

    def encode(self, encoding: Encoding) -> bytes:
        if encoding == "raw":
            return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big") + self.c3 + self.c2
        return encode_sequence(
            encode_integer(self.x),
            encode_integer(self.y),
            encode_octet_string(self.c3),
            encode_octet_string(self.c2),
        )


def decode_ciphertext(ciphertext: bytes, encoding: Encoding) -> SM2Ciphertext:
    """Parse strictly; C1 must be on the curve, C3 32 bytes, C2 non-empty."""
    ciphertext = as_bytes(ciphertext, "ciphertext")
    if encoding == "raw":
        if len(ciphertext) < 1 + 64 + _SM3_SIZE + 1 or ciphertext[0] != 0x04:
            raise InvalidCiphertextEncoding("a raw SM2 ciphertext is 04 || x || y || C3 || C2")
        x = int.from_bytes(ciphertext[1:33], "big")
        y = int.from_bytes(ciphertext[33:65], "big")
        c3 = ciphertext[65 : 65 + _SM3_SIZE]
        c2 = ciphertext[65 + _SM3_SIZE :]
    else:
        try:
            outer = DERReader(ciphertext)
            seq = outer.read_sequence()
            outer.expect_end()
            x = seq.read_integer()
            y = seq.read_integer()
            c3 = seq.read_octet_string()
            c2 = seq.read_octet_string()
            seq.expect_end()
        except DERError as exc:
            raise InvalidCiphertextEncoding(f"malformed DER SM2 ciphertext: {exc}") from None
        if len(c3) != _SM3_SIZE or not c2:
            raise InvalidCiphertextEncoding("SM2 ciphertext has a bad C3 or an empty C2")
    if not is_on_curve(x, y):
        raise InvalidCiphertextEncoding("SM2 ciphertext point C1 is not on the curve")
    return SM2Ciphertext(x, y, c3, c2)


def ciphertext_der_to_raw(ciphertext: bytes) -> bytes:
    """GM/T 0009 DER to raw ``04 || x || y || C3 || C2``."""
    return decode_ciphertext(ciphertext, "der").encode("raw")


def ciphertext_raw_to_der(ciphertext: bytes) -> bytes:
    """Raw ``04 || x || y || C3 || C2`` to GM/T 0009 DER."""
    return decode_ciphertext(ciphertext, "raw").encode("der")
