"""Settings of the log service, read from the environment when used (never at import time).

Each variable is declared once here with its type, default and meaning; the lead may move them into
``wangan.config.VARS`` later without changing the callers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LogVar:
    name: str
    default: int
    doc: str


VARS: tuple[LogVar, ...] = (
    LogVar("WANGAN_LOG_RETENTION_DAYS", 180, "stored log events are kept at least this many days (等保: ≥ 180)"),
    LogVar("WANGAN_LOG_BULK_MAX_BYTES", 5 * 1024 * 1024, "largest body of one HTTP bulk request (JSON lines)"),
    LogVar("WANGAN_LOG_BULK_MAX_LINE", 64 * 1024, "longest accepted line in a bulk request, in bytes"),
    LogVar("WANGAN_LOG_BULK_MAX_PENDING", 10, "bulk batches of one organization waiting for processing before 429"),
    LogVar("WANGAN_LOG_BULK_MAX_LINES_PER_MINUTE", 600_000, "bulk lines one organization may send per minute before 429"),
    LogVar("WANGAN_LOG_SYSLOG_QUEUE", 50_000, "syslog receiver: messages held in memory before refusing"),
    LogVar("WANGAN_LOG_SYSLOG_BATCH", 5_000, "syslog receiver: messages written to the database per batch"),
    LogVar("WANGAN_LOG_MAX_EVENTS_PER_BATCH", 2_000_000, "events stored from one batch; the rest are counted as refused"),
)
_BY_NAME = {v.name: v for v in VARS}


def get(name: str) -> int:
    """The current integer value of a declared variable (a bad value falls back to the default)."""
    var = _BY_NAME[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return var.default
    try:
        value = int(raw)
    except ValueError:
        return var.default
    return value if value > 0 else var.default


# Text settings (paths and names), read the same way.
TEXT_VARS: tuple[tuple[str, str, str], ...] = (
    ("WANGAN_LOG_REPORT_FONT", "", "font of PDF reports: a TrueType file with Chinese glyphs (.ttf, .ttc, "
                                   "path#N for a .ttc sub-font; embedded) or a standard CID font name "
                                   "(STSong-Light); default: the first TrueType Chinese font found, else STSong-Light"),
)  # fmt: skip
_TEXT = {name: default for name, default, _doc in TEXT_VARS}


def text(name: str) -> str:
    """The current value of a declared text variable (stripped; the default when unset)."""
    return os.environ.get(name, "").strip() or _TEXT[name]


def retention_days() -> int:
    # 等保 2.0 and DESIGN.md: logs are kept at least 180 days; a smaller value is raised to it.
    return max(180, get("WANGAN_LOG_RETENTION_DAYS"))
