"""The weights page (seed 004 附件7 第3条): new versions, validation, history; closed months keep theirs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.contracts import lifecycle, services
from wangan.contracts.errors import SchemeInvalid
from wangan.contracts.selectors import score_sheet
from wangan.contracts.tests.factories import full_marks
from wangan.contracts.tests.lifecycle_support import api, matrix_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix(parties):
    return matrix_for(parties)


def _form(contract, **changes):
    """Every row as the page posts it, with ``changes`` ({"weight__inspection": "15"}) applied."""
    data = {"reason": "年度调整"}
    for w in services.scheme_current(contract).weights.select_related("item"):
        for f in lifecycle.WEIGHT_FIELDS:
            data[f"{f}__{w.item.code}"] = f"{getattr(w, f).normalize():f}"
    return data | changes


def test_closed_month_keeps_its_weights_and_score_after_a_new_version(contract, parties):
    reviewer = parties[0]
    march = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    entries = [e if e.item_id != contract.items.get(code="inspection").pk else services.ScoreIn(e.item_id, 0, 5, 3)
               for e in full_marks(contract, march)]  # fmt: skip
    services.month_score(actor=reviewer, sheet=march, entries=entries)
    march = services.month_close(actor=reviewer, sheet=march)
    before = march.total
    april = services.month_open(actor=reviewer, contract=contract, year=2026, month=4)
    v2 = lifecycle.weights_edit(actor=reviewer, contract=contract, reason="巡检加权", rows={
        "inspection": {"weight": "15"}, "website_monitoring": {"weight": "5"}})  # fmt: skip
    assert v2.version == 2
    march.refresh_from_db()
    april.refresh_from_db()
    assert march.scheme.version == 1 and march.total == before == Decimal("96.67")  # 58 / 60
    assert april.scheme == v2
    sheet = score_sheet(sheet=march)
    assert next(r for r in sheet.rows if r.name == "安全巡检").full == 10  # still the old weight
    # reopening and re-closing the old month still uses its own version
    march = services.month_reopen(actor=reviewer, sheet=march, reason="复核")
    march = services.month_close(actor=reviewer, sheet=march)
    assert march.scheme.version == 1 and march.total == before
    history = lifecycle.scheme_history(contract=contract)
    assert [h.scheme.version for h in history] == [2, 1]
    assert history[1].months == ["2026-03"] and history[0].months == ["2026-04*"]
    assert history[0].total == 100


def test_only_changed_values_are_published_and_the_seed_90_percent_row_may_carry_over(contract, parties):
    reviewer = parties[0]
    # the 附件7 2) row (30/40/20 = 90 %) is untouched: a weight change elsewhere is fine
    v2 = lifecycle.weights_edit(actor=reviewer, contract=contract, reason="x",
                                rows={"inspection": {"weight": "5", "pct_timeliness": "20"},
                                      "vulnerability_check": {"weight": "10", "pct_docs": "20"}})  # fmt: skip
    vc = v2.weights.get(item__code="vulnerability_check")
    assert (vc.weight, vc.pct_timeliness + vc.pct_quality + vc.pct_docs) == (10, 90)
    with pytest.raises(SchemeInvalid) as err:  # its percentages changed: now they must add up to 100
        lifecycle.weights_edit(actor=reviewer, contract=contract, reason="x",
                               rows={"vulnerability_check": {"pct_docs": "25"}})  # fmt: skip
    assert "100" in err.value.message
    lifecycle.weights_edit(actor=reviewer, contract=contract, reason="修正", rows={
        "vulnerability_check": {"pct_docs": "30"}})  # fmt: skip
    assert contract.schemes.count() == 3


@pytest.mark.parametrize("rows", [
    {"inspection": {"weight": "101"}},  # above 100 (and the sum is off)
    {"inspection": {"weight": "-5"}, "website_monitoring": {"weight": "25"}},  # negative though the sum is 100
    {"inspection": {"pct_quality": "60"}},  # percentages 20 + 60 + 30
    {"inspection": {"weight": "abc"}},
    {"inspection": {"weight": "NaN"}},
    {"no_such_item": {"weight": "1"}},
    {"inspection": {"weight": "10"}},  # nothing changed
])  # fmt: skip
def test_bad_weights_are_refused_and_nothing_changes(contract, parties, rows):
    with pytest.raises(SchemeInvalid) as err:
        lifecycle.weights_edit(actor=parties[0], contract=contract, rows=rows, reason="x")
    assert err.value.details
    assert contract.schemes.count() == 1


def test_the_contractor_cannot_change_weights(contract, parties):
    from wangan.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        lifecycle.weights_edit(
            actor=parties[1], contract=contract, rows={"inspection": {"weight": "15"}}, reason="x"
        )
    assert contract.schemes.count() == 1


def test_page_edits_and_shows_the_history(client, contract, parties, django_assert_max_num_queries):
    reviewer, engineer = parties
    url = reverse("contracts:weights", args=[contract.pk])
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and b'data-testid="weight__inspection"' in page.content
    assert b'data-testid="sum__vulnerability_check">90<' in page.content  # 附件7 2) as printed
    bad = client.post(url, _form(contract, **{"weight__inspection": "150"}))
    assert bad.status_code == 422 and b'data-testid="errors"' in bad.content and b'value="150"' in bad.content
    no_reason = client.post(url, _form(contract, **{"weight__inspection": "15", "weight__website_monitoring": "5",
                                                    "reason": ""}))  # fmt: skip
    assert no_reason.status_code == 422 and contract.schemes.count() == 1
    ok = client.post(url, _form(contract, **{"weight__inspection": "15", "weight__website_monitoring": "5"}))
    assert ok.status_code == 302
    v2 = services.scheme_current(contract)
    assert v2.version == 2 and v2.weights.get(item__code="inspection").weight == 15
    assert v2.weights.get(item__code="hardening").weight == 5  # untouched rows carry over
    for _ in range(3):  # more versions do not make the page heavier
        current = services.scheme_current(contract).weights.get(item__code="inspection").weight
        services.scheme_publish(actor=reviewer, contract=contract, reason="x", weights={
            "inspection": {"weight": current - 1}, "hardening": {"weight": 5 + (15 - current + 1)}})  # fmt: skip
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert b'data-testid="version-5"' in page.content

    client.force_login(engineer)  # the contractor sees the versions but has no form
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="version-1"' in page.content
    assert b'name="weight__inspection"' not in page.content
    assert client.post(url, _form(contract, **{"weight__inspection": "1"})).status_code == 404
    assert contract.schemes.count() == 5


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 201)])  # fmt: skip
def test_api_weights_permission_matrix(contract, matrix, who, expected):
    body = {"reason": "修正", "items": {"vulnerability_check": {"pct_timeliness": "40"}}}
    response = api(matrix[who]).post(f"/api/v1/contracts/{contract.pk}/weights/", body, format="json")
    assert response.status_code == expected, response.content
    assert contract.schemes.count() == (2 if expected == 201 else 1)
    if expected == 201:
        assert [v["version"] for v in response.json()["versions"]] == [2, 1]


def test_api_refuses_inconsistent_weights_with_reasons(contract, parties):
    body = {"reason": "x", "items": {"inspection": {"weight": "20", "pct_quality": "60"}}}
    response = api(parties[0]).post(f"/api/v1/contracts/{contract.pk}/weights/", body, format="json")
    assert response.status_code == 422 and response.json()["code"] == "SCHEME_INVALID"
    assert len(response.json()["details"]) == 2
    assert (
        api(parties[1]).get(f"/api/v1/contracts/{contract.pk}/weights/").json()["versions"][0]["total"]
        == "100.000"
    )
