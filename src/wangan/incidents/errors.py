"""Domain errors of the incidents app."""

from wangan.core.errors import InvalidTransition, ValidationFailed


class IncidentInvalid(ValidationFailed):
    code = "INCIDENT_INVALID"


class RequestInvalid(ValidationFailed):
    code = "REQUEST_INVALID"


class RequestState(InvalidTransition):
    code = "REQUEST_STATE"


class PeriodInvalid(ValidationFailed):
    code = "PERIOD_INVALID"


class RosterInvalid(ValidationFailed):
    """A duty shift or an attendance record refused (overlap, outside the period, not on the team…)."""

    code = "ROSTER_INVALID"
