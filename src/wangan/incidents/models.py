"""Security incidents (附件4), emergency requests with their 2-hour clock, special periods (重保)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from wangan.incidents.choices import IncidentKind, Level, PeriodLevel, PeriodSource, RequestStatus


class SpecialPeriod(models.Model):
    """A 重保 period: a statutory holiday from the calendar (for everyone) or one an authority declares."""

    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()
    level = models.CharField(max_length=10, choices=PeriodLevel.choices, default=PeriodLevel.NORMAL)
    source = models.CharField(max_length=10, choices=PeriodSource.choices)
    declared_by_org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "name", "starts_on"], condition=models.Q(source="calendar"),
                                               name="incidents_calendar_period_uniq")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class Incident(models.Model):
    """A security incident on a contract's platform, classified by the rows of 附件4."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="incidents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    people_affected = models.PositiveIntegerField(default=0)
    loss_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    is_provider_fault = models.BooleanField(default=True)
    period_level = models.CharField(max_length=10, choices=PeriodLevel.choices, blank=True, default="")
    special_period = models.ForeignKey(
        SpecialPeriod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_per_plan = models.BooleanField(default=True)
    is_publicly_reported = models.BooleanField(default=False)
    data_loss_months = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_unrecoverable = models.BooleanField(default=False)
    weakness_notified_at = models.DateTimeField(null=True, blank=True)
    weakness_treated_at = models.DateTimeField(null=True, blank=True)
    is_major_event = models.BooleanField(default=False)
    level = models.CharField(max_length=1, choices=Level.choices, blank=True, default="")
    rule = models.CharField(max_length=30, blank=True)
    rule_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["contract", "started_at"], name="incidents_contract_start_idx")]

    def __str__(self) -> str:
        return self.title


class EmergencyRequest(models.Model):
    """A request for help: an emergency (2-hour clock, 附件3 8) or an ordinary O&M request (附件5/6 bands)."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="requests")
    is_emergency = models.BooleanField(default=True)
    description = models.TextField()
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.RAISED)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # fmt: skip
    response_note = models.TextField(blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    recovered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # fmt: skip
    recovery_note = models.TextField(blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    task = models.ForeignKey(
        "contracts.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.description[:60]


class DutyShift(models.Model):
    """A planned on-site duty shift of one team member in a 重保 period (a row of the 应急值班表)."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="duty_shifts")
    special_period = models.ForeignKey(SpecialPeriod, on_delete=models.PROTECT, related_name="duty_shifts")
    person = models.ForeignKey("contracts.Personnel", on_delete=models.PROTECT, related_name="duty_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    post = models.CharField(max_length=100)  # 岗位 / 值守地点
    phone = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(
                fields=["contract", "special_period", "starts_at"], name="incidents_shift_period_idx"
            )
        ]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="incidents_shift_end_after_start")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.post} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class DutyAttendance(models.Model):
    """Actual presence on site: a check-in against a shift and, later, the check-out."""

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="attendance")
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checked_in_at", "id"]

    def __str__(self) -> str:
        return f"#{self.shift_id} {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"
