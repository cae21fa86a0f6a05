"""Domain errors of the crypto service, each with a stable code (API clients switch on it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wangan.core.errors import DomainError, NotFound


class CryptoAuthFailed(DomainError):
    """The application HMAC-SM3 authentication of a request did not hold."""

    code = "CRYPTO_AUTH_FAILED"
    status = 401


class AppDisabled(DomainError):
    code = "APP_DISABLED"
    status = 403


class QuotaExceeded(DomainError):
    code = "QUOTA_EXCEEDED"
    status = 429


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class MalformedInput(DomainError):
    """Bad base64, DER, PEM, envelope or CSR: the caller sent something we cannot parse."""

    code = "MALFORMED_INPUT"
    status = 400


class KeyNotFound(NotFound):
    code = "KEY_NOT_FOUND"


class KeyUnusable(DomainError):
    """The key exists but its status or purpose forbids this operation."""

    code = "KEY_UNUSABLE"
    status = 409


class DecryptionRefused(DomainError):
    code = "DECRYPTION_FAILED"
    status = 400


class MasterKeyMismatch(DomainError):
    """Server configuration: the zone master key is not the one the key store was wrapped with."""

    code = "MASTER_KEY_MISMATCH"
    status = 503


def auth_failed(code: str) -> CryptoAuthFailed:
    messages = {
        "AUTH_HEADERS_MISSING": _("The application authentication headers are missing or malformed."),
        "APP_UNKNOWN": _("Unknown application key ID."),
        "TIMESTAMP_STALE": _("The request timestamp is outside the accepted window of 5 minutes."),
        "NONCE_REPLAYED": _("This nonce was already used: the request looks like a replay."),
        "SIGNATURE_INVALID": _("The request signature does not match."),
    }
    return CryptoAuthFailed(messages[code], code=code)
