"""Account writes: login policy, MFA, passwords, registration, users and roles, API tokens."""

from __future__ import annotations

import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.accounts import permissions as perms
from wangan.accounts.choices import SELF_REGISTERING_TYPES, OrgRole, OrgStatus, OrgType, PlatformRole
from wangan.accounts.models import (
    ApiToken,
    LoginFailure,
    LoginLock,
    Organization,
    PasswordHistory,
    User,
    UserRole,
)
from wangan.accounts.workflow import ORGANIZATION_WORKFLOW
from wangan.core.audit import audit_record
from wangan.core.errors import DomainError, PermissionDenied, ValidationFailed
from wangan.core.notify import notify
from wangan.core.workflow import transition_apply

# seed 000 §五(一): users read and accept the user agreement when registering.
AGREEMENT_VERSION = "2024.1"
_DUMMY_HASH = make_password("not-a-real-password-0")
TOKEN_PREFIX = "wg_"  # noqa: S105 - a public prefix, not a secret


class LoginRefused(DomainError):
    status = 401


def _policy() -> dict:
    return settings.LOGIN_POLICY


# --- login -----------------------------------------------------------------------------------
def _active_lock(name: str, now) -> LoginLock | None:
    return LoginLock.objects.filter(username=name, locked_until__gt=now).first()


