"""A voucher from application to rating, and every refusal of seed 000 on the way."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wangan.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from wangan.core.models import AuditEvent, Deadline
from wangan.vouchers import services
from wangan.vouchers.models import Voucher
from wangan.vouchers.tests.conftest import make_enterprise, make_provider

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed(enterprise, provider):
    org, admin = enterprise
    porg, padmin, package = provider
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    services.voucher_confirm(actor=admin, voucher=v)
    v = services.voucher_confirm(actor=padmin, voucher=v)
    services.voucher_sign(actor=admin, voucher=v)
    return services.voucher_sign(actor=padmin, voucher=v)


def test_full_lifecycle_to_rating(enterprise, provider):
    org, admin = enterprise
    porg, padmin, package = provider
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    assert v.code.startswith("CTP") and len(v.code.replace("-", "")) >= 20 and v.status == "issued"
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    assert v.status == "matching" and v.provider_id == porg.pk
    v = services.voucher_confirm(actor=admin, voucher=v)
    assert v.status == "matching"
    v = services.voucher_confirm(actor=padmin, voucher=v)
    assert v.status == "agreement" and v.agreement.sm3
    assert services.agreement_bytes(v.agreement)[:2] == b"PK"
    v = services.voucher_sign(actor=admin, voucher=v)
    assert v.status == "agreement" and v.holder == "enterprise"
    v = services.voucher_sign(actor=padmin, voucher=v)
    assert v.status == "signed" and v.holder == "provider" and v.service_ends_on
    assert all(services.agreement_verify(v.agreement)["signatures"].values())
    v = services.voucher_send_manual(actor=padmin, voucher=v, upload=SimpleUploadedFile("manual.pdf", PDF))
    v = services.voucher_request_onsite(actor=admin, voucher=v)
    clock = Deadline.objects.get(object_id=str(v.pk), kind="onsite_installation")
    assert clock.unit == "working_days" and clock.amount == 5
    with pytest.raises(InvalidTransition):  # report before the requested visit is recorded
        services.voucher_report(actor=padmin, voucher=v, text="完成部署")
    services.voucher_onsite_done(actor=padmin, voucher=v)
    v = services.voucher_report(actor=padmin, voucher=v, text="五个模块均已部署")
    v = services.voucher_confirm_completion(actor=admin, voucher=v, rating=5, comment="响应及时")
    assert v.status == "completed" and v.rating == 5
    actions = set(AuditEvent.objects.filter(object_id=str(v.pk)).values_list("action", flat=True))
    assert {"voucher.issued", "voucher.choose_provider", "voucher.agree", "voucher.complete_signing",
            "voucher.report", "voucher.confirm_completion"} <= actions


def test_ineligible_enterprise_sees_every_reason_and_gets_no_code(programme):
    org, admin = make_enterprise(eligible=False)
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_apply(actor=admin, accept_commitment=True)
    assert exc.value.code == "NOT_ELIGIBLE" and len(exc.value.details) >= 4
    assert not Voucher.objects.exists()


def test_dishonest_record_blocks_the_code(enterprise):
    from wangan.vouchers.models import CreditCheck

    org, admin = enterprise
    CreditCheck.objects.create(organization=org, source="creditchina", checked_on=timezone.localdate(), result="dishonest")
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_apply(actor=admin, accept_commitment=True)
    assert any("信用中国" in r for r in exc.value.details)


def test_second_application_in_the_same_year_is_refused(enterprise):
    org, admin = enterprise
    services.voucher_apply(actor=admin, accept_commitment=True)
    with pytest.raises(ValidationFailed) as exc:
        services.voucher_apply(actor=admin, accept_commitment=True)
    assert exc.value.code == "ALREADY_APPLIED" and Voucher.objects.count() == 1


def test_commitment_must_be_accepted(enterprise):
    with pytest.raises(ValidationFailed):
        services.voucher_apply(actor=enterprise[1], accept_commitment=False)
    assert not Voucher.objects.exists()


def test_suspended_or_unpublished_packages_cannot_be_matched(enterprise, programme, authority_staff):
    org, admin = enterprise
    _porg, _padmin, draft = make_provider(programme, approved=False, publish=False)
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    with pytest.raises(InvalidTransition):
        services.voucher_choose_provider(actor=admin, voucher=v, package=draft)
    _porg2, _padmin2, package = make_provider(programme)
    services.package_suspend(actor=authority_staff, package=package, reason="违反承诺")
    with pytest.raises(InvalidTransition):
        services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    v.refresh_from_db()
    assert v.status == "issued" and v.provider_id is None


def test_unfiled_provider_cannot_publish(programme):
    _org, admin, package = make_provider(programme, approved=False, publish=False)
    with pytest.raises(InvalidTransition) as exc:
        services.package_publish(actor=admin, package=package)
    assert exc.value.code == "FILING_REQUIRED"


def test_only_administrators_sign_and_only_the_parties(enterprise, provider, make_user):
    org, admin = enterprise
    porg, padmin, package = provider
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    services.voucher_confirm(actor=admin, voucher=v)
    v = services.voucher_confirm(actor=padmin, voucher=v)
    staff = make_user(organization=org, roles=["staff"])
    with pytest.raises(PermissionDenied):
        services.voucher_sign(actor=staff, voucher=v)
    stranger_org, stranger = make_enterprise()
    with pytest.raises(PermissionDenied):
        services.voucher_sign(actor=stranger, voucher=v)
    assert not v.agreement.signatures.exists()


def test_a_changed_document_no_longer_verifies(enterprise, provider):
    from django.core.files.storage import default_storage

    v = _signed(enterprise, provider)
    name = v.agreement.docx.storage_name
    data = services.agreement_bytes(v.agreement)
    default_storage.delete(name)
    default_storage.save(name, io.BytesIO(data + b"tampered"))
    state = services.agreement_verify(v.agreement)
    assert not state["document_intact"] and not any(state["signatures"].values())


def test_report_before_signing_and_rating_before_report_are_refused(enterprise, provider):
    org, admin = enterprise
    porg, padmin, package = provider
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    with pytest.raises(InvalidTransition):
        services.voucher_report(actor=padmin, voucher=v, text="x")
    with pytest.raises(InvalidTransition):
        services.voucher_confirm_completion(actor=admin, voucher=v, rating=5)
    v.refresh_from_db()
    assert v.status == "matching" and not v.reported_at


def test_unsigned_codes_expire_at_the_end_of_the_year(enterprise, provider):
    org, admin = enterprise
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    signed = _signed(make_enterprise(), provider)
    assert services.vouchers_expire(now=v.expires_at - timedelta(seconds=1)) == 0
    assert services.vouchers_expire(now=v.expires_at + timedelta(seconds=1)) == 1
    v.refresh_from_db()
    signed.refresh_from_db()
    assert v.status == "expired" and signed.status == "signed"


def test_credit_list_import_is_all_or_nothing(authority_staff, enterprise):
    from wangan.vouchers.models import CreditCheck

    org, _admin = enterprise
    org.credit_code = "91120000MA0000777X"
    org.save()
    before = CreditCheck.objects.count()
    bad = f"credit_code,source,checked_on,result\n{org.credit_code},gsxt,2026-01-05,clean\nNOPE,gsxt,x,clean\n".encode()
    with pytest.raises(ValidationFailed) as exc:
        services.credit_import_csv(actor=authority_staff, data=bad)
    assert len(exc.value.details) == 1 and CreditCheck.objects.count() == before
    good = f"{org.credit_code},creditchina,2026-01-05,abnormal,截图编号 001\n".encode("gb18030")
    assert services.credit_import_csv(actor=authority_staff, data=good) == 1
