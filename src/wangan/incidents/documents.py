"""The documents 附件3 8(3) names for emergency response: 《应急值班表》 (XLSX) and 《应急响应报告》 (DOCX).

The titles and headings are the contract's own wording (data, kept in Chinese like the documents).
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone

from wangan.incidents.coverage import BAND_1_2, BAND_2_4, BAND_EDGE, BAND_OVER
from wangan.incidents.models import EmergencyRequest
from wangan.incidents.selectors import RequestClock, RosterCoverage

ROSTER_TITLE = "应急值班表"
REPORT_TITLE = "应急响应报告"
SHIFT_HEAD = [
    "序号",
    "值班人员",
    "项目角色",
    "岗位/值守地点",
    "联系电话",
    "开始时间",
    "结束时间",
    "时长（小时）",
    "实际到岗",
]
BAND_TEXT = {
    BAND_1_2: "大于1小时且小于2小时（附件5第10项/附件6第9项）",
    BAND_2_4: "大于2小时且小于4小时（附件5第11项/附件6第10项）",
    BAND_EDGE: "恰为2小时（两档之间，由甲方认定）",
    BAND_OVER: "4小时及以上（超出违约行为表，由甲方认定）",
}


def _t(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def roster_title(contract, cov: RosterCoverage) -> str:
    return f"{ROSTER_TITLE} {contract.number} {cov.period.name}"


def roster_rows(cov: RosterCoverage) -> list[list[str]]:
    """One row per shift with the attendance recorded against it."""
    seen: dict[int, list[str]] = {}
    for a in cov.attendance:
        seen.setdefault(a.shift_id, []).append(f"{_t(a.checked_in_at)}–{_t(a.checked_out_at) or '在岗'}")
    rows = []
    for n, s in enumerate(cov.shifts, start=1):
        hours = (s.ends_at - s.starts_at).total_seconds() / 3600
        rows.append([str(n), s.person.name, s.person.project_role, s.post, s.phone, _t(s.starts_at), _t(s.ends_at),
                     f"{hours:g}", "；".join(seen.get(s.pk, [])) or "无签到记录"])  # fmt: skip
    return rows


def render_roster_xlsx(contract, cov: RosterCoverage) -> bytes:
    """The 应急值班表 of one 重保 period: the shifts, then the gaps in plan and in actual presence."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_TITLE
    ws.append([roster_title(contract, cov)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHIFT_HEAD))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"合同：{contract.name}　值守期间：{_t(cov.start)} 至 {_t(cov.end)}（7×24 现场值守）"])
    ws.append(SHIFT_HEAD)
    first = ws.max_row
    for row in roster_rows(cov):
        ws.append(row)
    thin = Side(style="thin")
    for line in ws.iter_rows(min_row=first, max_row=ws.max_row, max_col=len(SHIFT_HEAD)):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.append([])
    ws.append(["排班空档（计划未覆盖）"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append(["开始时间", "结束时间", "时长（分钟）"])
    for g in cov.planned_gaps:
        ws.append([_t(g.start), _t(g.end), round(g.minutes)])
    if not cov.planned_gaps:
        ws.append(["无"])
    ws.append([])
    ws.append(["现场无人值守时段（实际到岗）"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append(["开始时间", "结束时间", "时长（分钟）", "档次", "建议违约条目"])
    for r in cov.unattended:
        band = "仍在持续" if r.gap.is_open else BAND_TEXT.get(r.gap.band, "不超过1小时")
        ws.append([_t(r.gap.start), _t(r.gap.end), round(r.gap.minutes), band, r.code])
    if not cov.unattended:
        ws.append(["无"])
    for col, width in zip("ABCDEFGHI", (8, 12, 14, 18, 14, 18, 18, 12, 40), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_title(req: EmergencyRequest) -> str:
    return f"{REPORT_TITLE} {req.contract.number}-{req.pk}"


def report_facts(req: EmergencyRequest, clock: RequestClock) -> list[tuple[str, str]]:
    if clock.is_emergency:
        verdict = {"met": "在2小时内响应（达标）", "breached": "超过2小时响应（超时）",
                   "running": "尚未响应，计时中", "overdue": "尚未响应，已超时"}[clock.status]  # fmt: skip
        limit = f"{clock.limit_minutes} 分钟（附件3第8项：信息安全事故应急响应时间不超过2小时）"
    else:
        verdict, limit = "运维需求（按附件5/附件6平均响应时间考核）", "—"
    return [
        ("合同", f"{req.contract.number} {req.contract.name}"),
        ("甲方", req.contract.client.name),
        ("乙方", req.contract.contractor.name),
        ("类型", "应急事件" if req.is_emergency else "运维需求"),
        ("事件描述", req.description),
        ("提出时间", _t(req.raised_at)),
        ("提出人", req.raised_by.real_name),
        ("响应时限", limit),
        ("响应截止时间", _t(clock.due_at) or "—"),
        ("响应时间", _t(req.responded_at) or "尚未响应"),
        ("响应人", req.responded_by.real_name if req.responded_by else ""),
        ("响应用时（分钟）", _minutes(clock.response_minutes)),
        ("响应结论", verdict),
        ("响应情况", req.response_note),
        ("恢复时间", _t(req.recovered_at) or "尚未恢复"),
        ("恢复人", req.recovered_by.real_name if req.recovered_by else ""),
        ("故障恢复用时（分钟，自提出起算）", _minutes(clock.recovery_minutes)),
        ("处置及恢复情况", req.recovery_note),
    ]


def incident_facts(req: EmergencyRequest) -> list[tuple[str, str]]:
    i = req.incident
    if i is None:
        return [("关联事件", "无")]
    return [
        ("关联事件", i.title),
        ("事件类型", str(i.get_kind_display())),
        ("开始时间", _t(i.started_at)),
        ("结束时间", _t(i.ended_at) or "尚未结束"),
        ("影响人数", str(i.people_affected)),
        ("经济损失（元）", f"{i.loss_amount:,.2f}"),
        ("重保期", str(i.get_period_level_display()) if i.period_level else "否"),
        ("事故级别（附件4）", f"{i.level} 级" if i.level else "未达 B 级"),
        ("适用规则", i.rule or "—"),
        ("认定理由", i.rule_reason),
    ]


def render_report_docx(req: EmergencyRequest, clock: RequestClock) -> bytes:
    """The 应急响应报告 of one request: its timeline against the 2-hour clock and the incident it concerned."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    heading = doc.add_heading(REPORT_TITLE, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"编号：{req.contract.number}-{req.pk}　生成时间：{_t(timezone.now())}")
    for title, facts in (
        ("一、响应过程", report_facts(req, clock)),
        ("二、关联安全事件", incident_facts(req)),
    ):
        doc.add_heading(title, level=1)
        table = doc.add_table(rows=len(facts), cols=2)
        table.style = "Table Grid"
        for n, (label, value) in enumerate(facts):
            table.cell(n, 0).text, table.cell(n, 1).text = label, value
    doc.add_heading("三、时间线", level=1)
    for when, what in (
        (req.raised_at, "甲方提出请求"),
        (req.responded_at, "乙方响应"),
        (req.recovered_at, "服务恢复"),
    ):
        if when:
            doc.add_paragraph(f"{_t(when)}　{what}", style="List Bullet")
    doc.add_paragraph("甲方确认：＿＿＿＿＿＿　　乙方确认：＿＿＿＿＿＿")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
