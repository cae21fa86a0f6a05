"""O&M contracts (seed 004): the record, its service items, schedule, monthly scores and penalties."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from wangan.contracts.choices import (
    ChangeStatus,
    ContractStatus,
    Frequency,
    MonthStatus,
    ReviewStatus,
    Severity,
    SuggestionStatus,
    TaskKind,
    TaskStatus,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
POINTS = {"max_digits": 7, "decimal_places": 3}


class ServiceTemplate(models.Model):
    """A published version of the service catalogue; contracts copy the version they start from."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(unique=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ServiceTemplateItem(models.Model):
    """One of the 18 items of a template version (附件3 frequency/deliverables, 附件7 weights)."""

    template = models.ForeignKey(ServiceTemplate, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    group = models.CharField(max_length=20)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    months = models.JSONField(default=list)
    deliverables = models.JSONField(default=list)
    weight = models.DecimalField(**POINTS)
    pct_timeliness = models.DecimalField(max_digits=5, decimal_places=2)
    pct_quality = models.DecimalField(max_digits=5, decimal_places=2)
    pct_docs = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="contracts_tpl_item_code_uniq")]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """One O&M contract between the authority (甲方, client) and a provider (乙方, contractor)."""

    number = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=300)
    client = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="contracts_as_client")
    contractor = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                   related_name="contracts_as_contractor")  # fmt: skip
    amount = models.DecimalField(**MONEY)
    signed_on = models.DateField()
    service_start = models.DateField()
    service_end = models.DateField()  # seed 004 第三条(一): one year from signing
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    penalty_base = models.DecimalField(**MONEY, null=True, blank=True)  # None: 10 % of the amount
    bond_amount = models.DecimalField(**MONEY)
    bond_due_on = models.DateField()
    bond_due_is_provisional = models.BooleanField(default=False)
    bond_submitted_on = models.DateField(null=True, blank=True)
    client_lead = models.CharField(max_length=100, blank=True)
    client_lead_phone = models.CharField(max_length=40, blank=True)
    contractor_lead = models.CharField(max_length=100, blank=True)
    contractor_lead_phone = models.CharField(max_length=40, blank=True)
    confidentiality_until = models.DateField()
    # seed 004 第三条(二): the next year's provider, once the authority has chosen it
    successor_starts_on = models.DateField(null=True, blank=True)
    successor_name = models.CharField(max_length=200, blank=True)
    successor_is_contractor = models.BooleanField(default=False)
    template = models.ForeignKey(ServiceTemplate, on_delete=models.PROTECT, related_name="contracts")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class PaymentMilestone(models.Model):
    """A payment instalment (seed 004 第五条(二)2: 70 % / 30 %)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField()
    condition = models.CharField(max_length=200)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(**MONEY)
    released_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "seq"]

    def __str__(self) -> str:
        return f"{self.percent}%"


class Personnel(models.Model):
    """A member of the contractor's team (附件1); changes need 10 days' notice and approval (第九条(二))."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="personnel")
    name = models.CharField(max_length=60)
    project_role = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=60, blank=True)
    qualifications = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    joined_on = models.DateField(null=True, blank=True)  # None: on the signed list (附件1)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "id"]

    def __str__(self) -> str:
        return self.name


class ContractItem(models.Model):
    """A service item of one contract, copied from its template and editable per contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    group = models.CharField(max_length=20)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    months = models.JSONField(default=list)
    deliverables = models.JSONField(default=list)

    class Meta:
        ordering = ["contract", "seq"]
        constraints = [models.UniqueConstraint(fields=["contract", "code"], name="contracts_item_code_uniq")]

    def __str__(self) -> str:
        return self.name


class ScoringScheme(models.Model):
    """A version of a contract's weights and percentages; a closed month keeps the one it was scored with."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="schemes")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "-version"]
        constraints = [models.UniqueConstraint(fields=["contract", "version"], name="contracts_scheme_version_uniq")]

    def __str__(self) -> str:
        return f"v{self.version}"


