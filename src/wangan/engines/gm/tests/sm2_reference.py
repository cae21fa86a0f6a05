"""A slow, plain textbook SM2 used only to check the engine independently.

Affine arithmetic straight from GB/T 32918.1, no tricks and no constant-time
care (test data only).  It lets the tests sign with a chosen nonce k and check
signatures and ciphertexts without any native library.
"""

from __future__ import annotations

from wangan.engines.gm._curve import GX, GY, A, N, P
from wangan.engines.gm._hash import sm3_digest

Point = tuple[int, int] | None
G: Point = (GX, GY)


def add(p1: Point, p2: Point) -> Point:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    slope = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) if p1 == p2 else (y2 - y1) * pow(x2 - x1, -1, P)
    slope %= P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def mul(k: int, point: Point) -> Point:
    result: Point = None
    for bit in bin(k)[2:]:
        result = add(result, result)
        if bit == "1":
            result = add(result, point)
    return result


def sign_with_k(d: int, e: bytes, k: int) -> tuple[int, int]:
    q = mul(k, G)
    assert q is not None
    r = (int.from_bytes(e, "big") + q[0]) % N
    s = pow(1 + d, -1, N) * (k - r * d) % N
    return r, s


def verify(pub: tuple[int, int], e: bytes, r: int, s: int) -> bool:
    if not (0 < r < N and 0 < s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    point = add(mul(s, G), mul(t, pub))
    if point is None:
        return False
    return (int.from_bytes(e, "big") + point[0]) % N == r


def kdf(z: bytes, length: int) -> bytes:
    out = b""
    counter = 1
    while len(out) < length:
        out += sm3_digest(z + counter.to_bytes(4, "big"))
        counter += 1
    return out[:length]


def decrypt(d: int, x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
    shared = mul(d, (x1, y1))
    assert shared is not None
    x2, y2 = (v.to_bytes(32, "big") for v in shared)
    mask = kdf(x2 + y2, len(c2))
    message = bytes(a ^ b for a, b in zip(c2, mask, strict=True))
    if sm3_digest(x2 + message + y2) != c3:
        raise ValueError("C3 mismatch")
    return message
