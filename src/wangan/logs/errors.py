"""Refusals of the log service, each with a stable code (API clients switch on it)."""

from __future__ import annotations

from wangan.core.errors import DomainError


class LogBackpressure(DomainError):
    """Too much is waiting or arriving: the client should retry later (HTTP 429)."""

    code = "LOG_BACKPRESSURE"
    status = 429

    def __init__(self, message: str = "", *, retry_after: int = 30, details: dict | None = None):
        super().__init__(message, details=details)
        self.retry_after = retry_after


class LogBatchTooLarge(DomainError):
    code = "LOG_BATCH_TOO_LARGE"
    status = 413


class LogSourceInactive(DomainError):
    code = "LOG_SOURCE_INACTIVE"
    status = 409


class LogSourceNameTaken(DomainError):
    code = "LOG_SOURCE_NAME_TAKEN"
    status = 409


class RuleInvalid(DomainError):
    code = "RULE_INVALID"
    status = 422


class RuleDuplicate(DomainError):
    code = "RULE_DUPLICATE"
    status = 409


class ReportPeriodInvalid(DomainError):
    code = "REPORT_PERIOD_INVALID"
    status = 422


class TaskStateInvalid(DomainError):
    code = "COLLECTION_TASK_STATE"
    status = 409


class ReportNotReady(DomainError):
    code = "REPORT_NOT_READY"
    status = 409


class ReportTaskInvalid(DomainError):
    code = "REPORT_TASK_INVALID"
    status = 422