def _locked_message(lock: LoginLock, now) -> str:
    minutes = max(1, int((lock.locked_until - now).total_seconds() // 60) + 1)
    return _(
        "Too many failed attempts: this account is locked for %(minutes)d more minutes. "
        "Try again later or ask the security administrator to unlock it."
    ) % {"minutes": minutes}


def _record_failure(*, name: str, user: User | None, ip: str | None, now, reason: str) -> LoginRefused:
    """Count a failure by login name, lock the name at the policy's threshold, and return the
    refusal for the caller to raise *after* this has committed."""
    policy = _policy()
    with transaction.atomic():
        LoginFailure.objects.create(user=user, username_tried=name[:150], ip=ip, at=now)
        recent = LoginFailure.objects.filter(username_tried=name, at__gte=now - policy["window"]).count()
        audit_record(
            action="auth.login_failed", actor_name=name[:150], object_type="login", object_id=name[:64],
            after={"reason": reason, "failures_in_window": recent}, ip=ip, outcome="failure",
        )  # fmt: skip
        if recent >= policy["failures"]:
            until = now + policy["lockout"]
            LoginLock.objects.update_or_create(username=name, defaults={"locked_until": until})
            audit_record(
                action="auth.locked", actor_name=name[:150], object_type="login", object_id=name[:64],
                after={"until": until.isoformat()}, ip=ip, outcome="failure",
            )  # fmt: skip
            return LoginRefused(_locked_message(LoginLock(username=name, locked_until=until), now), code="ACCOUNT_LOCKED")
    left = policy["failures"] - recent
    return LoginRefused(
        _("Wrong login name or password. %(left)d attempts left before the account is locked.") % {"left": left},
        code="INVALID_CREDENTIALS",
    )


def _check_lock(name: str, ip: str | None, now) -> None:
    lock = _active_lock(name, now)
    if lock is not None:
        audit_record(
            action="auth.login_refused_locked", actor_name=name[:150], object_type="login",
            object_id=name[:64], ip=ip, outcome="failure",
        )  # fmt: skip
        raise LoginRefused(_locked_message(lock, now), code="ACCOUNT_LOCKED")


def login_check_password(*, username: str, password: str, ip: str | None = None) -> User:
    """First factor.  Every refusal looks the same whether or not the login name exists."""
    name = (username or "").strip()
    now = timezone.now()
    _check_lock(name, ip, now)
    user = User.objects.select_related("organization").filter(username=name).first()
    if user is None:
        make_password(password)  # same work as a real check: no timing oracle
        ok = False
    else:
        ok = user.check_password(password)
    if not ok:
        raise _record_failure(name=name, user=user, ip=ip, now=now, reason="password")
    if not user.is_active:
        if user.organization.status == OrgStatus.PENDING:
            raise LoginRefused(_("Your registration is waiting for review."), code="ACCOUNT_PENDING")
        raise LoginRefused(_("This account is disabled. Contact your administrator."), code="ACCOUNT_DISABLED")
    if user.organization.status not in (OrgStatus.ACTIVE,):
        raise LoginRefused(_("Your organization is not active on the platform."), code="ORGANIZATION_INACTIVE")
    LoginFailure.objects.filter(username_tried=name).delete()
    return user


def login_complete(*, user: User, ip: str | None, method: str) -> None:
    """Audit a successful login (after the second factor where one applies)."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    audit_record(action="auth.login", actor=user, obj=user, after={"method": method}, ip=ip)


def password_expired(user: User) -> bool:
    if user.must_change_password:
        return True
    days = _policy()["password_max_age_days"]
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at + timedelta(days=days) < timezone.now()


# --- second factor (TOTP) -------------------------------------------------------------------
def totp_enrol_begin(*, user: User) -> str:
    """Give the user a new (unconfirmed) secret; refused while a confirmed one exists."""
    if user.has_mfa:
        raise ValidationFailed(_("A second factor is already set up; ask the security administrator to reset it."))
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.save(update_fields=["totp_secret"])
    return secret


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="Wangan 网安服务平台")


def _totp_step_ok(user: User, code: str, now) -> int | None:
    if not user.totp_secret or not code or not code.strip().isdigit():
        return None
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def totp_verify(*, user: User, code: str, ip: str | None = None) -> None:
    """Second factor: accept a code once (no replay); failures count towards the lockout."""
    now = timezone.now()
    _check_lock(user.username, ip, now)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        step = _totp_step_ok(locked, code, now)
        if step is not None:
            locked.totp_last_step = step
            fields = ["totp_last_step"]
            if locked.totp_confirmed_at is None:
                locked.totp_confirmed_at = now
                fields.append("totp_confirmed_at")
                audit_record(action="auth.mfa_enrolled", actor=locked, obj=locked, ip=ip)
            locked.save(update_fields=fields)
    if step is None:
        refusal = _record_failure(name=user.username, user=user, ip=ip, now=now, reason="totp")
        if refusal.code == "INVALID_CREDENTIALS":
            refusal = LoginRefused(_("The verification code is wrong or was already used."), code="MFA_INVALID")
        raise refusal
    user.totp_last_step, user.totp_confirmed_at = locked.totp_last_step, locked.totp_confirmed_at
    LoginFailure.objects.filter(username_tried=user.username).delete()


@transaction.atomic
def totp_reset(*, actor: User, user: User) -> None:
    if not perms.is_security_admin(actor):
        raise PermissionDenied(_("Only the security administrator resets second factors."))
    User.objects.filter(pk=user.pk).update(totp_secret="", totp_confirmed_at=None, totp_last_step=0)
    audit_record(action="auth.mfa_reset", actor=actor, obj=user)


@transaction.atomic
def login_unlock(*, actor: User, username: str) -> bool:
    """Security admin lifts a lockout (and forgets the failures that caused it)."""
    if not perms.is_security_admin(actor):
        raise PermissionDenied(_("Only the security administrator unlocks accounts."))
    removed, _detail = LoginLock.objects.filter(username=username).delete()
    LoginFailure.objects.filter(username_tried=username).delete()
    audit_record(action="auth.unlocked", actor=actor, object_type="login", object_id=username[:64])
    return bool(removed)


# --- passwords -------------------------------------------------------------------------------
def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="PASSWORD_REJECTED", details=exc.messages) from exc


@transaction.atomic
def password_change(*, user: User, new_password: str, old_password: str | None = None, actor: User | None = None) -> None:
    """Change a password under the policy; keeps the last five hashes to refuse reuse."""
    if old_password is not None and not user.check_password(old_password):
        raise ValidationFailed(_("The current password is wrong."), code="PASSWORD_WRONG")
    _validate_password(new_password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = list(user.password_history.values_list("pk", flat=True)[5:])
        PasswordHistory.objects.filter(pk__in=stale).delete()
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = actor is not None and actor.pk != user.pk
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(action="auth.password_changed", actor=actor or user, obj=user)


def _temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{body}#{secrets.randbelow(10)}a"


# --- registration (seed 000 §五(一)) --------------------------------------------------------
@dataclass
class Registration:
    org_type: str
    org_name: str
    credit_code: str
    address: str
    contact_name: str
    contact_phone: str
    username: str
    real_name: str
    phone: str
    email: str
    password: str
    agreement_version: str
    accepted: bool


def registration_submit(*, data: Registration, ip: str | None = None) -> Organization:
    """An enterprise or provider registers; it waits inactive until the authority approves."""
    errors: dict[str, str] = {}
    if data.org_type not in SELF_REGISTERING_TYPES:
        errors["org_type"] = _("Only enterprises and service providers register themselves.")
    if not data.accepted or data.agreement_version != AGREEMENT_VERSION:
        errors["accepted"] = _("Read and accept the current user agreement to register.")
    if Organization.objects.filter(name=data.org_name).exists():
        errors["org_name"] = _("An organization with this name is already registered.")
    if data.credit_code and Organization.objects.filter(credit_code=data.credit_code).exists():
        errors["credit_code"] = _("This credit code is already registered.")
    if User.objects.filter(username=data.username).exists():
        errors["username"] = _("This login name is taken; choose another.")
    probe = User(username=data.username, real_name=data.real_name, email=data.email)
    try:
        validate_password(data.password, probe)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationFailed(_("The registration has errors."), code="REGISTRATION_INVALID", details=errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                name=data.org_name, type=data.org_type, status=OrgStatus.PENDING, credit_code=data.credit_code,
                address=data.address, contact_name=data.contact_name, contact_phone=data.contact_phone,
                agreement_version=data.agreement_version, agreement_accepted_at=now,
            )  # fmt: skip
            user = User.objects.create_user(
                username=data.username, password=data.password, real_name=data.real_name, phone=data.phone,
                email=data.email, organization=org, is_active=False, password_changed_at=now,
            )  # fmt: skip
            UserRole.objects.create(user=user, role=OrgRole.ORG_ADMIN)
            audit_record(
                action="organization.registered", actor_name=user.username, obj=org,
                after={"type": org.type, "agreement_version": data.agreement_version}, ip=ip,
            )  # fmt: skip
            notify(
                recipients=_registration_reviewers(), verb="registration.submitted",
                title=_("New registration: %(name)s") % {"name": org.name},
                link=f"/accounts/organizations/{org.pk}/", dedupe_key=f"registration:{org.pk}",
            )  # fmt: skip
    except IntegrityError as exc:  # lost a race on a unique name
        raise ValidationFailed(_("The organization or login name was registered meanwhile."), code="CONFLICT") from exc
    return org


def _registration_reviewers() -> list[User]:
    reviewers = User.objects.filter(
        is_active=True, organization__type=OrgType.AUTHORITY, org_roles__role=OrgRole.REVIEWER, platform_role=""
    )
    return list(reviewers) + list(User.objects.filter(is_active=True, platform_role=PlatformRole.SYSTEM_ADMIN))


def organization_review(*, actor: User, organization: Organization, approve: bool, comment: str = "") -> Organization:
    """Approve (activating its users) or reject a pending registration."""
    if not approve and not comment.strip():
        raise ValidationFailed(_("Give the reason for the rejection."), code="REASON_REQUIRED")

    def after(org: Organization) -> None:
        notify(
            recipients=org.users.all(), verb=f"registration.{'approved' if approve else 'rejected'}",
            title=_("Your registration was approved.") if approve else _("Your registration was rejected."),
            body=comment, link="/", dedupe_key=f"registration:{org.pk}:{'approved' if approve else 'rejected'}",
        )  # fmt: skip

    with transaction.atomic():
        org = transition_apply(
            workflow=ORGANIZATION_WORKFLOW, name="approve" if approve else "reject", obj=organization, actor=actor,
            changes={"review_comment": comment, "reviewed_at": timezone.now()}, audit_extra={"comment": comment},
            on_commit=after,
        )  # fmt: skip
        if approve:
            org.users.update(is_active=True)
    return org


def organization_set_suspended(*, actor: User, organization: Organization, suspended: bool, comment: str = "") -> Organization:
    return transition_apply(
        workflow=ORGANIZATION_WORKFLOW, name="suspend" if suspended else "reinstate", obj=organization,
        actor=actor, changes={"review_comment": comment}, audit_extra={"comment": comment},
    )  # fmt: skip


# --- users and roles -------------------------------------------------------------------------
def _check_roles(*, actor: User, organization: Organization, roles: list[str], platform_role: str) -> None:
    if not perms.can_manage_users_of(actor, organization):
        raise PermissionDenied(_("You may not manage the users of this organization."))
    unknown = set(roles) - set(OrgRole.values)
    if unknown:
        raise ValidationFailed(_("Unknown role."), code="ROLE_UNKNOWN", details=sorted(unknown))
    if platform_role:
        if platform_role not in PlatformRole.values:
            raise ValidationFailed(_("Unknown platform role."), code="ROLE_UNKNOWN")
        if not perms.is_system_admin(actor):
            raise PermissionDenied(_("Only the system administrator assigns platform roles."))
        if organization.type != OrgType.AUTHORITY:
            raise ValidationFailed(_("Platform roles belong to authority staff."), code="ROLE_NOT_ALLOWED")
        if roles:
            # 三权分立: a platform administrator holds no business role beside it.
            raise ValidationFailed(
                _("A platform administrator holds no other role."), code="ROLE_SEPARATION"
            )
    if OrgRole.REVIEWER in roles and organization.type != OrgType.AUTHORITY:
        raise ValidationFailed(_("Only authority staff can be reviewers."), code="ROLE_NOT_ALLOWED")


@transaction.atomic
def user_create(
    *,
    actor: User,
    organization: Organization,
    username: str,
    real_name: str,
    email: str = "",
    phone: str = "",
    roles: list[str] | None = None,
    platform_role: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create a user; returns it with the one-time password to hand over (changed at first login)."""
    roles = roles or [OrgRole.STAFF]
    _check_roles(actor=actor, organization=organization, roles=roles, platform_role=platform_role)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("This login name is taken; choose another."), code="USERNAME_TAKEN")
    temporary = password or _temporary_password()
    user = User(
        username=username, real_name=real_name, email=email, phone=phone, organization=organization,
        platform_role=platform_role, must_change_password=password is None, password_changed_at=timezone.now(),
    )  # fmt: skip
    _validate_password(temporary, user)
    user.set_password(temporary)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
    audit_record(
        action="user.created", actor=actor, obj=user,
        after={"organization": organization.pk, "roles": sorted(set(roles)), "platform_role": platform_role},
    )  # fmt: skip
    return user, temporary


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: list[str], platform_role: str | None = None) -> User:
    """Replace a user's roles (permission changes are audited with before and after)."""
    platform_role = user.platform_role if platform_role is None else platform_role
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot change your own roles."))
    _check_roles(actor=actor, organization=user.organization, roles=roles, platform_role=platform_role)
    if user.platform_role != platform_role and not perms.is_system_admin(actor):
        raise PermissionDenied(_("Only the system administrator assigns platform roles."))
    before = {"roles": user.role_codes}
    UserRole.objects.filter(user=user).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
    User.objects.filter(pk=user.pk).update(platform_role=platform_role)
    user.refresh_from_db()
    after = {"roles": ([platform_role] if platform_role else []) + sorted(set(roles))}
    audit_record(action="user.roles_changed", actor=actor, obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    if not perms.can_manage_users_of(actor, user.organization) or actor.pk == user.pk:
        raise PermissionDenied(_("You may not change this user."))
    before = {"is_active": user.is_active}
    User.objects.filter(pk=user.pk).update(is_active=is_active)
    user.is_active = is_active
    audit_record(action="user.activated" if is_active else "user.deactivated", actor=actor, obj=user, before=before,
                 after={"is_active": is_active})  # fmt: skip
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Issue a one-time password; the user must change it at next login."""
    if not perms.can_manage_users_of(actor, user.organization) or actor.pk == user.pk:
        raise PermissionDenied(_("You may not change this user."))
    temporary = _temporary_password()
    password_change(user=user, new_password=temporary, actor=actor)
    return temporary


# --- API tokens ------------------------------------------------------------------------------
TOKEN_SCOPES = ("read", "write")


def token_digest(raw: str) -> str:
    """Keyed hash (HMAC-SM3 under a server-side key): a stolen table yields no usable token."""
    return hmac.new(settings.TOKEN_HMAC_KEY, raw.encode(), "sm3").hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, scopes: list[str], days: int = 90) -> tuple[ApiToken, str]:
    """Create a token; the raw value is shown once and never stored."""
    if not name.strip():
        raise ValidationFailed(_("Give the token a name."), code="NAME_REQUIRED")
    if not scopes or set(scopes) - set(TOKEN_SCOPES):
        raise ValidationFailed(_("Scopes must be read and/or write."), code="SCOPE_INVALID")
    if not 1 <= days <= 365:
        raise ValidationFailed(_("A token lives between 1 and 365 days."), code="EXPIRY_INVALID")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=prefix, digest=token_digest(raw), scopes=sorted(set(scopes)),
        expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    audit_record(action="api_token.created", actor=user, obj=token, after={"scopes": token.scopes, "days": days})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not perms.is_security_admin(actor):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit_record(action="api_token.revoked", actor=actor, obj=token)
    token.refresh_from_db()
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token for a raw value, or None (unknown, expired, revoked, inactive user)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user", "user__organization").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
