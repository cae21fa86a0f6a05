"""The annual acceptance (seed 004 第十条(三)): the deadline, the experts' review rounds, rectification and
re-review, the year report, and on a pass the 30 % payment (第五条(二)2) and the contract ACCEPTED."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import catalog, lifecycle_documents, selectors, services
from wangan.contracts import permissions as perms
from wangan.contracts.choices import ContractStatus, ReviewStatus, SuggestionStatus, TaskStatus
from wangan.contracts.errors import (
    AcceptanceDecided,
    AcceptanceInvalid,
    AcceptanceTooEarly,
    MilestoneReleased,
    ReasonRequired,
)
from wangan.contracts.lifecycle import (
    contract_expire,
    contract_transition,
    notify_party,
    store_generated,
    store_upload,
    stored_open,
    today_or_now,
)
from wangan.contracts.models import AcceptanceReview, Contract, PaymentMilestone, Task
from wangan.core.audit import audit_record
from wangan.core.errors import NotFound, PermissionDenied
from wangan.core.workcal import WorkdayResult, add_working_days
from wangan.core.workflow import Transition, Workflow, transition_apply

ACCEPTANCE_MILESTONE_SEQ = 2  # catalog.PAYMENT_MILESTONES: 30 % after the acceptance (第五条(二)2)
PAYMENT_WORKING_DAYS = 20  # 第五条(二)2: 验收合格且财政资金拨付后的 20 个工作日内

REVIEW_WORKFLOW = Workflow.of(
    "status",
    [Transition("rectify", (ReviewStatus.FAILED,), ReviewStatus.RECTIFIED,
                lambda u, r: perms.can_deliver(u, r.contract))],
)  # fmt: skip


def acceptance_deadline(contract: Contract) -> date:
    """第十条(三)(1): 本合同服务期届满后 1 个月内."""
    return services.add_months(contract.service_end, catalog.ACCEPTANCE_MONTHS)


@dataclass
class AcceptanceState:
    deadline: date
    is_due: bool  # the service period is over, the acceptance not passed
    is_overdue: bool
    reviews: list[AcceptanceReview]
    milestone: PaymentMilestone | None
    payment_due: WorkdayResult | None = None

    @property
    def passed(self) -> AcceptanceReview | None:
        return next((r for r in self.reviews if r.is_passed), None)

    @property
    def awaiting_rectification(self) -> AcceptanceReview | None:
        last = self.reviews[-1] if self.reviews else None
        return last if last is not None and last.status == ReviewStatus.FAILED else None


def acceptance_state_for(*, contract: Contract, today: date | None = None) -> AcceptanceState:
    """The deadline (flagged once passed without a passing review), the rounds and the 30 % milestone."""
    today = today_or_now(today)
    reviews = list(
        contract.acceptance_reviews.select_related("recorded_by", "rectified_by").order_by("round")
    )
    milestone = contract.milestones.filter(seq=ACCEPTANCE_MILESTONE_SEQ).first()
    deadline = acceptance_deadline(contract)
    passed = any(r.is_passed for r in reviews)
    state = AcceptanceState(deadline=deadline, is_due=today > contract.service_end and not passed,
                            is_overdue=today > deadline and not passed, reviews=reviews, milestone=milestone)  # fmt: skip
    if milestone is not None and milestone.released_on is not None:
        state.payment_due = add_working_days(milestone.released_on, PAYMENT_WORKING_DAYS)
    return state


@dataclass(frozen=True)
class ExpertIn:
    name: str
    opinion: str = ""


def milestone_release(
    *, actor, contract: Contract, on: date, seq: int = ACCEPTANCE_MILESTONE_SEQ
) -> PaymentMilestone:
    """Mark a payment instalment as due for payment; once only."""
    if not perms.can_review_acceptance(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may release a payment."))
    with transaction.atomic():
        row = PaymentMilestone.objects.select_for_update().filter(contract=contract, seq=seq).first()
        if row is None:
            raise NotFound(_("The contract has no such payment milestone."))
        if row.released_on is not None:
            raise MilestoneReleased(_("This payment was released already on %(date)s.")
                                    % {"date": row.released_on.isoformat()})  # fmt: skip
        row.released_on = on
        row.save(update_fields=["released_on"])
        audit_record(action="contracts.milestone_release", actor=actor, obj=contract,
                     before={"seq": seq, "released_on": None},
                     after={"seq": seq, "released_on": on.isoformat(), "amount": str(row.amount)})  # fmt: skip
    return row


def acceptance_record(
    *,
    actor,
    contract: Contract,
    reviewed_on: date,
    experts: list[ExpertIn],
    passed: bool,
    conclusion: str,
    failure_reasons: str = "",
    rectification: str = "",
    today: date | None = None,
) -> AcceptanceReview:
    """One review round by the experts.  Pass: the 30 % milestone is released and the contract ACCEPTED.
    Fail: reasons and the rectification asked for; a new round follows the contractor's rectification."""
    if not perms.can_review_acceptance(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may record the acceptance review."))
    today = today_or_now(today)
    if today <= contract.service_end or reviewed_on <= contract.service_end:
        raise AcceptanceTooEarly(_("The acceptance review follows the end of the service period on %(date)s "
                                   "(第十条(三)(1)).") % {"date": contract.service_end.isoformat()})  # fmt: skip
    experts = [
        ExpertIn(e.name.strip(), e.opinion.strip()) for e in experts if e.name.strip() or e.opinion.strip()
    ]
    problems = []
    if reviewed_on > today:
        problems.append(_("The review date cannot be in the future."))
    if not experts:
        problems.append(_("Name the experts of the review group."))
    if any(not e.name for e in experts):
        problems.append(_("Every expert's opinion needs the expert's name."))
    if not conclusion.strip():
        problems.append(_("Enter the review group's conclusion."))
    if not passed and not failure_reasons.strip():
        problems.append(_("Give the reasons why the review failed."))
    if not passed and not rectification.strip():
        problems.append(_("Say what the contractor must rectify."))
    if problems:
        raise AcceptanceInvalid("; ".join(problems), details=problems)
    with transaction.atomic():
        # past its end the contract continues (or ended) before it is judged; the job may not have run yet
        contract = contract_expire(contract=contract, today=today)
        reviews = list(contract.acceptance_reviews.order_by("round"))
        if any(r.is_passed for r in reviews) or contract.status == ContractStatus.ACCEPTED:
            raise AcceptanceDecided(_("The contract has been accepted already."))
        if reviews and reviews[-1].status == ReviewStatus.FAILED:
            raise AcceptanceInvalid(_("Round %(round)s failed and the contractor has not reported the rectification "
                                      "yet.") % {"round": reviews[-1].round}, code="RECTIFICATION_PENDING")  # fmt: skip
        review = AcceptanceReview.objects.create(
            contract=contract, round=len(reviews) + 1, status=ReviewStatus.PASSED if passed else ReviewStatus.FAILED,
            reviewed_on=reviewed_on, experts=[{"name": e.name, "opinion": e.opinion} for e in experts],
            conclusion=conclusion.strip(), is_passed=passed, failure_reasons=failure_reasons.strip(),
            rectification=rectification.strip(), recorded_by=actor,
        )  # fmt: skip
        audit_record(action="contracts.acceptance_review", actor=actor, obj=review,
                     after={"round": review.round, "passed": passed, "reviewed_on": reviewed_on.isoformat(),
                            "experts": [e.name for e in experts]})  # fmt: skip
        if passed:
            milestone_release(actor=actor, contract=contract, on=reviewed_on)
            contract_transition(contract, "accept", actor, {"round": review.round})
        facts = year_report_facts(contract=contract, today=today)
        review.report_file = store_generated(actor=actor, contract=contract,
                                             body=lifecycle_documents.year_report_docx(facts),
                                             name=f"年度考核报告-{contract.number}-R{review.round}.docx",
                                             purpose="contract-acceptance-report")  # fmt: skip
        review.save(update_fields=["report_file"])
        title = (_("Contract %(number)s passed the acceptance review") if passed else
                 _("Contract %(number)s failed the acceptance review: rectification required"))  # fmt: skip
        notify_party(contract.contractor_id, perms.CONTRACTOR_ACTING_ROLES, verb="contracts.acceptance_review",
                     title=title % {"number": contract.number},
                     link=reverse("contracts:acceptance", args=[contract.pk]))  # fmt: skip
    return review


def acceptance_review_get_for(*, user, pk: int) -> AcceptanceReview:
    row = (AcceptanceReview.objects.filter(pk=pk, contract__in=selectors.contract_list_for(user=user).values("pk"))
           .select_related("contract").first())  # fmt: skip
    if row is None:
        raise NotFound()
    return row


def acceptance_rectify(*, actor, review: AcceptanceReview, report: str, upload=None) -> AcceptanceReview:
    """The contractor reports what it put right; the authority may then review again."""
    if not perms.can_deliver(actor, review.contract):
        raise PermissionDenied(
            _("Only the contractor's engineers or administrators may report the rectification.")
        )
    if not report.strip():
        raise ReasonRequired(_("Describe the rectification."))
    with transaction.atomic():
        stored = (
            store_upload(actor=actor, upload=upload, purpose="contract-acceptance-rectification")
            if upload
            else None
        )
        review = transition_apply(workflow=REVIEW_WORKFLOW, name="rectify", obj=review, actor=actor,
                                  changes={"rectification_report": report.strip(), "rectification_file": stored,
                                           "rectified_at": timezone.now(), "rectified_by": actor},
                                  audit_extra={"file": stored.sm3 if stored else None})  # fmt: skip
        contract = review.contract
        notify_party(contract.client_id, perms.CLIENT_ACTING_ROLES, verb="contracts.acceptance_rectified",
                     title=_("Contract %(number)s: rectification reported, ready for re-review")
                     % {"number": contract.number}, link=reverse("contracts:acceptance", args=[contract.pk]))  # fmt: skip
    return review


@dataclass
class YearReport:
    """The facts of the year report (年度考核报告) the experts review."""

    contract: Contract
    generated_on: date
    months: list[tuple[int, int, Decimal | None]]
    score: Decimal | None
    grade: str | None
    tasks: dict[str, int]
    incidents: dict[str, int]
    penalties: list = field(default_factory=list)
    penalties_total: Decimal = Decimal("0.00")
    reviews: list[AcceptanceReview] = field(default_factory=list)
    deadline: date | None = None


def year_report_facts(*, contract: Contract, today: date | None = None) -> YearReport:
    """Month scores and grade (selectors.year_scores), task counts, incidents by level, confirmed penalties."""
    from wangan.incidents import selectors as incident_selectors  # late: incidents builds on contracts

    today = today_or_now(today)
    ys = selectors.year_scores(contracts=[contract])[contract.pk]
    months = [(y, m, ys.months.get((y, m))) for y, m in services.service_months(contract)]
    done = Q(status__in=(TaskStatus.SUBMITTED, TaskStatus.ACCEPTED))
    tasks = Task.objects.filter(contract=contract).aggregate(
        total=Count("id"), done=Count("id", filter=done), done_late=Count("id", filter=done & Q(is_late=True)),
        open=Count("id", filter=Q(status=TaskStatus.OPEN)),
        overdue=Count("id", filter=Q(status=TaskStatus.OPEN) & (Q(is_late=True) | Q(due_on__lt=today))),
    )  # fmt: skip
    levels = dict(incident_selectors.Incident.objects.filter(
        contract=contract, started_at__date__gte=contract.service_start, started_at__date__lte=contract.service_end,
    ).values_list("level").annotate(n=Count("id")).order_by())  # fmt: skip
    incidents = {"A": levels.get("A", 0), "B": levels.get("B", 0), "other": levels.get("", 0)}
    penalties = list(
        contract.penalties.filter(status=SuggestionStatus.CONFIRMED).order_by("created_at", "id")
    )
    return YearReport(
        contract=contract, generated_on=today, months=months, score=ys.score, grade=ys.grade, tasks=tasks,
        incidents=incidents, penalties=penalties, penalties_total=sum((p.amount for p in penalties), Decimal("0.00")),
        reviews=list(contract.acceptance_reviews.order_by("round")), deadline=acceptance_deadline(contract),
    )  # fmt: skip


def review_document_open_for(*, user, pk: int, kind: str):
    """A round's year report as reviewed (``report``) or the contractor's rectification file."""
    review = acceptance_review_get_for(user=user, pk=pk)
    return stored_open(user=user, stored={"report": review.report_file,
                                          "rectification": review.rectification_file}.get(kind), kind=kind)  # fmt: skip


def year_report_bytes(*, user, contract: Contract, today: date | None = None) -> bytes:
    """The year report as of today (the one stored with each review is what the experts saw)."""
    selectors.contract_get_for(user=user, pk=contract.pk)
    return lifecycle_documents.year_report_docx(year_report_facts(contract=contract, today=today))
