"""Trusted timestamps (seed 004 §(二)5 时间戳服务): RFC 3161 over HTTP, tokens signed SM2-with-SM3.

One TSA per zone.  SM3 imprints (OID 1.2.156.10197.1.401) and SHA-256 imprints are accepted; the
token is a CMS SignedData over a TSTInfo whose serial number is the primary key of its
``TimestampRecord`` row (unique by construction, across processes), with accuracy, the request's
nonce echoed and the TSA policy OID.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp, x509
from django.db import transaction
from django.utils import timezone

from wangan.cryptosvc import certificates, pki
from wangan.cryptosvc.models import Application, Authority, TimestampRecord, Zone
from wangan.engines import gm

# An OID under the 2.25 (UUID) arc: usable without registration, unique to this platform's policy.
POLICY_OID = "2.25.22998178276422970093253320968780885603"
HASHES = {pki.OID_SM3: ("SM3", 32), "2.16.840.1.101.3.4.2.1": ("SHA256", 32)}
ACCURACY_SECONDS = 1
MAX_REQUEST_BYTES = 4096
CONTENT_TYPE_QUERY = "application/timestamp-query"
CONTENT_TYPE_REPLY = "application/timestamp-reply"


class TimeStampResp(tsp.TimeStampResp):
    """asn1crypto 1.5 does not mark timeStampToken OPTIONAL (RFC 3161 §2.4.2 does): a rejection has none."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def _reject(fail_info: str, text: str) -> bytes:
    return TimeStampResp({
        "status": {"status": "rejection", "status_string": [text], "fail_info": {fail_info}},
    }).dump()  # fmt: skip


def timestamp_respond(*, zone: Zone, application: Application | None, request_der: bytes) -> tuple[bytes, bool]:
    """The DER TimeStampResp for a DER TimeStampReq, and whether a token was granted.

    A bad request gets an RFC 3161 rejection (status + failInfo), not an exception: that is what
    timestamp clients understand."""
    if len(request_der) > MAX_REQUEST_BYTES:
        return _reject("bad_data_format", "request too large"), False
    try:
        req = tsp.TimeStampReq.load(bytes(request_der), strict=True)
        version = req["version"].native
        oid = req["message_imprint"]["hash_algorithm"]["algorithm"].dotted
        imprint = req["message_imprint"]["hashed_message"].native
        nonce = req["nonce"].native
        policy = req["req_policy"].dotted if req["req_policy"].native is not None else None
        cert_req = bool(req["cert_req"].native)
        has_extensions = req["extensions"].native is not None
    except (ValueError, TypeError, KeyError, OverflowError):
        return _reject("bad_data_format", "malformed TimeStampReq"), False
    if version != "v1":
        return _reject("bad_request", "unsupported version"), False
    if oid not in HASHES:
        return _reject("bad_alg", "only SM3 and SHA-256 imprints are accepted"), False
    if not isinstance(imprint, bytes) or len(imprint) != HASHES[oid][1]:
        return _reject("bad_data_format", "imprint length does not match its algorithm"), False
    if policy is not None and policy != POLICY_OID:
        return _reject("unaccepted_policy", "unknown policy"), False
    if has_extensions:
        return _reject("unaccepted_extensions", "extensions are not supported"), False
    token = _issue(zone=zone, application=application, oid=oid, imprint=imprint, nonce=nonce, cert_req=cert_req)
    return TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump(), True


def _issue(*, zone, application, oid: str, imprint: bytes, nonce: int | None, cert_req: bool) -> cms.ContentInfo:
    authority = certificates.authority_tsa(zone)
    issuer = certificates.authority_issuer(authority)
    gen_time = timezone.now().astimezone(UTC).replace(microsecond=0)
    with transaction.atomic():
        record = TimestampRecord.objects.create(zone=zone, application=application, hash_algorithm=HASHES[oid][0],
                                                imprint_hex=imprint.hex(), gen_time=gen_time)  # fmt: skip
    info = {
        "version": "v1", "policy": POLICY_OID,
        "message_imprint": {"hash_algorithm": {"algorithm": oid}, "hashed_message": imprint},
        "serial_number": record.pk, "gen_time": gen_time, "accuracy": {"seconds": ACCURACY_SECONDS},
        "tsa": x509.GeneralName({"directory_name": issuer.certificate.subject}),
    }  # fmt: skip
    if nonce is not None:
        info["nonce"] = nonce
    tst_info = tsp.TSTInfo(info)
    return _sign(tst_info, issuer, include_cert=cert_req)


