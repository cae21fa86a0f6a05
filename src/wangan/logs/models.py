"""Log sources, received batches (integrity records), stored events and what the engine found."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangan.logs.choices import (
    AlertKind,
    BatchStatus,
    Channel,
    Level,
    ReportStatus,
    ScanStatus,
    SourceType,
    TaskStatus,
)


class LogSource(models.Model):
    """A host or system of an organization whose logs are collected."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("host"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=SourceType.choices, default=SourceType.SYSLOG)
    criticality = models.PositiveSmallIntegerField(
        _("criticality"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (low) to 5 (critical); weighs the risk of what is found on this source."),
    )  # fmt: skip
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Visible counters of what was refused before it became a batch (back-pressure, caps).
    refused_batches = models.PositiveBigIntegerField(default=0)
    refused_lines = models.PositiveBigIntegerField(default=0)
    last_refused_at = models.DateTimeField(null=True, blank=True)
    last_refused_reason = models.CharField(max_length=40, blank=True)
    # Batches of one source are analysed one at a time, in the order received (cross-batch correlation
    # needs the earlier ones stored); the worker doing it holds this lease (see ``batchqueue``).
    ingest_lease_token = models.CharField(max_length=32, blank=True)
    ingest_lease_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("log source")
        verbose_name_plural = _("log sources")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="logsource_name_once")]

    def __str__(self) -> str:
        return self.name


class Scan(models.Model):
    """One engine run: over an upload, a bulk batch, or a syslog receiver session."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(LogSource, on_delete=models.PROTECT, related_name="scans")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    job_id_ref = models.BigIntegerField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(default=dict, blank=True)  # rule load report: counts, unsupported rules
    events = models.PositiveBigIntegerField(default=0)
    alert_count = models.PositiveIntegerField(default=0)
    chain_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"scan #{self.pk} ({self.channel})"


class IngestBatch(models.Model):
    """What arrived in one piece (a file, a bulk request, a syslog flush): digest, counts, refusals."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(LogSource, on_delete=models.PROTECT, related_name="batches")
    scan = models.ForeignKey(Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED, db_index=True)
    sm3 = models.CharField(max_length=64, blank=True)  # of the bytes as received
    bytes = models.PositiveBigIntegerField(default=0)
    lines = models.PositiveBigIntegerField(default=0)  # lines received (read)
    accepted = models.PositiveBigIntegerField(default=0)  # lines stored as events
    refused = models.PositiveBigIntegerField(default=0)  # lines not stored
    reasons = models.JSONField(default=dict, blank=True)  # refusal code -> count (also input problems)
    read_stats = models.JSONField(default=dict, blank=True)
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    spool_name = models.CharField(max_length=255, blank=True)  # bulk payload waiting for processing
    first_event_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("received batch")
        verbose_name_plural = _("received batches")
        indexes = [models.Index(fields=["organization", "status", "received_at"], name="logs_batch_org_status")]

    def __str__(self) -> str:
        return f"batch #{self.pk} ({self.channel}, {self.lines} lines)"


