"""Domain errors of the contracts app; ``code`` is stable for API clients."""

from wangan.core.errors import InvalidTransition, ValidationFailed


class ContractInvalid(ValidationFailed):
    code = "CONTRACT_INVALID"


class SchemeInvalid(ValidationFailed):
    code = "SCHEME_INVALID"


class ScheduleExists(InvalidTransition):
    code = "SCHEDULE_EXISTS"


class ScoreInvalid(ValidationFailed):
    """Scores refused (above an item's maximum, negative, or for an item not scheduled that month)."""

    code = "SCORE_INVALID"


class MonthClosed(InvalidTransition):
    code = "MONTH_CLOSED"


class MonthOutsideService(ValidationFailed):
    code = "MONTH_OUTSIDE_SERVICE"


class DeliverableMissing(ValidationFailed):
    code = "DELIVERABLE_MISSING"


class ReasonRequired(ValidationFailed):
    code = "REASON_REQUIRED"


class ViolationUnknown(ValidationFailed):
    code = "VIOLATION_UNKNOWN"
