"""Crypto service data: zones, applications and their credentials, wrapped keys, usage, PKI.

No key material is ever stored in plaintext: application secrets, SM2 private keys, SM4 data keys
and CA keys are SM4-GCM-wrapped under their zone's (or the platform's) master key, which lives
outside the database (see ``keystore``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangan.cryptosvc.choices import (
    AuthorityKind,
    CertKind,
    CertStatus,
    KeyAlgorithm,
    KeyPurpose,
    KeyStatus,
    Operation,
    RevocationReason,
    ZoneCode,
)


class Zone(models.Model):
    """A network zone with its own master key and key store (seeded: internet, extranet)."""

    code = models.CharField(_("code"), max_length=20, choices=ZoneCode.choices, unique=True)
    # Key check value of the master key in use: a wrong or missing master key is reported as
    # such instead of as thousands of failed decryptions.
    master_key_check = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return str(self.get_code_display())


class Application(models.Model):
    """An information system that calls the crypto services (seed 004 §(二)6 应用接入)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="crypto_applications"
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(_("name"), max_length=100)
    app_key = models.CharField(_("application key ID"), max_length=40, unique=True)
    # The HMAC-SM3 secret is needed to recompute request signatures, so it is kept encrypted
    # (wrapped under the zone master key), not hashed.
    secret_wrapped = models.BinaryField()
    daily_quota = models.PositiveIntegerField(_("daily quota (operations)"), default=100_000)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["zone__code", "name"]
        verbose_name = _("crypto application")
        verbose_name_plural = _("crypto applications")
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="crypto_app_name_per_zone")]

    def __str__(self) -> str:
        return f"{self.name} ({self.zone.code})"


class Key(models.Model):
    """One version of an application key; all versions of a logical key share ``key_id``."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(_("key ID"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=KeyPurpose.choices)
    algorithm = models.CharField(_("algorithm"), max_length=10, choices=KeyAlgorithm.choices)
    status = models.CharField(_("status"), max_length=10, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    # SM4-GCM under the zone master key, AAD binding zone, key ID and version (keystore.wrap).
    wrapped = models.BinaryField(null=True)
    public_key_pem = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "key_id", "-version"]
        verbose_name = _("key")
        verbose_name_plural = _("keys")
        constraints = [
            models.UniqueConstraint(fields=["key_id", "version"], name="crypto_key_version_once"),
            models.UniqueConstraint(
                fields=["key_id"], condition=models.Q(status="active"), name="crypto_key_one_active_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} v{self.version} ({self.status})"


class Nonce(models.Model):
    """A request nonce seen recently; the unique pair refuses replays across processes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "nonce"], name="crypto_nonce_once")]

    def __str__(self) -> str:
        return self.nonce


class QuotaUsage(models.Model):
    """Operations consumed by an application on one day, checked and bumped in one UPDATE."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    used = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "day"], name="crypto_quota_day_once")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.day} {self.used}"


class UsageCounter(models.Model):
    """Operations and bytes per application, zone, day and operation (seed 004 附件7 monthly scoring)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="usage")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(db_index=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    count = models.BigIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("usage counter")
        verbose_name_plural = _("usage counters")
        constraints = [
            models.UniqueConstraint(fields=["application", "day", "operation"], name="crypto_usage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.day} {self.operation}={self.count}"


class Authority(models.Model):
    """Platform PKI key pair with its certificate: root CA, issuing CA, one TSA per zone."""

    kind = models.CharField(max_length=10, choices=AuthorityKind.choices)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40, unique=True)  # root | issuing | tsa-internet | tsa-extranet
    certificate_der = models.BinaryField()
    wrapped = models.BinaryField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    crl_number = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")

    def __str__(self) -> str:
        return self.code


class Certificate(models.Model):
    """A certificate issued by the platform CA to an organization (国密 OV SSL, TLCP pair)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=CertKind.choices)
    pair_id = models.CharField(max_length=32, blank=True, db_index=True)  # links a TLCP sign/enc pair
    common_name = models.CharField(_("common name"), max_length=200)
    organizational_unit = models.CharField(_("organizational unit"), max_length=100, blank=True)
    dns_names = models.JSONField(default=list)
    serial_hex = models.CharField(max_length=64, unique=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField(db_index=True)
    certificate_der = models.BinaryField()
    # Only when the service generated the key pair (no CSR); wrapped under the platform master key.
    wrapped_key = models.BinaryField(null=True)
    status = models.CharField(_("status"), max_length=10, choices=CertStatus.choices, default=CertStatus.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=30, choices=RevocationReason.choices, blank=True)
    reminded_days = models.PositiveIntegerField(null=True, blank=True)  # last expiry reminder stage sent
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial_hex[:12]})"


class TimestampRecord(models.Model):
    """One issued timestamp token; its primary key is the token's serial number (unique by construction)."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, null=True, on_delete=models.SET_NULL, related_name="+")
    hash_algorithm = models.CharField(max_length=10)
    imprint_hex = models.CharField(max_length=128)
    gen_time = models.DateTimeField()

    class Meta:
        verbose_name = _("timestamp")
        verbose_name_plural = _("timestamps")

    def __str__(self) -> str:
        return f"TS#{self.pk}"

