"""The authority's reviewer scores a month of an O&M contract in Chromium (seed 004 附件7): a score above
an item's maximum is refused with the reason, the month is closed, and the contract page shows its
total and grade."""

import pyotp
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login_with_totp(page, live_server, user):
    from wangan.accounts.tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/mfa/**")
    page.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")


def test_reviewer_scores_and_closes_a_month(browser_page, live_server, tmp_path):
    from wangan.contracts import services
    from wangan.contracts.models import ScoreEntry
    from wangan.contracts.tests.factories import make_contract, make_parties

    reviewer, engineer = make_parties()
    contract = make_contract(reviewer, engineer)  # signed 2026-03-03: March is service month 1
    sheet_weights = {w.item_id: w for w in contract.schemes.get().weights.select_related("item")}
    scheduled = sorted(services.scheduled_item_ids(contract, 2026, 3))
    inspection = contract.items.get(code="inspection").pk
    page = browser_page

    _login_with_totp(page, live_server, reviewer)
    page.goto(f"{live_server.url}/contracts/")
    page.click("[data-testid=contract-link]")
    page.click("[data-testid=month-link-2026-3]")
    page.wait_for_selector("[data-testid=save]")

    def fill(overrides):
        for item_id in scheduled:
            w = sheet_weights[item_id]
            values = {"t": w.max_timeliness, "q": w.max_quality, "d": w.max_docs} | overrides.get(item_id, {})
            for key, value in values.items():
                page.fill(f"[data-testid={key}_{item_id}]", f"{value.normalize():f}" if hasattr(value, "normalize")
                          else str(value))  # fmt: skip

    # 安全巡检 is worth 10 points, 20 % for timeliness: 7 is above its maximum of 2
    fill({inspection: {"t": "7"}})
    page.click("[data-testid=save]")
    errors = page.wait_for_selector("[data-testid=errors]").inner_text()
    assert "安全巡检" in errors and "7" in errors
    assert not ScoreEntry.objects.exists()
    assert page.input_value(f"[data-testid=t_{inspection}]") == "7"  # kept for correcting

    fill({inspection: {"t": "2", "q": "4"}})  # one point off quality: 59 of 60 → 98.33
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=total]")
    assert page.inner_text("[data-testid=total]") == "98.33"
    page.click("[data-testid=close]")
    page.wait_for_selector("[data-testid=reopen]")
    assert contract.months.get(year=2026, month=3).status == "closed"

    page.click("[data-testid=tab-overview]")
    row = page.wait_for_selector("[data-testid=month-2026-3]")
    assert row.query_selector("[data-testid=month-total]").inner_text() == "98.33"
    assert row.query_selector("[data-testid=month-grade]").get_attribute("data-grade") == "excellent"
    assert row.query_selector("[data-testid=month-grade]").inner_text() == "优秀"
    assert page.inner_text("[data-testid=year-score]") == "98.33"
    page.screenshot(path=str(tmp_path / "contract.png"), full_page=True)
