"""Writes of the crypto service: applications and credentials, keys, nonces, quotas and usage.

Every key lifecycle step is one transaction with one audit event; audit rows name the key, its
version and status, never key material, secrets or payloads.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import PermissionDenied, ValidationFailed
from wangan.core.workflow import transition_apply
from wangan.cryptosvc import keystore
from wangan.cryptosvc.choices import KeyAlgorithm, KeyPurpose, KeyStatus, ZoneCode
from wangan.cryptosvc.errors import AppDisabled, MasterKeyMismatch, QuotaExceeded, auth_failed
from wangan.cryptosvc.models import Application, Key, Nonce, QuotaUsage, UsageCounter, Zone
from wangan.cryptosvc.permissions import can_manage
from wangan.cryptosvc.workflow import KEY_WORKFLOW
from wangan.engines import gm

SECRET_KIND = "app-secret"  # noqa: S105 - a label in the wrapping AAD, not a secret
KEY_KIND = "app-key"
NONCE_KEEP = timedelta(minutes=15)  # > twice the 5-minute timestamp window: every replay is caught


def _require_manager(actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("Only the security administrator manages the crypto service."))


# --- zones and master keys -------------------------------------------------------------------
def zone_master_check(*, zone: Zone) -> None:
    """Record the master key's check value on first use; refuse a different master key later."""
    try:
        kcv = keystore.master_key_check_value(zone.code)
    except keystore.MasterKeyError as exc:
        raise MasterKeyMismatch(str(exc)) from exc
    if not zone.master_key_check:
        Zone.objects.filter(pk=zone.pk, master_key_check="").update(master_key_check=kcv)
        zone.refresh_from_db(fields=["master_key_check"])
    if zone.master_key_check != kcv:
        raise MasterKeyMismatch(
            _("The master key of zone %(zone)s is not the one its key store was created with.") % {"zone": zone.code}
        )


def zone_get(code: str) -> Zone:
    if code not in ZoneCode.values:
        raise ValidationFailed(_("Unknown zone."), code="ZONE_UNKNOWN")
    return Zone.objects.get(code=code)


# --- applications and credentials ----------------------------------------------------------
def _new_secret(app: Application) -> tuple[str, bytes]:
    secret = "ws_" + secrets.token_urlsafe(32)
    return secret, keystore.wrap(master=app.zone.code, kind=SECRET_KIND, ident=app.app_key, plaintext=secret.encode())


def application_secret(app: Application) -> str:
    """The HMAC secret, unwrapped (request authentication only; never logged or shown again)."""
    try:
        raw = keystore.unwrap_cached(master=app.zone.code, kind=SECRET_KIND, ident=app.app_key, version=1,
                                     blob=app.secret_wrapped, build=lambda b: b.decode())  # fmt: skip
    except keystore.MasterKeyError as exc:
        raise MasterKeyMismatch(str(exc)) from exc
    return raw  # type: ignore[return-value]


