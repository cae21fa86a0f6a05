"""Choice lists of the contracts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("In service")
    CONTINUING = "continuing", _("Continuing after expiry")  # seed 004 第三条(二)
    ENDED = "ended", _("Service ended, awaiting acceptance")  # the next provider took over
    ACCEPTED = "accepted", _("Accepted")


# Contracts still serving: the periodic job watches their tasks and penalties.
SERVING_STATUSES = (ContractStatus.ACTIVE, ContractStatus.CONTINUING)


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    TWICE = "twice", _("Twice a year")
    CONTINUOUS = "continuous", _("Continuous (7×24)")
    SPECIAL_PERIODS = "special_periods", _("Special periods")
    ON_DEMAND = "on_demand", _("On demand")


class TaskKind(models.TextChoices):
    SERVICE = "service", _("Service item")
    PROGRESS_REPORT = "progress_report", _("Monthly progress report")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")


class MonthStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("scoring month status", "Open")
    CLOSED = "closed", _("Closed")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Severity(models.TextChoices):
    MAJOR = "major", _("Major violation")
    GENERAL = "general", _("General violation")


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ChangeStatus(models.TextChoices):
    """A personnel change request (seed 004 第九条(二))."""

    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved, not yet in effect")
    EFFECTIVE = "effective", _("In effect")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewStatus(models.TextChoices):
    """One round of the annual acceptance review (seed 004 第十条(三))."""

    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed: rectification required")
    RECTIFIED = "rectified", _("Rectified, awaiting re-review")
