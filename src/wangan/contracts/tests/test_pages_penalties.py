"""The penalties page: rows with formula and evidence, decisions with reasons (authority only), the
scan on demand, the manual raise of a 附件5/附件6 row, and the totals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts import services
from wangan.contracts.models import PenaltySuggestion
from wangan.contracts.tests.factories import full_marks
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOW = ("inspection", "website_monitoring", "antivirus_update", "data_backup", "sign_verify")  # March: 41.67


def _close_low(contract, reviewer, month=3):
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=month)
    zero = set(contract.items.filter(code__in=LOW).values_list("pk", flat=True))
    entries = [services.ScoreIn(e.item_id, *(Decimal(0),) * 3) if e.item_id in zero else e
               for e in full_marks(contract, sheet)]  # fmt: skip
    services.month_score(actor=reviewer, sheet=sheet, entries=entries)
    return services.month_close(actor=reviewer, sheet=sheet)


def test_page_lists_the_12_major_and_11_general_rows_with_amounts(client, contract, parties):
    client.force_login(parties[0])
    body = client.get(reverse("contracts:penalties", args=[contract.pk])).content.decode()
    major = body.split('data-testid="major-rows"')[1].split("</table>")[0]
    general = body.split('data-testid="general-rows"')[1].split("</table>")[0]
    assert major.count("<tr>") == 12 and general.count("<tr>") == 11
    assert "连续 3 个月考核得分低于 60 分的" in major and "¥17,196.00" in major  # M12: 10 % of 171,960
    assert "月考核得分低于 60 分的" in general and "¥6,878.40" in general  # G11: 4 %
    assert 'data-testid="base">¥171,960.00' in body


def test_a_suggested_row_shows_its_formula_and_is_decided_with_reasons(client, contract, parties):
    reviewer, engineer = parties
    _close_low(contract, reviewer)
    row = PenaltySuggestion.objects.get(contract=contract, code="G11")
    url = reverse("contracts:penalties", args=[contract.pk])
    client.force_login(engineer)  # the contractor sees the row but may not decide
    body = client.get(url).content.decode()
    assert "171,960.00 × 4% = 6,878.40" in body and "2026-03 月考核得分 41.67" in body
    assert f'data-testid="confirm-{row.pk}"' not in body
    refused = client.post(url, {"action": "confirm", "penalty": row.pk, "reason": "同意"})
    assert refused.status_code == 403
    row.refresh_from_db()
    assert row.status == "suggested"

    client.force_login(reviewer)
    no_reason = client.post(url, {"action": "confirm", "penalty": row.pk, "reason": ""})
    assert no_reason.status_code == 422 and 'data-testid="errors"' in no_reason.content.decode()
    row.refresh_from_db()
    assert row.status == "suggested"
    assert (
        client.post(url, {"action": "confirm", "penalty": row.pk, "reason": "3 月得分不足 60 分"}).status_code
        == 302
    )
    row.refresh_from_db()
    assert (row.status, row.decision_reason, row.decided_by) == ("confirmed", "3 月得分不足 60 分", reviewer)
    body = client.get(url).content.decode()
    assert 'data-testid="total-confirmed">¥6,878.40' in body and 'data-testid="total-suggested">¥0.00' in body
    again = client.post(url, {"action": "dismiss", "penalty": row.pk, "reason": "改判"})
    assert again.status_code == 409
    row.refresh_from_db()
    assert row.status == "confirmed"
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert 'data-testid="confirmed-total">¥6,878.40' in detail


def test_a_penalty_of_another_contract_cannot_be_decided_here(client, contract, parties):
    from wangan.contracts.tests.factories import make_contract

    reviewer = parties[0]
    other = make_contract(*parties, number="HT-OTHER", schedule=False)
    row = services.penalty_raise(actor=reviewer, contract=other, code="G9", evidence="现场无人值守 1.5 小时")
    client.force_login(reviewer)
    response = client.post(reverse("contracts:penalties", args=[contract.pk]),
                           {"action": "confirm", "penalty": row.pk, "reason": "x"})  # fmt: skip
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.status == "suggested"


def test_the_scan_button_suggests_what_the_data_shows(client, contract, parties):
    reviewer, engineer = parties
    _close_low(contract, reviewer)
    PenaltySuggestion.objects.filter(contract=contract).delete()
    url = reverse("contracts:penalties", args=[contract.pk])
    client.force_login(engineer)
    assert client.post(url, {"action": "scan"}).status_code == 403
    assert not PenaltySuggestion.objects.filter(contract=contract).exists()
    client.force_login(reviewer)
    assert client.post(url, {"action": "scan"}).status_code == 302
    assert list(PenaltySuggestion.objects.filter(contract=contract).values_list("code", flat=True)) == ["G11"]
    assert AuditEvent.objects.filter(action="contracts.penalty_scan", actor_id=reviewer.pk).exists()
    client.post(url, {"action": "scan"})  # idempotent
    assert PenaltySuggestion.objects.filter(contract=contract).count() == 1


def test_the_authority_raises_a_catalogue_row_with_evidence(client, contract, parties):
    reviewer, engineer = parties
    url = reverse("contracts:penalties", args=[contract.pk])
    client.force_login(reviewer)
    for bad in (
        {"action": "raise", "code": "G9", "evidence": " "},
        {"action": "raise", "code": "G99", "evidence": "x"},
    ):
        response = client.post(url, bad)
        assert response.status_code == 422 and 'data-testid="errors"' in response.content.decode()
    assert not PenaltySuggestion.objects.exists()
    assert (
        client.post(
            url, {"action": "raise", "code": "G9", "evidence": "5 月 3 日现场无人值守 1.5 小时"}
        ).status_code
        == 302
    )
    row = PenaltySuggestion.objects.get()
    assert (row.code, row.percent, row.amount, row.is_system, row.status) == ("G9", Decimal(3), Decimal("5158.80"),
                                                                               False, "suggested")  # fmt: skip
    client.force_login(engineer)
    client.post(url, {"action": "raise", "code": "M2", "evidence": "x"})
    assert PenaltySuggestion.objects.count() == 1


def test_others_get_404_and_the_page_queries_stay_flat(
    client, contract, parties, django_assert_max_num_queries
):
    reviewer = parties[0]
    client.force_login(UserFactory(roles=[OrgRole.REVIEWER], with_totp=True))
    url = reverse("contracts:penalties", args=[contract.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "raise", "code": "G9", "evidence": "x"}).status_code == 404
    assert not PenaltySuggestion.objects.exists()
    client.force_login(reviewer)
    services.penalty_raise(actor=reviewer, contract=contract, code="G1", evidence="可用性 99.5%")
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for code in ("G2", "G3", "M1", "M4"):
        row = services.penalty_raise(actor=reviewer, contract=contract, code=code, evidence="测试")
        services.penalty_decide(actor=reviewer, suggestion=row, confirm=code != "G2", reason="测试")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
