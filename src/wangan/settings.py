"""Django settings: everything comes from environment variables declared in ``wangan.config``."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from wangan import config

BASE_DIR = Path(__file__).resolve().parent
ENV = config.get("WANGAN_ENV")
PRODUCTION = ENV == "production"
TESTING = ENV == "test" or "pytest" in sys.modules
DATA_DIR = config.data_dir()

DEBUG = config.get("WANGAN_DEBUG") and not PRODUCTION
SECRET_KEY = config.kept_secret("WANGAN_SECRET_KEY", 32)
FIELD_ENCRYPTION_KEY = bytes.fromhex(config.kept_secret("WANGAN_FIELD_KEY", 16))
TOKEN_HMAC_KEY = config.kept_secret("WANGAN_TOKEN_KEY", 32).encode()
ALLOWED_HOSTS = config.get("WANGAN_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = config.get("WANGAN_CSRF_TRUSTED_ORIGINS")
SITE_URL = config.get("WANGAN_SITE_URL")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "wangan.core",
    "wangan.accounts",
    "wangan.reports",
    "wangan.filings",
    "wangan.vouchers",
    "wangan.cryptosvc",
    "wangan.logs",
    "wangan.contracts",
    "wangan.incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wangan.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wangan.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wangan.core.middleware.ClientAddressMiddleware",
]

ROOT_URLCONF = "wangan.urls"
WSGI_APPLICATION = "wangan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangan.core.context.platform",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
_db_url = config.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "wangan.sqlite3",
            "OPTIONS": {
                # WAL lets the web threads read while the worker writes; IMMEDIATE avoids
                # upgrade deadlocks between two writers.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that tests can start a real worker process on the same database.
    # Per process, so that parallel test runs on one checkout never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
USING_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if PRODUCTION and USING_SQLITE and not config.get("WANGAN_ALLOW_SQLITE_IN_PRODUCTION"):
    raise SystemExit(
        "Refusing to start production on the embedded SQLite database: set DATABASE_URL, "
        "or WANGAN_ALLOW_SQLITE_IN_PRODUCTION=1 if you really mean it."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and login policy --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["wangan.accounts.backends.PolicyBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "wangan.accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "wangan.accounts.passwords.HistoryValidator", "OPTIONS": {"remember": 5}},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: hashing speed, not security
    if TESTING
    else []
) + [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_POLICY = {
    "failures": config.get("WANGAN_LOCKOUT_FAILURES"),
    "window": timedelta(minutes=config.get("WANGAN_LOCKOUT_WINDOW_MINUTES")),
    "lockout": timedelta(minutes=config.get("WANGAN_LOCKOUT_MINUTES")),
    "password_max_age_days": config.get("WANGAN_PASSWORD_MAX_AGE_DAYS"),
    "idle": timedelta(minutes=config.get("WANGAN_SESSION_IDLE_MINUTES")),
}
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [Path(config.get("WANGAN_I18N_WORKDIR") or BASE_DIR / "locale")]
USE_I18N = True
TIME_ZONE = config.get("WANGAN_TIME_ZONE")
USE_TZ = True

# --- static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the package (finders); collectstatic is optional
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(config.get("WANGAN_MEDIA_DIR") or DATA_DIR / "media")
WHITENOISE_USE_FINDERS = True  # serve straight from the package; no collectstatic step needed
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if config.get("WANGAN_STORAGE") == "s3":  # pragma: no cover - needs an object store
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
UPLOAD_MAX_BYTES = config.get("WANGAN_UPLOAD_MAX_BYTES")
ARCHIVE_MAX_BYTES = config.get("WANGAN_ARCHIVE_MAX_BYTES")
ARCHIVE_MAX_FILES = config.get("WANGAN_ARCHIVE_MAX_FILES")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- mail -----------------------------------------------------------------------------------
_email_url = config.get("WANGAN_EMAIL_URL")
if _email_url:
    from urllib.parse import unquote, urlparse

    _u = urlparse(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _u.hostname, _u.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = unquote(_u.username or ""), unquote(_u.password or "")
    EMAIL_USE_TLS = _u.scheme == "smtp+tls"
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = config.get("WANGAN_DEFAULT_FROM_EMAIL")

# --- background jobs (Celery) ---------------------------------------------------------------
_broker = config.get("WANGAN_BROKER_URL")
EMBEDDED_BROKER = not _broker
if EMBEDDED_BROKER and TESTING:
    CELERY_BROKER_URL = "memory://"  # unit tests: messages stay in-process; broker tests start real workers
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
elif EMBEDDED_BROKER:
    _spool = DATA_DIR / "broker"
    for _sub in ("in", "processed", "control"):
        (_spool / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # the filesystem transport ignores the host; naming one keeps kombu from warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_spool / "in"),
        "data_folder_out": str(_spool / "in"),
        "processed_folder": str(_spool / "processed"),
        "control_folder": str(_spool / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_URL = _broker
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wangan.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wangan.core.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wangan 网安服务平台 API",
    "DESCRIPTION": "REST API of the Wangan cybersecurity public-service platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "wangan.accounts.choices.OrgStatus",
        "ApplicationStatusEnum": "wangan.filings.choices.Status",
        "LogSourceTypeEnum": "wangan.logs.choices.SourceType",
        "LogLevelEnum": "wangan.logs.choices.Level",
    },
}

# --- security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Every asset is served from this origin: the platform runs on isolated government networks.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

AUDIT_RETENTION_DAYS = config.get("WANGAN_AUDIT_RETENTION_DAYS")
# Append audit events when the surrounding transaction commits (see wangan.core.audit); unit tests,
# which never commit, append at once.
AUDIT_DEFER_TO_COMMIT = not TESTING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO" if not TESTING else "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
