from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangan.accounts.choices import OrgRole, OrgStatus, OrgType, PlatformRole
from wangan.core.fields import EncryptedTextField


class Organization(models.Model):
    """A legal entity using the platform: authority, enterprise, provider, department, park, support unit."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=OrgType.choices, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.PENDING)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    agreement_version = models.CharField(max_length=20, blank=True)
    agreement_accepted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="org_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authority(self) -> bool:
        return self.type == OrgType.AUTHORITY


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields) -> User:
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who logs in; belongs to one organization and holds roles inside it."""

    username = models.CharField(_("login name"), max_length=64, unique=True)
    real_name = models.CharField(_("real name"), max_length=100)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="users")
    platform_role = models.CharField(
        _("platform role"), max_length=20, choices=PlatformRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    must_change_password = models.BooleanField(default=False)
    totp_secret = EncryptedTextField(blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    language = models.CharField(max_length=10, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.real_name} ({self.username})"

    @property
    def has_mfa(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def mfa_required(self) -> bool:
        """TOTP is mandatory for authority staff and the three platform roles."""
        return bool(self.platform_role) or self.organization.type == OrgType.AUTHORITY

    @property
    def role_codes(self) -> list[str]:
        """Platform role first, then organization roles (uses prefetched ``org_roles``)."""
        own = [self.platform_role] if self.platform_role else []
        return own + sorted(r.role for r in self.org_roles.all())

    def has_org_role(self, *roles: str) -> bool:
        return any(r.role in roles for r in self.org_roles.all())



class UserRole(models.Model):
    """A role a user holds inside their organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="org_roles")
    role = models.CharField(max_length=20, choices=OrgRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class LoginFailure(models.Model):
    """A failed login, kept to count failures in the lockout window (by user when it exists)."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")
    username_tried = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username_tried} {self.at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """A login name locked after too many failures — kept by name, so a lock looks the same
    whether or not the name exists (no user enumeration)."""

    username = models.CharField(max_length=150, unique=True)
    locked_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.username} until {self.locked_until:%H:%M}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, to refuse reuse of the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A scoped, expiring, revocable API token; only its HMAC is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active

