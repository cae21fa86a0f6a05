"""The arithmetic of 附件7, free of the database: item maxima, the rescaled month total, year and grade."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from wangan.contracts.choices import Grade

TWO = Decimal("0.01")


def component_maxima(weight: Decimal, pct_t: Decimal, pct_q: Decimal, pct_d: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """附件7 第3条: e.g. inspection 10 points × 20 % / 50 % / 30 % = 2 / 5 / 3."""
    return weight * pct_t / 100, weight * pct_q / 100, weight * pct_d / 100


def month_total(rows: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Rows are (points earned, item maximum) of the items scheduled that month.

    seed 004 附件7: items not scheduled that month are excluded, and the month's points are rescaled
    to 100 by their share of the scheduled items' full marks.  None when nothing was scheduled.
    """
    earned = maximum = Decimal(0)
    for got, full in rows:
        earned += got
        maximum += full
    if maximum <= 0:
        return None
    return (earned * 100 / maximum).quantize(TWO, rounding=ROUND_HALF_UP)


def year_score(month_totals: Iterable[Decimal | None]) -> Decimal | None:
    """seed 004 附件7: 全年各月分数平均值即为当年运维评价得分 (months with nothing scheduled don't count)."""
    values = [v for v in month_totals if v is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)


def grade(score: Decimal | None) -> str | None:
    """seed 004 附件7: 90 以上优秀, 80–90 良好, 60–80 及格, 60 以下不及格 (a bound belongs to the higher grade)."""
    if score is None:
        return None
    if score >= 90:
        return Grade.EXCELLENT
    if score >= 80:
        return Grade.GOOD
    if score >= 60:
        return Grade.PASS
    return Grade.FAIL
