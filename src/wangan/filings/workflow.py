"""The application state machine: every status change goes through this table.

Stage advances inside ``in_review``/``acceptance`` are transitions too (``pass``), so each one is
checked, locked, audited and logged the same way.
"""

from wangan.core.workflow import Transition, Workflow
from wangan.filings.choices import AssignmentRole, Status
from wangan.filings.permissions import acts_at_current_stage, is_applicant

R, E, C = AssignmentRole.REVIEWER, AssignmentRole.EXPERT, AssignmentRole.COORDINATOR


def _stage_actor(*roles):
    return lambda user, app: acts_at_current_stage(user, app, *roles)


APPLICATION_WORKFLOW = Workflow.of(
    "status",
    [
        Transition("submit", (Status.DRAFT,), Status.IN_REVIEW, is_applicant),
        Transition("resubmit", (Status.RETURNED,), Status.IN_REVIEW, is_applicant),
        Transition("withdraw", (Status.DRAFT, Status.RETURNED), Status.WITHDRAWN, is_applicant),
        Transition("pass", (Status.IN_REVIEW,), Status.IN_REVIEW, _stage_actor(R, C)),
        Transition("return", (Status.IN_REVIEW,), Status.RETURNED, _stage_actor(R, C)),
        Transition("reject", (Status.IN_REVIEW,), Status.REJECTED, _stage_actor(R, C)),
        Transition("approve", (Status.IN_REVIEW,), Status.APPROVED, _stage_actor(R, C)),
        # seed 003 五: an approved park goes straight into its construction period
        Transition("approve_construction", (Status.IN_REVIEW,), Status.CONSTRUCTION, _stage_actor(R, C)),
        Transition("start_acceptance", (Status.CONSTRUCTION,), Status.ACCEPTANCE, is_applicant),
        Transition("acceptance_pass", (Status.ACCEPTANCE,), Status.ACCEPTANCE,
                   lambda u, a: is_applicant(u, a) or acts_at_current_stage(u, a, R, C)),  # fmt: skip
        Transition("grant", (Status.ACCEPTANCE,), Status.GRANTED, _stage_actor(C, R)),
        Transition("fail_acceptance", (Status.ACCEPTANCE,), Status.NOT_ACCEPTED, _stage_actor(C, R)),
    ],
)
