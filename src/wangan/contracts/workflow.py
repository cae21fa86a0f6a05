"""The task (deliverable) and scoring-month state machines; every status change goes through these."""

from wangan.contracts.choices import MonthStatus as M
from wangan.contracts.choices import TaskStatus as T
from wangan.contracts.permissions import can_deliver, can_score
from wangan.core.workflow import Transition, Workflow


def _task_contract(check):
    return lambda user, task: check(user, task.contract)


TASK_WORKFLOW = Workflow.of(
    "status",
    [
        Transition("submit", (T.OPEN,), T.SUBMITTED, _task_contract(can_deliver)),
        Transition("accept", (T.SUBMITTED,), T.ACCEPTED, _task_contract(can_score)),
        Transition("return", (T.SUBMITTED,), T.OPEN, _task_contract(can_score)),
    ],
)

# seed 004 附件7: 每月考核一次.  A closed month is final; changing it needs an audited reopen.
MONTH_WORKFLOW = Workflow.of(
    "status",
    [
        Transition("close", (M.OPEN,), M.CLOSED, _task_contract(can_score)),
        Transition("reopen", (M.CLOSED,), M.OPEN, _task_contract(can_score)),
    ],
)
