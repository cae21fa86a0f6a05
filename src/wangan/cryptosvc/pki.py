"""The platform's SM2 PKI (seed 004 §(二)4 国密 OV SSL 证书): root CA, issuing CA, TSA certificates,
OV server certificates, TLCP signing/encryption pairs and the CRL — X.509 built with ``asn1crypto``
and signed SM2-with-SM3 by the GM engine (OpenSSL 3.0 cannot sign with an SM2 ID we control).

Pure building blocks: no database here (``certificates`` does the writes).  Every signature uses the
default SM2 signer ID ``1234567812345678`` (GM/T 0009), which is what verifiers assume for
certificates.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from asn1crypto import crl as asn1_crl
from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509
from django.utils.translation import gettext as _

from wangan.cryptosvc.errors import MalformedInput
from wangan.engines import gm

OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
OID_SM3 = "1.2.156.10197.1.401"
OID_SM2_CURVE = "1.2.156.10197.1.301"
OID_OV_POLICY = "2.23.140.1.2.2"  # CA/Browser Forum: organization validated
MAX_DNS_NAMES = 20
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DNS_RE = re.compile(rf"^(\*\.)?({_LABEL}\.)+[a-z]{{2,63}}$")


@dataclass(frozen=True)
class Issuer:
    """What signing a certificate needs: the issuer's certificate and private key."""

    certificate: x509.Certificate
    key: gm.SM2PrivateKey


def random_serial() -> int:
    """16 random bytes, positive, at least 8 significant bytes (CA/B BR 7.1: ≥ 64 bits of CSPRNG output)."""
    return int.from_bytes(secrets.token_bytes(16), "big") >> 1 | (1 << 120)


def key_identifier(public: gm.SM2PublicKey) -> bytes:
    return gm.sm3(public.to_bytes())[:20]


def name(*, common_name: str, organization: str = "", unit: str = "") -> x509.Name:
    attrs = {"country_name": "CN"}
    if organization:
        attrs["organization_name"] = organization
    if unit:
        attrs["organizational_unit_name"] = unit
    attrs["common_name"] = common_name
    return x509.Name.build(attrs)


def _time(value: datetime) -> x509.Time:
    value = value.replace(microsecond=0)
    return x509.Time({"utc_time": value} if value.year < 2050 else {"general_time": value})


def _ext(ext_id: str, value, *, critical: bool = False) -> dict:
    return {"extn_id": ext_id, "critical": critical, "extn_value": value}


def sign_certificate(
    *, issuer: Issuer | None, subject: x509.Name, public: gm.SM2PublicKey, not_before: datetime,
    not_after: datetime, extensions: list[dict], self_key: gm.SM2PrivateKey | None = None,
) -> x509.Certificate:
    """Build and sign a v3 certificate; ``issuer=None`` with ``self_key`` makes a self-signed root."""
    signer = issuer.key if issuer is not None else self_key
    assert signer is not None
    issuer_name = issuer.certificate.subject if issuer is not None else subject
    aki = key_identifier(signer.public_key)
    tbs = x509.TbsCertificate({
        "version": "v3",
        "serial_number": random_serial(),
        "signature": {"algorithm": OID_SM2_WITH_SM3},
        "issuer": issuer_name,
        "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
        "subject": subject,
        "subject_public_key_info": asn1_keys.PublicKeyInfo.load(public.to_der()),
        "extensions": [
            *extensions,
            _ext("key_identifier", key_identifier(public)),
            _ext("authority_key_identifier", {"key_identifier": aki}),
        ],
    })  # fmt: skip
    signature = signer.sign(tbs.dump())
    return x509.Certificate({
        "tbs_certificate": tbs, "signature_algorithm": {"algorithm": OID_SM2_WITH_SM3}, "signature_value": signature,
    })  # fmt: skip


def ca_extensions(*, path_len: int) -> list[dict]:
    return [
        _ext("basic_constraints", {"ca": True, "path_len_constraint": path_len}, critical=True),
        _ext("key_usage", {"key_cert_sign", "crl_sign", "digital_signature"}, critical=True),
    ]


def tsa_extensions(*, crl_url: str) -> list[dict]:
    # RFC 3161 §2.3: the TSA certificate has exactly one EKU, id-kp-timeStamping, marked critical.
    return [
        _ext("basic_constraints", {"ca": False}, critical=True),
        _ext("key_usage", {"digital_signature", "non_repudiation"}, critical=True),
        _ext("extended_key_usage", ["time_stamping"], critical=True),
        _ext("crl_distribution_points", [_crl_dp(crl_url)]),
    ]


def _crl_dp(url: str) -> dict:
    return {"distribution_point": {"full_name": [x509.GeneralName(name="uniform_resource_identifier", value=url)]}}


