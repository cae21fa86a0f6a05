"""Key version lifecycle: the only place that says how a key's status may change.

active ──rotate──▶ retired ──disable──▶ disabled ──destroy──▶ destroyed
   └────disable───────────────────────▲    └──enable──▶ retired / active

Retired versions still verify and decrypt (old data stays readable after rotation); a disabled
version is refused for everything; destruction erases the wrapped material and is only possible
from *disabled*, so destroying a key always takes two deliberate steps.
"""

from __future__ import annotations

from wangan.core.workflow import Transition, Workflow
from wangan.cryptosvc.choices import CertStatus, KeyStatus
from wangan.cryptosvc.permissions import can_manage


def _system(actor, obj) -> bool:
    return actor is None or can_manage(actor)


def _security_admin(actor, obj) -> bool:
    return actor is not None and can_manage(actor)


KEY_WORKFLOW = Workflow.of("status", [
    Transition("retire", (KeyStatus.ACTIVE,), KeyStatus.RETIRED, _system),
    Transition("disable", (KeyStatus.ACTIVE, KeyStatus.RETIRED), KeyStatus.DISABLED, _security_admin),
    Transition("enable", (KeyStatus.DISABLED,), KeyStatus.RETIRED, _security_admin),
    Transition("reactivate", (KeyStatus.DISABLED,), KeyStatus.ACTIVE, _security_admin),
    Transition("destroy", (KeyStatus.DISABLED,), KeyStatus.DESTROYED, _security_admin),
])  # fmt: skip

# A certificate is issued valid and can only be revoked (RFC 5280: revocation is final).
CERT_WORKFLOW = Workflow.of("status", [
    Transition("revoke", (CertStatus.VALID,), CertStatus.REVOKED, _security_admin),
])  # fmt: skip
