"""Fast timestamp handling for log lines.

Classic syslog (RFC 3164) lines carry no year and no zone.  :class:`Clock`
infers both: the zone is configured (default UTC+8, China Standard Time) and
the year is taken from a *reference time* (the file's mtime, or now) — a date
that would lie more than a day after the reference belongs to the previous
year, so ``Dec 31`` lines in a file read on ``Jan 1`` get last year.
The inference is stateless per line, which keeps files splittable across
worker processes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
CST = timezone(timedelta(hours=8), "CST")
MISSING = object()  # cache miss marker
BAD_STAMP = object()  # the stamp's month name is unknown: the line is not in that format
_MAX_STAMPS = 200_000


@lru_cache(maxsize=256)
def parse_offset(s: str) -> int:
    """'+0800' / '-07:00' / 'Z' -> seconds east of UTC."""
    if s in ("Z", "z", ""):
        return 0
    sign = -1 if s[0] == "-" else 1
    s = s[1:].replace(":", "")
    return sign * (int(s[:2]) * 3600 + int(s[2:4] or 0) * 60)


class Clock:
    """Timestamp builder with per-day caches (a syslog line costs a dict hit)."""

    __slots__ = ("tz", "reference", "_ref_dt", "_day_cache", "_ymd_cache", "stamps", "web_stamps", "_minutes")

    def __init__(self, tz: tzinfo | None = None, reference: float | None = None):
        self.tz = tz or CST
        self.reference = time.time() if reference is None else reference
        self._ref_dt = datetime.fromtimestamp(self.reference, self.tz)
        self._day_cache: dict[tuple[str, int], float | None] = {}
        self._ymd_cache: dict[tuple[int, int, int, int | None], float | None] = {}
        # whole timestamp strings -> epoch (parsers look these up first: one dict hit per line)
        self.stamps: dict[str, float | None | object] = {}  # "Mar  3 10:00:01" (depends on the reference)
        self.web_stamps: dict[str, float | None | object] = {}  # "03/Mar/2026:10:00:01 +0800"
        self._minutes: dict[str, float | None | object] = {}  # "Mar  3 10:00" (depends on the reference)

    def set_reference(self, reference: float) -> None:
        self.reference = reference
        self._ref_dt = datetime.fromtimestamp(reference, self.tz)
        self._day_cache.clear()
        self.stamps.clear()
        self._minutes.clear()

    def syslog_stamp(self, stamp: str) -> float | None | object:
        """``"Mmm dd HH:MM:SS"`` (day space- or zero-padded) -> epoch, ``None``
        for an impossible date/time, :data:`BAD_STAMP` for an unknown month."""
        v = self.stamps.get(stamp, MISSING)
        if v is MISSING:
            # the minute is cached too: a new second costs one more dict hit
            minute = stamp[:12]
            base = self._minutes.get(minute, MISSING)
            if base is MISSING:
                mon = stamp[:3]
                if mon not in MONTHS:
                    base = BAD_STAMP
                else:
                    day = self.syslog(mon, int(stamp[4:6]), 0, 0, 0)
                    hh, mm = int(stamp[7:9]), int(stamp[10:12])
                    base = None if day is None or hh > 23 or mm > 59 else day + hh * 3600 + mm * 60
                if len(self._minutes) > _MAX_STAMPS:
                    self._minutes.clear()
                self._minutes[minute] = base
            if base is None or base is BAD_STAMP:
                v = base
            else:
                ss = int(stamp[13:15])
                v = None if ss > 60 else base + ss  # type: ignore[operator]
            if len(self.stamps) > _MAX_STAMPS:
                self.stamps.clear()
            self.stamps[stamp] = v
        return v

    def access_stamp(self, stamp: str) -> float | None | object:
        """``"dd/Mmm/yyyy:HH:MM:SS[ +zzzz]"`` (access log) -> epoch, ``None`` or
        :data:`BAD_STAMP` (unknown month)."""
        v = self.web_stamps.get(stamp, MISSING)
        if v is MISSING:
            minute = stamp[:17] + stamp[20:]  # "03/Mar/2026:10:00 +0800"
            base = self._minutes.get(minute, MISSING)
            if base is MISSING:
                mo = MONTHS.get(stamp[3:6])
                if mo is None:
                    base = BAD_STAMP
                else:
                    tz = stamp[21:]
                    day = self.ymd(int(stamp[7:11]), mo, int(stamp[0:2]), 0, 0, 0, parse_offset(tz) if tz else None)
                    hh, mm = int(stamp[12:14]), int(stamp[15:17])
                    base = None if day is None or hh > 23 or mm > 59 else day + hh * 3600 + mm * 60
                if len(self._minutes) > _MAX_STAMPS:
                    self._minutes.clear()
                self._minutes[minute] = base
            if base is None or base is BAD_STAMP:
                v = base
            else:
                ss = int(stamp[18:20])
                v = None if ss > 61 else base + ss  # type: ignore[operator]
            if len(self.web_stamps) > _MAX_STAMPS:
                self.web_stamps.clear()
            self.web_stamps[stamp] = v
        return v

    # -- syslog "Mmm dd HH:MM:SS" (no year) -----------------------------------
    def syslog(self, mon: str, day: int, hh: int, mm: int, ss: int) -> float | None:
        key = (mon, day)
        base = self._day_cache.get(key, -1.0)
        if base == -1.0:
            base = self._syslog_day(mon, day)
            if len(self._day_cache) > 4096:
                self._day_cache.clear()
            self._day_cache[key] = base
        if base is None or hh > 23 or mm > 59 or ss > 60:
            return None
        return base + hh * 3600 + mm * 60 + ss

    def _syslog_day(self, mon: str, day: int) -> float | None:
        m = MONTHS.get(mon) or MONTHS.get(mon.capitalize())
        if m is None:
            return None
        ref = self._ref_dt
        year = ref.year
        for y in (year, year - 1, year - 2, year - 3, year - 4):
            try:
                d = datetime(y, m, day, tzinfo=self.tz)
            except ValueError:  # Feb 29 in a non-leap year: try earlier years
                continue
            # more than one day in the future -> it was logged last year
            if y == year and d - ref > timedelta(days=1):
                continue
            return d.timestamp()
        return None

    # -- explicit Y-M-D (nginx error log, apache error log) -----------------------
    def ymd(self, y: int, m: int, d: int, hh: int, mm: int, ss: float, offset: int | None = None) -> float | None:
        key = (y, m, d, offset)
        base = self._ymd_cache.get(key, -1.0)
        if base == -1.0:
            try:
                tz = self.tz if offset is None else timezone(timedelta(seconds=offset))
                base = datetime(y, m, d, tzinfo=tz).timestamp()
            except (ValueError, OverflowError):
                base = None
            if len(self._ymd_cache) > 4096:
                self._ymd_cache.clear()
            self._ymd_cache[key] = base
        if base is None or hh > 23 or mm > 59 or ss > 61:
            return None
        return base + hh * 3600 + mm * 60 + ss

    def iso(self, s: str) -> float | None:
        """ISO 8601 / RFC 3339 (RFC 5424 header, rsyslog high-precision, JSON)."""
        try:
            if s.endswith(("Z", "z")):
                s = s[:-1] + "+00:00"
            dt = datetime.fromisoformat(s)
        except ValueError:
            return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=self.tz)
        try:
            return dt.timestamp()
        except (OverflowError, OSError, ValueError):
            return None


def to_iso(ts: float | None, tz: tzinfo | None = None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz or UTC).isoformat()
