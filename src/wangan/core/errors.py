"""The one exception hierarchy for domain rules: a stable machine code plus a translated message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request.  ``code`` is stable (API clients switch on it)."""

    code = "DOMAIN_ERROR"
    status = 400

    def __init__(self, message: str = "", *, code: str | None = None, details: dict | list | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class NotFound(DomainError):
    """The object does not exist *for this user* (also what another tenant's object looks like)."""

    code = "NOT_FOUND"
    status = 404


class PermissionDenied(DomainError):
    code = "PERMISSION_DENIED"
    status = 403


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    status = 409


class ValidationFailed(DomainError):
    code = "VALIDATION_FAILED"
    status = 422
