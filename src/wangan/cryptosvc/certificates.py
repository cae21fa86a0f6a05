"""Writes of the platform PKI: CA and TSA key pairs (generated on first use, wrapped), OV server
certificates and TLCP pairs for organizations, revocation, the CRL and expiry reminders."""

from __future__ import annotations

import secrets
from datetime import timedelta

from asn1crypto import x509
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.accounts.choices import OrgRole, OrgStatus, PlatformRole
from wangan.core.audit import audit_record
from wangan.core.errors import PermissionDenied, ValidationFailed
from wangan.core.notify import notify
from wangan.core.workflow import transition_apply
from wangan.cryptosvc import keystore, pki
from wangan.cryptosvc.choices import AuthorityKind, CertKind, CertStatus, RevocationReason
from wangan.cryptosvc.errors import MasterKeyMismatch
from wangan.cryptosvc.models import Authority, Certificate, Zone
from wangan.cryptosvc.permissions import can_manage
from wangan.cryptosvc.workflow import CERT_WORKFLOW
from wangan.engines import gm

CA_KIND = "ca-key"
CERT_KEY_KIND = "cert-key"
PLATFORM_NAME = "Wangan"
REMINDER_DAYS = (30, 7, 1)
CRL_VALIDITY = timedelta(days=7)


def crl_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/crypto/ca/crl/"


def _master_of(authority_code: str, zone: Zone | None) -> str:
    return zone.code if zone is not None else keystore.PLATFORM


def _issuer(authority: Authority) -> pki.Issuer:
    master = _master_of(authority.code, authority.zone)
    try:
        key = keystore.unwrap_cached(master=master, kind=CA_KIND, ident=authority.code, version=1,
                                     blob=authority.wrapped, build=gm.load_der_private_key)  # fmt: skip
    except keystore.MasterKeyError as exc:
        raise MasterKeyMismatch(str(exc)) from exc
    return pki.Issuer(certificate=x509.Certificate.load(bytes(authority.certificate_der)), key=key)  # type: ignore[arg-type]


def _create_authority(*, code: str, kind: str, zone: Zone | None, subject, parent: Authority | None,
                      extensions: list[dict], lifetime: timedelta) -> Authority:  # fmt: skip
    key = gm.generate_private_key()
    now = timezone.now()
    not_before, not_after = now - timedelta(minutes=5), now + lifetime
    if parent is None:
        cert = pki.sign_certificate(issuer=None, self_key=key, subject=subject, public=key.public_key,
                                    not_before=not_before, not_after=not_after, extensions=extensions)  # fmt: skip
    else:
        cert = pki.sign_certificate(issuer=_issuer(parent), subject=subject, public=key.public_key,
                                    not_before=not_before, not_after=not_after, extensions=extensions)  # fmt: skip
    wrapped = keystore.wrap(master=_master_of(code, zone), kind=CA_KIND, ident=code, plaintext=key.to_der())
    authority = Authority.objects.create(code=code, kind=kind, zone=zone, certificate_der=cert.dump(),
                                         wrapped=wrapped, not_before=not_before, not_after=not_after)  # fmt: skip
    audit_record(action="crypto_ca.created", actor_name="system", obj=authority,
                 after={"code": code, "serial": format(cert.serial_number, "x")})  # fmt: skip
    return authority


def _get_or_create(code: str, make) -> Authority:
    found = Authority.objects.select_related("zone").filter(code=code).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:  # another process created it first
        return Authority.objects.select_related("zone").get(code=code)


def authority_root() -> Authority:
    return _get_or_create("root", lambda: _create_authority(
        code="root", kind=AuthorityKind.ROOT, zone=None, parent=None, lifetime=pki.VALIDITY["root"],
        subject=pki.name(common_name=f"{PLATFORM_NAME} SM2 Root CA", organization=PLATFORM_NAME),
        extensions=pki.ca_extensions(path_len=1),
    ))  # fmt: skip


def authority_issuing() -> Authority:
    return _get_or_create("issuing", lambda: _create_authority(
        code="issuing", kind=AuthorityKind.ISSUING, zone=None, parent=authority_root(),
        lifetime=pki.VALIDITY["issuing"], extensions=pki.ca_extensions(path_len=0),
        subject=pki.name(common_name=f"{PLATFORM_NAME} SM2 OV SSL CA", organization=PLATFORM_NAME),
    ))  # fmt: skip


