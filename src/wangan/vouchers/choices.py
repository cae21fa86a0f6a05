from django.db import models
from django.utils.translation import gettext_lazy as _


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    MATCHING = "matching", _("Provider chosen, awaiting confirmations")
    AGREEMENT = "agreement", _("Agreement awaiting signatures")
    SIGNED = "signed", _("Signed")
    IN_SERVICE = "in_service", _("In service")
    REPORTED = "reported", _("Completion reported")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")


FUNNEL = ("applied", "matched", "signed", "deployed", "completed")


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUSPENDED = "suspended", _("Suspended")


class CreditResult(models.TextChoices):
    CLEAN = "clean", _("No abnormal or dishonest record")
    ABNORMAL = "abnormal", _("Abnormal operation")
    DISHONEST = "dishonest", _("Dishonest")
    PENALIZED = "penalized", _("Criminal or administrative penalty")


class Party(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PROVIDER = "provider", _("Provider")
