"""Signing on one backend, everything else on another (the ``auto`` default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._backend import SM2Backend

__all__ = ["CompositeBackend"]


class _Pair:
    __slots__ = ("other", "signer")

    def __init__(self, signer: object, other: object) -> None:
        self.signer = signer
        self.other = other


class CompositeBackend:
    """Routes :meth:`sign_digest` to ``signer`` and the other operations to ``other``."""

    def __init__(self, *, signer: SM2Backend, other: SM2Backend) -> None:
        self.signer = signer
        self.other = other
        self.name = f"auto(sign={signer.name}, verify/encrypt/decrypt={other.name})"

    def public_from_private(self, d: int) -> tuple[int, int]:
        return self.other.public_from_private(d)

    def private_handle(self, d: int, x: int, y: int) -> object:
        return _Pair(self.signer.private_handle(d, x, y), self.other.private_handle(d, x, y))

    def public_handle(self, x: int, y: int) -> object:
        return self.other.public_handle(x, y)

    def sign_digest(self, handle: object, e: bytes) -> tuple[int, int]:
        if not isinstance(handle, _Pair):
            raise TypeError("not a composite private key handle")
        return self.signer.sign_digest(handle.signer, e)

    def verify_digest(self, handle: object, e: bytes, r: int, s: int) -> bool:
        return self.other.verify_digest(handle, e, r, s)

    def encrypt(self, handle: object, plaintext: bytes) -> tuple[int, int, bytes, bytes]:
        return self.other.encrypt(handle, plaintext)

    def decrypt(self, handle: object, x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
        if not isinstance(handle, _Pair):
            raise TypeError("not a composite private key handle")
        return self.other.decrypt(handle.other, x1, y1, c3, c2)
