"""Choice lists of the incidents app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    OUTAGE = "outage", _("Service outage")
    DEFACEMENT = "defacement", _("Defacement")
    DATA_LOSS = "data_loss", _("Data loss")
    INTRUSION = "intrusion", _("Intrusion after a notified weakness")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    NONE = "", _("Below class B")
    A = "A", _("Class A")
    B = "B", _("Class B")


class PeriodLevel(models.TextChoices):
    NONE = "", _("Not a special period")
    NORMAL = "normal", _("Special period")
    MAJOR = "major", _("Major or especially major protection period")


class PeriodSource(models.TextChoices):
    CALENDAR = "calendar", _("Statutory holiday")
    DECLARED = "declared", _("Declared by the authority")


class RequestStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    RESPONDED = "responded", _("Responded")
    RECOVERED = "recovered", _("Recovered")
