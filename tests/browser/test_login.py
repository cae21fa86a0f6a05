"""A reviewer signs in with password and TOTP in a real browser and reaches the dashboard."""

import pyotp
import pytest

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_with_totp_reaches_the_dashboard(browser_page, live_server, tmp_path):
    org = OrganizationFactory(type="authority", name="浏览器测试管委会")
    user = UserFactory(organization=org, roles=[OrgRole.REVIEWER], with_totp=True, real_name="测试审核员")
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/mfa/**")
    page.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")
    assert "测试审核员" in page.inner_text("[data-testid=dashboard-title]")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_wrong_code_keeps_the_user_out(browser_page, live_server):
    org = OrganizationFactory(type="authority", name="浏览器测试管委会二")
    user = UserFactory(organization=org, roles=[OrgRole.REVIEWER], with_totp=True)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/mfa/**")
    page.fill("input[name=code]", "000000")
    page.click("main button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
