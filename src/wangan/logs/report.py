"""《日志分析和审计报告》 (seed 004 附件3 §6 服务成果): its content, and the DOCX rendering.

The content is built once as a list of :class:`Block` (title, headings, paragraphs, tables) and
rendered twice — DOCX here, PDF in ``report_pdf`` — so both documents say the same.  The report is a
Chinese deliverable of the contract, so its fixed wording is Chinese whatever the requester's
language (like the filings decision letter).  It reads through the selectors as the user who
requested it, so it never shows more than that user may see.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from wangan.logs import selectors
from wangan.logs.choices import REFUSAL_LABELS
from wangan.logs.models import AnalysisReport
from wangan.logs.rules import rule_catalog

TITLE = "日志分析和审计报告"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(9)  # 小五
MAX_CHAINS = 10
MAX_RISKS = 20
EMPTY = "无"  # an empty table says so

LEVEL_ZH = {"informational": "信息", "low": "低", "medium": "中", "high": "高", "critical": "严重"}
TACTIC_ZH = {
    "reconnaissance": "侦察", "resource-development": "资源开发", "initial-access": "初始访问", "execution": "执行",
    "persistence": "持久化", "privilege-escalation": "权限提升", "defense-evasion": "防御规避",
    "credential-access": "凭据访问", "discovery": "发现", "lateral-movement": "横向移动", "collection": "收集",
    "command-and-control": "命令与控制", "exfiltration": "数据渗出", "impact": "影响",
}  # fmt: skip
REVIEW_ZH = {
    "authorized": "授权访问",
    "unauthorized": "非授权访问",
    "privileged": "特权操作",
    "faults": "系统故障与异常",
}

# Hardening advice per ATT&CK tactic seen in the period (审计总结: 完善已有的加固方案).
ADVICE = {
    "credential-access": "对 SSH 等远程登录禁用口令认证、改用密钥并启用多因素认证；配置登录失败锁定（如 pam_faillock、fail2ban）；"
                         "通过安全组或访问白名单限制管理端口的来源地址。",
    "initial-access": "逐条核实成功登录的来源地址与账号是否为授权运维；对外服务及时修补漏洞，Web 应用部署 WAF，"
                      "采用参数化查询和输入校验防范注入类攻击。",
    "privilege-escalation": "复核 sudoers 配置，按最小权限授予特权命令，禁止免密 sudo；限制 su 的使用范围。",
    "persistence": "核查新增账号（特别是 UID 为 0 的账号）、authorized_keys、计划任务与系统服务，删除未经授权的项目。",
    "defense-evasion": "将日志实时外发至集中日志平台，对本地日志文件设置只追加属性，并以 auditd 监控日志与审计配置的变更。",
    "discovery": "收敛对外暴露面，关闭不必要的端口和服务，对扫描来源进行封禁。",
    "reconnaissance": "收敛对外暴露面，屏蔽已知扫描器，隐藏服务版本信息。",
    "execution": "限制交互式 Shell 与脚本解释器的使用，审计可疑命令执行。",
    "impact": "确认业务数据与系统完整性，检查备份可用性并按应急预案处置。",
}  # fmt: skip
BASELINE_ADVICE = [
    "日志至少保存 180 天（等级保护要求），并保证日志完整性（本平台对每批接收的日志计算 SM3 摘要）。",
    "所有主机启用 NTP 时间同步，保证跨设备关联分析的时间一致。",
    "对本报告列出的“优先处置”对象逐一核查并闭环，处置结果记入安全巡检报告。",
]


# XML 1.0 forbids most control characters; log lines carry them (ANSI colours, bells, form feeds).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value) -> str:
    """Text safe for XML (DOCX) and the PDF: control characters replaced."""
    return _XML_BAD.sub("\ufffd", "" if value is None else str(value))


def _font(run_or_style, *, size=None, bold=None, east_asia: str = BODY_FONT, color=None) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    _font(doc.styles["Normal"], size=BODY_SIZE)
    for name, size in (("Title", Pt(22)), ("Heading 1", Pt(16)), ("Heading 2", Pt(14))):
        _font(doc.styles[name], size=size, bold=True, east_asia=HEADING_FONT, color=RGBColor(0, 0, 0))


def _docx_table(doc, header: list[str], rows: list[list]):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(
            cell.paragraphs[0].add_run(clean_text(text)), bold=True, size=TABLE_SIZE, east_asia=HEADING_FONT
        )
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(clean_text(value)), size=TABLE_SIZE)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = ""
        _font(merged.paragraphs[0].add_run(EMPTY), size=TABLE_SIZE)
    return table


@dataclass(frozen=True)
class Block:
    """One piece of the report, the same for DOCX and PDF: a title, a heading, a paragraph or a table."""

    kind: str  # title | center | h1 | h2 | p | note | table
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()


class _Content:
    """Collects the blocks in order (the report reads top to bottom like the document)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, kind: str, text: str = "") -> None:
        self.blocks.append(Block(kind, text))

    def table(self, header: list[str], rows: list[list]) -> None:
        self.blocks.append(Block("table", header=tuple(header), rows=tuple(tuple(r) for r in rows)))