class LogEvent(models.Model):
    """One normalized log line (ECS-like columns); read and written only through ``store.EventStore``.

    On PostgreSQL the table is partitioned by month on ``ts`` (migration 0003; primary key ``(id, ts)``
    there), which Django cannot declare: the model stays as it is and the migration does the DDL.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(LogSource, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="+")
    ts = models.DateTimeField()  # the event's time; the batch's receive time when the line had none
    ts_inferred = models.BooleanField(default=False)
    log_type = models.CharField(max_length=20, blank=True)
    host = models.CharField(max_length=255, blank=True)
    process = models.CharField(max_length=100, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    user = models.CharField(max_length=255, blank=True)
    target_user = models.CharField(max_length=255, blank=True)
    src_ip = models.CharField(max_length=255, blank=True)
    src_port = models.IntegerField(null=True, blank=True)
    action = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=10, blank=True)
    category = models.CharField(max_length=20, blank=True)
    severity = models.CharField(max_length=20, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    http_method = models.CharField(max_length=16, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.CharField(max_length=2000, blank=True)
    raw = models.TextField(blank=True)  # truncated to RAW_MAX characters
    file = models.CharField(max_length=255, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ts", "-id"]
        verbose_name = _("log event")
        verbose_name_plural = _("log events")
        indexes = [
            models.Index(fields=["organization", "ts"], name="logs_event_org_ts"),
            models.Index(fields=["organization", "category", "ts"], name="logs_event_org_cat_ts"),
            models.Index(fields=["ts"], name="logs_event_ts"),  # retention purge
        ]

    def __str__(self) -> str:
        return self.raw[:80]


class Alert(models.Model):
    """A detection (Sigma, correlation, behaviour or new-template anomaly) with its evidence and rule author."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="alerts")
    batch = models.ForeignKey(IngestBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.ForeignKey(LogSource, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    rule_id = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    level = models.CharField(max_length=13, choices=Level.choices)
    level_rank = models.PositiveSmallIntegerField(default=2)
    # Detection Rule License: the rule's author is shown wherever its matches are shown.
    author = models.CharField(max_length=300)
    tags = models.JSONField(default=list, blank=True)
    tactics = models.JSONField(default=list, blank=True)
    techniques = models.JSONField(default=list, blank=True)
    ts = models.DateTimeField(null=True, blank=True)
    first_ts = models.DateTimeField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    src_ip = models.CharField(max_length=255, blank=True)
    user = models.CharField(max_length=255, blank=True)
    count = models.PositiveIntegerField(default=1)
    score = models.FloatField(default=0)
    evidence = models.JSONField(default=list, blank=True)
    group = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    log_file = models.CharField(max_length=255, blank=True)
    log_line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ts", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["organization", "ts"], name="logs_alert_org_ts"),
            models.Index(fields=["organization", "level_rank", "ts"], name="logs_alert_org_level"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.level})"


class AttackChain(models.Model):
    """Alerts linked per entity and ordered by ATT&CK tactic; ``steps`` keep time, rule, author and evidence."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="chains")
    number = models.PositiveIntegerField()  # the engine's rank within the scan
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    max_level = models.CharField(max_length=13, choices=Level.choices)
    level_rank = models.PositiveSmallIntegerField(default=2)
    score = models.FloatField(default=0)
    progression = models.PositiveSmallIntegerField(default=0)
    tactics = models.JSONField(default=list, blank=True)
    stages = models.JSONField(default=list, blank=True)
    src_ips = models.JSONField(default=list, blank=True)
    users = models.JSONField(default=list, blank=True)
    hosts = models.JSONField(default=list, blank=True)
    steps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-progression", "-level_rank", "-score"]
        verbose_name = _("attack chain")
        verbose_name_plural = _("attack chains")
        indexes = [models.Index(fields=["organization", "start"], name="logs_chain_org_start")]

    def __str__(self) -> str:
        return " → ".join(self.tactics) or f"chain #{self.number}"


class EntityRisk(models.Model):
    """An entity (address, user, host) ranked by risk within a scan, with its top evidence."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="risks")
    entity = models.CharField(max_length=300)
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=290)
    score = models.FloatField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    max_level = models.CharField(max_length=13, choices=Level.choices)
    level_rank = models.PositiveSmallIntegerField(default=2)
    tactics = models.JSONField(default=list, blank=True)
    first = models.DateTimeField(null=True, blank=True)
    last = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    chain_numbers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("entity risk")
        verbose_name_plural = _("entity risks")
        indexes = [models.Index(fields=["organization", "last"], name="logs_risk_org_last")]

    def __str__(self) -> str:
        return f"{self.entity} {self.score:.1f}"


class LogTemplate(models.Model):
    """A message shape mined from lines no parser knew; a template first seen recently is an anomaly."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(LogSource, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    template = models.CharField(max_length=2000)
    example = models.CharField(max_length=2000, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-first_seen_at"]
        verbose_name = _("log template")
        verbose_name_plural = _("log templates")
        constraints = [
            models.UniqueConstraint(fields=["organization", "source", "fingerprint"], name="logtemplate_once")
        ]

    def __str__(self) -> str:
        return self.template[:80]


class RuleOverride(models.Model):
    """An organization's choice for one rule: enabled or not, and its level."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    rule_id = models.CharField(max_length=200)
    is_enabled = models.BooleanField(default=True)
    level = models.CharField(max_length=13, choices=Level.choices, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")
        constraints = [models.UniqueConstraint(fields=["organization", "rule_id"], name="ruleoverride_once")]

    def __str__(self) -> str:
        return f"{self.rule_id}: {'on' if self.is_enabled else 'off'} {self.level}"


class CustomRule(models.Model):
    """A Sigma rule file an organization uploaded (checked by the engine's loader first)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    rule_id = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=300)
    level = models.CharField(max_length=13, blank=True)
    is_correlation = models.BooleanField(default=False)
    text = models.TextField()
    sm3 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("custom rule")
        verbose_name_plural = _("custom rules")
        constraints = [models.UniqueConstraint(fields=["organization", "rule_id"], name="customrule_once")]

    def __str__(self) -> str:
        return self.title


class CollectionTask(models.Model):
    """One quarter's log collection and the report due within a week of it (seed 004 附件3 §6)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    period_start = models.DateField()
    period_end = models.DateField()
    collect_due = models.DateField()
    report_due = models.DateField()
    report_due_provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    collected_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "quarter"]
        verbose_name = _("collection task")
        verbose_name_plural = _("collection tasks")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "quarter"], name="collectiontask_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class AnalysisReport(models.Model):
    """《日志分析和审计报告》 for a period, generated in the background as DOCX and PDF."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(CollectionTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    job_id_ref = models.BigIntegerField(null=True, blank=True)
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pdf_file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pdf_error = models.CharField(max_length=500, blank=True)  # why there is no PDF (e.g. no CJK font)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The contract task (contracts app, item "log_analysis") the report was handed in for; an id, not a
    # foreign key: the contracts app is reached through its services and selectors only.
    contract_task_ref = models.BigIntegerField(null=True, blank=True)
    contract_task_label = models.CharField(max_length=300, blank=True)
    attached_at = models.DateTimeField(null=True, blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("log analysis report")
        verbose_name_plural = _("log analysis reports")

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"
