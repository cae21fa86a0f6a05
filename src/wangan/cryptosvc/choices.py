"""Enumerations of the crypto service (stable codes stored in the database and sent over the API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneCode(models.TextChoices):
    """seed 004 §(二): every crypto service runs "one set for the Internet zone and one for the
    e-government extranet zone" — separate master keys, key stores and credentials."""

    INTERNET = "internet", _("Internet zone")
    EXTRANET = "extranet", _("E-government extranet zone")


class KeyPurpose(models.TextChoices):
    SIGN = "sign", _("Signing")
    ENCRYPT = "encrypt", _("Encryption")


class KeyAlgorithm(models.TextChoices):
    SM2 = "SM2", "SM2"
    SM4 = "SM4", "SM4"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # used for new signatures / ciphertexts
    RETIRED = "retired", _("Retired")  # rotated out: still verifies and decrypts
    DISABLED = "disabled", _("Disabled")  # refused for every operation until re-enabled
    DESTROYED = "destroyed", _("Destroyed")  # key material erased for good


USABLE_FOR_OLD_DATA = (KeyStatus.ACTIVE, KeyStatus.RETIRED)


class Operation(models.TextChoices):
    """What the usage counters count (one count per item of a batch)."""

    DIGEST = "digest", _("Digest")
    HMAC = "hmac", _("HMAC")
    HMAC_VERIFY = "hmac_verify", _("HMAC verification")
    SIGN = "sign", _("Signature")
    VERIFY = "verify", _("Signature verification")
    ENCRYPT = "encrypt", _("Encryption")
    DECRYPT = "decrypt", _("Decryption")
    TIMESTAMP = "timestamp", _("Timestamp")
    TIMESTAMP_VERIFY = "timestamp_verify", _("Timestamp verification")


class CertKind(models.TextChoices):
    SERVER_OV = "server_ov", _("OV SSL server certificate")
    TLCP_SIGN = "tlcp_sign", _("TLCP signing certificate")
    TLCP_ENC = "tlcp_enc", _("TLCP encryption certificate")


class CertStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class AuthorityKind(models.TextChoices):
    ROOT = "root", _("Root CA")
    ISSUING = "issuing", _("Issuing CA")
    TSA = "tsa", _("Timestamp authority")


class RevocationReason(models.TextChoices):
    """RFC 5280 CRLReason names, as asn1crypto spells them."""

    UNSPECIFIED = "unspecified", _("Unspecified")
    KEY_COMPROMISE = "key_compromise", _("Key compromise")
    AFFILIATION_CHANGED = "affiliation_changed", _("Affiliation changed")
    SUPERSEDED = "superseded", _("Superseded")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("Cessation of operation")
