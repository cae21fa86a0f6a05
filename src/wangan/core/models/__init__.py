"""Core models, one module per concern; import them from here."""

from wangan.core.models.audit import AuditEvent, AuditHead
from wangan.core.models.deadlines import Deadline
from wangan.core.models.files import StoredFile
from wangan.core.models.jobs import Job
from wangan.core.models.notifications import Notification, WebhookDelivery, WebhookEndpoint
from wangan.core.models.workcal import CalendarDay

__all__ = [
    "AuditEvent",
    "AuditHead",
    "CalendarDay",
    "Deadline",
    "Job",
    "Notification",
    "StoredFile",
    "WebhookDelivery",
    "WebhookEndpoint",
]