def server_extensions(*, dns_names: list[str], crl_url: str, usage: str) -> list[dict]:
    """OV server certificate: SANs, serverAuth/clientAuth, OV policy.  ``usage`` picks the key usage:
    ``sign`` (TLCP signing / single-certificate SSL) or ``enc`` (TLCP encryption certificate)."""
    key_usage = {"digital_signature", "non_repudiation"} if usage == "sign" else {
        "key_encipherment", "data_encipherment", "key_agreement"}  # fmt: skip
    return [
        _ext("basic_constraints", {"ca": False}, critical=True),
        _ext("key_usage", key_usage, critical=True),
        _ext("extended_key_usage", ["server_auth", "client_auth"]),
        _ext("subject_alt_name", [x509.GeneralName(name="dns_name", value=n) for n in dns_names]),
        _ext("certificate_policies", [{"policy_identifier": OID_OV_POLICY}]),
        _ext("crl_distribution_points", [_crl_dp(crl_url)]),
    ]


def normalize_dns_names(values: list[str]) -> list[str]:
    names: list[str] = []
    for raw in values or []:
        value = (raw or "").strip().lower().rstrip(".")
        if not _DNS_RE.match(value) or len(value) > 253:
            raise MalformedInput(_("Not a valid domain name: %(name)s") % {"name": raw[:80]}, code="DNS_NAME_INVALID")
        if value not in names:
            names.append(value)
    if not names or len(names) > MAX_DNS_NAMES:
        raise MalformedInput(
            _("Give between 1 and %(limit)s domain names.") % {"limit": MAX_DNS_NAMES}, code="DNS_NAME_INVALID"
        )
    return names


def verify_certificate_signature(cert: x509.Certificate, issuer_public: gm.SM2PublicKey) -> bool:
    if cert["signature_algorithm"]["algorithm"].dotted != OID_SM2_WITH_SM3:
        return False
    return issuer_public.verify(cert["signature_value"].native, cert["tbs_certificate"].dump())


def public_key_of(cert: x509.Certificate) -> gm.SM2PublicKey:
    return gm.load_der_public_key(cert["tbs_certificate"]["subject_public_key_info"].dump())


def to_pem(der: bytes, label: str = "CERTIFICATE") -> str:
    return asn1_pem.armor(label, bytes(der)).decode()


# --- certificate signing requests -------------------------------------------------------------
def csr_public_key(data: bytes | str) -> gm.SM2PublicKey:
    """The SM2 public key of a PEM or DER PKCS#10 request, after checking its self-signature
    (proof of possession).  Any defect is a ``MalformedInput`` with code ``CSR_INVALID``."""
    bad = MalformedInput(_("The certificate request is not a valid SM2 PKCS#10 request."), code="CSR_INVALID")
    try:
        raw = data.encode() if isinstance(data, str) else bytes(data)
        if asn1_pem.detect(raw):
            label, _headers, raw = asn1_pem.unarmor(raw)
            if label not in ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"):
                raise bad
        req = asn1_csr.CertificationRequest.load(raw, strict=True)
        info = req["certification_request_info"]
        public = gm.load_der_public_key(info["subject_pk_info"].dump())
        if req["signature_algorithm"]["algorithm"].dotted != OID_SM2_WITH_SM3:
            raise bad
        signature = req["signature"].native
        message = info.dump()
    except MalformedInput:
        raise
    except (ValueError, TypeError, KeyError, gm.GMError, OverflowError):
        raise bad from None
    # OpenSSL 3.0 signs requests with an empty SM2 ID unless told ``-sigopt distid:…``; GM tools use
    # the default ID.  Either proves possession of the key.
    if not (public.verify(signature, message) or public.verify(signature, message, uid=b"")):
        raise bad
    return public


# --- CRL --------------------------------------------------------------------------------------
def sign_crl(*, issuer: Issuer, number: int, this_update: datetime, next_update: datetime,
             revoked: list[tuple[int, datetime, str]]) -> asn1_crl.CertificateList:  # fmt: skip
    """A v2 CRL of ``(serial, revoked_at, reason)`` entries, signed SM2-with-SM3 by the issuing CA."""
    entries = []
    for serial, at, reason in revoked:
        entry = {"user_certificate": serial, "revocation_date": _time(at)}
        if reason and reason != "unspecified":
            entry["crl_entry_extensions"] = [{"extn_id": "crl_reason", "critical": False, "extn_value": reason}]
        entries.append(entry)
    tbs = asn1_crl.TbsCertList({
        "version": "v2",
        "signature": {"algorithm": OID_SM2_WITH_SM3},
        "issuer": issuer.certificate.subject,
        "this_update": _time(this_update),
        "next_update": _time(next_update),
        "revoked_certificates": entries or None,
        "crl_extensions": [
            {"extn_id": "crl_number", "critical": False, "extn_value": number},
            {"extn_id": "authority_key_identifier", "critical": False,
             "extn_value": {"key_identifier": key_identifier(issuer.key.public_key)}},
        ],
    })  # fmt: skip
    if not entries:
        del tbs["revoked_certificates"]
    return asn1_crl.CertificateList({
        "tbs_cert_list": tbs, "signature_algorithm": {"algorithm": OID_SM2_WITH_SM3},
        "signature": issuer.key.sign(tbs.dump()),
    })  # fmt: skip


VALIDITY = {
    "root": timedelta(days=20 * 365),
    "issuing": timedelta(days=10 * 365),
    "tsa": timedelta(days=5 * 365),
    "server": timedelta(days=397),  # CA/B BR: at most 398 days
}
