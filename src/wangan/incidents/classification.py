"""附件4 重大安全事故表 as rules: which row fires for an incident's facts (no database).

Bounds follow the table's wording: "8 小时以上" includes 8 h, "4 个小时以上，8 小时以内" is [4 h, 8 h),
"300 以上" includes 300, "超过 3 个月" is more than 3, "3 个月以内" up to and including 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Facts:
    kind: str
    duration: timedelta | None  # None while an outage/defacement is still going on
    people_affected: int = 0
    loss_amount: Decimal = Decimal(0)
    is_provider_fault: bool = True  # 因服务商对运维规范执行不到位
    period_level: str = ""  # "", "normal" (重保), "major" (重大或特别重大保障期间)
    handled_per_plan: bool = True
    is_publicly_reported: bool = False  # 被国家级机构或媒体通报、市级领导批示或关注
    data_loss_months: Decimal | None = None
    is_unrecoverable: bool = False
    untreated_48h: bool = False  # 被通报安全隐患后未在 48 小时内有效处置
    is_major_event: bool = False  # 重大网络安全事件


@dataclass(frozen=True)
class Result:
    level: str  # "A", "B" or ""
    rule: str  # stable rule code, e.g. "A-outage"
    reason: str


def classify(f: Facts) -> Result:
    """The first row of 附件4 that holds, A rows before B rows."""
    if not f.is_provider_fault and f.kind != "intrusion":
        return Result(
            "", "", _("Not caused by the provider's failure to follow the O&M rules: no class applies.")
        )
    if f.kind == "outage":
        if f.duration is None:
            return Result("", "ongoing", _("The outage is still going on; it is classified when it ends."))
        hours = f.duration / HOUR
        if hours >= 8 and (f.people_affected >= 300 or f.loss_amount >= 1_000_000):
            return Result("A", "A-outage", _("Outage of %(h).1f h (8 h or more) affecting %(p)s people or a loss of "
                                              "%(l)s CNY (300 people or 1,000,000 CNY or more).")
                          % {"h": hours, "p": f.people_affected, "l": f.loss_amount})  # fmt: skip
        if hours >= 8 and (f.people_affected >= 100 or f.loss_amount >= 500_000):
            # 附件4 leaves "8 h or more but below the A impact" open; we read it as at least class B.
            return Result("B", "B-outage-8h", _("Outage of %(h).1f h (8 h or more) below the class A impact but "
                                                 "affecting %(p)s people or a loss of %(l)s CNY; 附件4 leaves this "
                                                 "case open and it is read as class B.")
                          % {"h": hours, "p": f.people_affected, "l": f.loss_amount})  # fmt: skip
        if 4 <= hours < 8 and (f.people_affected >= 100 or f.loss_amount >= 500_000):
            return Result("B", "B-outage", _("Outage of %(h).1f h (4 h or more) affecting %(p)s people or a loss of "
                                              "%(l)s CNY (100 people or 500,000 CNY or more).")
                          % {"h": hours, "p": f.people_affected, "l": f.loss_amount})  # fmt: skip
        return Result("", "", _("Outage below the thresholds of 附件4."))
    if f.kind == "defacement":
        if f.duration is None:
            return Result(
                "", "ongoing", _("The defacement is still being handled; it is classified when it ends.")
            )
        base = f.period_level and not f.handled_per_plan and f.is_publicly_reported
        minutes = f.duration / MINUTE
        if base and f.period_level == "major" and minutes >= 60:
            return Result("A", "A-defacement", _("Defacement during a major protection period, not handled by the "
                                                  "emergency plan, publicly reported, lasting %(m)d min (60 min or "
                                                  "more).") % {"m": minutes})  # fmt: skip
        if base and minutes >= 30:
            return Result("B", "B-defacement", _("Defacement during a special period, not handled by the emergency "
                                                  "plan, publicly reported, lasting %(m)d min (30 min or more).")
                          % {"m": minutes})  # fmt: skip
        return Result("", "", _("Defacement below the conditions of 附件4."))
    if f.kind == "data_loss":
        if not f.is_unrecoverable or f.data_loss_months is None:
            return Result("", "", _("Data loss that can be recovered is not a class A or B accident."))
        if f.data_loss_months > 3:
            return Result("A", "A-data-loss", _("Unrecoverable loss of %(m)s months of core data (more than 3).")
                          % {"m": f.data_loss_months})  # fmt: skip
        return Result("B", "B-data-loss", _("Unrecoverable loss of %(m)s months of core data (3 or fewer).")
                      % {"m": f.data_loss_months})  # fmt: skip
    if f.kind == "intrusion":
        if not (f.untreated_48h and f.period_level):
            return Result(
                "", "", _("Intrusion without an untreated notified weakness during a special period.")
            )
        if f.is_major_event and f.is_publicly_reported:
            return Result("A", "A-intrusion", _("A notified weakness was left untreated for 48 h and a major incident "
                                                 "followed during a special period, publicly reported."))  # fmt: skip
        return Result("B", "B-intrusion", _("A notified weakness was left untreated for 48 h and an incident followed "
                                             "during a special period."))  # fmt: skip
    return Result("", "", _("Not a kind listed in 附件4."))


def termination_right(levels: list[str]) -> bool:
    """第十四条(四): one class A or three class B accidents within the year let the authority terminate."""
    return levels.count("A") >= 1 or levels.count("B") >= 3
