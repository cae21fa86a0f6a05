"""A voucher walks from application to rating in Chromium, each party in its own session (seed 000 §五)."""

import pytest

from wangan.vouchers.models import Voucher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, live_server, user):
    from wangan.accounts.tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")


def test_voucher_from_application_to_rating(browser_page, live_server, tmp_path):
    from datetime import date

    from django.utils import timezone

    from wangan.vouchers.models import Programme
    from wangan.vouchers.tests.conftest import make_enterprise, make_provider

    year = timezone.localdate().year
    programme = Programme.objects.create(year=year, name=str(year), opens_on=date(year, 1, 1), closes_on=date(year, 12, 31))
    _org, enterprise = make_enterprise()
    _porg, provider, package = make_provider(programme)
    manual = tmp_path / "manual.pdf"
    manual.write_bytes(PDF)
    page = browser_page

    _login(page, live_server, enterprise)
    page.goto(f"{live_server.url}/vouchers/")
    page.check("[data-testid=accept]")
    page.click("[data-testid=apply]")
    page.wait_for_selector("[data-testid=code]")
    code = page.inner_text("[data-testid=code]")
    assert code.startswith("CTP")
    page.check(f"#pk{package.pk}")
    page.click("[data-testid=choose]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=status]")
    voucher_url = page.url

    _login(page, live_server, provider)
    page.goto(voucher_url)
    page.click("[data-testid=confirm]")
    page.click("[data-testid=sign]")
    page.wait_for_selector("[data-testid=status]")

    _login(page, live_server, enterprise)
    page.goto(voucher_url)
    page.click("[data-testid=sign]")
    page.wait_for_selector("[data-testid=status]")
    assert Voucher.objects.get(code=code).status == "signed"

    _login(page, live_server, provider)
    page.goto(voucher_url)
    page.set_input_files("[data-testid=manual-file]", str(manual))
    page.click("[data-testid=send-manual]")

    _login(page, live_server, enterprise)
    page.goto(voucher_url)
    page.click("[data-testid=onsite]")

    _login(page, live_server, provider)
    page.goto(voucher_url)
    page.click("[data-testid=onsite-done]")
    page.fill("[data-testid=report-text]", "五个模块已全部部署，终端体检通过。")
    page.click("[data-testid=report]")

    _login(page, live_server, enterprise)
    page.goto(voucher_url)
    page.check("#r5")
    page.fill("textarea[name=comment]", "部署及时，服务专业。")
    page.click("[data-testid=rate]")
    page.wait_for_selector("[data-testid=status]")
    v = Voucher.objects.get(code=code)
    assert v.status == "completed" and v.rating == 5 and v.onsite_done_at is not None
    page.screenshot(path=str(tmp_path / "voucher.png"), full_page=True)
