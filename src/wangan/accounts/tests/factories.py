"""Factories for organizations and users (fictitious data only)."""

import factory
import pyotp
from django.utils import timezone

from wangan.accounts.choices import OrgStatus, OrgType
from wangan.accounts.models import Organization, User, UserRole

PASSWORD = "Test-pass-2026"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试单位{n:04d}有限公司")
    type = OrgType.ENTERPRISE
    status = OrgStatus.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.wangan.invalid")
    organization = factory.SubFactory(OrganizationFactory)
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            UserRole.objects.bulk_create([UserRole(user=self, role=r) for r in extracted])

    @factory.post_generation
    def with_totp(self, create, extracted, **kwargs):
        if create and extracted:
            self.totp_secret = pyotp.random_base32()
            self.totp_confirmed_at = timezone.now()
            self.save(update_fields=["totp_secret", "totp_confirmed_at"])


def authority(**kwargs) -> Organization:
    return OrganizationFactory(type=OrgType.AUTHORITY, **kwargs)