class SchemeWeight(models.Model):
    """One item's weight and timeliness/quality/documentation percentages in a scheme version (附件7 第3条)."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="weights")
    item = models.ForeignKey(ContractItem, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(**POINTS)
    pct_timeliness = models.DecimalField(max_digits=5, decimal_places=2)
    pct_quality = models.DecimalField(max_digits=5, decimal_places=2)
    pct_docs = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "item"], name="contracts_weight_item_uniq")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.weight}"

    @property
    def max_timeliness(self) -> Decimal:
        return self.weight * self.pct_timeliness / 100

    @property
    def max_quality(self) -> Decimal:
        return self.weight * self.pct_quality / 100

    @property
    def max_docs(self) -> Decimal:
        return self.weight * self.pct_docs / 100


class Task(models.Model):
    """A piece of scheduled work with its due date and deliverables; on-time/late is recorded on submit."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(ContractItem, on_delete=models.CASCADE, related_name="tasks", null=True, blank=True)
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.SERVICE)
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()  # the calendar month the work belongs to (its score month)
    due_on = models.DateField(db_index=True)
    due_is_provisional = models.BooleanField(default=False)
    deliverables = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(null=True)  # None until submitted
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["contract", "year", "month"], name="contracts_task_month_idx")]

    def __str__(self) -> str:
        return self.title


class Deliverable(models.Model):
    """A document handed in for a task (a stored upload)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return self.title


class ScoringMonth(models.Model):
    """The authority's score sheet for one calendar month (附件7: 每月考核一次)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="months")
    status = models.CharField(max_length=20, choices=MonthStatus.choices, default=MonthStatus.OPEN)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)  # set on close
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contract", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["contract", "year", "month"], name="contracts_month_uniq")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class ScoreEntry(models.Model):
    """Points for one item in one month on the three aspects of 附件7 第2条."""

    month = models.ForeignKey(ScoringMonth, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ContractItem, on_delete=models.CASCADE, related_name="+")
    timeliness = models.DecimalField(**POINTS)
    quality = models.DecimalField(**POINTS)
    docs = models.DecimalField(**POINTS)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "item"], name="contracts_entry_item_uniq")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.total}"

    @property
    def total(self) -> Decimal:
        return self.timeliness + self.quality + self.docs


class PenaltySuggestion(models.Model):
    """A violation row (附件5/附件6) applied to a contract: suggested by the system or raised by the
    authority, then confirmed or dismissed with reasons."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="penalties")
    code = models.CharField(max_length=8)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    base = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    evidence = models.TextField()
    dedupe_key = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED)
    is_system = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)  # fmt: skip
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "dedupe_key"], name="contracts_penalty_dedupe_uniq")]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class PersonnelChange(models.Model):
    """A request to change the contractor's team: 10 days' notice and the authority's written
    approval (seed 004 第九条(二)); applied to the personnel list on its effective date."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="personnel_changes")
    status = models.CharField(max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.SUBMITTED,
                              db_index=True)  # fmt: skip
    leaving = models.ForeignKey(Personnel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joining_name = models.CharField(max_length=60, blank=True)
    joining_role = models.CharField(max_length=60, blank=True)
    joining_title = models.CharField(max_length=60, blank=True)
    joining_qualifications = models.CharField(max_length=300, blank=True)
    joined = models.ForeignKey(Personnel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField()
    filed_on = models.DateField()  # the day of notice the 10 days count from
    effective_on = models.DateField(db_index=True)
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip
    decision_reason = models.TextField(blank=True)
    approval_document = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")  # fmt: skip  # generated 人员变更审批
    signed_document = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")  # fmt: skip  # the authority's signed scan, optional
    applied_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.pk}"


class Continuation(models.Model):
    """Service beyond the end date until the next provider starts, settled by the day (seed 004 第三条(二))."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="continuation")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)  # last day served; None while it runs
    days = models.PositiveIntegerField(null=True, blank=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)  # by the day, fixed when it ends
    payable = models.DecimalField(**MONEY, null=True, blank=True)  # 0 when the contractor continues next year
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.started_on}–{self.ended_on or ''}"


class AcceptanceReview(models.Model):
    """One round of the annual quality review by the authority's experts (seed 004 第十条(三))."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="acceptance_reviews")
    round = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=ReviewStatus.choices)
    reviewed_on = models.DateField()
    experts = models.JSONField(default=list)  # [{"name": ..., "opinion": ...}]
    conclusion = models.TextField()
    is_passed = models.BooleanField()
    failure_reasons = models.TextField(blank=True)
    rectification = models.TextField(blank=True)  # what the contractor must put right
    rectification_report = models.TextField(blank=True)
    rectification_file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+")  # fmt: skip
    rectified_at = models.DateTimeField(null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # fmt: skip
    report_file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip  # the year report as reviewed
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "round"]
        constraints = [models.UniqueConstraint(fields=["contract", "round"], name="contracts_review_round_uniq")]

    def __str__(self) -> str:
        return f"{self.contract_id} R{self.round}"
