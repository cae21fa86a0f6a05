"""A park operator files a key-park application with its attachments in Chromium, and the
officials take it through every stage to approval (seed 003 三–四).

The long enterprise list (30+ rows) and indicator table are in a draft saved beforehand through the
service — as if the operator had saved the draft earlier; the browser types the remaining fields,
uploads every required attachment, accepts the commitment and submits.
"""

import pyotp
import pytest
from django.utils import timezone

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from wangan.filings import services
from wangan.filings.models import Application, StageAssignment
from wangan.filings.spec import REGISTRY
from wangan.filings.tests.test_types import park_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(browser_page, live_server, user):
    page = browser_page
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if "/accounts/mfa/" in page.url:
        page.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
        page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")
    return page


def _staff():
    authority = OrganizationFactory(type="authority", name="市级主管部门（测试）")
    county = OrganizationFactory(type="department", name="区县经信部门（测试）")
    people = {}

    def make(name, org, stage, role):
        user = people.get(name) or UserFactory(organization=org, roles=[OrgRole.REVIEWER] if org == authority else
                                               [OrgRole.STAFF], with_totp=org == authority, real_name=name)  # fmt: skip
        people[name] = user
        StageAssignment.objects.create(user=user, type_code="key_park", stage=stage, role=role)
        return user

    make("county", county, "county_review", "reviewer")
    make("county_gov", county, "county_letter", "reviewer")
    for name in ("expert1", "expert2", "expert3"):
        make(name, authority, "expert_review", "expert")
    make("city", authority, "expert_review", "coordinator")
    make("city", authority, "public_notice", "coordinator")
    make("city", authority, "city_approval", "reviewer")
    return people


def test_park_application_from_filing_to_approval(browser_page, live_server, tmp_path):
    park = OrganizationFactory(type="park", name="示例网络安全产业园运营有限公司")
    operator = UserFactory(organization=park, roles=[OrgRole.ORG_ADMIN], real_name="园区申报人")
    staff = _staff()
    values = park_values()
    typed_address = values["basic"].pop("address")
    app = services.application_create(actor=operator, type_code="key_park")
    services.application_save(actor=operator, application=app, values=values)
    spec = REGISTRY.get("key_park")
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)

    page = _login(browser_page, live_server, operator)
    page.goto(f"{live_server.url}/filings/{app.pk}/")
    page.fill("[name='f:basic:address']", typed_address)
    for slot in spec.attachments:
        for _ in range(slot.min_count if slot.required else 0):
            page.set_input_files(f"[data-testid=file-{slot.key}]", str(evidence))
            if slot.needs_document_date or slot.dated_after:
                page.fill(f"[data-testid=date-{slot.key}]", timezone.localdate().replace(day=1).isoformat())
            if slot.needs_validity:
                page.fill(f"[name='valid_until:{slot.key}']", "2030-12-31")
            page.click(f"[data-testid=upload-{slot.key}]")
            page.wait_for_load_state()
    for c in spec.commitments:
        page.check(f"#accept-{c.key}")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=status]")
    app.refresh_from_db()
    assert app.status == "in_review", page.inner_text("main")[:3000]
    assert app.values["basic"]["address"] == typed_address

    page = _login(browser_page, live_server, staff["county"])
    page.goto(f"{live_server.url}/filings/review/")
    page.click(f"text={app.reference}")
    for box in page.query_selector_all("input[name=checklist]"):
        box.check()
    page.fill("[data-testid=opinion]", "材料齐全，符合申报条件，同意推荐。")
    page.click("[data-testid=pass]")
    page.wait_for_selector("[data-testid=status]")

    page = _login(browser_page, live_server, staff["county_gov"])
    page.goto(f"{live_server.url}/filings/{app.pk}/")
    page.set_input_files("[data-testid=letter-file]", str(evidence))
    page.click("[data-testid=letter]")
    page.wait_for_selector("[data-testid=status]")

    for name, score in (("expert1", 88), ("expert2", 91), ("expert3", 85)):
        page = _login(browser_page, live_server, staff[name])
        page.goto(f"{live_server.url}/filings/{app.pk}/")
        page.check("[data-testid=no-conflict]")
        page.fill("[data-testid=score]", str(score))
        page.fill("[data-testid=expert-opinion]", "产业基础较好，同意建设。")
        page.check("#rc")
        page.click("[data-testid=score-submit]")
        page.wait_for_selector("[data-testid=status]")

    page = _login(browser_page, live_server, staff["city"])
    page.goto(f"{live_server.url}/filings/{app.pk}/")
    page.fill("[data-testid=conclusion]", "专家组同意建设，进入公示。")
    page.click("[data-testid=conclude-approve]")
    page.wait_for_selector("[data-testid=status]")
    app.refresh_from_db()
    assert app.stage == "public_notice"
    # the notice period passes without objection
    Application.objects.filter(pk=app.pk).update(notice_ends_at=timezone.now() - timezone.timedelta(minutes=1))
    page.reload()
    page.click("[data-testid=notice-conclude]")
    page.wait_for_selector("[data-testid=status]")
    page.fill("[data-testid=opinion]", "公示无异议，批复同意建设。")
    page.click("[data-testid=pass]")
    page.wait_for_selector("[data-testid=status]")
    app.refresh_from_db()
    assert app.status == "construction", page.inner_text("main")[:2000]
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)
