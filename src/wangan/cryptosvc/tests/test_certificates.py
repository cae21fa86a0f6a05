"""Platform PKI: OV SSL certificates (CSR or generated key), TLCP pairs, CRL, expiry reminders.

OpenSSL 3.0 checks SM2 signatures in a chain with an *empty* signer ID and can set one
(``-vfyopt distid:…``) only for the certificate being verified.  Our certificates are signed with
the standard ID 1234567812345678 (GM/T 0015), so the chain is verified by OpenSSL one link at a
time (``-partial_chain`` with the issuer as trust anchor) — which checks every signature in it.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from django.utils import timezone

from wangan.accounts.choices import OrgRole, OrgStatus
from wangan.core.errors import PermissionDenied, ValidationFailed
from wangan.core.models import Notification
from wangan.cryptosvc import certificates, pki
from wangan.cryptosvc.choices import CertStatus
from wangan.cryptosvc.errors import MalformedInput
from wangan.cryptosvc.models import Certificate
from wangan.engines import gm

pytestmark = pytest.mark.django_db
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
DISTID = "distid:1234567812345678"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _openssl(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=check)


def _verify_link(tmp_path, cert_der: bytes, issuer_der: bytes) -> subprocess.CompletedProcess:
    return _openssl("verify", "-partial_chain", "-CAfile", _write(tmp_path, "issuer.pem", pki.to_pem(issuer_der)),
                    "-vfyopt", DISTID, _write(tmp_path, "cert.pem", pki.to_pem(cert_der)), check=False)  # fmt: skip


@needs_openssl
def test_ov_certificate_with_generated_key_verifies_with_openssl(security_admin, app_org, tmp_path):
    cert, key_pem = certificates.certificate_issue_ov(actor=security_admin, organization=app_org, unit="信息中心",
                                                      dns_names=["WWW.Example.cn", "example.cn"])  # fmt: skip
    issuing, root = certificates.authority_issuing(), certificates.authority_root()
    leaf = _verify_link(tmp_path, cert.certificate_der, issuing.certificate_der)
    assert leaf.returncode == 0 and "OK" in leaf.stdout, leaf.stderr
    inter = _verify_link(tmp_path, issuing.certificate_der, root.certificate_der)
    assert inter.returncode == 0, inter.stderr
    # and the ID matters: without it OpenSSL 3.0 rejects the same link
    plain = _openssl("verify", "-partial_chain", "-CAfile", _write(tmp_path, "i.pem", pki.to_pem(issuing.certificate_der)),
                     _write(tmp_path, "c.pem", pki.to_pem(cert.certificate_der)), check=False)  # fmt: skip
    assert plain.returncode != 0
    text = _openssl("x509", "-noout", "-text", "-nameopt", "oneline,-esc_msb", "-in", _write(tmp_path, "t.pem",
                                                                                 pki.to_pem(cert.certificate_der))).stdout  # fmt: skip
    assert "DNS:www.example.cn, DNS:example.cn" in text
    assert "Policy: 2.23.140.1.2.2" in text and "TLS Web Server Authentication" in text
    assert f"O = {app_org.name}" in text and "OU = 信息中心" in text and "CN = www.example.cn" in text
    assert "SM2-with-SM3" in text
    parsed = x509.Certificate.load(cert.certificate_der)
    assert len(parsed.serial_number.to_bytes(16, "big").lstrip(b"\0")) >= 8
    assert gm.load_pem_private_key(key_pem).public_key == pki.public_key_of(parsed)


@needs_openssl
@pytest.mark.parametrize("sigopt", [[], ["-sigopt", DISTID]])
def test_certificate_from_an_openssl_csr(security_admin, app_org, tmp_path, sigopt):
    key = str(tmp_path / "k.pem")
    _openssl("genpkey", "-algorithm", "sm2", "-out", key)
    _openssl("req", "-new", "-key", key, "-sm3", *sigopt, "-subj", "/CN=portal.example.cn", "-out", str(tmp_path / "r.csr"))
    cert, key_pem = certificates.certificate_issue_ov(actor=security_admin, organization=app_org,
                                                      dns_names=["portal.example.cn"],
                                                      csr=(tmp_path / "r.csr").read_text())  # fmt: skip
    assert key_pem is None and cert.wrapped_key is None
    pub = _openssl("pkey", "-in", key, "-pubout").stdout
    assert pki.public_key_of(x509.Certificate.load(cert.certificate_der)) == gm.load_pem_public_key(pub)


def _csr_with_bad_signature() -> bytes:
    from asn1crypto import csr as asn1_csr
    from asn1crypto import keys

    k = gm.generate_private_key()
    info = asn1_csr.CertificationRequestInfo({
        "version": "v1", "subject": pki.name(common_name="x.example.cn"),
        "subject_pk_info": keys.PublicKeyInfo.load(k.public_key.to_der()), "attributes": [],
    })  # fmt: skip
    return asn1_csr.CertificationRequest({
        "certification_request_info": info, "signature_algorithm": {"algorithm": pki.OID_SM2_WITH_SM3},
        "signature": gm.generate_private_key().sign(info.dump()),
    }).dump()  # fmt: skip


@pytest.mark.parametrize("csr", [
    "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----\n",
    "garbage", b"\x30\x82\xff\xff", _csr_with_bad_signature(),
])  # fmt: skip
def test_bad_csrs_are_refused_with_a_code(security_admin, app_org, csr):
    with pytest.raises(MalformedInput) as exc:
        certificates.certificate_issue_ov(actor=security_admin, organization=app_org, dns_names=["a.example.cn"], csr=csr)
    assert exc.value.code == "CSR_INVALID"
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("names", [[], ["not a name"], ["-bad.example.cn"], ["a.example.cn"] * 0 + ["x"] * 1,
                                   [f"h{i}.example.cn" for i in range(21)]])  # fmt: skip
def test_invalid_domain_names_are_refused(security_admin, app_org, names):
    with pytest.raises(MalformedInput):
        certificates.certificate_issue_ov(actor=security_admin, organization=app_org, dns_names=names)


def test_only_reviewed_organizations_and_only_the_security_admin(security_admin, system_admin, app_org):
    with pytest.raises(PermissionDenied):
        certificates.certificate_issue_ov(actor=system_admin, organization=app_org, dns_names=["a.example.cn"])
    app_org.status = OrgStatus.PENDING
    app_org.save()
    with pytest.raises(ValidationFailed) as exc:
        certificates.certificate_issue_ov(actor=security_admin, organization=app_org, dns_names=["a.example.cn"])
    assert exc.value.code == "ORG_NOT_VALIDATED"


@needs_openssl
def test_tlcp_pair_has_signing_and_encryption_certificates(security_admin, app_org, tmp_path):
    pair = certificates.certificate_issue_tlcp_pair(actor=security_admin, organization=app_org,
                                                    dns_names=["gm.example.cn"])  # fmt: skip
    sign, enc = pair["sign"], pair["enc"]
    assert sign.pair_id == enc.pair_id == pair["pair_id"]
    sign_ku = x509.Certificate.load(sign.certificate_der).key_usage_value.native
    enc_ku = x509.Certificate.load(enc.certificate_der).key_usage_value.native
    assert "digital_signature" in sign_ku and "key_encipherment" not in sign_ku
    assert {"key_encipherment", "data_encipherment", "key_agreement"} <= set(enc_ku)
    for record in (sign, enc):
        assert _verify_link(tmp_path, record.certificate_der, certificates.authority_issuing().certificate_der).returncode == 0


@needs_openssl
def test_revocation_is_listed_in_a_signed_crl(security_admin, app_org, tmp_path, client):
    cert, _key = certificates.certificate_issue_ov(actor=security_admin, organization=app_org, dns_names=["r.example.cn"])
    certificates.certificate_revoke(actor=security_admin, certificate=cert, reason="key_compromise")
    cert.refresh_from_db()
    assert cert.status == CertStatus.REVOKED
    r = client.get("/api/v1/crypto/ca/crl/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pkix-crl"
    crl = asn1_crl.CertificateList.load(r.content)
    issuing = certificates.authority_issuing()
    assert pki.public_key_of(x509.Certificate.load(issuing.certificate_der)).verify(
        crl["signature"].native, crl["tbs_cert_list"].dump())
    path = tmp_path / "crl.der"
    path.write_bytes(r.content)
    text = _openssl("crl", "-inform", "DER", "-in", str(path), "-noout", "-text").stdout
    assert cert.serial_hex.upper().lstrip("0") in text.replace(":", "") and "Key Compromise" in text
    numbers = [asn1_crl.CertificateList.load(client.get("/api/v1/crypto/ca/crl/").content).crl_number_value.native
               for _ in range(2)]  # fmt: skip
    assert numbers[1] == numbers[0] + 1
    with pytest.raises(Exception):  # noqa: B017 - revocation is final
        certificates.certificate_revoke(actor=security_admin, certificate=cert)


def test_ca_chain_is_public_pem(client, db):
    r = client.get("/api/v1/crypto/ca/chain/")
    assert r.status_code == 200 and r.content.count(b"BEGIN CERTIFICATE") == 2


def test_tsa_certificate_has_the_critical_timestamping_eku(internet):
    cert = x509.Certificate.load(certificates.authority_tsa(internet).certificate_der)
    eku = next(e for e in cert["tbs_certificate"]["extensions"] if e["extn_id"].native == "extended_key_usage")
    assert eku["critical"].native is True and eku["extn_value"].native == ["time_stamping"]


def test_expiry_reminders_once_per_stage(security_admin, app_org, make_user):
    owner_admin = make_user(organization=app_org, roles=[OrgRole.ORG_ADMIN])
    staff = make_user(organization=app_org, roles=[OrgRole.STAFF])
    cert, _key = certificates.certificate_issue_ov(actor=security_admin, organization=app_org, dns_names=["e.example.cn"])
    now = timezone.now()
    assert certificates.certificate_expiry_remind(now=now) == 0
    Certificate.objects.filter(pk=cert.pk).update(not_after=now + timedelta(days=20))
    assert certificates.certificate_expiry_remind(now=now) == 1
    assert certificates.certificate_expiry_remind(now=now) == 0  # idempotent
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {owner_admin.pk, security_admin.pk} and staff.pk not in recipients
    assert certificates.certificate_expiry_remind(now=now + timedelta(days=14)) == 1  # the 7-day stage
