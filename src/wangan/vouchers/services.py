"""Voucher writes (seed 000 §三–§五): programme, profiles, credit checks, packages, the voucher's life."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.accounts.models import Organization
from wangan.core.audit import audit_record
from wangan.core.deadlines import deadline_start, deadline_stop
from wangan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from wangan.core.files import file_store
from wangan.core.middleware import client_ip  # noqa: F401 - re-exported for views
from wangan.core.notify import notify
from wangan.core.requestctx import current_ip
from wangan.core.workflow import transition_apply
from wangan.filings.selectors import qualification_active
from wangan.vouchers import documents
from wangan.vouchers import permissions as perms
from wangan.vouchers.catalog import CREDIT_SOURCES, ENTERPRISE_COMMITMENT_VERSION, ONSITE_WORKING_DAYS
from wangan.vouchers.choices import CreditResult, PackageStatus, Party, VoucherStatus
from wangan.vouchers.eligibility import enterprise_eligibility
from wangan.vouchers.models import (
    Agreement,
    CreditCheck,
    EnterpriseProfile,
    ParkArea,
    Programme,
    ServicePackage,
    Signature,
    Voucher,
)
from wangan.vouchers.workflow import VOUCHER_WORKFLOW

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone without mistakes


def _admins(organization_id: int):
    org = Organization.objects.get(pk=organization_id)
    return org.users.filter(is_active=True, org_roles__role="org_admin")


def _tell(organization_id: int | None, voucher: Voucher, title: str, body: str = "") -> None:
    if organization_id:
        notify(recipients=_admins(organization_id), verb="voucher", title=title, body=body,
               link=f"/vouchers/{voucher.pk}/")  # fmt: skip


# --- programme and authority work --------------------------------------------------------------
def programme_current(*, today: date | None = None) -> Programme | None:
    today = today or timezone.localdate()
    return Programme.objects.filter(year=today.year, is_open=True).first()


def programme_open(*, actor, year: int, opens_on: date, closes_on: date, name: str = "") -> Programme:
    """The authority opens a programme year (the seed's rules ran to 2025-12-31; each year is reopened)."""
    if not perms.is_programme_admin(actor):
        raise PermissionDenied(_("Only the authority's programme staff open a programme year."))
    if not (opens_on.year == closes_on.year == year) or closes_on < opens_on:
        raise ValidationFailed(_("The window must lie within the year and end after it starts."), code="WINDOW_INVALID")
    with transaction.atomic():
        programme, created = Programme.objects.update_or_create(
            year=year, defaults={"name": name or _("Enterprise security cloud package %(year)d") % {"year": year},
                                 "opens_on": opens_on, "closes_on": closes_on, "is_open": True},
        )  # fmt: skip
        audit_record(action="voucher_programme.opened" if created else "voucher_programme.changed", actor=actor,
                     obj=programme, after={"opens_on": str(opens_on), "closes_on": str(closes_on)})  # fmt: skip
    return programme


def credit_check_record(*, actor, organization, source: str, checked_on: date, result: str,
                        evidence: str = "") -> CreditCheck:  # fmt: skip
    if not perms.is_programme_admin(actor):
        raise PermissionDenied(_("Only the authority records credit checks."))
    if source not in dict(CREDIT_SOURCES) or result not in CreditResult.values:
        raise ValidationFailed(_("Unknown credit source or result."), code="CREDIT_INVALID")
    if checked_on > timezone.localdate():
        raise ValidationFailed(_("A credit check cannot be dated in the future."), code="CREDIT_INVALID")
    with transaction.atomic():
        check = CreditCheck.objects.create(organization=organization, source=source, checked_on=checked_on,
                                           result=result, evidence=evidence[:300], recorded_by=actor)  # fmt: skip
        audit_record(action="credit_check.recorded", actor=actor, obj=organization,
                     after={"source": source, "result": result, "checked_on": str(checked_on)})  # fmt: skip
    return check


def credit_import_csv(*, actor, data: bytes) -> int:
    """Import ``credit_code,source,checked_on,result,evidence`` rows: all or nothing, every bad row named."""
    if not perms.is_programme_admin(actor):
        raise PermissionDenied(_("Only the authority imports credit lists."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(_("The file is neither UTF-8 nor GB18030 text."), code="CSV_ENCODING") from exc
    rows, problems = [], []
    orgs = dict(Organization.objects.exclude(credit_code="").values_list("credit_code", "pk"))
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or row[0].strip().lower() in ("credit_code", "统一社会信用代码") or row[0].startswith("#"):
            continue
        if len(row) < 4:
            problems.append(_("line %(n)d: needs credit_code,source,checked_on,result") % {"n": n})
            continue
        code, source, checked, result = (c.strip() for c in row[:4])
        evidence = row[4].strip() if len(row) > 4 else ""
        try:
            checked_on = date.fromisoformat(checked)
        except ValueError:
            problems.append(_("line %(n)d: “%(v)s” is not a date") % {"n": n, "v": checked})
            continue
        if code not in orgs:
            problems.append(_("line %(n)d: no organization has the credit code %(code)s") % {"n": n, "code": code})
        elif source not in dict(CREDIT_SOURCES):
            problems.append(_("line %(n)d: unknown source “%(v)s”") % {"n": n, "v": source})
        elif result not in CreditResult.values:
            problems.append(_("line %(n)d: unknown result “%(v)s”") % {"n": n, "v": result})
        elif checked_on > timezone.localdate():
            problems.append(_("line %(n)d: dated in the future") % {"n": n})
        else:
            rows.append(CreditCheck(organization_id=orgs[code], source=source, checked_on=checked_on, result=result,
                                    evidence=evidence[:300], recorded_by=actor))  # fmt: skip
    if problems or not rows:
        raise ValidationFailed(_("The credit list was not imported; nothing was changed."), code="CSV_INVALID",
                               details=problems or [_("the file has no rows")])  # fmt: skip
    with transaction.atomic():
        CreditCheck.objects.bulk_create(rows)
        audit_record(action="credit_check.imported", actor=actor, object_type="credit_list", after={"rows": len(rows)})
    return len(rows)


# --- enterprise profile ------------------------------------------------------------------------
def profile_save(*, actor, park_area_id: int | None, is_independent_legal_person: bool, legal_person_kind: str,
                 innovation_score: int | None) -> EnterpriseProfile:  # fmt: skip
    org = actor.organization
    if org.type != "enterprise" or not actor.has_org_role("org_admin"):
        raise PermissionDenied(_("Only an enterprise's administrator keeps its programme profile."))
    if innovation_score is not None and not 0 <= innovation_score <= 100:
        raise ValidationFailed(_("The innovation score is between 0 and 100."), code="SCORE_INVALID")
    if park_area_id and not ParkArea.objects.filter(pk=park_area_id, is_active=True).exists():
        raise ValidationFailed(_("Unknown park."), code="PARK_UNKNOWN")
    with transaction.atomic():
        profile, _created = EnterpriseProfile.objects.update_or_create(
            organization=org, defaults={"park_area_id": park_area_id or None,
                                        "is_independent_legal_person": is_independent_legal_person,
                                        "legal_person_kind": legal_person_kind, "innovation_score": innovation_score},
        )  # fmt: skip
        audit_record(action="voucher_profile.saved", actor=actor, obj=org,
                     after={"park_area": park_area_id, "independent": is_independent_legal_person,
                            "innovation_score": innovation_score})  # fmt: skip
    return profile


# --- vouchers ----------------------------------------------------------------------------------
def _new_code(year: int) -> str:
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))  # 80 bits: not guessable
    return f"CTP{year}-{body[:4]}-{body[4:8]}-{body[8:12]}-{body[12:]}"


def voucher_apply(*, actor, accept_commitment: bool, today: date | None = None) -> Voucher:
    """The enterprise accepts the 企业承诺书 and, when eligible, receives its code at once (§五(三))."""
    today = today or timezone.localdate()
    if actor.platform_role or actor.organization.type != "enterprise":
        raise PermissionDenied(_("Only enterprises apply for vouchers."))
    programme = programme_current(today=today)
    if programme is None or not (programme.opens_on <= today <= programme.closes_on):
        raise InvalidTransition(_("The programme is not open for applications now."), code="PROGRAMME_CLOSED")
    if not accept_commitment:
        raise ValidationFailed(_("Read and accept the enterprise commitment (企业承诺书) first."), code="COMMITMENT_REQUIRED")
    eligibility = enterprise_eligibility(organization=actor.organization, programme=programme, today=today)
    if not eligibility.eligible:
        raise ValidationFailed(_("The enterprise is not eligible."), code="NOT_ELIGIBLE", details=eligibility.reasons)
    now = timezone.now()
    expires = timezone.make_aware(datetime.combine(date(today.year, 12, 31), time(23, 59, 59)))
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(
                code=_new_code(programme.year), programme=programme, enterprise=actor.organization,
                commitment_version=ENTERPRISE_COMMITMENT_VERSION, issued_at=now, expires_at=expires,
            )  # fmt: skip
            audit_record(action="voucher.issued", actor=actor, obj=voucher,
                         after={"commitment_version": ENTERPRISE_COMMITMENT_VERSION})  # fmt: skip
    except IntegrityError as exc:
        raise ValidationFailed(_("Your enterprise already applied this year; it may apply again next year."),
                               code="ALREADY_APPLIED") from exc  # fmt: skip
    return voucher


def _load(voucher: Voucher) -> Voucher:
    return Voucher.objects.select_for_update().get(pk=voucher.pk)


def voucher_choose_provider(*, actor, voucher: Voucher, package: ServicePackage) -> Voucher:
    """The enterprise picks exactly one provider's published package (§一(二), §五(四))."""
    with transaction.atomic():
        v = _load(voucher)
        locked_package = ServicePackage.objects.select_for_update().get(pk=package.pk)
        if locked_package.status != PackageStatus.PUBLISHED or locked_package.programme_id != v.programme_id:
            raise InvalidTransition(_("This package is not published (or is suspended) in this programme year."),
                                    code="PACKAGE_UNAVAILABLE")  # fmt: skip
        v = transition_apply(workflow=VOUCHER_WORKFLOW, name="choose_provider", obj=v, actor=actor, changes={
            "package": locked_package, "provider_id": locked_package.provider_id, "matched_at": timezone.now(),
            "enterprise_confirmed_at": None, "provider_confirmed_at": None,
        }, audit_extra={"provider": locked_package.provider_id})  # fmt: skip
    _tell(v.provider_id, v, _("An enterprise chose your package: confirm voucher %(code)s") % {"code": v.code})
    return v


def voucher_confirm(*, actor, voucher: Voucher) -> Voucher:
    """Each side confirms the match; the second confirmation generates the one agreement."""
    with transaction.atomic():
        v = _load(voucher)
        if v.status != VoucherStatus.MATCHING:
            raise InvalidTransition(_("The voucher is not waiting for confirmation."), code="NOT_MATCHING")
        if perms.is_enterprise_side(actor, v):
            field = "enterprise_confirmed_at"
        elif perms.is_provider_side(actor, v):
            if ServicePackage.objects.filter(pk=v.package_id, status=PackageStatus.PUBLISHED).count() == 0:
                raise InvalidTransition(_("Your package is suspended."), code="PACKAGE_UNAVAILABLE")
            field = "provider_confirmed_at"
        else:
            raise PermissionDenied(_("Only the enterprise and the chosen provider confirm."))
        if getattr(v, field) is None:
            v = transition_apply(workflow=VOUCHER_WORKFLOW, name="confirm", obj=v, actor=actor,
                                 changes={field: timezone.now()})  # fmt: skip
        if v.enterprise_confirmed_at and v.provider_confirmed_at and not Agreement.objects.filter(voucher=v).exists():
            _agreement_create(v)
            v = transition_apply(workflow=VOUCHER_WORKFLOW, name="agree", obj=v, actor=actor)
            transaction.on_commit(lambda: _notify_both(v, _("The service agreement for %(code)s is ready to sign.")
                                                       % {"code": v.code}))  # fmt: skip
    return v


def _notify_both(v: Voucher, title: str) -> None:
    _tell(v.enterprise_id, v, title)
    _tell(v.provider_id, v, title)


def _agreement_facts(v: Voucher) -> dict:
    start = timezone.localdate()
    return {"voucher_code": v.code, "enterprise": v.enterprise.name, "provider": v.provider.name,
            "package_title": v.package.title, "standards": v.package.service_standards, "start": start,
            "end": start.replace(year=start.year + 1) - timedelta(days=1)}  # fmt: skip


class _Bytes(ContentFile):
    content_type = "application/octet-stream"


def _agreement_create(v: Voucher) -> Agreement:
    facts = _agreement_facts(v)
    docx_bytes = documents.agreement_docx(**facts)
    docx = file_store(uploaded_by=None, organization=v.enterprise, upload=_Bytes(docx_bytes, name=f"{v.code}.docx"),
                      purpose=f"voucher-agreement:{v.pk}", allowed={"docx"})  # fmt: skip
    pdf = file_store(uploaded_by=None, organization=v.enterprise,
                     upload=_Bytes(documents.agreement_pdf(**facts), name=f"{v.code}.pdf"),
                     purpose=f"voucher-agreement:{v.pk}", allowed={"pdf"})  # fmt: skip
    agreement = Agreement.objects.create(voucher=v, docx=docx, pdf=pdf, sm3=hashlib.new("sm3", docx_bytes).hexdigest())
    audit_record(action="voucher.agreement_generated", obj=v, after={"sm3": agreement.sm3}, actor_name="system")
    return agreement


def agreement_bytes(agreement: Agreement) -> bytes:
    with default_storage.open(agreement.docx.storage_name, "rb") as fh:
        return fh.read()


def agreement_verify(agreement: Agreement) -> dict:
    """Do the stored document and every signature still match? A changed document no longer verifies."""
    current = hashlib.new("sm3", agreement_bytes(agreement)).hexdigest()
    signatures = list(agreement.signatures.all())
    return {"document_intact": current == agreement.sm3, "current_sm3": current,
            "signatures": {s.party: s.document_sm3 == current for s in signatures}}  # fmt: skip


def voucher_sign(*, actor, voucher: Voucher) -> Voucher:
    """An administrator signs the exact agreement document; the second signature moves the code (§五(四))."""
    if not perms.can_sign_for(actor):
        raise PermissionDenied(_("Only an organization administrator signs the agreement."))
    with transaction.atomic():
        v = _load(voucher)
        if v.status != VoucherStatus.AGREEMENT:
            raise InvalidTransition(_("There is no agreement waiting for signatures."), code="NOT_SIGNABLE")
        if perms.is_enterprise_side(actor, v):
            party = Party.ENTERPRISE
        elif perms.is_provider_side(actor, v):
            party = Party.PROVIDER
        else:
            raise PermissionDenied(_("Only the two parties sign."))
        agreement = v.agreement
        state = agreement_verify(agreement)
        if not state["document_intact"]:
            raise InvalidTransition(_("The agreement document changed since it was generated; it cannot be signed."),
                                    code="DOCUMENT_CHANGED")  # fmt: skip
        if agreement.signatures.filter(party=party).exists():
            raise InvalidTransition(_("Your side has already signed."), code="ALREADY_SIGNED")
        Signature.objects.create(agreement=agreement, party=party, signer=actor, signer_name=actor.real_name,
                                 organization=actor.organization, document_sm3=state["current_sm3"],
                                 signed_at=timezone.now(), ip=current_ip())  # fmt: skip
        v = transition_apply(workflow=VOUCHER_WORKFLOW, name="sign", obj=v, actor=actor,
                             audit_extra={"party": party, "document_sm3": state["current_sm3"]})  # fmt: skip
        if agreement.signatures.count() == 2:
            today = timezone.localdate()
            v = transition_apply(workflow=VOUCHER_WORKFLOW, name="complete_signing", obj=v, actor=actor, changes={
                "signed_at": timezone.now(), "holder": Party.PROVIDER,
                "service_ends_on": today.replace(year=today.year + 1) - timedelta(days=1),
            })  # fmt: skip
            transaction.on_commit(lambda: _tell(v.provider_id, v, _("%(code)s is signed: send the deployment manual.")
                                                % {"code": v.code}))  # fmt: skip
    return v


def voucher_send_manual(*, actor, voucher: Voucher, upload) -> Voucher:
    """The provider sends the 《企业安全云部署实操手册》 (§五(四))."""
    if not perms.is_provider_side(actor, voucher):
        raise PermissionDenied(_("Only the provider sends the manual."))
    with transaction.atomic():
        stored = file_store(uploaded_by=actor, organization=actor.organization, upload=upload,
                            purpose=f"voucher-manual:{voucher.pk}", allowed={"pdf", "docx", "doc", "zip"})  # fmt: skip
        v = transition_apply(workflow=VOUCHER_WORKFLOW, name="send_manual", obj=_load(voucher), actor=actor,
                             changes={"manual": stored, "manual_sent_at": timezone.now()})  # fmt: skip
    _tell(v.enterprise_id, v, _("The deployment manual for %(code)s has arrived.") % {"code": v.code})
    return v


def voucher_request_onsite(*, actor, voucher: Voucher) -> Voucher:
    """The enterprise asks for on-site installation: the provider has 5 working days (§五(四))."""
    with transaction.atomic():
        v = _load(voucher)
        if not perms.is_enterprise_side(actor, v):
            raise PermissionDenied(_("Only the enterprise asks for on-site installation."))
        if v.status != VoucherStatus.IN_SERVICE or v.onsite_requested_at:
            raise InvalidTransition(_("On-site installation can be asked once, after the manual was sent."),
                                    code="ONSITE_NOT_POSSIBLE")  # fmt: skip
        clock = deadline_start(obj=v, kind="onsite_installation", amount=ONSITE_WORKING_DAYS, unit="working_days",
                               notify=list(_admins(v.provider_id)), organization_id=v.provider_id, actor=actor)  # fmt: skip
        v.onsite_requested_at, v.onsite_due_at = timezone.now(), clock.due_at
        v.save(update_fields=["onsite_requested_at", "onsite_due_at"])
        audit_record(action="voucher.onsite_requested", actor=actor, obj=v, after={"due_at": clock.due_at.isoformat()})
    _tell(v.provider_id, v, _("%(code)s: on-site installation requested, due %(due)s.")
          % {"code": v.code, "due": f"{timezone.localtime(v.onsite_due_at):%Y-%m-%d}"})  # fmt: skip
    return v


def voucher_onsite_done(*, actor, voucher: Voucher) -> Voucher:
    with transaction.atomic():
        v = _load(voucher)
        if not perms.is_provider_side(actor, v):
            raise PermissionDenied(_("Only the provider records the visit."))
        if not v.onsite_requested_at or v.onsite_done_at:
            raise InvalidTransition(_("No on-site installation is pending."), code="ONSITE_NOT_PENDING")
        v.onsite_done_at = timezone.now()
        v.save(update_fields=["onsite_done_at"])
        clock = deadline_stop(obj=v, kind="onsite_installation", actor=actor)
        audit_record(action="voucher.onsite_done", actor=actor, obj=v, after={"on_time": clock.status == "met" if clock else None})
    return v


def voucher_report(*, actor, voucher: Voucher, text: str, upload=None) -> Voucher:
    """The provider files its completion report (§五(五)); refused before signing."""
    if not perms.is_provider_side(actor, voucher):
        raise PermissionDenied(_("Only the provider files the completion report."))
    if not text.strip():
        raise ValidationFailed(_("Describe the service delivered."), code="TEXT_REQUIRED")
    with transaction.atomic():
        v = _load(voucher)
        if v.status != VoucherStatus.IN_SERVICE:
            raise InvalidTransition(_("A completion report follows signing and the manual."), code="NOT_IN_SERVICE")
        if v.onsite_requested_at and not v.onsite_done_at:
            raise InvalidTransition(_("Record the requested on-site installation first."), code="ONSITE_PENDING")
        stored = None
        if upload is not None:
            stored = file_store(uploaded_by=actor, organization=actor.organization, upload=upload,
                                purpose=f"voucher-report:{v.pk}", allowed={"pdf", "docx", "doc"})  # fmt: skip
        v = transition_apply(workflow=VOUCHER_WORKFLOW, name="report", obj=v, actor=actor, changes={
            "report_text": text.strip(), "report_file": stored, "reported_at": timezone.now()})  # fmt: skip
    _tell(v.enterprise_id, v, _("%(code)s: the provider reports the service complete; confirm and rate it.")
          % {"code": v.code})  # fmt: skip
    return v


def voucher_confirm_completion(*, actor, voucher: Voucher, rating: int, comment: str = "") -> Voucher:
    """The enterprise confirms the result and rates satisfaction 1–5 (§五(五))."""
    if not perms.is_enterprise_side(actor, voucher):
        raise PermissionDenied(_("Only the enterprise confirms the result."))
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationFailed(_("Rate from 1 to 5."), code="RATING_INVALID")
    with transaction.atomic():
        v = _load(voucher)
        if v.status != VoucherStatus.REPORTED:
            raise InvalidTransition(_("Rating follows the provider's completion report."), code="NOT_REPORTED")
        v = transition_apply(workflow=VOUCHER_WORKFLOW, name="confirm_completion", obj=v, actor=actor, changes={
            "rating": rating, "rating_comment": comment.strip()[:2000], "completed_at": timezone.now()})  # fmt: skip
    _tell(v.provider_id, v, _("%(code)s was confirmed and rated %(n)d/5.") % {"code": v.code, "n": rating})
    return v


def vouchers_expire(*, now: datetime | None = None) -> int:
    """Periodic (§五(六)): codes not signed by the end of their year lose their validity."""
    now = now or timezone.now()
    ids = list(Voucher.objects.filter(status__in=[VoucherStatus.ISSUED, VoucherStatus.MATCHING, VoucherStatus.AGREEMENT],
                                      expires_at__lte=now).values_list("pk", flat=True))  # fmt: skip
    done = 0
    for pk in ids:
        try:
            with transaction.atomic():
                v = Voucher.objects.select_for_update().get(pk=pk)
                if v.status in (VoucherStatus.ISSUED, VoucherStatus.MATCHING, VoucherStatus.AGREEMENT):
                    transition_apply(workflow=VOUCHER_WORKFLOW, name="expire", obj=v, actor=None)
                    done += 1
        except InvalidTransition:
            continue
    return done


# --- packages ----------------------------------------------------------------------------------
def package_save(*, actor, title: str, service_standards: str, service_procedures: str, contact: str) -> ServicePackage:
    org = actor.organization
    if org.type != "provider" or not actor.has_org_role("org_admin"):
        raise PermissionDenied(_("Only a provider's administrator manages its package."))
    programme = programme_current()
    if programme is None:
        raise InvalidTransition(_("No programme year is open."), code="PROGRAMME_CLOSED")
    problems = [msg for ok, msg in ((title.strip(), _("Give the package a title.")),
                                    (service_standards.strip(), _("Publish your service standards (§四(三)2).")),
                                    (service_procedures.strip(), _("Publish your service procedures (§四(三)2).")),
                                    (contact.strip(), _("Give a contact."))) if not ok]  # fmt: skip
    if problems:
        raise ValidationFailed(_("The package is incomplete."), code="PACKAGE_INCOMPLETE", details=problems)
    with transaction.atomic():
        package, _created = ServicePackage.objects.update_or_create(
            provider=org, programme=programme,
            defaults={"title": title.strip()[:200], "service_standards": service_standards.strip(),
                      "service_procedures": service_procedures.strip(), "contact": contact.strip()[:200]},
        )  # fmt: skip
        audit_record(action="voucher_package.saved", actor=actor, obj=package)
    return package


def package_publish(*, actor, package: ServicePackage) -> ServicePackage:
    """Only a provider with an approved filing (seed 000 §五(二)) publishes."""
    if package.provider_id != actor.organization_id or not actor.has_org_role("org_admin"):
        raise PermissionDenied(_("Only the provider's administrator publishes its package."))
    if qualification_active(organization_id=package.provider_id, kind="voucher_provider") is None:
        raise InvalidTransition(_("Your provider filing must be approved before you publish a package."),
                                code="FILING_REQUIRED")  # fmt: skip
    if package.status == PackageStatus.SUSPENDED:
        raise InvalidTransition(_("The authority suspended your package."), code="PACKAGE_SUSPENDED")
    with transaction.atomic():
        ServicePackage.objects.filter(pk=package.pk).update(status=PackageStatus.PUBLISHED, published_at=timezone.now())
        audit_record(action="voucher_package.published", actor=actor, obj=package)
    package.refresh_from_db()
    return package


def package_suspend(*, actor, package: ServicePackage, reason: str, suspended: bool = True) -> ServicePackage:
    """§四(四): the authority suspends a provider that broke its commitments (hides the package)."""
    if not perms.is_programme_admin(actor):
        raise PermissionDenied(_("Only the authority suspends providers."))
    if suspended and not reason.strip():
        raise ValidationFailed(_("Give the reason for the suspension."), code="REASON_REQUIRED")
    with transaction.atomic():
        status = PackageStatus.SUSPENDED if suspended else PackageStatus.PUBLISHED
        ServicePackage.objects.filter(pk=package.pk).update(status=status, suspension_reason=reason.strip())
        audit_record(action="voucher_package.suspended" if suspended else "voucher_package.reinstated", actor=actor,
                     obj=package, after={"reason": reason.strip()})  # fmt: skip
    package.refresh_from_db()
    _tell(package.provider_id, Voucher(pk=0), _("Your package was suspended: %(r)s") % {"r": reason} if suspended
          else _("Your package was reinstated."))  # fmt: skip
    return package


def voucher_get(pk: int) -> Voucher:
    v = Voucher.objects.filter(pk=pk).first()
    if v is None:
        raise NotFound()
    return v


def qualification_add(*, actor, kind: str, number: str, valid_from: date, valid_until: date):
    """The enterprise declares a recognition of §三(三)1 (evidence is checked by the authority)."""
    from wangan.vouchers.catalog import QUALIFICATION_KINDS
    from wangan.vouchers.models import EnterpriseQualification

    if actor.organization.type != "enterprise" or not actor.has_org_role("org_admin"):
        raise PermissionDenied(_("Only an enterprise's administrator declares recognitions."))
    if kind not in dict(QUALIFICATION_KINDS) or not number.strip() or valid_until < valid_from:
        raise ValidationFailed(_("Give the kind, the certificate number and a validity that ends after it starts."),
                               code="QUALIFICATION_INVALID")  # fmt: skip
    with transaction.atomic():
        row = EnterpriseQualification.objects.create(organization=actor.organization, kind=kind,
                                                     number=number.strip()[:100], valid_from=valid_from,
                                                     valid_until=valid_until)  # fmt: skip
        audit_record(action="voucher_qualification.added", actor=actor, obj=actor.organization,
                     after={"kind": kind, "number": row.number, "valid_until": str(valid_until)})  # fmt: skip
    return row


def rnd_add(*, actor, kind: str, name: str, valid_until: date):
    """The enterprise declares an R&D institution of §三(三)2."""
    from wangan.vouchers.catalog import RND_KINDS
    from wangan.vouchers.models import RndInstitution

    if actor.organization.type != "enterprise" or not actor.has_org_role("org_admin"):
        raise PermissionDenied(_("Only an enterprise's administrator declares R&D institutions."))
    if kind not in dict(RND_KINDS) or not name.strip():
        raise ValidationFailed(_("Give the kind and the name of the institution."), code="RND_INVALID")
    with transaction.atomic():
        row = RndInstitution.objects.create(organization=actor.organization, kind=kind, name=name.strip()[:200],
                                            valid_until=valid_until)  # fmt: skip
        audit_record(action="voucher_rnd.added", actor=actor, obj=actor.organization, after={"kind": kind})
    return row