def authority_tsa(zone: Zone) -> Authority:
    """One TSA per zone (seed 004 §(二)5: 互联网区及政务外网区各一套), key wrapped under that zone's master key."""
    code = f"tsa-{zone.code}"
    return _get_or_create(code, lambda: _create_authority(
        code=code, kind=AuthorityKind.TSA, zone=zone, parent=authority_issuing(), lifetime=pki.VALIDITY["tsa"],
        subject=pki.name(common_name=f"{PLATFORM_NAME} TSA ({zone.code})", organization=PLATFORM_NAME),
        extensions=pki.tsa_extensions(crl_url=crl_url()),
    ))  # fmt: skip


def authority_issuer(authority: Authority) -> pki.Issuer:
    return _issuer(authority)


def ca_chain_pem() -> str:
    """Issuing CA then root, PEM — what servers send and verifiers trust."""
    return "".join(pki.to_pem(a.certificate_der) for a in (authority_issuing(), authority_root()))


# --- issuance ---------------------------------------------------------------------------------
def _require_manager(actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("Only the security administrator issues certificates."))


def _check_org(organization) -> None:
    # OV = organization validated: only an organization the authority has reviewed and accepted.
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationFailed(_("Certificates are issued only to organizations that passed review."),
                               code="ORG_NOT_VALIDATED")  # fmt: skip


def _issue_one(*, actor, organization, kind: str, dns_names: list[str], unit: str, public: gm.SM2PublicKey,
               private: gm.SM2PrivateKey | None, pair_id: str = "") -> Certificate:  # fmt: skip
    issuing = authority_issuing()
    now = timezone.now()
    not_before, not_after = now - timedelta(minutes=5), now + pki.VALIDITY["server"]
    not_after = min(not_after, issuing.not_after)
    usage = "enc" if kind == CertKind.TLCP_ENC else "sign"
    cert = pki.sign_certificate(
        issuer=_issuer(issuing), public=public, not_before=not_before, not_after=not_after,
        subject=pki.name(common_name=dns_names[0].lstrip("*."), organization=organization.name, unit=unit),
        extensions=pki.server_extensions(dns_names=dns_names, crl_url=crl_url(), usage=usage),
    )  # fmt: skip
    serial_hex = format(cert.serial_number, "x")
    wrapped = None
    if private is not None:
        wrapped = keystore.wrap(master=keystore.PLATFORM, kind=CERT_KEY_KIND, ident=serial_hex,
                                plaintext=private.to_der())  # fmt: skip
    record = Certificate.objects.create(
        organization=organization, kind=kind, pair_id=pair_id, common_name=dns_names[0], organizational_unit=unit,
        dns_names=dns_names, serial_hex=serial_hex, not_before=not_before.replace(microsecond=0),
        not_after=not_after.replace(microsecond=0), certificate_der=cert.dump(), wrapped_key=wrapped, issued_by=actor,
    )  # fmt: skip
    audit_record(action="certificate.issued", actor=actor, obj=record,
                 after={"kind": kind, "serial": serial_hex, "dns_names": dns_names, "organization": organization.name,
                        "key_source": "service" if private is not None else "csr"})  # fmt: skip
    return record


def certificate_issue_ov(*, actor, organization, dns_names: list[str], unit: str = "",
                         csr: bytes | str | None = None) -> tuple[Certificate, str | None]:  # fmt: skip
    """An OV SSL server certificate from the applicant's CSR, or with a key generated here (its PEM
    is returned once and kept wrapped under the platform master key)."""
    _require_manager(actor)
    _check_org(organization)
    names = pki.normalize_dns_names(dns_names)
    private = None
    if csr:
        public = pki.csr_public_key(csr)
    else:
        private = gm.generate_private_key()
        public = private.public_key
    with transaction.atomic():
        record = _issue_one(actor=actor, organization=organization, kind=CertKind.SERVER_OV, dns_names=names,
                            unit=(unit or "").strip()[:100], public=public, private=private)  # fmt: skip
    return record, (private.to_pem().decode() if private is not None else None)


