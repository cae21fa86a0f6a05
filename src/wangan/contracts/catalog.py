"""Seed 004 as data: the 18 service items (附件3 + 附件7), the violation rows (附件5/附件6).

Item names, deliverable titles and violation texts are the contract's own wording (data, kept in
Chinese like the documents they name); the scoring weights and percentages are 附件7 verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TEMPLATE_NAME = "北京市中小企业公共服务平台安全运维（seed 004）"
ALL_MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class ItemSpec:
    seq: int
    code: str
    name: str
    group: str  # "security" (信息安全服务) or "crypto" (密码应用服务)
    frequency: str  # choices.Frequency
    months: tuple[int, ...]  # service months (1..12) with planned work; empty for on-demand/special periods
    deliverables: tuple[str, ...]
    weight: Decimal
    pct_timeliness: Decimal
    pct_quality: Decimal
    pct_docs: Decimal
    note: str = ""


def _d(v) -> Decimal:
    return Decimal(str(v))


# seed 004 附件3 (frequency, deliverables) and 附件7 第3条 (weights and the three percentages).
# The months of the twice-a-year items are this template's plan (the seed fixes only "2 次"); hardening
# follows the vulnerability check it acts on (附件3 3(1): "根据脆弱性检测等工作结果").
SERVICE_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(1, "inspection", "安全巡检", "security", "monthly", ALL_MONTHS, ("《安全巡检报告》",), _d(10), _d(20), _d(50), _d(30),
             "每月对云主机操作系统 1 次，共 12 次"),
    # seed 004 附件7 2): the printed percentages add up to 90 % (30/40/20); kept verbatim and flagged.
    ItemSpec(2, "vulnerability_check", "脆弱性检查", "security", "twice", (3, 9), ("《脆弱性检查报告》",), _d(5), _d(30), _d(40), _d(20),
             "服务期内 2 次"),
    ItemSpec(3, "hardening", "安全加固", "security", "twice", (4, 10), ("《信息系统安全加固方案》", "《信息系统安全加固报告》"),
             _d(5), _d(40), _d(40), _d(20), "服务期内 2 次"),
    ItemSpec(4, "penetration_test", "渗透测试", "security", "twice", (5, 11), ("《渗透测试报告》（含安全整改措施）",),
             _d(5), _d(20), _d(40), _d(40), "服务期内 2 次"),
    ItemSpec(5, "special_period_duty", "特殊时期安全值守", "security", "special_periods", (), ("《特殊时期现场值守报告》",),
             _d(5), _d(20), _d(50), _d(30), "特殊时期 7×24 现场值守"),
    ItemSpec(6, "log_analysis", "日志分析服务", "security", "twice", (6, 12), ("《日志分析和审计报告》",), _d(5), _d(30), _d(40), _d(30),
             "每季度收集日志，提取后一周内出具报告，共 2 次"),
    ItemSpec(7, "emergency_drill", "应急演练", "security", "twice", (6, 11), ("《应急演练报告》",), _d(5), _d(30), _d(50), _d(20),
             "应急演练 2 次，应急预案修订 2 次"),
    ItemSpec(8, "emergency_response", "应急响应", "security", "on_demand", (), ("《应急响应报告》", "《应急值班表》"),
             _d(5), _d(50), _d(30), _d(20), "按需提供，响应时间不超过 2 小时"),
    ItemSpec(9, "website_monitoring", "网站安全监控服务", "security", "continuous", ALL_MONTHS, ("《网站安全监控服务报告》",),
             _d(10), _d(30), _d(50), _d(20), "全年 365 天 7×24 小时"),
    ItemSpec(10, "antivirus_update", "病毒库升级服务", "security", "monthly", ALL_MONTHS, ("《病毒库升级服务报告》",),
             _d(5), _d(30), _d(50), _d(20), "每月病毒查杀及病毒库更新，共 12 次"),
    ItemSpec(11, "data_backup", "数据备份服务", "security", "continuous", ALL_MONTHS, ("《数据备份服务报告》",),
             _d(5), _d(40), _d(40), _d(20), "每日差异备份，每周全量备份，每月备份验证"),
    ItemSpec(12, "self_inspection", "信息安全自查服务", "security", "on_demand", (), ("《安全自查报告》",),
             _d(5), _d(30), _d(40), _d(30), "按需提供"),
    ItemSpec(13, "sign_verify", "签名验签服务", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(30), _d(60), _d(10)),
    ItemSpec(14, "encryption", "加解密服务", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(40), _d(50), _d(10)),
    ItemSpec(15, "ssl_service", "SSL 安全服务", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(50), _d(40), _d(10)),
    ItemSpec(16, "gm_ov_certificate", "国密 OV SSL 证书", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(40), _d(50), _d(10)),
    ItemSpec(17, "timestamp", "时间戳服务", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(50), _d(40), _d(10)),
    ItemSpec(18, "app_crypto_access", "应用接入密码服务", "crypto", "continuous", ALL_MONTHS, (), _d(5), _d(40), _d(50), _d(10)),
)  # fmt: skip

# Continuous items report once a year (附件3: "…服务报告》1份"): the document is asked of the last month.
YEARLY_REPORT_FREQUENCIES = ("continuous",)


@dataclass(frozen=True)
class ViolationSpec:
    code: str
    severity: str  # "major" (附件5) or "general" (附件6)
    percent: Decimal
    text: str


# seed 004 附件5 重大违约行为 (12 rows) and 附件6 一般违约行为 (11 rows); percent × base (第十四条, 附件5 表头).
VIOLATIONS: tuple[ViolationSpec, ...] = (
    ViolationSpec("M1", "major", _d(10), "所提供的服务可用性低于 99.9%，出现问题并造成严重损失的"),
    ViolationSpec("M2", "major", _d(20), "因所提供的运维服务出现故障，导致平台数据被篡改，造成严重影响"),
    ViolationSpec("M3", "major", _d(20), "因所提供的运维服务出现故障，导致平台数据丢失，造成严重影响"),
    ViolationSpec("M4", "major", _d(10), "因所提供的运维服务出现故障，导致平台被入侵，造成严重影响"),
    ViolationSpec("M5", "major", _d(10), "在安全监管部门已发出整改通知后未正确处置，出现问题并造成严重事故"),
    ViolationSpec("M6", "major", _d(10), "应急事件平均响应时间大于 15 分钟且小于 30 分钟，造成严重事故"),
    ViolationSpec("M7", "major", _d(20), "运维需求平均响应时间大于 30 分钟且小于 60 分钟，造成严重事故"),
    ViolationSpec("M8", "major", _d(10), "运维需求平均故障恢复时间大于 30 分钟且小于 60 分钟，造成严重影响"),
    ViolationSpec("M9", "major", _d(20), "运维需求平均故障恢复时间大于 60 分钟且小于 120 分钟，造成严重影响"),
    ViolationSpec("M10", "major", _d(10), "现场无人值守超过大于 1 小时且小于 2 小时，造成事故影响"),
    ViolationSpec("M11", "major", _d(20), "现场无人值守超过大于 2 小时且小于 4 小时，造成严重事故影响"),
    ViolationSpec("M12", "major", _d(10), "连续 3 个月考核得分低于 60 分的"),
    ViolationSpec("G1", "general", _d(5), "所提供的服务可用性达不到 99.9%，出现问题但未造成严重损失的"),
    ViolationSpec("G2", "general", _d(3), "因所提供的运维服务出现故障，造成平台宕机 2 小时以上"),
    ViolationSpec("G3", "general", _d(6), "因所提供的运维服务出现故障，造成平台在 7 天内连续宕机 3 次以上或累计 4 小时以上"),
    ViolationSpec("G4", "general", _d(5), "在安全监管部门已发出整改通知后未正确处置，出现问题的，未造成严重影响"),
    ViolationSpec("G5", "general", _d(3), "运维需求平均响应时间大于 30 分钟且小于 60 分钟，出现问题但未造成严重影响"),
    ViolationSpec("G6", "general", _d(5), "运维需求平均响应时间大于 60 分钟且小于 120 分钟，出现问题但未造成严重影响"),
    ViolationSpec("G7", "general", _d(3), "运维需求平均故障恢复时间大于 60 分钟且小于 120 分钟，出现问题但未造成严重影响"),
    ViolationSpec("G8", "general", _d(5), "运维需求平均故障恢复时间大于 120 分钟且小于 240 分钟，出现问题但未造成严重影响"),
    ViolationSpec("G9", "general", _d(3), "现场无人值守超过大于 1 小时且小于 2 小时，出现问题但未造成影响"),
    ViolationSpec("G10", "general", _d(5), "现场无人值守超过大于 2 小时且小于 4 小时，出现问题但未造成严重影响"),
    ViolationSpec("G11", "general", _d(4), "月考核得分低于 60 分的"),
)
VIOLATIONS_BY_CODE = {v.code: v for v in VIOLATIONS}

# seed 004 第五条(二)2: 70 % after signing and funds, 30 % after acceptance; 第六条: bond 10 % in 30 working days.
PAYMENT_MILESTONES = (
    (1, "签约且财政资金拨付后 20 个工作日内支付", Decimal(70)),
    (2, "阶段验收合格且财政资金拨付后 20 个工作日内支付", Decimal(30)),
)
BOND_PERCENT = Decimal(10)
BOND_WORKING_DAYS = 30
PENALTY_BASE_PERCENT = Decimal(10)  # 附件5/附件6 表头: 取费基数不超过项目中标金额的 10%
CONFIDENTIALITY_YEARS = 5  # 第十一条(七)
PERSONNEL_NOTICE_DAYS = 10  # 第九条(二): 提前 10 日通知并获甲方书面同意
PROGRESS_REPORT_DAY = 10  # 第八条(七): 每月 10 日前提交当月工作进度报告
ACCEPTANCE_MONTHS = 1  # 第十条(三)(1): 服务期届满后 1 个月内评审
EMERGENCY_RESPONSE_HOURS = 2  # 附件3 8(2): 应急响应时间不超过 2 小时
