"""Interval arithmetic for 7×24 on-site duty (附件3 5(2)): merged presence, the gaps left, their bands.

No database: callers pass (start, end) pairs.  The bands of 附件5 10–11 and 附件6 9–10 are strict
("现场无人值守超过大于 1 小时且小于 2 小时", "大于 2 小时且小于 4 小时"): a gap of exactly 1 h, 2 h or
4 h, and one of 4 h or more, falls in no row and is left to the authority.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

HOUR = timedelta(hours=1)

BAND_NONE = ""  # up to 1 h: no row
BAND_1_2 = "1-2h"  # 附件5 10 / 附件6 9
BAND_2_4 = "2-4h"  # 附件5 11 / 附件6 10
BAND_EDGE = "edge"  # exactly 2 h: between the two rows
BAND_OVER = "over"  # 4 h or more: beyond the table

# (serious, general) penalty rows per band; "serious" = a class A/B accident in the period
BAND_CODES = {BAND_1_2: ("M10", "G9"), BAND_2_4: ("M11", "G10")}

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime
    is_open: bool = False  # reaches the evaluation horizon: still growing, not judged yet

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def minutes(self) -> float:
        return self.duration.total_seconds() / 60

    @property
    def band(self) -> str:
        return band_of(self.duration)


def band_of(duration: timedelta) -> str:
    if 1 * HOUR < duration < 2 * HOUR:
        return BAND_1_2
    if 2 * HOUR < duration < 4 * HOUR:
        return BAND_2_4
    if duration == 2 * HOUR:
        return BAND_EDGE
    if duration >= 4 * HOUR:
        return BAND_OVER
    return BAND_NONE


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of the intervals, sorted; touching intervals join (a hand-over leaves no gap)."""
    out: list[list[datetime]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def covered(intervals: Iterable[Interval], start: datetime, end: datetime) -> timedelta:
    return sum((e - s for s, e in merge(clip(intervals, start, end))), timedelta(0))


def gaps(
    start: datetime, end: datetime, intervals: Iterable[Interval], *, window_end: datetime | None = None
) -> list[Gap]:
    """The parts of [start, end) no interval covers.  ``end`` may be an earlier horizon ("now") than
    ``window_end``; a gap reaching such a horizon is open."""
    out: list[Gap] = []
    cursor = start
    for s, e in merge(clip(intervals, start, end)):
        if s > cursor:
            out.append(Gap(cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        out.append(Gap(cursor, end, is_open=window_end is not None and end < window_end))
    return out


@dataclass
class DayRow:
    day: date
    planned: list[str] = field(default_factory=list)  # one state per hour: "full", "part", "none", "out"
    actual: list[str] = field(default_factory=list)  # also "future" past the horizon


def _state(intervals: list[Interval], start: datetime, end: datetime) -> str:
    have = covered(intervals, start, end)
    if have >= end - start:
        return "full"
    return "part" if have > timedelta(0) else "none"


def hour_grid(start: datetime, end: datetime, planned: list[Interval], actual: list[Interval], *,
              horizon: datetime, tz: tzinfo, max_days: int = 31) -> list[DayRow]:  # fmt: skip
    """Per local day and hour: how much of the hour the roster plans and how much was attended."""
    rows: list[DayRow] = []
    day = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    while day <= last and len(rows) < max_days:
        row = DayRow(day)
        for h in range(24):
            a = datetime.combine(day, time(h), tzinfo=tz)
            b = a + HOUR
            if b <= start or a >= end:
                row.planned.append("out")
                row.actual.append("out")
                continue
            a, b = max(a, start), min(b, end)
            row.planned.append(_state(planned, a, b))
            row.actual.append("future" if a >= horizon else _state(actual, a, min(b, horizon)))
        rows.append(row)
        day += timedelta(days=1)
    return rows