def _dt(value) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        return value.replace("T", " ")[:19]
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _tactics(tactics) -> str:
    return " → ".join(TACTIC_ZH.get(t, t) for t in tactics or []) or "—"


def report_content(
    *, report: AnalysisReport, progress: Callable[[int], None] | None = None
) -> tuple[list[Block], dict]:
    """What the report says, read through the selectors as its requester; returns the blocks and a
    summary (counts) kept on the report row."""
    user = report.created_by
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(report.period_start, time.min), tz)
    until = timezone.make_aware(datetime.combine(report.period_end + timedelta(days=1), time.min), tz)
    window = selectors.Window(since, until)
    step = progress or (lambda _pct: None)

    volumes = selectors.source_volumes_for(user=user, since=since, until=until)
    review = selectors.review_summary_for(user=user, window=window)
    templates = list(selectors.template_list_for(user=user, window=window)[:20])
    rules = selectors.alert_rules_for(user=user, window=window, n=30)
    levels = {d["code"]: d["value"] for d in selectors.alert_levels_for(user=user, window=window)["data"]}
    chains = list(selectors.chain_list_for(user=user, window=window)[:MAX_CHAINS])
    risks = selectors.risk_list_for(user=user, window=window, n=MAX_RISKS)
    coverage = selectors.tactic_coverage_for(user=user, window=window)
    batches = list(selectors.batches_in_period_for(user=user, since=since, until=until)[:30])
    step(40)

    doc = _Content()
    doc.add("title", TITLE)
    doc.add("center", f"服务对象：{report.organization.name}")
    doc.add("center", f"分析期间：{report.period_start:%Y年%m月%d日} 至 {report.period_end:%Y年%m月%d日}")
    if report.task_id:
        doc.add("center", f"对应日志收集任务：{report.task.year} 年第 {report.task.quarter} 季度")
    doc.add("center", f"报告生成时间：{_dt(timezone.now())}")

    total_lines = sum(v["lines"] or 0 for v in volumes)
    total_events = sum(v["accepted"] or 0 for v in volumes)
    total_refused = sum(v["refused"] or 0 for v in volumes)
    alert_total = sum(levels.values())

    doc.add("h1", "一、范围与方法")
    doc.add("p", f"本次分析覆盖 {len(volumes)} 个日志来源，共接收日志 {total_lines} 行，标准化入库事件 {total_events} 条，"
            f"拒收 {total_refused} 行（原因见第二部分）。日志经标准化解析后，使用 Sigma 检测规则进行攻击模式匹配，"
            "按主机、用户和来源地址在时间窗口内进行关联分析，构建攻击链并研判风险等级，"
            "评审内容包括授权访问、非授权访问、特权操作、系统故障与异常等情况。")  # fmt: skip

    doc.add("h1", "二、日志来源与数量")
    doc.table(["来源", "主机", "重要程度", "批次", "接收行数", "入库事件", "拒收行数", "最早事件", "最晚事件"],
           [[v["source__name"], v["source__host"] or "—", v["source__criticality"], v["batches"], v["lines"] or 0,
             v["accepted"] or 0, v["refused"] or 0, _dt(v["first"]), _dt(v["last"])] for v in volumes])  # fmt: skip
    doc.add(
        "p",
        "日志完整性：每一批接收的日志均记录 SM3 摘要、行数、字节数、入库与拒收数量及原因（部分批次如下）。",
    )
    doc.table(["批次", "来源", "渠道", "接收时间", "行数", "拒收", "原因", "SM3 摘要"],
           [[b.pk, b.source.name, b.get_channel_display(), _dt(b.received_at), b.lines, b.refused,
             "；".join(f"{REFUSAL_LABELS.get(k, k)} {n}" for k, n in (b.reasons or {}).items()) or "—",
             (b.sm3[:16] + "…") if b.sm3 else "—"] for b in batches])  # fmt: skip

    doc.add("h1", "三、日志审查发现")
    for kind in selectors.REVIEW_KINDS:
        doc.add("h2", f"{REVIEW_ZH[kind]}：{review[kind]} 条")
        tops = []
        for field, label in (("user", "用户"), ("src_ip", "来源地址"), ("host", "主机")):
            for r in selectors.review_top_for(user=user, kind=kind, window=window, field=field, n=5):
                tops.append([label, r[field], r["n"]])
        if tops:
            doc.table(["维度", "值", "次数"], tops)
        else:
            doc.add("p", "本期未发现此类记录。")
    doc.add("h2", f"异常：新出现的日志模板 {len(templates)} 个")
    doc.table(["来源", "首次出现", "次数", "模板"],
           [[t.source.name, _dt(t.first_seen_at), t.count, t.template[:200]] for t in templates])  # fmt: skip
    step(60)

    doc.add("h1", "四、告警统计")
    doc.add(
        "p",
        f"本期共产生告警 {alert_total} 条："
        + "，".join(
            f"{LEVEL_ZH.get(k, k)} {levels.get(k, 0)} 条"
            for k in ("critical", "high", "medium", "low", "informational")
        )
        + "。",
    )
    doc.add("p", "按检测规则统计（规则作者依据 Detection Rule License 一并列出）：")
    doc.table(["规则", "级别", "作者", "告警数"],
           [[r["title"], LEVEL_ZH.get(r["level"], r["level"]), r["author"], r["n"]] for r in rules])  # fmt: skip

    doc.add("h1", "五、攻击链（按危害排序）")
    if not chains:
        doc.add("p", "本期未构建出攻击链。")
    for i, c in enumerate(chains, 1):
        doc.add(
            "h2", f"攻击链 {i}：{_tactics(c.tactics)}（最高级别：{LEVEL_ZH.get(c.max_level, c.max_level)}）"
        )
        doc.add("p", f"来源地址：{'、'.join(c.src_ips[:5]) or '—'}；用户：{'、'.join(c.users[:5]) or '—'}；"
                f"主机：{'、'.join(c.hosts[:5]) or '—'}；时间：{_dt(c.start)} 至 {_dt(c.end)}")  # fmt: skip
        doc.table(["时间", "战术", "检测", "级别", "规则作者", "证据"],
               [[_dt(s.get("timestamp")), TACTIC_ZH.get(s.get("tactic") or "", s.get("tactic") or "—"), s.get("title"),
                 LEVEL_ZH.get(s.get("level"), s.get("level")), s.get("author"), (s.get("evidence") or "")[:160]]
                for s in c.steps[:15]])  # fmt: skip
    step(75)

    doc.add("h1", "六、需优先处置的威胁")
    doc.table(["排名", "对象", "风险分", "告警数", "最高级别", "战术", "主要证据（规则作者）"],
           [[i, r["entity"], round(r["score"] or 0, 1), r["alerts"], LEVEL_ZH.get(r["max_level"], r["max_level"]),
             _tactics(r["tactics"]),
             "；".join(f"{e.get('title')}（{e.get('author')}）" for e in (r["evidence"] or [])[:3])]
            for i, r in enumerate(risks, 1)])  # fmt: skip

    doc.add("h1", "七、ATT&CK 覆盖")
    doc.add("p", "本期告警涉及的 ATT&CK 战术与技术：")
    doc.table(["战术", "告警数", "技术"],
           [[TACTIC_ZH.get(c["tactic"], c["tactic"]), c["alerts"], "、".join(c["techniques"][:10]) or "—"]
            for c in coverage])  # fmt: skip
    catalog = [r for r in rule_catalog(organization_id=report.organization_id) if r.is_enabled]
    covered: dict[str, int] = {}
    for r in catalog:
        for t in r.tactics:
            covered[t] = covered.get(t, 0) + 1
    doc.add(
        "p",
        f"启用的检测规则共 {len(catalog)} 条，覆盖的战术："
        + "，".join(
            f"{TACTIC_ZH.get(t, t)}（{n} 条）" for t, n in sorted(covered.items(), key=lambda kv: -kv[1])
        )
        + "。",
    )

    doc.add("h1", "八、安全加固建议")
    seen = [c["tactic"] for c in coverage if c["tactic"] in ADVICE]
    advice = [ADVICE[t] for t in seen]
    if review.get("faults"):
        advice.append("对系统故障与错误日志逐项排查原因，关注磁盘、内存与服务可用性，必要时调整监控阈值。")
    if templates:
        advice.append("对新出现的日志模板进行人工判定，确认是否为新上线的业务或异常行为。")
    for n, text in enumerate([*advice, *BASELINE_ADVICE], 1):
        doc.add("p", f"{n}. {text}")

    doc.add("h1", "九、说明")
    doc.add("note", "本报告中的检测规则部分来自 SigmaHQ 社区（Detection Rule License 1.1），每条匹配均注明规则作者；"
            "内置规则作者为 Wangan logscan team。")  # fmt: skip
    step(90)

    summary = {"sources": len(volumes), "lines": total_lines, "events": total_events, "refused": total_refused,
               "alerts": alert_total, "chains": len(chains), "risks": len(risks), "review": review,
               "new_templates": len(templates)}  # fmt: skip
    return doc.blocks, summary


def render_docx(blocks: list[Block]) -> bytes:
    """The blocks as an A4 Word document (宋体 body, 黑体 headings, via ``w:eastAsia``)."""
    doc = Document()
    _setup(doc)
    for b in blocks:
        if b.kind == "title":
            title = doc.add_heading(level=0)
            _font(title.add_run(clean_text(b.text)), east_asia=HEADING_FONT, bold=True, size=Pt(22))
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind in ("h1", "h2"):
            head = doc.add_heading(level=1 if b.kind == "h1" else 2)
            _font(head.add_run(clean_text(b.text)), east_asia=HEADING_FONT, bold=True)
        elif b.kind == "table":
            _docx_table(doc, list(b.header), [list(r) for r in b.rows])
        else:
            para = doc.add_paragraph()
            _font(para.add_run(clean_text(b.text)), size=Pt(10.5) if b.kind == "note" else None)
            if b.kind == "center":
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def report_docx(
    *, report: AnalysisReport, progress: Callable[[int], None] | None = None
) -> tuple[bytes, dict]:
    """Render the report; returns the DOCX bytes and the summary."""
    blocks, summary = report_content(report=report, progress=progress)
    return render_docx(blocks), summary
