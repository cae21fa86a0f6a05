from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangan.vouchers.catalog import CREDIT_SOURCES, INNOVATION_SCORE_THRESHOLD, QUALIFICATION_KINDS, RND_KINDS
from wangan.vouchers.choices import CreditResult, PackageStatus, Party, VoucherStatus


class Programme(models.Model):
    """One year of the voucher programme, opened by the authority (seed 000 七(二): rules valid to a date)."""

    year = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="the last day a voucher can be signed (§五(六))")
    innovation_threshold = models.PositiveSmallIntegerField(default=INNOVATION_SCORE_THRESHOLD)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name


class ParkArea(models.Model):
    """A park of the "一区多园" in which an eligible enterprise is registered (§三(一))."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EnterpriseProfile(models.Model):
    """What the eligibility rules of §三 read about an enterprise."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE, related_name="voucher_profile")
    park_area = models.ForeignKey(ParkArea, null=True, blank=True, on_delete=models.PROTECT)
    is_independent_legal_person = models.BooleanField(default=False)
    legal_person_kind = models.CharField(max_length=20, default="enterprise",
                                         choices=[("enterprise", _("Enterprise legal person")),
                                                  ("institution", _("Public institution legal person"))])  # fmt: skip
    innovation_score = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile {self.organization_id}"


class EnterpriseQualification(models.Model):
    """A recognition of §三(三)1 with its validity."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="voucher_quals")
    kind = models.CharField(max_length=20, choices=QUALIFICATION_KINDS)
    number = models.CharField(max_length=100)
    valid_from = models.DateField()
    valid_until = models.DateField()

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class RndInstitution(models.Model):
    """An R&D institution of §三(三)2 with its validity."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="voucher_rnd")
    kind = models.CharField(max_length=30, choices=RND_KINDS)
    name = models.CharField(max_length=200)
    valid_until = models.DateField()

    def __str__(self) -> str:
        return self.name


class CreditCheck(models.Model):
    """A credit lookup (§三(二)): source, date, result and evidence; the newest per source counts."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="credit_checks")
    source = models.CharField(max_length=20, choices=CREDIT_SOURCES)
    checked_on = models.DateField()
    result = models.CharField(max_length=20, choices=CreditResult.choices)
    evidence = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["organization", "source", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.source} {self.result}"


class ServicePackage(models.Model):
    """A provider's published package: the five modules free for a year, with its standards (§四(三)2)."""

    provider = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="voucher_packages")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="packages")
    title = models.CharField(max_length=200)
    service_standards = models.TextField()
    service_procedures = models.TextField()
    contact = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=PackageStatus.choices, default=PackageStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "programme"], name="one_package_per_year")]

    def __str__(self) -> str:
        return self.title


class Voucher(models.Model):
    """A 创通票 code and its way from issue to rating (§五)."""

    code = models.CharField(max_length=32, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="vouchers")
    enterprise = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="vouchers")
    status = models.CharField(max_length=20, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED, db_index=True)
    holder = models.CharField(max_length=20, choices=Party.choices, default=Party.ENTERPRISE)
    package = models.ForeignKey(ServicePackage, null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers")
    provider = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="provided_vouchers")  # fmt: skip
    commitment_version = models.CharField(max_length=20)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    enterprise_confirmed_at = models.DateTimeField(null=True, blank=True)
    provider_confirmed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    manual = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    manual_sent_at = models.DateTimeField(null=True, blank=True)
    onsite_requested_at = models.DateTimeField(null=True, blank=True)
    onsite_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    onsite_done_at = models.DateTimeField(null=True, blank=True)
    report_text = models.TextField(blank=True)
    report_file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    service_ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            # seed 000 一(二): an enterprise applies once a year
            models.UniqueConstraint(fields=["enterprise", "programme"], name="one_voucher_per_enterprise_year"),
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="rating_1_to_5"),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["programme", "status"]),
            # list pages: newest first, LIMIT 25, without sorting the whole table
            models.Index(fields=["-issued_at", "-id"], name="voucher_newest"),
        ]

    def __str__(self) -> str:
        return self.code


class Agreement(models.Model):
    """The online service agreement generated when both parties confirmed (§五(四)); one per voucher."""

    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, related_name="agreement")
    docx = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sm3 = models.CharField(max_length=64, help_text="digest of the DOCX the parties sign")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"agreement {self.voucher_id}"


class Signature(models.Model):
    """Who signed which exact document, when: the digest ties the signature to the bytes."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=20, choices=Party.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=100)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    document_sm3 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.party} signature on {self.agreement_id}"
