"""Small helpers shared by the engine's modules."""

from __future__ import annotations

from ._errors import InvalidParameter

__all__ = ["as_bytes"]


def as_bytes(value: object, what: str) -> bytes:
    """``value`` as ``bytes``; :class:`InvalidParameter` for anything that is not bytes-like."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise InvalidParameter(f"{what} must be bytes, not {type(value).__name__}")
