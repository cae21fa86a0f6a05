"""Exception hierarchy of the GM engine.

Every error the engine raises on purpose derives from :class:`GMError`, so a
caller can catch one class.  The ones that describe bad input also derive from
:class:`ValueError`, which keeps them natural for code that already expects it.
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "DecryptionFailed",
    "GMError",
    "InvalidCiphertextEncoding",
    "InvalidKey",
    "InvalidParameter",
    "InvalidSignatureEncoding",
]


class GMError(Exception):
    """Base class of every error raised by ``wangan.engines.gm``."""


class InvalidParameter(GMError, ValueError):
    """A key, IV, nonce, tag, user ID or other argument has the wrong type or size."""


class InvalidKey(GMError, ValueError):
    """A key could not be parsed, or is not a valid SM2 key (point off the curve, scalar out of range)."""


class InvalidSignatureEncoding(GMError, ValueError):
    """A signature is not a well-formed DER ``SEQUENCE{r, s}`` or 64-byte ``r||s`` value."""


class DecryptionFailed(GMError):
    """Decryption or authentication failed (wrong key, tampered data, bad padding or tag)."""


class InvalidCiphertextEncoding(DecryptionFailed, ValueError):
    """An SM2 ciphertext is not well-formed DER (GM/T 0009) or raw ``04||x||y||C3||C2``.

    It is a :class:`DecryptionFailed` too: code that decrypts untrusted input can
    catch that one class for every way the input can be bad.
    """


class BackendUnavailable(GMError):
    """The requested SM2 backend cannot be loaded on this machine."""
