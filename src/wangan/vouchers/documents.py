"""The online service agreement (§五(四)) as DOCX and PDF, generated from the voucher's facts."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from wangan.vouchers.catalog import SERVICE_MODULES

TITLE = "企业安全云服务包在线服务协议"


def _clauses(*, voucher_code: str, enterprise: str, provider: str, package_title: str, standards: str,
             start: date, end: date) -> list[tuple[str, str]]:  # fmt: skip
    modules = "；".join(f"{name}（{desc}）" for _code, name, desc in SERVICE_MODULES)
    return [
        ("第一条 协议双方", f"甲方（服务对象）：{enterprise}\n乙方（服务机构）：{provider}\n创通票编码：{voucher_code}"),
        ("第二条 服务内容", f"乙方按其发布的“{package_title}”向甲方提供企业安全云服务包，包括：{modules}。"),
        ("第三条 服务期限与费用", f"服务期限一年，自{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。"
                          "上述服务由乙方免费提供，乙方不得以任何名义向甲方收取费用。"),
        ("第四条 服务标准与程序", standards or "按乙方在平台公示的服务标准和程序执行。"),
        ("第五条 部署", "乙方在协议签订后向甲方发送《企业安全云部署实操手册》；甲方自行部署有困难的，可在平台提出需求，"
                   "乙方应在5个工作日内派工程师上门提供安装部署服务。"),
        ("第六条 保密", "乙方对甲方提供的材料、信息和其他商业秘密负有保密义务，满足甲方数据信息保护要求，"
                   "保密义务不因本协议终止而解除。"),
        ("第七条 完成与评价", "服务完成后乙方出具完成服务报告，甲方在平台确认服务结果并进行满意度评价。"),
        ("第八条 其他", "本协议经双方在平台在线签署后生效；签署记录（签署人、时间及协议文本SM3摘要）由平台保存，"
                   "协议文本被改动后签署记录不再有效。"),
    ]  # fmt: skip


def agreement_docx(*, voucher_code: str, enterprise: str, provider: str, package_title: str, standards: str,
                   start: date, end: date) -> bytes:  # fmt: skip
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    for title, body in _clauses(voucher_code=voucher_code, enterprise=enterprise, provider=provider,
                                package_title=package_title, standards=standards, start=start, end=end):  # fmt: skip
        p = doc.add_paragraph()
        p.add_run(title).bold = True
        for line in body.split("\n"):
            doc.add_paragraph(line)
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "甲方（盖章）：", "乙方（盖章）："
    table.cell(1, 0).text, table.cell(1, 1).text = f"{enterprise}", f"{provider}"
    table.cell(2, 0).text, table.cell(2, 1).text = "在线签署：见平台签署记录", "在线签署：见平台签署记录"
    out = io.BytesIO()
    doc.core_properties.title = TITLE
    doc.core_properties.identifier = voucher_code
    doc.save(out)
    return out.getvalue()


def agreement_pdf(*, voucher_code: str, enterprise: str, provider: str, package_title: str, standards: str,
                  start: date, end: date) -> bytes:  # fmt: skip
    """The same text as PDF; Chinese through the standard CID font (no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=1, spaceAfter=12)
    out = io.BytesIO()
    story = [Paragraph(TITLE, title)]
    for head, text in _clauses(voucher_code=voucher_code, enterprise=enterprise, provider=provider,
                               package_title=package_title, standards=standards, start=start, end=end):  # fmt: skip
        story.append(Paragraph(f"<b>{head}</b>", body))
        for line in text.split("\n"):
            story.append(Paragraph(line.replace("&", "&amp;").replace("<", "&lt;"), body))
        story.append(Spacer(1, 6))
    story.append(Paragraph(f"甲方：{enterprise}　　乙方：{provider}　　（在线签署，见平台签署记录）", body))
    SimpleDocTemplate(out, pagesize=A4, title=TITLE, author="Wangan").build(story)
    return out.getvalue()
