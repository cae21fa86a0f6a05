"""The 运维工作评分表 of seed 004 附件7 as XLSX and DOCX, in the seed's layout: per item a 权重 row
(the percentages) and a 得分 row (满分/得分 per aspect and the subtotal), then 总得分 (满分100分)."""

from __future__ import annotations

import io
from decimal import Decimal

from wangan.contracts.selectors import Sheet

HEAD = ["工作项", "", "完成时效", "", "完成质量", "", "文档记录", "", "小计", ""]
SUB = ["", "", "满分", "得分", "满分", "得分", "满分", "得分", "满分", "得分"]
NOT_SCHEDULED = "当月未安排"


def _n(v: Decimal | None) -> str:
    if v is None:
        return ""
    return f"{Decimal(v).quantize(Decimal('0.01')).normalize():f}"


def sheet_rows(sheet: Sheet) -> list[list[str]]:
    rows = []
    for r in sheet.rows:
        rows.append([r.name, "权重", f"{_n(r.pct[0])}%", "", f"{_n(r.pct[1])}%", "", f"{_n(r.pct[2])}%", "", "", ""])
        if not r.scheduled:
            rows.append(["", "得分", _n(r.maxima[0]), NOT_SCHEDULED, _n(r.maxima[1]), NOT_SCHEDULED, _n(r.maxima[2]),
                         NOT_SCHEDULED, _n(r.full), NOT_SCHEDULED])  # fmt: skip
            continue
        s = r.scores or (None, None, None)
        rows.append(["", "得分", _n(r.maxima[0]), _n(s[0]), _n(r.maxima[1]), _n(s[1]), _n(r.maxima[2]), _n(s[2]),
                     _n(r.full), _n(r.earned)])  # fmt: skip
    # seed 004 附件7: unscheduled items are left out and the month is rescaled to 100
    rows.append(["总得分（满分100分）", "", "", "", "", "", "", "", _n(sheet.raw_full), _n(sheet.raw_earned)])
    rows.append(["折算得分", "", "", "", "", "", "", "", "100", _n(sheet.total)])
    return rows


def title_of(sheet: Sheet) -> str:
    return f"运维工作评分表 {sheet.contract.number} {sheet.year}年{sheet.month}月"


def render_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = f"{sheet.year}-{sheet.month:02d}"
    ws.append([title_of(sheet)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    ws.append(HEAD)
    ws.append(SUB)
    for c in (1, 3, 5, 7, 9):
        ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=c + 1)
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=2)
    body = sheet_rows(sheet)
    for row in body:
        ws.append(row)
    for i in range(len(sheet.rows)):
        top = 4 + 2 * i
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=10):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 20
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render_docx(sheet: Sheet) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(title_of(sheet), level=1)
    doc.add_paragraph(f"{sheet.contract.name}（评分版本 v{sheet.scheme_version}）")
    body = sheet_rows(sheet)
    table = doc.add_table(rows=2 + len(body), cols=10)
    table.style = "Table Grid"
    for r, values in enumerate([HEAD, SUB, *body]):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    for c in (2, 4, 6, 8):
        table.cell(0, c).merge(table.cell(0, c + 1)).text = HEAD[c]
    table.cell(0, 0).merge(table.cell(1, 1)).text = "工作项"
    for i, row in enumerate(sheet.rows):
        table.cell(2 + 2 * i, 0).merge(table.cell(3 + 2 * i, 0)).text = row.name
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
