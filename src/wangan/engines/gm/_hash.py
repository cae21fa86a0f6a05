"""SM3 (GB/T 32905) and HMAC-SM3, on the ``cryptography`` package."""

from __future__ import annotations

import hmac as _std_hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _crypto_hmac

from ._util import as_bytes as _as_bytes

__all__ = ["SM3", "SM3_DIGEST_SIZE", "hmac_sm3", "hmac_sm3_verify", "sm3_digest"]

SM3_DIGEST_SIZE = 32
_SM3 = hashes.SM3()


def sm3_digest(data: bytes) -> bytes:
    """The 32-byte SM3 digest of ``data``."""
    h = hashes.Hash(_SM3)
    h.update(_as_bytes(data, "data"))
    return h.finalize()


class SM3:
    """Incremental SM3: ``SM3(b"a").update(b"bc").digest()``."""

    __slots__ = ("_hash",)
    digest_size = SM3_DIGEST_SIZE
    block_size = 64
    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._hash = hashes.Hash(_SM3)
        if data:
            self.update(data)

    def update(self, data: bytes) -> SM3:
        self._hash.update(_as_bytes(data, "data"))
        return self

    def copy(self) -> SM3:
        clone = SM3.__new__(SM3)
        clone._hash = self._hash.copy()
        return clone

    def digest(self) -> bytes:
        """The digest so far; the object stays usable."""
        return self._hash.copy().finalize()

    def hexdigest(self) -> str:
        return self.digest().hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 (RFC 2104 with SM3), a 32-byte tag."""
    key = _as_bytes(key, "key")
    h = _crypto_hmac.HMAC(key, _SM3)
    h.update(_as_bytes(data, "data"))
    return h.finalize()


def hmac_sm3_verify(key: bytes, data: bytes, tag: bytes) -> bool:
    """Constant-time comparison of ``tag`` with HMAC-SM3(key, data)."""
    tag = _as_bytes(tag, "tag")
    return _std_hmac.compare_digest(hmac_sm3(key, data), tag)
