"""A programme year, an eligible enterprise, an approved provider with a published package."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from wangan.accounts.choices import OrgRole, OrgType
from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
from wangan.filings.models import Application, Qualification
from wangan.vouchers import services
from wangan.vouchers.models import (
    CreditCheck,
    EnterpriseProfile,
    EnterpriseQualification,
    ParkArea,
    Programme,
)


@pytest.fixture
def programme(db):
    year = timezone.localdate().year
    return Programme.objects.create(year=year, name=f"{year}", opens_on=date(year, 1, 1), closes_on=date(year, 12, 31))


@pytest.fixture
def authority_staff(authority_org):
    return UserFactory(organization=authority_org, roles=[OrgRole.REVIEWER], with_totp=True)


def make_enterprise(eligible: bool = True):
    org = OrganizationFactory(type=OrgType.ENTERPRISE)
    admin = UserFactory(organization=org, roles=[OrgRole.ORG_ADMIN])
    if eligible:
        EnterpriseProfile.objects.create(organization=org, park_area=ParkArea.objects.get_or_create(name="华苑科技园")[0],
                                         is_independent_legal_person=True, innovation_score=50)  # fmt: skip
        for source in ("gsxt", "creditchina"):
            CreditCheck.objects.create(organization=org, source=source, checked_on=timezone.localdate(), result="clean")
        EnterpriseQualification.objects.create(organization=org, kind="hnte", number="GR202600000001",
                                               valid_from=timezone.localdate() - timedelta(days=100),
                                               valid_until=timezone.localdate() + timedelta(days=500))  # fmt: skip
    return org, admin


def make_provider(programme, *, approved: bool = True, publish: bool = True):
    org = OrganizationFactory(type=OrgType.PROVIDER)
    admin = UserFactory(organization=org, roles=[OrgRole.ORG_ADMIN])
    if approved:
        app = Application.objects.create(type_code="provider_filing", reference=f"PF{org.pk:08d}", organization=org,
                                         created_by=admin, year=programme.year, status="approved")  # fmt: skip
        Qualification.objects.create(organization=org, kind="voucher_provider", application=app,
                                     granted_at=timezone.now())  # fmt: skip
    package = services.package_save(actor=admin, title=f"{org.name} 安全云服务包", service_standards="7×24 小时响应",
                                    service_procedures="签约→部署→验收", contact="400-000-0000")  # fmt: skip
    if publish and approved:
        package = services.package_publish(actor=admin, package=package)
    return org, admin, package


@pytest.fixture
def enterprise(programme):
    return make_enterprise()


@pytest.fixture
def provider(programme):
    return make_provider(programme)
