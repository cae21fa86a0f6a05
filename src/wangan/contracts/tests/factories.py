"""Contract fixtures: an authority reviewer, a provider engineer and a seed-004-like contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wangan.accounts.choices import OrgRole, OrgType
from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
from wangan.contracts import services


def make_parties():
    client_org = OrganizationFactory(type=OrgType.AUTHORITY)
    contractor_org = OrganizationFactory(type=OrgType.PROVIDER)
    reviewer = UserFactory(organization=client_org, roles=[OrgRole.REVIEWER], with_totp=True)
    engineer = UserFactory(organization=contractor_org, roles=[OrgRole.ENGINEER])
    return reviewer, engineer


def make_contract(reviewer, engineer, *, number: str = "HT-2026-004", signed_on: date = date(2026, 3, 3),
                  amount: Decimal = Decimal("1719600"), schedule: bool = True, **kwargs):  # fmt: skip
    contract = services.contract_create(
        actor=reviewer, number=number, name="测试平台安全运维服务", contractor=engineer.organization,
        amount=amount, signed_on=signed_on, client_lead="测试甲", contractor_lead="测试乙",
        personnel=[services.PersonIn(name="测试工程师", project_role="运维组", qualifications="CISP")], **kwargs,
    )  # fmt: skip
    if schedule:
        services.schedule_generate(actor=reviewer, contract=contract)
    return contract


def full_marks(contract, sheet):
    """ScoreIn rows giving every scheduled item its maximum."""
    weights = {w.item_id: w for w in sheet.scheme.weights.all()}
    return [services.ScoreIn(i, weights[i].max_timeliness, weights[i].max_quality, weights[i].max_docs)
            for i in services.scheduled_item_ids(contract, sheet.year, sheet.month)]  # fmt: skip
