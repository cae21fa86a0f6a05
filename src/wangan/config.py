"""Every environment variable the platform reads, declared once with its type, default and meaning.

Secrets may also be given as ``<NAME>_FILE`` pointing at a file that holds the value (container
secrets).  Nothing here imports Django, so ``settings.py`` and the CLI can both use it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Var:
    name: str
    kind: type
    default: Any
    doc: str
    secret: bool = False


VARS: tuple[Var, ...] = (
    Var("WANGAN_ENV", str, "embedded", "embedded (default, one machine) | production | test"),
    Var("WANGAN_DEBUG", bool, False, "Django DEBUG; never in production"),
    Var("WANGAN_DATA_DIR", str, "var", "where the embedded database, uploads, broker spool and generated keys live"),
    Var("DATABASE_URL", str, "", "database URL; empty = embedded SQLite in WANGAN_DATA_DIR"),
    Var("WANGAN_BROKER_URL", str, "", "Celery broker (redis://…, amqp://…); empty = embedded filesystem broker"),
    Var("WANGAN_ALLOW_SQLITE_IN_PRODUCTION", bool, False, "let production mode start on SQLite"),
    Var("WANGAN_SECRET_KEY", str, "", "Django SECRET_KEY; generated and kept in WANGAN_DATA_DIR when empty", secret=True),
    Var("WANGAN_FIELD_KEY", str, "", "hex SM4 key (32 hex digits) for personal fields at rest; generated when empty", secret=True),
    Var("WANGAN_TOKEN_KEY", str, "", "HMAC key for API tokens; generated when empty", secret=True),
    Var("WANGAN_CRYPTO_MASTER_KEY_INTERNET", str, "", "hex SM4 master key (32 hex digits) of the Internet zone's crypto key store; generated when empty", secret=True),
    Var("WANGAN_CRYPTO_MASTER_KEY_EXTRANET", str, "", "hex SM4 master key (32 hex digits) of the e-government extranet zone's crypto key store; generated when empty", secret=True),
    Var("WANGAN_CRYPTO_MASTER_KEY_PLATFORM", str, "", "hex SM4 master key (32 hex digits) of the platform CA keys; generated when empty", secret=True),
    Var("WANGAN_LOG_RETENTION_DAYS", int, 180, "stored log events kept at least this long (never < 180)"),
    Var("WANGAN_LOG_BULK_MAX_BYTES", int, 5242880, "largest HTTP bulk body (413 above)"),
    Var("WANGAN_LOG_BULK_MAX_LINE", int, 65536, "longest bulk line"),
    Var("WANGAN_LOG_BULK_MAX_PENDING", int, 10, "bulk batches waiting per organization before 429"),
    Var("WANGAN_LOG_BULK_MAX_LINES_PER_MINUTE", int, 600000, "bulk lines per organization per minute before 429"),
    Var("WANGAN_LOG_SYSLOG_QUEUE", int, 50000, "syslog messages held in memory"),
    Var("WANGAN_LOG_SYSLOG_BATCH", int, 5000, "syslog messages per database batch"),
    Var("WANGAN_LOG_MAX_EVENTS_PER_BATCH", int, 2000000, "events stored from one batch"),
    Var("WANGAN_ALLOWED_HOSTS", list, ["127.0.0.1", "localhost", "[::1]", "testserver"], "comma-separated host names"),
    Var("WANGAN_CSRF_TRUSTED_ORIGINS", list, [], "comma-separated origins behind a TLS proxy"),
    Var("WANGAN_STORAGE", str, "local", "local | s3 (S3-compatible object storage)"),
    Var("WANGAN_MEDIA_DIR", str, "", "uploads directory for local storage; default WANGAN_DATA_DIR/media"),
    Var("WANGAN_UPLOAD_MAX_BYTES", int, 50 * 1024 * 1024, "largest accepted upload"),
    Var("WANGAN_ARCHIVE_MAX_BYTES", int, 200 * 1024 * 1024, "largest total size an uploaded archive may unpack to"),
    Var("WANGAN_ARCHIVE_MAX_FILES", int, 1000, "most entries an uploaded archive may hold"),
    Var("WANGAN_SESSION_IDLE_MINUTES", int, 30, "idle session timeout"),
    Var("WANGAN_PASSWORD_MAX_AGE_DAYS", int, 90, "password expiry; 0 disables"),
    Var("WANGAN_LOCKOUT_FAILURES", int, 5, "failed logins within the window before lockout"),
    Var("WANGAN_LOCKOUT_WINDOW_MINUTES", int, 15, "window in which failures are counted"),
    Var("WANGAN_LOCKOUT_MINUTES", int, 30, "how long a locked account stays locked"),
    Var("WANGAN_AUDIT_RETENTION_DAYS", int, 180, "audit trail is kept at least this long (等保: ≥ 180 days)"),
    Var("WANGAN_EMAIL_URL", str, "", "smtp://user:pass@host:port; empty = console backend (embedded) "),
    Var("WANGAN_DEFAULT_FROM_EMAIL", str, "noreply@wangan.invalid", "sender of platform mail"),
    Var("WANGAN_SITE_URL", str, "http://127.0.0.1:8000", "public base URL used in mails and webhooks"),
    Var("PORT", int, 8000, "port of the web server started by `wangan run`"),
    Var("WANGAN_WEB_THREADS", int, 8, "worker threads of the embedded web server"),
    Var("WANGAN_I18N_WORKDIR", str, "", "internal: catalog directory used by the translation check"),
    Var("WANGAN_TIME_ZONE", str, "Asia/Shanghai", "time zone for working days and deadlines"),
)

_BY_NAME = {v.name: v for v in VARS}


def _parse(var: Var, raw: str) -> Any:
    if var.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if var.kind is int:
        return int(raw)
    if var.kind is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def get(name: str) -> Any:
    """The typed value of a declared variable (``<NAME>_FILE`` wins for secrets)."""
    var = _BY_NAME[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return _parse(var, Path(file_name).read_text(encoding="utf-8").strip())
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return var.default
    return _parse(var, raw)


def data_dir() -> Path:
    path = Path(get("WANGAN_DATA_DIR")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def kept_secret(name: str, generate: int) -> str:
    """A secret from the environment, or one generated once and kept in the data directory.

    Generated secrets let the embedded mode start with nothing configured; production sets them.
    """
    value = get(name)
    if value:
        return value
    path = data_dir() / "secrets" / name.lower()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(generate)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this start-up won the race
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value


def describe() -> str:
    """Markdown table of every variable, for docs/operations.md and `wangan config`."""
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for v in VARS:
        default = "(generated)" if v.secret else (",".join(v.default) if isinstance(v.default, list) else v.default)
        rows.append(f"| `{v.name}` | {v.kind.__name__} | `{default}` | {v.doc} |")
    return "\n".join(rows)
