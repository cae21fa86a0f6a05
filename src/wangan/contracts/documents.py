"""Deliverable documents pre-filled for a task (seed 004 附件3 服务成果 and 第八条(七) 当月工作进度报告).

The contractor downloads the DOCX, completes it and hands it in on the task page.  Each document
carries the contract's facts (number, parties, item, period, due date) and the sections its clause
in the seed implies; the monthly progress report is filled with the month's tasks, incidents and
requests.  Documents are the contract's own paperwork, so they are always written in Chinese.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from wangan.contracts import selectors
from wangan.contracts.choices import TaskKind, TaskStatus
from wangan.contracts.models import Task

FILL = "（请填写）"
STATUS = {TaskStatus.OPEN: "未提交", TaskStatus.SUBMITTED: "已提交", TaskStatus.ACCEPTED: "已验收"}
GUIDE = RGBColor(0x59, 0x59, 0x59)


@dataclass(frozen=True)
class Section:
    heading: str
    guide: str  # what the seed asks this part to cover
    table: tuple[str, ...] = ()  # column heads of a blank table to fill in, if any


# Keyed by the document name without 《》 and its bracketed note; wording follows 附件3.
SECTIONS: dict[str, tuple[Section, ...]] = {
    "安全巡检报告": (
        Section(
            "一、巡检概况", "巡检时间、范围、人员及使用的检测工具（附件3 1：检测工具和人工检测等多种方式）。"
        ),
        Section(
            "二、巡检对象与结果",
            "云主机操作系统、数据库、中间件及安全设备的健康状态：设备自身硬件资源使用情况、"
            "业务应用服务所占用的网络资源情况、端口服务开放情况的变更等。",
            ("巡检对象", "检查内容", "检查结果", "是否异常"),
        ),
        Section(
            "三、安全维护操作",
            "巡检中实施的必要安全维护操作（维护记录单）。",
            ("时间", "对象", "维护操作", "执行人"),
        ),
        Section("四、日志分析情况", "附件3 6：日志分析和审计结果体现在对应的安全巡检报告里。"),
        Section("五、发现的问题与处理建议", "本次巡检发现的问题、风险等级及处理建议。"),
    ),
    "脆弱性检查报告": (
        Section("一、检查范围", "信息系统云主机操作系统、数据库、中间件、安全设备。"),
        Section("二、检查方法", "工具扫描和手工检查相结合，检查配置缺陷、漏洞等。"),
        Section(
            "三、检查结果",
            "网络、主机、应用等层面存在的安全隐患。",
            ("对象", "脆弱性（配置缺陷/漏洞）", "风险等级", "说明"),
        ),
        Section("四、分析与整改建议", "专业化的技术分析，帮助用户了解自身信息系统的脆弱性，并提出整改建议。"),
    ),
    "信息系统安全加固方案": (
        Section("一、加固依据", "脆弱性检测等工作结果及用户信息系统业务需求（附件3 3）。"),
        Section(
            "二、加固对象",
            "信息系统相关的云主机操作系统、安全设备。",
            ("对象", "现状问题", "加固措施", "影响评估"),
        ),
        Section("三、实施计划与回退措施", "实施时间、步骤、业务影响及回退方案。"),
    ),
    "信息系统安全加固报告": (
        Section(
            "一、加固实施情况", "安全策略加强、调优的实施过程。", ("对象", "加固措施", "实施时间", "执行人")
        ),
        Section("二、加固效果验证", "加固后复查结果，网络、系统和设备抵御攻击和威胁的能力。"),
        Section("三、遗留问题与建议", "未能加固的项及原因、后续建议。"),
    ),
    "渗透测试报告": (
        Section("一、测试范围与授权", "测试对象、时间窗口及甲方授权情况；不影响业务正常开展。"),
        Section("二、测试方法", "模拟黑客攻击的方式验证信息系统抵御攻击的能力。"),
        Section(
            "三、发现的安全隐患和脆弱点",
            "逐项说明发现的问题及验证过程。",
            ("编号", "问题", "风险等级", "验证情况"),
        ),
        Section("四、安全整改措施", "针对每项问题的安全整改建议，以指导对系统进行安全优化和加固。"),
    ),
    "特殊时期现场值守报告": (
        Section(
            "一、值守时期",
            "特殊时期（元旦、春节、两会、国庆、重大活动、敏感时期、紧急响应时期等）的起止时间。",
        ),
        Section(
            "二、值守安排",
            "派遣的安全服务人员及 7×24 现场值守排班。",
            ("日期", "值守人员", "时段", "联系电话"),
        ),
        Section("三、值守记录", "发现的安全隐患及协助处置、排除情况。", ("时间", "事项", "处置情况")),
        Section("四、总结", "值守期间信息系统运行情况及建议。"),
    ),
    "日志分析和审计报告": (
        Section("一、日志收集", "从云主机收集每季度日志信息，说明日志范围、完整性与时效性。"),
        Section(
            "二、日志审查",
            "授权访问、非授权的访问、特权操作、系统故障与异常等情况，重点分析违规、异常、错误和告警等日志记录。",
            ("类别", "发现", "风险等级", "处置建议"),
        ),
        Section("三、人工判定", "针对不同对象的重要关注点所作的人工分析和判断。"),
        Section(
            "四、审计总结与整改措施",
            "结合日志分析结果提出的安全整改措施（完善已有加固方案）。报告应在日志提取完毕一周内完成。",
        ),
    ),
    "应急演练报告": (
        Section(
            "一、应急预案修订情况",
            "依据《北京市网络安全事件应急预案》修订平台网络安全应急预案的情况（服务期内 2 次）。",
        ),
        Section("二、演练方案", "演练场景、参与方、应急组织及处理流程。"),
        Section("三、演练过程", "演练的时间、步骤与各方响应情况。", ("时间", "环节", "参与人员", "情况")),
        Section("四、总结分析", "验证预案的正确性和适用性，提出预案修订建议。"),
    ),
    "应急响应报告": (
        Section("一、事件概述", "发生安全事件的信息资产（网络、操作系统、数据库、中间件）、发现时间与影响。"),
        Section(
            "二、响应过程",
            "接报、到场与处置时间（信息安全事故应急响应时间不超过 2 小时）。",
            ("时间", "动作", "执行人"),
        ),
        Section("三、处置结果", "事件抑制和消除情况、业务恢复情况。"),
        Section("四、原因分析与改进措施", "事件原因及防止再次发生的措施。"),
    ),
    "应急值班表": (
        Section("值班安排", "应急响应期间的值班人员与联系方式。", ("日期", "值班人员", "时段", "联系电话")),
    ),
    "网站安全监控服务报告": (
        Section("一、监控范围", "受监控的网站系统。"),
        Section(
            "二、监控情况",
            "服务期内 365 天 7×24 小时远程安全监测、安全检查与实时响应情况。",
            ("时间", "风险状况", "确认时间", "处置建议"),
        ),
        Section("三、分析与解决方案建议", "监测分析结论及构建网站安全体系的建议。"),
    ),
    "病毒库升级服务报告": (
        Section(
            "一、病毒查杀情况",
            "每月对主机房、备机房所有政务云主机的病毒查杀情况。",
            ("月份", "范围", "查杀结果", "处置"),
        ),
        Section(
            "二、病毒库升级记录",
            "防病毒网络版控制中心及终端的病毒库更新记录。",
            ("日期", "控制中心", "病毒库版本", "执行人"),
        ),
        Section("三、问题与建议", ""),
    ),
    "数据备份服务报告": (
        Section("一、备份策略", "主备机房静态异地热备份（差异备份）及关键业务数据分离备份。"),
        Section(
            "二、备份执行记录", "每日差异备份、每周全量备份。", ("日期", "类型（差异/全量）", "对象", "结果")
        ),
        Section("三、备份验证", "每月备份验证情况。", ("月份", "验证内容", "结果")),
        Section("四、存储资源", "按需增加硬盘存储资源的情况。"),
    ),
    "安全自查报告": (
        Section("一、自查依据", "网信办、公安、政数局等监管单位的要求。"),
        Section(
            "二、自查范围",
            "网络安全设备、操作系统、数据库、中间件及数据安全。",
            ("对象", "自查内容", "结果", "记录表单"),
        ),
        Section("三、发现的问题与整改", "自查发现的潜在安全风险及整改安排。"),
        Section("四、培训情况", "协助中对用户方技术人员的培训。"),
    ),
}
GENERIC = (
    Section("一、工作内容", "本次服务的内容与范围。"),
    Section("二、完成情况", "完成时间、过程与结果。"),
    Section("三、问题与建议", ""),
)


def document_key(name: str) -> str:
    """``《渗透测试报告》（含安全整改措施）`` → ``渗透测试报告``."""
    return re.sub(r"（.*?）|\(.*?\)", "", name).strip().strip("《》").strip()


def document_filename(task: Task, name: str) -> str:
    return f"{document_key(name)}-{task.contract.number}-{task.year}-{task.month:02d}.docx"


def content_disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def _fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")


def _heading(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.bold = True
    run.font.size = Pt(14)


def _guide(doc, text: str) -> None:
    if text:
        run = doc.add_paragraph().add_run(f"【填写说明】{text}")
        run.italic = True
        run.font.size = Pt(10)
        run.font.color.rgb = GUIDE


def _table(doc, head, rows) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    for c, text in enumerate(head):
        cell = table.cell(0, c)
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            table.cell(r, c).text = str(text)


def _period(task: Task) -> str:
    return f"{task.year}年{task.month}月"


def _service_month(task: Task) -> int:
    start = task.contract.service_start
    return (task.year * 12 + task.month) - (start.year * 12 + start.month) + 1


def _due(task: Task) -> str:
    text = f"{task.due_on:%Y年%m月%d日}"
    if task.due_is_provisional:
        text += "（节假日安排未公布，日期暂定）"
    return text


def _facts_table(doc, task: Task, name: str) -> None:
    c = task.contract
    if task.kind == TaskKind.PROGRESS_REPORT:
        item = "当月工作进度报告（合同第八条(七)：每月 10 日前提交）"
    else:
        item = (
            f"{task.item.seq}. {task.item.name}（{task.item.get_frequency_display()}）"
            if task.item
            else task.title
        )
    rows = [
        ("合同编号", c.number), ("合同名称", c.name), ("甲方", c.client.name), ("乙方", c.contractor.name),
        ("服务事项", item), ("所属期间", f"{_period(task)}（服务期第 {_service_month(task)} 个月）"),
        ("提交期限", _due(task)), ("文档名称", name), ("编制人", FILL), ("编制日期", FILL),
    ]  # fmt: skip
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, (k, v) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = k, v


def _sections(doc, sections: tuple[Section, ...]) -> None:
    for s in sections:
        _heading(doc, s.heading)
        _guide(doc, s.guide)
        if s.table:
            _table(doc, s.table, [[""] * len(s.table) for _ in range(3)])
        else:
            doc.add_paragraph(FILL)


def _task_rows(tasks: list[Task], today: date) -> list[list[str]]:
    rows = []
    for t in tasks:
        if t.is_late:
            timing = "逾期提交"
        elif t.is_late is False:
            timing = "按时提交"
        else:
            timing = "已逾期未提交" if t.due_on < today else "未到期"
        rows.append([t.title, f"{t.due_on:%Y-%m-%d}", STATUS.get(t.status, t.status), timing])
    return rows


def _progress_sections(doc, facts: selectors.ProgressFacts, today: date) -> None:
    head = ("工作项", "期限", "状态", "时效")
    _heading(doc, "一、项目进度执行情况")
    _guide(doc, "合同第八条(七)：报告内容包括项目进度执行情况、已完成的项目内容、人员配置情况，以及项目变更情况等。"
                "下表由平台按本月计划预填，请核对并补充说明。")  # fmt: skip
    total = len(facts.done) + len(facts.late) + len(facts.open)
    doc.add_paragraph(f"本月计划工作 {total} 项：按时完成 {len(facts.done)} 项，逾期 {len(facts.late)} 项，"
                      f"进行中 {len(facts.open)} 项。")  # fmt: skip
    _table(doc, head, _task_rows([*facts.done, *facts.late, *facts.open], today) or [["无", "", "", ""]])
    _heading(doc, "二、已完成的项目内容")
    if facts.done:
        for t in facts.done:
            doc.add_paragraph(f"{t.title}：{FILL}", style="List Bullet")
    else:
        doc.add_paragraph("本月暂无按时完成的工作项。")
    _heading(doc, "三、逾期及未完成工作")
    if facts.late or facts.open:
        for t in [*facts.late, *facts.open]:
            doc.add_paragraph(
                f"{t.title}（期限 {t.due_on:%Y-%m-%d}）：原因及完成计划{FILL}", style="List Bullet"
            )
    else:
        doc.add_paragraph("无。")
    _heading(doc, "四、安全事件与运维需求")
    incidents = [[f"{timezone.localtime(i.started_at):%Y-%m-%d %H:%M}", i.title, i.get_kind_display(),
                  i.get_level_display() or "—"] for i in facts.incidents]  # fmt: skip
    _table(doc, ("发生时间", "事件", "类别", "级别"), incidents or [["本月无安全事件", "", "", ""]])
    doc.add_paragraph()
    requests = []
    for r in facts.requests:
        minutes = round((r.responded_at - r.raised_at).total_seconds() / 60) if r.responded_at else None
        requests.append([f"{timezone.localtime(r.raised_at):%Y-%m-%d %H:%M}", "应急" if r.is_emergency else "运维",
                         r.description[:60], f"{minutes} 分钟" if minutes is not None else "未响应"])  # fmt: skip
    _table(doc, ("提出时间", "类型", "需求", "响应用时"), requests or [["本月无运维需求", "", "", ""]])
    _heading(doc, "五、人员配置情况")
    people = [[p.name, p.project_role, p.title, p.qualifications] for p in facts.personnel]
    _table(doc, ("姓名", "项目角色", "职称", "资质"), people or [[FILL, "", "", ""]])
    _heading(doc, "六、项目变更情况")
    _guide(doc, "人员调整（第九条：提前 10 日通知并获甲方书面同意）、服务内容或计划的变更。")
    doc.add_paragraph(FILL)
    _heading(doc, "七、下月工作计划")
    nxt = [[t.title, f"{t.due_on:%Y-%m-%d}"] for t in facts.next_month]
    _table(doc, ("工作项", "期限"), nxt or [["无计划工作", ""]])


def deliverable_docx(*, user, task: Task, index: int, today: date | None = None) -> bytes:
    """The named document ``task.deliverables[index]`` pre-filled for ``task``."""
    today = today or timezone.localdate()
    name = task.deliverables[index]
    with translation.override("zh-hans"):
        doc = Document()
        _fonts(doc)
        _title(doc, f"{task.contract.name}\n{document_key(name)}")
        sub = doc.add_paragraph(_period(task))
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _facts_table(doc, task, name)
        doc.add_paragraph()
        if task.kind == TaskKind.PROGRESS_REPORT:
            _progress_sections(doc, selectors.progress_report_facts(user=user, task=task, today=today), today)
        else:
            _sections(doc, SECTIONS.get(document_key(name), GENERIC))
        _heading(doc, "签署")
        sign = doc.add_table(rows=2, cols=2)
        sign.style = "Table Grid"
        sign.cell(0, 0).text, sign.cell(0, 1).text = "乙方项目负责人（签字）：", "甲方确认（签字）："
        sign.cell(1, 0).text, sign.cell(1, 1).text = "日期：", "日期："
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()
