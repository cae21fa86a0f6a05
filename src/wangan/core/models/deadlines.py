from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Deadline(models.Model):
    """An SLA clock attached to any object: running until met, breached or cancelled."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        MET = "met", _("Met")
        BREACHED = "breached", _("Breached")
        CANCELLED = "cancelled", _("Cancelled")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        HOURS = "hours", _("hours")
        MINUTES = "minutes", _("minutes")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=64, help_text="what the clock measures, e.g. onsite_deployment")
    organization_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    is_provisional = models.BooleanField(default=False, help_text="computed without an official schedule")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    notify_user_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(status="running"),
                name="one_running_deadline_per_kind",
            )
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"
