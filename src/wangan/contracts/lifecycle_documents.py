"""Documents of the contract's lifecycle as DOCX: the authority's written approval of a personnel change
(人员变更审批, seed 004 第九条(二)) and the year report the acceptance experts review (第十条(三)).

Like the score sheet, the documents are the contract's own paperwork and are written in Chinese.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from wangan.contracts import catalog

APPROVAL_TITLE = "人员变更审批表"
REPORT_TITLE = "安全运维服务年度考核报告"
GRADE_ZH = {"excellent": "优秀", "good": "良好", "pass": "及格", "fail": "不及格"}  # 附件7
CLAUSE_9_2 = ("合同第九条（二）：项目实施过程中，乙方如因正当理由需要调整项目技术人员的，应当提前10日通知甲方，"
              "获得甲方书面同意后方可进行。")  # fmt: skip


def _document(title: str) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    doc.core_properties.title = title
    return doc


def _table(doc: Document, rows: list[tuple[str, ...]], header: bool = False):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
            if header and r == 0:
                for run in table.cell(r, c).paragraphs[0].runs:
                    run.bold = True
    return table


def _save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _d(value: date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else "—"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def personnel_approval_docx(*, change, contract, decided_on: date) -> bytes:
    """The authority's written decision on one change request, with the facts it decided on."""
    doc = _document(APPROVAL_TITLE)
    approved = change.status in ("approved", "effective")
    leaving = change.leaving
    notice_days = (change.effective_on - change.filed_on).days
    _table(doc, [
        ("合同编号", contract.number),
        ("合同名称", contract.name),
        ("甲方", contract.client.name),
        ("乙方", contract.contractor.name),
        ("申请日期", _d(change.filed_on)),
        ("拟生效日期", _d(change.effective_on)),
        ("提前通知天数", f"{notice_days} 日（合同要求不少于 {catalog.PERSONNEL_NOTICE_DAYS} 日）"),
        ("调出人员", f"{leaving.name}（{leaving.project_role or '—'}；{leaving.qualifications or '—'}）" if leaving
         else "无"),
        ("调入人员", f"{change.joining_name}（{change.joining_role or '—'}；{change.joining_title or '—'}；"
                 f"资格：{change.joining_qualifications or '—'}）" if change.joining_name else "无"),
        ("变更理由", change.reason),
        ("审批意见", "同意" if approved else "不同意"),
        ("意见说明", change.decision_reason or "—"),
        ("审批人", getattr(change.decided_by, "real_name", "") or getattr(change.decided_by, "username", "")),
        ("审批日期", _d(decided_on)),
    ])  # fmt: skip
    doc.add_paragraph(CLAUSE_9_2)
    doc.add_paragraph(f"甲方（盖章）：{contract.client.name}")
    doc.core_properties.identifier = f"{contract.number}/personnel/{change.pk}"
    return _save(doc)


def year_report_docx(report) -> bytes:
    """The year report (``lifecycle.YearReport``): month scores and grade, tasks, incidents, penalties, reviews."""
    c = report.contract
    doc = _document(REPORT_TITLE)
    doc.add_paragraph(f"{c.number} {c.name}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("一、合同概况", level=2)
    _table(doc, [
        ("甲方", c.client.name), ("乙方", c.contractor.name),
        ("服务期", f"{_d(c.service_start)} 至 {_d(c.service_end)}"),
        ("合同金额", f"¥{_money(c.amount)}"),
        ("验收期限", f"{_d(report.deadline)}（服务期届满后 {catalog.ACCEPTANCE_MONTHS} 个月内）"),
        ("报告日期", _d(report.generated_on)),
    ])  # fmt: skip
    doc.add_heading("二、月度考核得分", level=2)
    rows = [("月份", "得分")]
    rows += [(f"{y}年{m}月", f"{t}" if t is not None else "未考核") for y, m, t in report.months]
    rows.append(("年度得分（各月平均）", f"{report.score}" if report.score is not None else "—"))
    rows.append(("评价等级", GRADE_ZH.get(report.grade or "", "—")))
    _table(doc, rows, header=True)
    doc.add_heading("三、服务任务完成情况", level=2)
    t = report.tasks
    _table(doc, [("计划任务", "已完成", "其中逾期完成", "未完成", "其中已逾期"),
                 (str(t["total"]), str(t["done"]), str(t["done_late"]), str(t["open"]), str(t["overdue"]))],
           header=True)  # fmt: skip
    doc.add_heading("四、安全事件（附件4）", level=2)
    i = report.incidents
    _table(
        doc, [("A级事故", "B级事故", "一般事件"), (str(i["A"]), str(i["B"]), str(i["other"]))], header=True
    )
    doc.add_heading("五、违约扣罚（附件5、附件6，已确认）", level=2)
    if report.penalties:
        rows = [("条款", "情况", "计算", "金额（元）")]
        rows += [(p.code, p.evidence, f"{_money(p.base)} × {p.percent.normalize():f}%", _money(p.amount))
                 for p in report.penalties]  # fmt: skip
        rows.append(("合计", "", "", _money(report.penalties_total)))
        _table(doc, rows, header=True)
    else:
        doc.add_paragraph("无。")
    doc.add_heading("六、验收评审", level=2)
    if not report.reviews:
        doc.add_paragraph("尚未评审。")
    for r in report.reviews:
        verdict = "通过" if r.is_passed else "不通过"
        doc.add_paragraph(f"第 {r.round} 轮（{_d(r.reviewed_on)}）：{verdict}。{r.conclusion}")
        for e in r.experts:
            doc.add_paragraph(f"专家 {e.get('name', '')}：{e.get('opinion', '') or '—'}")
        if not r.is_passed:
            doc.add_paragraph(f"不通过原因：{r.failure_reasons}")
            doc.add_paragraph(f"整改要求：{r.rectification}")
            if r.rectification_report:
                doc.add_paragraph(f"整改情况：{r.rectification_report}")
    doc.core_properties.identifier = f"{c.number}/year-report"
    return _save(doc)