def certificate_issue_tlcp_pair(*, actor, organization, dns_names: list[str], unit: str = "",
                                sign_csr: bytes | str | None = None) -> dict:  # fmt: skip
    """TLCP (GM/T 0024) needs two certificates: signing (the applicant's CSR or a generated key) and
    encryption (key generated here, as a key-management centre would, and kept wrapped)."""
    _require_manager(actor)
    _check_org(organization)
    names = pki.normalize_dns_names(dns_names)
    pair_id = secrets.token_hex(8)
    sign_private = None if sign_csr else gm.generate_private_key()
    sign_public = pki.csr_public_key(sign_csr) if sign_csr else sign_private.public_key  # type: ignore[union-attr]
    enc_private = gm.generate_private_key()
    unit = (unit or "").strip()[:100]
    with transaction.atomic():
        sign = _issue_one(actor=actor, organization=organization, kind=CertKind.TLCP_SIGN, dns_names=names,
                          unit=unit, public=sign_public, private=sign_private, pair_id=pair_id)  # fmt: skip
        enc = _issue_one(actor=actor, organization=organization, kind=CertKind.TLCP_ENC, dns_names=names,
                         unit=unit, public=enc_private.public_key, private=enc_private, pair_id=pair_id)  # fmt: skip
    return {
        "sign": sign, "enc": enc, "pair_id": pair_id,
        "sign_key_pem": sign_private.to_pem().decode() if sign_private is not None else None,
        "enc_key_pem": enc_private.to_pem().decode(),
    }  # fmt: skip


def certificate_revoke(*, actor, certificate: Certificate, reason: str = RevocationReason.UNSPECIFIED) -> Certificate:
    if reason not in RevocationReason.values:
        raise ValidationFailed(_("Unknown revocation reason."), code="REASON_INVALID")
    return transition_apply(workflow=CERT_WORKFLOW, name="revoke", obj=certificate, actor=actor,
                            changes={"revoked_at": timezone.now(), "revocation_reason": reason},
                            audit_extra={"serial": certificate.serial_hex, "reason": reason})  # fmt: skip


def crl_current() -> bytes:
    """A freshly signed CRL (DER) of every revoked certificate of the issuing CA; numbers increase."""
    issuing = authority_issuing()
    with transaction.atomic():
        Authority.objects.filter(pk=issuing.pk).update(crl_number=F("crl_number") + 1)
        number = Authority.objects.values_list("crl_number", flat=True).get(pk=issuing.pk)
    revoked = [
        (int(c.serial_hex, 16), c.revoked_at, c.revocation_reason)
        for c in Certificate.objects.filter(status=CertStatus.REVOKED).order_by("revoked_at")
    ]
    now = timezone.now()
    return pki.sign_crl(issuer=_issuer(issuing), number=number, this_update=now - timedelta(minutes=1),
                        next_update=now + CRL_VALIDITY, revoked=revoked).dump()  # fmt: skip


# --- expiry reminders -------------------------------------------------------------------------
def certificate_expiry_remind(*, now=None) -> int:
    """Periodic and idempotent: remind 30, 7 and 1 days before a valid certificate expires — the
    owner organization's administrators and the security administrators, once per stage."""
    now = now or timezone.now()
    sent = 0
    User = get_user_model()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    due = Certificate.objects.filter(status=CertStatus.VALID, not_after__gt=now, not_after__lte=horizon)
    for cert in due.select_related("organization"):
        days_left = (cert.not_after - now).total_seconds() / 86400
        stage = min(d for d in REMINDER_DAYS if days_left <= d)
        if cert.reminded_days is not None and cert.reminded_days <= stage:
            continue
        recipients = list(User.objects.filter(is_active=True, organization=cert.organization,
                                              org_roles__role=OrgRole.ORG_ADMIN))  # fmt: skip
        recipients += list(User.objects.filter(is_active=True, platform_role=PlatformRole.SECURITY_ADMIN))
        with transaction.atomic():
            if not Certificate.objects.filter(pk=cert.pk).exclude(reminded_days__lte=stage).update(reminded_days=stage):
                continue  # another run took this stage
            notify(
                recipients=recipients, verb="certificate.expiring", dedupe_key=f"cert-expiry:{cert.pk}:{stage}",
                title=_("Certificate %(name)s expires on %(date)s")
                % {"name": cert.common_name, "date": timezone.localtime(cert.not_after).strftime("%Y-%m-%d")},
                body=_("Renew the certificate before it expires (serial %(serial)s).") % {"serial": cert.serial_hex},
                link="/crypto/certificates/",
            )  # fmt: skip
        sent += 1
    return sent
