from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    AUTHORITY = "authority", _("Authority")
    ENTERPRISE = "enterprise", _("Enterprise")
    PROVIDER = "provider", _("Security service provider")
    DEPARTMENT = "department", _("Government department")
    PARK = "park", _("Park operator")
    SUPPORT_UNIT = "support_unit", _("Support unit")


# seed 000 §五(一): enterprises and providers register themselves; the authority reviews.
SELF_REGISTERING_TYPES = (OrgType.ENTERPRISE, OrgType.PROVIDER)


class OrgStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class PlatformRole(models.TextChoices):
    """等保 三权分立: three mutually exclusive platform roles."""

    NONE = "", _("None")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class OrgRole(models.TextChoices):
    """Roles a user holds inside their own organization."""

    ORG_ADMIN = "org_admin", _("Organization administrator")
    STAFF = "staff", _("Staff")
    REVIEWER = "reviewer", _("Reviewer")
    ENGINEER = "engineer", _("Security engineer")