def application_register(
    *, actor, organization, zone: Zone, name: str, daily_quota: int = 100_000, with_keys: bool = True
) -> tuple[Application, str]:
    """Register an application in a zone with a fresh credential (returned once) and its keys."""
    _require_manager(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the application a name of at most 100 characters."), code="APP_NAME_INVALID")
    if daily_quota < 1:
        raise ValidationFailed(_("The daily quota must be at least 1."), code="QUOTA_INVALID")
    zone_master_check(zone=zone)
    with transaction.atomic():
        if Application.objects.filter(zone=zone, name=name).exists():
            raise ValidationFailed(_("An application of this name is already registered in this zone."),
                                   code="APP_EXISTS")  # fmt: skip
        app = Application(organization=organization, zone=zone, name=name, daily_quota=daily_quota,
                          app_key="wa_" + secrets.token_hex(10), created_by=actor)  # fmt: skip
        secret, app.secret_wrapped = _new_secret(app)
        app.save()
        audit_record(action="crypto_app.registered", actor=actor, obj=app,
                     after={"zone": zone.code, "organization": organization.name, "app_key": app.app_key,
                            "daily_quota": daily_quota})  # fmt: skip
        if with_keys:
            key_create(actor=actor, application=app, purpose=KeyPurpose.SIGN)
            key_create(actor=actor, application=app, purpose=KeyPurpose.ENCRYPT)
    return app, secret


def application_credentials_rotate(*, actor, application: Application) -> str:
    """Issue a new secret (returned once); the old one stops working at once."""
    _require_manager(actor)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("zone").get(pk=application.pk)
        secret, app.secret_wrapped = _new_secret(app)
        app.secret_rotated_at = timezone.now()
        app.save(update_fields=["secret_wrapped", "secret_rotated_at"])
        audit_record(action="crypto_app.credentials_rotated", actor=actor, obj=app, after={"app_key": app.app_key})
    return secret


def application_update(*, actor, application: Application, is_active: bool | None = None,
                       daily_quota: int | None = None) -> Application:  # fmt: skip
    """Enable/disable an application or change its quota."""
    _require_manager(actor)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        before = {"is_active": app.is_active, "daily_quota": app.daily_quota}
        if is_active is not None:
            app.is_active = is_active
        if daily_quota is not None:
            if daily_quota < 1:
                raise ValidationFailed(_("The daily quota must be at least 1."), code="QUOTA_INVALID")
            app.daily_quota = daily_quota
        app.save(update_fields=["is_active", "daily_quota"])
        audit_record(action="crypto_app.updated", actor=actor, obj=app, before=before,
                     after={"is_active": app.is_active, "daily_quota": app.daily_quota})  # fmt: skip
    return app


# --- keys -------------------------------------------------------------------------------------
def _material(purpose: str) -> tuple[str, bytes, str]:
    """(algorithm, secret material, public key PEM) of a fresh key, from the OS CSPRNG."""
    if purpose == KeyPurpose.SIGN:
        private = gm.generate_private_key()
        return KeyAlgorithm.SM2, private.to_der(), private.public_key.to_pem().decode()
    return KeyAlgorithm.SM4, secrets.token_bytes(gm.SM4_KEY_SIZE), ""


def _new_version(application: Application, key_id: str, version: int, purpose: str) -> Key:
    algorithm, material, public_pem = _material(purpose)
    wrapped = keystore.wrap(master=application.zone.code, kind=KEY_KIND, ident=key_id, version=version,
                            plaintext=material)  # fmt: skip
    return Key.objects.create(application=application, key_id=key_id, version=version, purpose=purpose,
                              algorithm=algorithm, wrapped=wrapped, public_key_pem=public_pem)  # fmt: skip


def key_create(*, actor, application: Application, purpose: str) -> Key:
    """A new logical key (version 1) for the application: SM2 for signing, SM4 for encryption."""
    _require_manager(actor)
    if purpose not in KeyPurpose.values:
        raise ValidationFailed(_("Unknown key purpose."), code="KEY_PURPOSE_INVALID")
    zone_master_check(zone=application.zone)
    with transaction.atomic():
        key = _new_version(application, "k_" + secrets.token_hex(10), 1, purpose)
        audit_record(action="key.created", actor=actor, obj=key,
                     after={"key_id": key.key_id, "version": 1, "purpose": purpose, "algorithm": key.algorithm,
                            "application": application.app_key, "zone": application.zone.code})  # fmt: skip
    return key


def key_rotate(*, actor, key: Key) -> Key:
    """New active version; the previous active version is retired (still verifies and decrypts)."""
    _require_manager(actor)
    with transaction.atomic():
        versions = list(Key.objects.select_for_update().filter(key_id=key.key_id).order_by("-version"))
        current = next((k for k in versions if k.status == KeyStatus.ACTIVE), None)
        if current is not None:
            transition_apply(workflow=KEY_WORKFLOW, name="retire", obj=current, actor=actor,
                             changes={"retired_at": timezone.now()})  # fmt: skip
        app = Application.objects.select_related("zone").get(pk=key.application_id)
        new = _new_version(app, key.key_id, versions[0].version + 1, key.purpose)
        audit_record(action="key.rotated", actor=actor, obj=new,
                     after={"key_id": new.key_id, "version": new.version, "application": app.app_key})  # fmt: skip
    return new


def key_disable(*, actor, key: Key) -> Key:
    key = transition_apply(workflow=KEY_WORKFLOW, name="disable", obj=key, actor=actor,
                           changes={"disabled_at": timezone.now()}, audit_extra={"key_id": key.key_id,
                                                                                  "version": key.version})  # fmt: skip
    if key.wrapped is not None:
        keystore.evict(key.wrapped)
    return key


def key_enable(*, actor, key: Key) -> Key:
    """Back in service: active again if no other version of the key is, otherwise retired."""
    others_active = Key.objects.filter(key_id=key.key_id, status=KeyStatus.ACTIVE).exclude(pk=key.pk).exists()
    name = "enable" if others_active else "reactivate"
    return transition_apply(workflow=KEY_WORKFLOW, name=name, obj=key, actor=actor, changes={"disabled_at": None},
                            audit_extra={"key_id": key.key_id, "version": key.version})  # fmt: skip


def key_destroy(*, actor, key: Key) -> Key:
    """Erase the wrapped material for good (crypto-shredding: data under it can no longer be read)."""
    blob = key.wrapped
    key = transition_apply(workflow=KEY_WORKFLOW, name="destroy", obj=key, actor=actor,
                           changes={"wrapped": None, "destroyed_at": timezone.now()},
                           audit_extra={"key_id": key.key_id, "version": key.version})  # fmt: skip
    if blob is not None:
        keystore.evict(blob)
    return key


# --- request admission: nonces, quotas, usage -------------------------------------------------
def nonce_register(*, application: Application, nonce: str, now: datetime | None = None) -> None:
    """Remember a nonce; a second use by the same application is a replay (unique index, any process)."""
    try:
        with transaction.atomic():
            Nonce.objects.create(application=application, nonce=nonce, seen_at=now or timezone.now())
    except IntegrityError:
        raise auth_failed("NONCE_REPLAYED") from None


def nonce_purge(*, now: datetime | None = None) -> int:
    """Periodic: forget nonces older than the replay window (their timestamps are refused anyway)."""
    cutoff = (now or timezone.now()) - NONCE_KEEP
    deleted, _rows = Nonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def _bump(model, filters: dict, **increments) -> None:
    """``UPDATE … SET x = x + n`` on the row, creating it first if needed (race-safe)."""
    updates = {name: F(name) + value for name, value in increments.items()}
    if model.objects.filter(**filters).update(**updates):
        return
    try:
        with transaction.atomic():
            model.objects.create(**filters, **increments)
    except IntegrityError:  # created by a concurrent request in between
        model.objects.filter(**filters).update(**updates)


def usage_consume(*, application: Application, operation: str, items: int = 1, nbytes: int = 0,
                  day: date | None = None) -> None:  # fmt: skip
    """Charge ``items`` operations to today's quota (refusing past it) and count the usage."""
    if not application.is_active:
        raise AppDisabled(_("This application is disabled."))
    day = day or timezone.localdate()
    with transaction.atomic():
        # The check and the increment are one conditional UPDATE: no two processes can both pass
        # the last unit of quota.
        charged = QuotaUsage.objects.filter(
            application=application, day=day, used__lte=application.daily_quota - items
        ).update(used=F("used") + items)
        if not charged:
            if items > application.daily_quota or QuotaUsage.objects.filter(application=application, day=day).exists():
                raise QuotaExceeded(_("The application's daily quota is used up."))
            try:
                with transaction.atomic():
                    QuotaUsage.objects.create(application=application, day=day, used=items)
            except IntegrityError:
                if not QuotaUsage.objects.filter(
                    application=application, day=day, used__lte=application.daily_quota - items
                ).update(used=F("used") + items):
                    raise QuotaExceeded(_("The application's daily quota is used up.")) from None
        _bump(UsageCounter, {"application": application, "zone_id": application.zone_id, "day": day,
                             "operation": operation}, count=items, bytes=nbytes)  # fmt: skip
