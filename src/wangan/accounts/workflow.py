"""Organization registration: pending → active | rejected; active ⇄ suspended."""

from wangan.accounts import permissions as perms
from wangan.accounts.choices import OrgStatus
from wangan.core.workflow import Transition, Workflow

ORGANIZATION_WORKFLOW = Workflow.of(
    "status",
    [
        Transition("approve", (OrgStatus.PENDING,), OrgStatus.ACTIVE, lambda u, o: perms.can_review_registrations(u)),
        Transition("reject", (OrgStatus.PENDING,), OrgStatus.REJECTED, lambda u, o: perms.can_review_registrations(u)),
        Transition("suspend", (OrgStatus.ACTIVE,), OrgStatus.SUSPENDED, lambda u, o: perms.is_system_admin(u)),
        Transition("reinstate", (OrgStatus.SUSPENDED,), OrgStatus.ACTIVE, lambda u, o: perms.is_system_admin(u)),
    ],
)
