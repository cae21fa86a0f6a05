from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wangan.filings.choices import Action, AssignmentRole, Status


class Application(models.Model):
    """One filled application of a type defined in ``filings.types`` and its place in the procedure."""

    type_code = models.CharField(max_length=40, db_index=True)
    reference = models.CharField(max_length=40, unique=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    stage = models.CharField(max_length=40, blank=True, db_index=True)
    values = models.JSONField(default=dict)
    commitments = models.JSONField(default=dict, help_text="commitment key → version, accepted_at, user")
    returned_paths = models.JSONField(default=list, blank=True)
    field_comments = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    notice_ends_at = models.DateTimeField(null=True, blank=True)
    construction_ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["type_code", "status", "stage"]), models.Index(fields=["organization", "year"])]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class Attachment(models.Model):
    """An evidence file in one of the type's attachment groups."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    slot = models.CharField(max_length=40)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    document_date = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "created_at"]

    def __str__(self) -> str:
        return f"{self.slot}: {self.file_id}"


class LogEntry(models.Model):
    """The application's history as applicant and reviewers see it (the audit trail has the rest)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=30, choices=Action.choices)
    stage = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class StageAssignment(models.Model):
    """Who may act at which stage of which application type (a reviewer of one stage cannot act
    on another)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filing_assignments")
    type_code = models.CharField(max_length=40)
    stage = models.CharField(max_length=40)
    role = models.CharField(max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.REVIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "type_code", "stage", "role"], name="assignment_once")]
        indexes = [models.Index(fields=["type_code", "stage"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.type_code}/{self.stage} {self.role}"


class ExpertScore(models.Model):
    """One expert's score and opinion at a panel stage, with the no-conflict declaration."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="expert_scores")
    stage = models.CharField(max_length=40)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    opinion = models.TextField()
    recommend = models.BooleanField()
    no_conflict_declared = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "stage", "expert"], name="one_score_per_expert")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage} {self.score}"


class Objection(models.Model):
    """An objection raised during the public notice (seed 003 四(一))."""

    class Resolution(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection", "Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    resolution = models.CharField(max_length=20, choices=Resolution.choices, default=Resolution.OPEN)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application_id} objection {self.resolution}"


class ProgressReport(models.Model):
    """A half-yearly construction progress report (seed 003 五(二))."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="progress_reports")
    period = models.PositiveSmallIntegerField(help_text="1 = first half-year of construction")
    text = models.TextField()
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["application", "period"], name="one_report_per_period")]

    def __str__(self) -> str:
        return f"{self.application_id} period {self.period}"


class Qualification(models.Model):
    """What an approved application grants an organization: a voucher-programme provider filing,
    a selected support unit (with its 2-hour emergency commitment), a key park."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="qualifications")
    kind = models.CharField(max_length=40, db_index=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="qualification")
    granted_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True)
    commitments = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind}"
