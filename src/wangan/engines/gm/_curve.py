"""SM2 curve parameters (GB/T 32918.5) and the cheap, public-data arithmetic.

Nothing here touches a secret: point validation, point decompression and the
signer identity hash Z_A all work on public values.  Scalar multiplication is
left to the native backend.
"""

from __future__ import annotations

from ._errors import InvalidKey, InvalidParameter
from ._hash import sm3_digest

__all__ = [
    "A",
    "B",
    "GX",
    "GY",
    "N",
    "P",
    "decode_point",
    "encode_point",
    "is_on_curve",
    "validate_uid",
    "z_value",
]

P = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFF_00000000_FFFFFFFF_FFFFFFFF
A = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFF_00000000_FFFFFFFF_FFFFFFFC
B = 0x28E9FA9E_9D9F5E34_4D5A9E4B_CF6509A7_F39789F5_15AB8F92_DDBCBD41_4D940E93
N = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123
GX = 0x32C4AE2C_1F198119_5F990446_6A39C994_8FE30BBF_F2660BE1_715A4589_334C74C7
GY = 0xBC3736A2_F4F6779C_59BDCEE3_6B692153_D0A9877C_C62A4740_02DF32E5_2139F0A0

# The part of the Z_A input that does not depend on the signer: a || b || xG || yG.
_CURVE_BLOCK = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))

# ENTL is a 16-bit count of ID *bits*.
MAX_UID_LENGTH = 0xFFFF // 8


def is_on_curve(x: int, y: int) -> bool:
    """True when (x, y) is an affine point of the SM2 curve (the cofactor is 1)."""
    if not (0 <= x < P and 0 <= y < P):
        return False
    return (y * y - (x * x * x + A * x + B)) % P == 0


def decode_point(data: bytes) -> tuple[int, int]:
    """Parse an SEC 1 point: ``04||x||y``, ``02/03||x``; also bare 64-byte ``x||y``.

    Raises :class:`InvalidKey` unless the result is a finite point on the curve.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidKey("an SM2 point must be bytes")
    data = bytes(data)
    if len(data) == 65 and data[0] == 0x04:
        x = int.from_bytes(data[1:33], "big")
        y = int.from_bytes(data[33:], "big")
    elif len(data) == 64:
        x = int.from_bytes(data[:32], "big")
        y = int.from_bytes(data[32:], "big")
    elif len(data) == 33 and data[0] in (0x02, 0x03):
        x = int.from_bytes(data[1:], "big")
        if x >= P:
            raise InvalidKey("SM2 point x coordinate out of range")
        rhs = (x * x * x + A * x + B) % P
        y = pow(rhs, (P + 1) // 4, P)  # P = 3 (mod 4)
        if y * y % P != rhs:
            raise InvalidKey("SM2 point is not on the curve")
        if y & 1 != data[0] & 1:
            y = P - y
    else:
        raise InvalidKey("unsupported SM2 point encoding")
    if not is_on_curve(x, y):
        raise InvalidKey("SM2 point is not on the curve")
    return x, y


def encode_point(x: int, y: int, *, compressed: bool = False) -> bytes:
    if compressed:
        return bytes((0x02 | (y & 1),)) + x.to_bytes(32, "big")
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def validate_uid(uid: bytes) -> bytes:
    if not isinstance(uid, (bytes, bytearray, memoryview)):
        raise InvalidParameter("the SM2 user ID must be bytes")
    uid = bytes(uid)
    if len(uid) > MAX_UID_LENGTH:
        raise InvalidParameter(f"the SM2 user ID is limited to {MAX_UID_LENGTH} bytes")
    return uid


def z_value(uid: bytes, x: int, y: int) -> bytes:
    """Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 section 5.5."""
    uid = validate_uid(uid)
    entl = (len(uid) * 8).to_bytes(2, "big")
    return sm3_digest(entl + uid + _CURVE_BLOCK + x.to_bytes(32, "big") + y.to_bytes(32, "big"))
