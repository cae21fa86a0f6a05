"""Domain errors of the contracts app; ``code`` is stable for API clients."""

from wangan.core.errors import InvalidTransition, PermissionDenied, ValidationFailed


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


class NotInService(InvalidTransition):
    """The contract's service is over (ended or accepted): no more changes of that kind."""

    code = "CONTRACT_NOT_IN_SERVICE"


class PersonnelChangeInvalid(ValidationFailed):
    code = "PERSONNEL_CHANGE_INVALID"


class NoticeTooShort(ValidationFailed):
    """seed 004 第九条(二): a personnel change is notified at least 10 days ahead."""

    code = "NOTICE_TOO_SHORT"


class SelfApproval(PermissionDenied):
    code = "SELF_APPROVAL"


class AlreadyDecided(InvalidTransition):
    code = "ALREADY_DECIDED"


class SuccessorInvalid(ValidationFailed):
    code = "SUCCESSOR_INVALID"


class AcceptanceInvalid(ValidationFailed):
    code = "ACCEPTANCE_INVALID"


class AcceptanceTooEarly(ValidationFailed):
    """seed 004 第十条(三)(1): the review follows the end of the service period."""

    code = "ACCEPTANCE_TOO_EARLY"


class AcceptanceDecided(InvalidTransition):
    code = "ACCEPTANCE_DECIDED"


class MilestoneReleased(InvalidTransition):
    code = "MILESTONE_RELEASED"
