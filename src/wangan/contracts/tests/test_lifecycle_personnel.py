"""Personnel changes (seed 004 第九条(二)): 10 days' notice, the authority's written approval, the team list
changing on the effective date with its history kept — through the services, the page and the API."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wangan.contracts import lifecycle, services
from wangan.contracts.errors import (
    AlreadyDecided,
    NoticeTooShort,
    PersonnelChangeInvalid,
    ReasonRequired,
    SelfApproval,
)
from wangan.contracts.models import Personnel, PersonnelChange
from wangan.contracts.tests.lifecycle_support import api, docx_text, matrix_for, pdf, streamed
from wangan.core.errors import PermissionDenied
from wangan.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(parties):
    return matrix_for(parties)


FILED = date(2026, 5, 6)
NEWCOMER = services.PersonIn(
    name="测试工程师乙", project_role="运维组", title="中级工程师", qualifications="CISP、CISAW"
)


def _file(contract, engineer, *, effective_on=None, joining=NEWCOMER, leaving=True, today=FILED):
    leaver = contract.personnel.get(name="测试工程师") if leaving else None
    return lifecycle.personnel_change_file(actor=engineer, contract=contract, reason="原工程师调岗",
                                           effective_on=effective_on or today + timedelta(days=10),
                                           leaving_id=leaver.pk if leaver else None, joining=joining,
                                           today=today)  # fmt: skip


def test_replacement_approved_then_applied_on_its_effective_date(contract, parties,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    reviewer, engineer = parties
    with django_capture_on_commit_callbacks(execute=True):
        change = _file(contract, engineer)
    assert (
        change.status == "submitted" and change.filed_on == FILED and change.effective_on == date(2026, 5, 16)
    )
    assert (
        Notification.objects.filter(recipient=reviewer, verb="contracts.personnel_change_filed").count() == 1
    )

    change = lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=True, reason="同意",
                                               upload=pdf(), today=date(2026, 5, 8))  # fmt: skip
    assert change.status == "approved" and change.decided_by == reviewer
    assert change.signed_document.original_name == "审批.pdf"
    text = docx_text(_stored_bytes(change.approval_document))
    assert "人员变更审批表" in text and "同意" in text and "测试工程师乙" in text and "10 日" in text
    # before the effective date nothing changes in the team
    assert lifecycle.personnel_changes_apply_due(today=date(2026, 5, 15)) == 0
    assert list(contract.personnel.filter(is_active=True).values_list("name", flat=True)) == ["测试工程师"]

    assert lifecycle.personnel_changes_apply_due(today=date(2026, 5, 16)) == 1
    change.refresh_from_db()
    assert change.status == "effective" and change.applied_on == date(2026, 5, 16)
    leaver = Personnel.objects.get(contract=contract, name="测试工程师")
    assert leaver.is_active is False and leaver.left_on == date(2026, 5, 16)  # history kept
    joined = Personnel.objects.get(contract=contract, name="测试工程师乙")
    assert (
        joined.is_active and joined.joined_on == date(2026, 5, 16) and joined.qualifications == "CISP、CISAW"
    )
    assert change.joined == joined
    # idempotent: a second run finds nothing to apply
    assert lifecycle.personnel_changes_apply_due(today=date(2026, 5, 20)) == 0
    assert Personnel.objects.filter(contract=contract).count() == 2
    actions = list(AuditEvent.objects.filter(object_type="contracts.personnelchange").order_by("seq")
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["contracts.personnel_change_file", "personnelchange.approve", "personnelchange.apply"]


def _stored_bytes(stored) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(stored.storage_name, "rb") as fh:
        return fh.read()


def test_approval_after_the_effective_date_applies_at_once_on_the_approval_day(contract, parties):
    reviewer, engineer = parties
    change = _file(contract, engineer, leaving=False)
    change = lifecycle.personnel_change_decide(
        actor=reviewer, change=change, approve=True, today=date(2026, 5, 20)
    )
    assert change.status == "effective" and change.applied_on == date(2026, 5, 20)
    assert Personnel.objects.get(name="测试工程师乙").joined_on == date(2026, 5, 20)
    assert contract.personnel.filter(is_active=True).count() == 2  # nobody left


def test_rejection_needs_reasons_and_keeps_the_team(contract, parties, django_capture_on_commit_callbacks):
    reviewer, engineer = parties
    change = _file(contract, engineer)
    with pytest.raises(ReasonRequired):
        lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=False, reason=" ")
    change.refresh_from_db()
    assert change.status == "submitted" and change.approval_document is None
    with django_capture_on_commit_callbacks(execute=True):
        change = lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=False,
                                                   reason="新人员资质不足", today=date(2026, 5, 8))  # fmt: skip
    assert change.status == "rejected"
    assert "不同意" in docx_text(_stored_bytes(change.approval_document))
    assert lifecycle.personnel_changes_apply_due(today=date(2026, 6, 1)) == 0
    assert list(contract.personnel.values_list("name", "is_active")) == [("测试工程师", True)]
    note = Notification.objects.get(recipient=engineer, verb="contracts.personnel_change_decided")
    assert contract.number in note.title


@pytest.mark.parametrize("days", [0, 9])
def test_notice_shorter_than_10_calendar_days_is_refused(contract, parties, days):
    with pytest.raises(NoticeTooShort) as err:
        _file(contract, parties[1], effective_on=FILED + timedelta(days=days))
    assert "2026-05-16" in err.value.message  # the earliest date allowed
    assert not PersonnelChange.objects.exists()


def test_bad_requests_are_refused_with_every_reason(contract, parties):
    reviewer, engineer = parties
    with pytest.raises(PersonnelChangeInvalid) as err:
        lifecycle.personnel_change_file(actor=engineer, contract=contract, reason="", effective_on=date(2026, 6, 1),
                                        joining=services.PersonIn(name="测试工程师丙"), today=FILED)  # fmt: skip
    assert len(err.value.details) == 2  # qualifications missing, no reason
    with pytest.raises(PersonnelChangeInvalid):
        lifecycle.personnel_change_file(actor=engineer, contract=contract, reason="x", effective_on=date(2026, 6, 1),
                                        today=FILED)  # fmt: skip
    other = services.contract_create(actor=reviewer, number="HT-OTHER", name="其他合同", contractor=engineer.organization,
                                     amount=100000, signed_on=SIGNED_OTHER,
                                     personnel=[services.PersonIn(name="测试工程师丁")])  # fmt: skip
    foreign = other.personnel.get()
    with pytest.raises(PersonnelChangeInvalid):  # someone of another contract
        lifecycle.personnel_change_file(actor=engineer, contract=contract, reason="x", effective_on=date(2026, 6, 1),
                                        leaving_id=foreign.pk, today=FILED)  # fmt: skip
    assert not PersonnelChange.objects.exists()


SIGNED_OTHER = date(2026, 3, 10)


def test_the_filer_cannot_approve_and_nobody_decides_twice(contract, parties):
    reviewer, engineer = parties
    change = _file(contract, engineer)
    with pytest.raises(PermissionDenied):
        lifecycle.personnel_change_decide(actor=engineer, change=change, approve=True)
    # even a client-side user who filed (e.g. an administrator filing on paper) cannot approve it
    PersonnelChange.objects.filter(pk=change.pk).update(filed_by=reviewer)
    change.refresh_from_db()
    with pytest.raises(SelfApproval):
        lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=True)
    PersonnelChange.objects.filter(pk=change.pk).update(filed_by=engineer)
    change.refresh_from_db()
    lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=False, reason="不同意")
    with pytest.raises(AlreadyDecided):
        lifecycle.personnel_change_decide(actor=reviewer, change=change, approve=True)
    change.refresh_from_db()
    assert change.status == "rejected"
    assert AuditEvent.objects.filter(action__startswith="personnelchange.").count() == 1


def test_a_second_pending_change_for_the_same_person_is_refused(contract, parties):
    engineer = parties[1]
    _file(contract, engineer)
    with pytest.raises(PersonnelChangeInvalid):
        _file(contract, engineer)
    assert PersonnelChange.objects.count() == 1


def test_withdraw(contract, parties):
    reviewer, engineer = parties
    change = _file(contract, engineer)
    with pytest.raises(PermissionDenied):
        lifecycle.personnel_change_withdraw(actor=reviewer, change=change)
    assert lifecycle.personnel_change_withdraw(actor=engineer, change=change).status == "withdrawn"


# --- page ---------------------------------------------------------------------------------------


def test_page_contractor_files_client_approves_and_downloads_the_approval(client, contract, parties,
                                                                          django_assert_max_num_queries):  # fmt: skip
    reviewer, engineer = parties
    url = reverse("contracts:personnel", args=[contract.pk])
    today = timezone.localdate()
    leaver = contract.personnel.get()
    client.force_login(engineer)
    form = {
        "action": "file",
        "leaving": leaver.pk,
        "joining_name": "测试工程师乙",
        "joining_role": "运维组",
        "joining_qualifications": "CISP",
        "reason": "调岗",
        "effective_on": (today + timedelta(days=9)).isoformat(),
    }
    short = client.post(url, form)
    assert short.status_code == 422 and b'data-testid="errors"' in short.content
    assert not PersonnelChange.objects.exists()
    assert client.post(url, dict(form, effective_on="not-a-date")).status_code == 422
    ok = client.post(url, dict(form, effective_on=(today + timedelta(days=10)).isoformat()))
    assert ok.status_code == 302
    change = PersonnelChange.objects.get()
    # the contractor cannot decide
    assert (
        client.post(url, {"action": "decide", "change": change.pk, "decision": "approve"}).status_code == 404
    )

    client.force_login(reviewer)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200 and f'data-testid="decide-form-{change.pk}"'.encode() in page.content
    rejected = client.post(url, {"action": "decide", "change": change.pk, "decision": "reject", "reason": ""})
    assert rejected.status_code == 422
    change.refresh_from_db()
    assert change.status == "submitted"
    assert client.post(url, {"action": "decide", "change": change.pk, "decision": "approve", "reason": "同意",
                             "document": pdf()}).status_code == 302  # fmt: skip
    change.refresh_from_db()
    assert change.status == "approved"
    again = client.post(url, {"action": "decide", "change": change.pk, "decision": "reject", "reason": "x"})
    assert again.status_code == 422

    client.force_login(engineer)  # the contractor reads the authority's written approval
    doc = client.get(reverse("contracts:personnel_document", args=[change.pk, "approval"]))
    assert doc.status_code == 200 and "测试工程师乙" in docx_text(streamed(doc))
    assert client.get(reverse("contracts:personnel_document", args=[change.pk, "signed"])).status_code == 200


def test_page_is_not_found_for_other_organizations(client, contract, matrix):
    client.force_login(matrix["other_org"])
    assert client.get(reverse("contracts:personnel", args=[contract.pk])).status_code == 404
    change = _file(contract, matrix["contractor"])
    assert (
        client.get(reverse("contracts:personnel_document", args=[change.pk, "approval"])).status_code == 404
    )


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("client_reviewer", 403), ("contractor", 201)])  # fmt: skip
def test_api_filing_permission_matrix(contract, matrix, who, expected):
    body = {"leaving": contract.personnel.get().pk, "joining_name": "测试工程师乙", "joining_qualifications": "CISP",
            "reason": "调岗", "effective_on": (timezone.localdate() + timedelta(days=10)).isoformat()}  # fmt: skip
    response = api(matrix[who]).post(
        f"/api/v1/contracts/{contract.pk}/personnel/changes/", body, format="json"
    )
    assert response.status_code == expected, response.content
    assert PersonnelChange.objects.exists() is (expected == 201)


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 200)])  # fmt: skip
def test_api_decision_permission_matrix(contract, matrix, who, expected):
    change = _file(contract, matrix["contractor"], today=timezone.localdate())
    response = api(matrix[who]).post(f"/api/v1/contracts/personnel-changes/{change.pk}/decide/",
                                     {"approve": True, "reason": "同意"}, format="json")  # fmt: skip
    assert response.status_code == expected, response.content
    change.refresh_from_db()
    assert (change.status == "approved") is (expected == 200)
    assert (change.approval_document_id is not None) is (expected == 200)


def test_api_refusals_use_the_error_format(contract, parties):
    reviewer, engineer = parties
    short = api(engineer).post(f"/api/v1/contracts/{contract.pk}/personnel/changes/",
                               {"joining_name": "测试工程师乙", "joining_qualifications": "CISP", "reason": "x",
                                "effective_on": timezone.localdate().isoformat()}, format="json")  # fmt: skip
    assert short.status_code == 422 and short.json()["code"] == "NOTICE_TOO_SHORT"
    change = _file(contract, engineer, today=timezone.localdate())
    url = f"/api/v1/contracts/personnel-changes/{change.pk}/decide/"
    assert api(reviewer).post(url, {"approve": False}, format="json").json()["code"] == "REASON_REQUIRED"
    assert api(reviewer).post(url, {"approve": True}, format="json").status_code == 200
    twice = api(reviewer).post(url, {"approve": False, "reason": "x"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "ALREADY_DECIDED"
    listing = api(engineer).get(f"/api/v1/contracts/{contract.pk}/personnel/").json()
    assert [c["status"] for c in listing["changes"]] == ["approved"]
    assert listing["changes"][0]["approval_document"].endswith(f"/{change.pk}/approval/")
    doc = api(engineer).get(listing["changes"][0]["approval_document"])
    assert doc.status_code == 200 and "人员变更审批表" in docx_text(streamed(doc))
