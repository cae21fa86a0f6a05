from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    LINUX_AUTH = "linux_auth", _("Linux authentication log (auth.log, secure)")
    SYSLOG = "syslog", _("Syslog")
    AUDITD = "auditd", _("Linux audit log (auditd)")
    NGINX = "nginx", _("Nginx access and error log")
    APACHE = "apache", _("Apache access and error log")
    JSON = "json", _("JSON lines")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    BULK = "bulk", _("HTTP bulk")
    SYSLOG = "syslog", _("Syslog receiver")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Level(models.TextChoices):
    INFORMATIONAL = "informational", _("Informational")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_RANK = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


class AlertKind(models.TextChoices):
    SIGMA = "sigma", _("Sigma rule")
    CORRELATION = "correlation", _("Correlation")
    BEHAVIOUR = "behaviour", _("Behaviour")
    ANOMALY = "anomaly", _("Anomaly")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COLLECTED = "collected", _("Collected")
    REPORTED = "reported", _("Reported")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Why a line or a batch was refused: stable codes shown with a translated label.
REFUSAL_LABELS = {
    "invalid_json": _("not valid JSON"),
    "not_object": _("JSON value is not an object"),
    "line_too_long": _("line longer than the limit"),
    "too_large": _("request body larger than the limit"),
    "backpressure": _("too many batches waiting (back-pressure)"),
    "rate_limit": _("too many lines per minute (back-pressure)"),
    "queue_full": _("receiver queue full"),
    "binary": _("binary data"),
    "event_cap": _("more events than one batch may store"),
    "truncated_archive": _("truncated or corrupt archive"),
    "size_limit": _("uncompressed size limit reached"),
    "entry_limit": _("too many archive entries"),
    "skipped_entries": _("archive entries skipped"),
    "unreadable": _("unreadable input"),
    "upload_refused": _("upload refused"),
    "source_inactive": _("log source is inactive"),
    "framing": _("malformed syslog framing"),
}