def _sign(tst_info: tsp.TSTInfo, issuer: pki.Issuer, *, include_cert: bool) -> cms.ContentInfo:
    cert = issuer.certificate
    content = tst_info.dump()
    signed_attrs = cms.CMSAttributes([
        {"type": "content_type", "values": ["tst_info"]},
        {"type": "message_digest", "values": [gm.sm3(content)]},
        {"type": "signing_certificate_v2", "values": [{"certs": [{
            "hash_algorithm": {"algorithm": pki.OID_SM3}, "cert_hash": gm.sm3(cert.dump()),
            "issuer_serial": {"issuer": [x509.GeneralName({"directory_name": cert.issuer})],
                              "serial_number": cert.serial_number},
        }]}]},
    ])  # fmt: skip
    # The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4).
    signature = issuer.key.sign(signed_attrs.dump())
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {"issuer": cert.issuer,
                                                                   "serial_number": cert.serial_number}}),
        "digest_algorithm": {"algorithm": pki.OID_SM3},
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": pki.OID_SM2_WITH_SM3},
        "signature": signature,
    })  # fmt: skip
    signed_data = {
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": pki.OID_SM3})],
        "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(content)},
        "signer_infos": [signer],
    }
    if include_cert:
        signed_data["certificates"] = [cert]
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed_data)})


# --- verification -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Verified:
    valid: bool
    reason: str = ""
    serial: int | None = None
    gen_time: datetime | None = None
    hash_algorithm: str = ""
    imprint_hex: str = ""
    policy: str = ""
    tsa: str = ""

    def as_dict(self) -> dict:
        return {
            "valid": self.valid, "reason": self.reason, "serial": self.serial,
            "gen_time": self.gen_time.isoformat() if self.gen_time else None,
            "hash_algorithm": self.hash_algorithm, "imprint": self.imprint_hex, "policy": self.policy, "tsa": self.tsa,
        }  # fmt: skip


def _imprint_of(data: bytes, algorithm: str) -> bytes:
    return gm.sm3(data) if algorithm == "SM3" else hashlib.sha256(data).digest()


def timestamp_verify(*, token_der: bytes, data: bytes | None = None, digest: bytes | None = None) -> Verified:
    """Check a token (a TimeStampResp or its bare ContentInfo) was signed by one of the platform's
    TSAs and, when ``data`` or ``digest`` is given, that it stamps exactly that.  A bad token is an
    answer (``valid=False`` with a reason), never an exception."""
    try:
        raw = bytes(token_der)
        try:
            resp = TimeStampResp.load(raw, strict=True)
            if resp["status"]["status"].native not in ("granted", "granted_with_mods"):
                return Verified(False, "not a granted response")
            content_info = resp["time_stamp_token"]
        except ValueError:
            content_info = cms.ContentInfo.load(raw, strict=True)
        if content_info["content_type"].native != "signed_data":
            return Verified(False, "not a SignedData token")
        signed = content_info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            return Verified(False, "not a TSTInfo token")
        content = encap["content"].contents
        info = tsp.TSTInfo.load(content, strict=True)
        signers = signed["signer_infos"]
        if len(signers) != 1:
            return Verified(False, "exactly one signer expected")
        signer = signers[0]
        sid = signer["sid"].chosen
        serial = sid["serial_number"].native
        attrs = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
        signature = signer["signature"].native
        # Signed over as a SET OF: the [0] IMPLICIT tag becomes the universal SET tag again.
        signed_attrs_der = b"\x31" + signer["signed_attrs"].dump()[1:]
        sig_alg = signer["signature_algorithm"]["algorithm"].dotted
        oid = info["message_imprint"]["hash_algorithm"]["algorithm"].dotted
        imprint = info["message_imprint"]["hashed_message"].native
        gen_time = info["gen_time"].native
        policy = info["policy"].dotted
        token_serial = info["serial_number"].native
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        return Verified(False, "malformed token")
    authority = _authority_by_serial(serial)
    if authority is None:
        return Verified(False, "not signed by a TSA of this platform")
    public = pki.public_key_of(x509.Certificate.load(bytes(authority.certificate_der)))
    if sig_alg != pki.OID_SM2_WITH_SM3 or attrs.get("content_type") is None:
        return Verified(False, "unsupported signature algorithm")
    if attrs.get("message_digest") is None or attrs["message_digest"].native != gm.sm3(content):
        return Verified(False, "the TSTInfo does not match its signed digest")
    if not public.verify(signature, signed_attrs_der):
        return Verified(False, "bad signature")
    algorithm = HASHES.get(oid, ("?", 0))[0]
    result = {"serial": token_serial, "gen_time": gen_time, "hash_algorithm": algorithm, "imprint_hex": imprint.hex(),
                  "policy": policy, "tsa": authority.code}  # fmt: skip
    if not authority.not_before <= gen_time <= authority.not_after:
        return Verified(False, "generated outside the TSA certificate's validity", **result)
    if digest is not None and digest != imprint:
        return Verified(False, "the token stamps another digest", **result)
    if data is not None and _imprint_of(data, algorithm) != imprint:
        return Verified(False, "the token stamps other data", **result)
    return Verified(True, "", **result)


def _authority_by_serial(serial: int) -> Authority | None:
    for authority in Authority.objects.filter(code__startswith="tsa-"):
        if x509.Certificate.load(bytes(authority.certificate_der)).serial_number == serial:
            return authority
    return None
