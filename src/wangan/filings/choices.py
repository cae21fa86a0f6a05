from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    CONSTRUCTION = "construction", _("Under construction")
    ACCEPTANCE = "acceptance", _("In acceptance")
    GRANTED = "granted", _("Title granted")
    NOT_ACCEPTED = "not_accepted", _("Acceptance failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.RETURNED, Status.APPROVED, Status.CONSTRUCTION,
                 Status.ACCEPTANCE)  # fmt: skip
REVIEWING_STATUSES = (Status.IN_REVIEW, Status.ACCEPTANCE)


class Action(models.TextChoices):
    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted after correction")
    PASSED = "passed", _("Passed the stage")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    LETTER = "letter", _("Letter uploaded")
    SCORED = "scored", _("Expert score")
    CONCLUDED = "concluded", _("Panel concluded")
    NOTICE_STARTED = "notice_started", _("Public notice started")
    OBJECTION = "objection", _("Objection filed")
    OBJECTION_RESOLVED = "objection_resolved", _("Objection resolved")
    APPROVED = "approved", _("Approved")
    PROGRESS = "progress", _("Progress report")
    GRANTED = "granted", _("Title granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssignmentRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    EXPERT = "expert", _("Expert")
    COORDINATOR = "coordinator", _("Coordinator")
