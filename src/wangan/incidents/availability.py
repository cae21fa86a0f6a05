"""Service availability and outage patterns (附件5 1, 附件6 1–3) as arithmetic on outage intervals.

No database.  Availability of a month = (minutes of the month − outage minutes) / minutes of the
month, overlapping outage records counted once.  "低于 99.9%" / "达不到 99.9%" is strict.  附件6 2
"宕机 2 小时以上" and 附件6 3 "3 次以上 … 累计 4 小时以上" include the number (以上 counts the figure
itself, 民法典 第一千二百五十九条), as classification.py reads 附件4.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal

from wangan.incidents.coverage import clip, merge

THRESHOLD = Decimal("99.9")  # percent, 附件5 1 / 附件6 1
LONG_OUTAGE = timedelta(hours=2)  # 附件6 2
CLUSTER_WINDOW = timedelta(days=7)  # 附件6 3
CLUSTER_COUNT = 3
CLUSTER_TOTAL = timedelta(hours=4)


@dataclass(frozen=True)
class Outage:
    ref: int  # the incident id
    start: datetime
    end: datetime
    title: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    total_minutes: int
    down_seconds: int
    outages: tuple[Outage, ...]  # those touching the month

    @property
    def down_minutes(self) -> Decimal:
        return (Decimal(self.down_seconds) / 60).quantize(Decimal("0.1"))

    @property
    def percent(self) -> Decimal:
        """Rounded down to 3 decimals so that a value shown as 99.900 is never really below it."""
        up = Decimal(self.total_minutes * 60 - self.down_seconds) / Decimal(self.total_minutes * 60) * 100
        return up.quantize(Decimal("0.001"), rounding=ROUND_DOWN)

    @property
    def is_below(self) -> bool:
        # exact: up/total < 99.9 %  ⇔  1000·up < 999·total (no rounding involved)
        total = self.total_minutes * 60
        return 1000 * (total - self.down_seconds) < 999 * total

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_bounds(year: int, month: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=tz)
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, datetime.combine(date(ny, nm, 1), time.min, tzinfo=tz)


def month_availability(year: int, month: int, outages: Sequence[Outage], tz: tzinfo) -> Month:
    start, end = month_bounds(year, month, tz)
    touching = tuple(o for o in outages if o.end > start and o.start < end)
    down = sum(
        (e - s for s, e in merge(clip([(o.start, o.end) for o in touching], start, end))), timedelta(0)
    )
    minutes = calendar.monthrange(year, month)[1] * 24 * 60
    return Month(year, month, minutes, int(down.total_seconds()), touching)


def long_outages(outages: Sequence[Outage]) -> list[Outage]:
    """附件6 2: single outages of 2 hours or more."""
    return [o for o in outages if o.duration >= LONG_OUTAGE]


@dataclass(frozen=True)
class Cluster:
    start: datetime  # the window is [start, start + 7 days)
    outages: tuple[Outage, ...]
    total: timedelta

    @property
    def end(self) -> datetime:
        return self.start + CLUSTER_WINDOW


def clusters(outages: Sequence[Outage]) -> list[Cluster]:
    """附件6 3: windows of 7 days, each opened by an outage, holding 3 or more outages or 4 hours or
    more of outage in all.  Once a window fires the next one starts after it, so one bad week is
    reported once."""
    rows = sorted(outages, key=lambda o: (o.start, o.ref))
    out: list[Cluster] = []
    i = 0
    while i < len(rows):
        start = rows[i].start
        inside = [o for o in rows[i:] if o.start < start + CLUSTER_WINDOW]
        total = sum((e - s for s, e in merge(clip([(o.start, o.end) for o in inside], start, start + CLUSTER_WINDOW))),
                    timedelta(0))  # fmt: skip
        if len(inside) >= CLUSTER_COUNT or total >= CLUSTER_TOTAL:
            out.append(Cluster(start, tuple(inside), total))
            i += len(inside)
        else:
            i += 1
    return out
