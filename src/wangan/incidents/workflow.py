"""The emergency / O&M request state machine: raised → responded → recovered (附件3 8, 附件5/附件6 bands)."""

from wangan.contracts.permissions import can_deliver
from wangan.core.workflow import Transition, Workflow
from wangan.incidents.choices import RequestStatus as S


def _contract(check):
    return lambda user, req: check(user, req.contract)


REQUEST_WORKFLOW = Workflow.of(
    "status",
    [
        # only the contractor answers and restores service; the client raised the request
        Transition("respond", (S.RAISED,), S.RESPONDED, _contract(can_deliver)),
        Transition("recover", (S.RESPONDED,), S.RECOVERED, _contract(can_deliver)),
    ],
)
