"""Usage figures per application, zone, day and operation, for the monthly scoring."""

from __future__ import annotations

from datetime import date

import pytest

from wangan.core.errors import ValidationFailed
from wangan.cryptosvc import selectors, services
from wangan.cryptosvc.choices import Operation

pytestmark = pytest.mark.django_db


def test_monthly_usage_per_application_and_zone(registered, security_admin, app_org, extranet, make_user):
    app, _secret = registered
    other, _ = services.application_register(actor=security_admin, organization=app_org, zone=extranet, name="用户中心",
                                             with_keys=False)  # fmt: skip
    services.usage_consume(application=app, operation=Operation.SIGN, items=3, nbytes=300, day=date(2026, 10, 31))
    services.usage_consume(application=app, operation=Operation.SIGN, items=2, nbytes=20, day=date(2026, 11, 1))
    services.usage_consume(application=app, operation=Operation.ENCRYPT, items=1, nbytes=5, day=date(2026, 11, 2))
    services.usage_consume(application=other, operation=Operation.DECRYPT, items=4, nbytes=40, day=date(2026, 11, 30))
    rows = {r["application"]: r for r in selectors.usage_monthly_for(user=security_admin, month="2026-11")}
    assert rows["电商系统"]["operations"] == {"encrypt": {"count": 1, "bytes": 5}, "sign": {"count": 2, "bytes": 20}}
    assert rows["电商系统"]["zone"] == "internet" and rows["电商系统"]["total_count"] == 3
    assert rows["用户中心"]["zone"] == "extranet" and rows["用户中心"]["total_bytes"] == 40
    totals = selectors.usage_zone_totals_for(user=security_admin, month="2026-11")
    assert {(t["zone__code"], t["operation"]): t["count"] for t in totals} == {
        ("extranet", "decrypt"): 4, ("internet", "encrypt"): 1, ("internet", "sign"): 2}
    assert selectors.usage_monthly_for(user=make_user(), month="2026-11") == []
    with pytest.raises(ValidationFailed):
        selectors.usage_monthly_for(user=security_admin, month="2026-13")


def test_quota_counts_per_day(registered, security_admin):
    app, _secret = registered
    app = services.application_update(actor=security_admin, application=app, daily_quota=2)
    services.usage_consume(application=app, operation=Operation.SIGN, items=2, day=date(2026, 11, 1))
    services.usage_consume(application=app, operation=Operation.SIGN, items=2, day=date(2026, 11, 2))
