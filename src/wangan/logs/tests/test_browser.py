"""In Chromium: upload a log, watch the analysis finish, see the charts, the alerts and the chain timeline."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("WANGAN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="no Chromium installed (apt-get install chromium) — browser test skipped"),
]  # fmt: skip


@pytest.fixture
def page(live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])  # fmt: skip
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        context.close()
        browser.close()


def test_upload_progress_results_and_timeline(page, live_server, engineer, source, tmp_path):
    from wangan.accounts.tests.factories import PASSWORD
    from wangan.logs.tests.conftest import run_jobs
    from wangan.logs.tests.factories import AUTH_LOG

    log = tmp_path / "auth.log"
    log.write_text(AUTH_LOG, encoding="utf-8")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", engineer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")

    page.goto(f"{live_server.url}/logs/sources/{source.pk}/")
    page.set_input_files("input[name=file]", str(log))
    page.click("form:has(input[name=file]) button[type=submit]")
    page.wait_for_selector("[data-testid=progress] .progress")  # queued: the progress partial polls
    run_jobs()
    page.wait_for_selector("[data-testid=alerts]")  # HX-Refresh reloads the finished batch
    assert "Wangan logscan team" in page.inner_text("[data-testid=alerts]")
    page.screenshot(path=str(tmp_path / "batch.png"), full_page=True)

    page.goto(f"{live_server.url}/logs/?since=2026-01-01&until=2026-12-31")
    page.wait_for_selector("[data-chart=logs-events-per-day] canvas")
    page.wait_for_selector("[data-chart=logs-alert-levels] canvas")
    assert page.inner_text("[data-testid=review-unauthorized]") == "7"
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    page.click("[data-testid=chains] a")
    page.wait_for_selector("[data-testid=timeline] li")
    assert page.locator("[data-testid=timeline] li").count() >= 4
    page.screenshot(path=str(tmp_path / "chain.png"), full_page=True)
    if os.environ.get("WANGAN_KEEP_SCREENSHOTS"):
        for name in ("batch.png", "overview.png", "chain.png"):
            shutil.copy(tmp_path / name, os.path.join(os.environ["WANGAN_KEEP_SCREENSHOTS"], name))
