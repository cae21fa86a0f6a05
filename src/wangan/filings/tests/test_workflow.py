"""The application procedure end to end, and every refusal on the way (nothing changes on refusal)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wangan.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from wangan.core.models import AuditEvent, Deadline
from wangan.filings import selectors, services
from wangan.filings.choices import Status
from wangan.filings.models import Application, Qualification
from wangan.filings.tests.conftest import GOOD_VALUES, pdf

pytestmark = pytest.mark.django_db


def _ready(user) -> Application:
    app = services.application_create(actor=user, type_code="test_flow")
    services.application_save(actor=user, application=app, values=GOOD_VALUES, accept=["promise"])
    services.attachment_add(actor=user, application=app, slot="plan", upload=pdf("plan.pdf"))
    for i in range(2):
        services.attachment_add(actor=user, application=app, slot="reports", upload=pdf(f"r{i}.pdf"),
                                document_date=timezone.localdate() - timedelta(days=30 * (i + 1)))  # fmt: skip
    return Application.objects.get(pk=app.pk)


def _one(staff, key):
    return staff[key][0]


def test_submission_lists_every_problem_and_keeps_what_was_typed(park_user):
    app = services.application_create(actor=park_user, type_code="test_flow")
    typed = {"basic": {"name": "x" * 21, "revenue": "2"}, "people": {"contacts": [{"name": "甲", "phone": "bad"}]}}
    services.application_save(actor=park_user, application=app, values=typed)
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=park_user, application=app)
    messages = " | ".join(d["message"] for d in exc.value.details)
    paths = {d["path"] for d in exc.value.details}
    assert {"basic.name", "basic.revenue", "attachments.plan", "attachments.reports", "commitments.promise"} <= paths
    assert "无" in messages  # the empty contact row asks for “无”
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.values["basic"]["name"] == "x" * 21


def test_whole_numbers_are_rounded_on_save(park_user):
    app = services.application_create(actor=park_user, type_code="test_flow")
    app, notes = services.application_save(actor=park_user, application=app, values={"basic": {"revenue": "4.5"}})
    assert app.values["basic"]["revenue"] == "5" and notes


def test_old_reports_and_wrong_types_are_refused(park_user):
    app = services.application_create(actor=park_user, type_code="test_flow")
    services.attachment_add(actor=park_user, application=app, slot="reports", upload=pdf(),
                            document_date=timezone.datetime(2020, 12, 31).date())  # fmt: skip
    problems = [p.message for p in services.application_problems(app)]
    assert any("2020-12-31" in m for m in problems)
    with pytest.raises(DomainError):
        services.attachment_add(actor=park_user, application=app, slot="plan",
                                upload=pdf("plan.docx"))  # fmt: skip


def test_once_a_year(park_user):
    services.application_create(actor=park_user, type_code="test_flow")
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=park_user, type_code="test_flow")
    assert exc.value.code == "ALREADY_APPLIED"


def test_full_procedure_to_the_title(park_user, staff):
    app = services.application_submit(actor=park_user, application=_ready(park_user))
    assert app.status == Status.IN_REVIEW and app.stage == "first"
    clock = Deadline.objects.get(object_id=str(app.pk), kind="stage:first")
    assert clock.status == "running"
    reviewer = _one(staff, "first:reviewer")
    with pytest.raises(ValidationFailed):  # the checklist must be ticked
        services.review_pass(actor=reviewer, application=app, comment="ok")
    app = services.review_pass(actor=reviewer, application=app, comment="符合条件", checklist=[0])
    assert app.stage == "letter"
    clock.refresh_from_db()
    assert clock.status == "met"
    app = services.letter_upload(actor=_one(staff, "letter:reviewer"), application=app, upload=pdf("letter.pdf"))
    assert app.stage == "panel"
    e1, e2 = staff["panel:expert"]
    coordinator = _one(staff, "panel:coordinator")
    with pytest.raises(ValidationFailed):
        services.expert_score_submit(actor=e1, application=app, score=90, opinion="好", recommend=True, no_conflict=False)
    services.expert_score_submit(actor=e1, application=app, score=90, opinion="好", recommend=True, no_conflict=True)
    with pytest.raises(InvalidTransition):
        services.panel_conclude(actor=coordinator, application=app, approve=True, comment="同意")
    services.expert_score_submit(actor=e2, application=app, score=80, opinion="可", recommend=True, no_conflict=True)
    app = services.panel_conclude(actor=coordinator, application=app, approve=True, comment="同意建设")
    assert app.stage == "notice" and app.notice_ends_at > timezone.now()
    assert selectors.public_notice_list().filter(pk=app.pk).exists()
    notice_coordinator = _one(staff, "notice:coordinator")
    objection = services.objection_raise(actor=e1, application=app, text="面积数据有误")
    with pytest.raises(InvalidTransition):  # period still running
        services.notice_conclude(actor=notice_coordinator, application=app)
    later = app.notice_ends_at + timedelta(minutes=1)
    with pytest.raises(InvalidTransition):  # objection open
        services.notice_conclude(actor=notice_coordinator, application=app, now=later)
    services.objection_resolve(actor=notice_coordinator, objection=objection, upheld=False, note="经核实数据无误")
    app = services.notice_conclude(actor=notice_coordinator, application=app, now=later)
    assert app.stage == "final"
    app = services.review_pass(actor=_one(staff, "final:reviewer"), application=app, comment="批复同意")
    assert app.status == Status.CONSTRUCTION and app.construction_ends_at > timezone.now() + timedelta(days=700)
    assert Deadline.objects.filter(object_id=str(app.pk), kind="progress_report", status="running").exists()
    report = services.progress_report_submit(actor=park_user, application=app, text="完成一期")
    assert report.period == 1
    with pytest.raises(InvalidTransition):
        services.acceptance_start(actor=park_user, application=app)
    app = services.acceptance_start(actor=park_user, application=app, now=app.construction_ends_at + timedelta(days=1))
    assert app.status == Status.ACCEPTANCE and app.stage == "self"
    app = services.applicant_upload(actor=park_user, application=app, upload=pdf("self.pdf"))
    for expert in staff["acc_panel:expert"]:
        services.expert_score_submit(actor=expert, application=app, score=88, opinion="达标", recommend=True,
                                     no_conflict=True)  # fmt: skip
    app = services.panel_conclude(actor=_one(staff, "acc_panel:coordinator"), application=app, approve=True,
                                  comment="验收通过")  # fmt: skip
    assert app.status == Status.GRANTED
    assert Qualification.objects.get(application=app).kind == "test_title"
    actions = set(AuditEvent.objects.filter(object_id=str(app.pk)).values_list("action", flat=True))
    assert {"application.submit", "application.pass", "application.approve_construction", "application.grant"} <= actions


def test_a_reviewer_of_one_stage_cannot_act_on_another(park_user, staff):
    app = services.application_submit(actor=park_user, application=_ready(park_user))
    outsider = _one(staff, "final:reviewer")
    with pytest.raises(PermissionDenied):
        services.review_pass(actor=outsider, application=app, comment="x", checklist=[0])
    with pytest.raises(PermissionDenied):
        services.review_reject(actor=outsider, application=app, reason="x")
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW and app.stage == "first"


def test_returned_application_accepts_changes_to_returned_fields_only(park_user, staff):
    app = services.application_submit(actor=park_user, application=_ready(park_user))
    reviewer = _one(staff, "first:reviewer")
    app = services.review_return(actor=reviewer, application=app, paths=["basic.name"],
                                 comments={"basic.name": "与营业执照不符"}, comment="请更正名称")  # fmt: skip
    assert app.status == Status.RETURNED
    with pytest.raises(ValidationFailed) as exc:
        services.application_save(actor=park_user, application=app, values={"basic": {"revenue": "9"}})
    assert exc.value.code == "FIELD_NOT_RETURNED"
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=park_user, application=app, slot="plan", upload=pdf())
    app.refresh_from_db()
    assert app.values["basic"]["revenue"] == "5"
    services.application_save(actor=park_user, application=app, values={"basic": {"name": "示例园区（更正）"}})
    app = services.application_submit(actor=park_user, application=Application.objects.get(pk=app.pk))
    assert app.status == Status.IN_REVIEW and app.stage == "first" and app.returned_paths == []


def test_rejection_needs_a_reason(park_user, staff):
    app = services.application_submit(actor=park_user, application=_ready(park_user))
    with pytest.raises(ValidationFailed):
        services.review_reject(actor=_one(staff, "first:reviewer"), application=app, reason=" ")
    app = services.review_reject(actor=_one(staff, "first:reviewer"), application=app, reason="不符合条件")
    assert app.status == Status.REJECTED and app.decided_at


def test_applicants_never_see_each_other(park_user, make_user, staff):
    from wangan.accounts.tests.factories import OrganizationFactory

    other = make_user(organization=OrganizationFactory(type="park"))
    app = _ready(park_user)
    assert not selectors.application_list_for(user=other).filter(pk=app.pk).exists()
    reviewer = _one(staff, "first:reviewer")
    assert not selectors.application_list_for(user=reviewer).filter(pk=app.pk).exists()  # drafts stay private
    services.application_submit(actor=park_user, application=app)
    assert selectors.review_queue_for(user=reviewer).filter(pk=app.pk).exists()
    assert not selectors.review_queue_for(user=_one(staff, "final:reviewer")).filter(pk=app.pk).exists()
