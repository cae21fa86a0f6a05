"""Voucher pages: each party sees its own, acts through the same services; the authority exports."""

import pytest
from django.urls import reverse

from wangan.vouchers import services
from wangan.vouchers.models import Voucher
from wangan.vouchers.tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def test_enterprise_applies_and_gets_its_code(client, enterprise, provider):
    org, admin = enterprise
    client.force_login(admin)
    page = client.get(reverse("vouchers:home"))
    assert page.status_code == 200 and b'data-testid="eligible"' in page.content
    response = client.post(reverse("vouchers:home"), {"action": "apply", "accept": "1"})
    v = Voucher.objects.get(enterprise=org)
    assert response["Location"] == reverse("vouchers:detail", args=[v.pk])
    detail = client.get(response["Location"]).content.decode()
    assert v.code in detail and provider[2].title in detail


def test_ineligible_enterprise_sees_reasons(client, programme):
    org, admin = make_enterprise(eligible=False)
    client.force_login(admin)
    page = client.get(reverse("vouchers:home"))
    assert b'data-testid="reasons"' in page.content
    client.post(reverse("vouchers:home"), {"action": "apply", "accept": "1"})
    assert not Voucher.objects.exists()


def test_other_parties_cannot_reach_a_voucher(client, enterprise, provider, programme):
    org, admin = enterprise
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    _other_org, other = make_enterprise()
    client.force_login(other)
    assert client.get(reverse("vouchers:detail", args=[v.pk])).status_code == 404
    assert client.post(reverse("vouchers:act", args=[v.pk, "choose"]), {"package": provider[2].pk}).status_code == 404
    client.force_login(provider[1])  # not chosen yet: the provider does not see it either
    assert client.get(reverse("vouchers:detail", args=[v.pk])).status_code == 404
    v.refresh_from_db()
    assert v.status == "issued"


def test_public_packages_page_needs_no_login(client, provider):
    page = client.get(reverse("vouchers:packages"))
    assert page.status_code == 200 and provider[2].service_standards in page.content.decode()


def test_authority_dashboard_and_export(client, authority_staff, enterprise, provider):
    services.voucher_apply(actor=enterprise[1], accept_commitment=True)
    client.force_login(authority_staff)
    page = client.get(reverse("vouchers:home"))
    assert page.status_code == 200 and b'data-chart="funnel"' in page.content
    xlsx = client.get(reverse("vouchers:export"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(enterprise[1])
    assert client.get(reverse("vouchers:export")).status_code == 404
