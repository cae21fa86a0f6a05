"""A small application type exercising every stage kind, independent of the shipped forms."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangan.accounts.choices import OrgType
from wangan.filings.choices import AssignmentRole
from wangan.filings.models import StageAssignment
from wangan.filings.spec import (
    REGISTRY,
    ApplicationType,
    AttachmentSlot,
    Commitment,
    Field,
    PostApproval,
    Problem,
    Section,
    Stage,
    T,
    Table,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _revenue_rule(data):
    value = data.number("basic.revenue")
    if value is not None and value < 3:
        return [Problem("basic.revenue", f"revenue {value} < 3")]
    return []


TEST_TYPE = ApplicationType(
    code="test_flow",
    label=T("测试申报", "Test filing"),
    short=T("测试", "Test"),
    applicant_org_types=(OrgType.PARK,),
    sections=(
        Section("basic", T("基本情况", "Basics"), (
            Field("name", T("名称", "Name"), max_length=20),
            Field("revenue", T("收入", "Revenue"), kind="decimal", integer_only=True),
            Field("note", T("说明", "Note"), kind="textarea", required=False, max_length=50),
        )),
        Section("people", T("人员", "People"), (
            Table("contacts", T("联系人", "Contacts"), (
                Field("name", T("姓名", "Name")), Field("phone", T("手机", "Phone"), kind="phone"),
            ), fixed_rows=(T("负责人", "Lead"), T("联系人", "Contact"))),
        )),
    ),  # fmt: skip
    attachments=(
        AttachmentSlot("plan", T("建设方案", "Plan"), extensions=frozenset({"pdf"})),
        AttachmentSlot("reports", T("评估报告", "Reports"), min_count=2, extensions=frozenset({"pdf"}),
                       dated_after=date(2020, 12, 31)),
    ),  # fmt: skip
    commitments=(Commitment("promise", T("承诺书", "Commitment"), T("内容真实。", "True."), "1"),),
    stages=(
        Stage("first", T("初审", "First review"), deadline_working_days=5, checklist=(T("条件一", "Condition 1"),)),
        Stage("letter", T("函", "Letter"), kind="letter"),
        Stage("panel", T("专家评审", "Panel"), kind="expert_panel", min_experts=2),
        Stage("notice", T("公示", "Notice"), kind="public_notice", notice_days=5),
        Stage("final", T("批复", "Approval"), approves=True),
    ),
    rules=(_revenue_rule,),
    notes=(T("如无内容应填“无”", "write 无 when empty"),),
    post_approval=PostApproval(acceptance_stages=(
        Stage("self", T("自评", "Self-assessment"), kind="applicant_upload"),
        Stage("acc_panel", T("验收", "Acceptance panel"), kind="expert_panel", min_experts=2),
    )),  # fmt: skip
    qualification="test_title",
    blank_means_none=True,
)
REGISTRY.register(TEST_TYPE)

GOOD_VALUES = {
    "basic": {"name": "示例园区", "revenue": "5", "note": "无"},
    "people": {"contacts": [{"name": "甲", "phone": "13800000000"}, {"name": "乙", "phone": "13800000001"}]},
}


def pdf(name="a.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def park_user(make_user):
    from wangan.accounts.tests.factories import OrganizationFactory

    return make_user(organization=OrganizationFactory(type=OrgType.PARK), roles=["org_admin"])


@pytest.fixture
def staff(authority_org, make_user):
    """One user per stage role, each assigned to exactly one stage."""
    people = {}
    plan = [("first", AssignmentRole.REVIEWER), ("letter", AssignmentRole.REVIEWER), ("panel", AssignmentRole.EXPERT),
            ("panel", AssignmentRole.EXPERT), ("panel", AssignmentRole.COORDINATOR), ("notice", AssignmentRole.COORDINATOR),
            ("final", AssignmentRole.REVIEWER), ("acc_panel", AssignmentRole.EXPERT), ("acc_panel", AssignmentRole.EXPERT),
            ("acc_panel", AssignmentRole.COORDINATOR)]  # fmt: skip
    for stage, role in plan:
        user = make_user(organization=authority_org, roles=["reviewer"], with_totp=True)
        StageAssignment.objects.create(user=user, type_code="test_flow", stage=stage, role=role)
        people.setdefault(f"{stage}:{role}", []).append(user)
    return people
