"""API and pages: permission matrix (nothing changes on denial), scoring through the form, exports."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts.models import ScoreEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(contract, parties):
    reviewer, engineer = parties
    return {
        "anonymous": None,
        "other_org": UserFactory(roles=[OrgRole.REVIEWER]),
        "client_without_role": UserFactory(organization=reviewer.organization, roles=[OrgRole.STAFF]),
        "contractor": engineer,
        "client_reviewer": reviewer,
    }


def _api(user):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_contract_detail_shows_the_upper_case_amount(contract, parties):
    body = _api(parties[1]).get(f"/api/v1/contracts/{contract.pk}/").json()
    assert body["amount_upper"] == "人民币壹佰柒拾壹万玖仟陆佰元整"
    assert [m["amount"] for m in body["milestones"]] == ["1203720.00", "515880.00"]


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 200)])  # fmt: skip
def test_scoring_permission_matrix(matrix, contract, who, expected):
    item = contract.items.get(code="inspection").pk
    response = _api(matrix[who]).post(f"/api/v1/contracts/{contract.pk}/months/2026/3/",
                                      {"entries": [{"item": item, "timeliness": "2", "quality": "5", "docs": "3"}]},
                                      format="json")  # fmt: skip
    assert response.status_code == expected, response.content
    assert ScoreEntry.objects.exists() is (expected == 200)


def test_api_refuses_bad_scores_with_reasons(contract, parties):
    item = contract.items.get(code="penetration_test").pk
    response = _api(parties[0]).post(f"/api/v1/contracts/{contract.pk}/months/2026/3/",
                                     {"entries": [{"item": item, "timeliness": "9", "quality": "0", "docs": "0"}]},
                                     format="json")  # fmt: skip
    assert response.status_code == 422 and response.json()["code"] == "SCORE_INVALID"
    assert not ScoreEntry.objects.exists()


def test_scoring_form_saves_closes_and_exports(client, contract, parties):
    reviewer = parties[0]
    client.force_login(reviewer)
    url = reverse("contracts:month", args=[contract.pk, 2026, 3])
    page = client.get(url)
    assert page.status_code == 200 and "脆弱性检查" in page.content.decode()
    from wangan.contracts.services import scheduled_item_ids

    weights = {w.item_id: w for w in contract.schemes.get().weights.all()}
    form = {"action": "save"}
    for i in scheduled_item_ids(contract, 2026, 3):
        form |= {f"t_{i}": weights[i].max_timeliness, f"q_{i}": weights[i].max_quality, f"d_{i}": weights[i].max_docs}
    bad = dict(form, **{f"t_{contract.items.get(code='inspection').pk}": "7"})
    response = client.post(url, bad)
    assert response.status_code == 422 and b'data-testid="errors"' in response.content
    assert not ScoreEntry.objects.exists()
    assert client.post(url, form).status_code == 302
    assert client.post(url, {"action": "close"}).status_code == 302
    sheet = contract.months.get()
    assert sheet.status == "closed" and sheet.total == 100
    xlsx = client.get(reverse("contracts:month_export", args=[sheet.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "人民币壹佰柒拾壹万玖仟陆佰元整" in detail


def test_other_parties_cannot_reach_the_pages(client, contract, parties):
    client.force_login(UserFactory(roles=[OrgRole.REVIEWER], with_totp=True))
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert client.post(reverse("contracts:month", args=[contract.pk, 2026, 3]), {"action": "close"}).status_code == 404
    client.force_login(parties[1])  # the contractor sees the contract but not the scoring form
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
    assert client.get(reverse("contracts:month", args=[contract.pk, 2026, 3])).status_code == 404
    assert not contract.months.exists()
