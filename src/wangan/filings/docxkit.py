"""python-docx plumbing for the filings' documents: fonts and sizes of the official forms, runs,
paragraphs, tables with shaded headers, page numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor

# seed 003 填报说明 5: 填报字体为方正仿宋、小四号; headings in 黑体 as in the seeds' forms
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LETTER_HEADER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
WIDE_TABLE_SIZE = Pt(9)  # 小五, for tables of more than six columns
TITLE_SIZE = Pt(18)  # 小二
HEADING_SIZE = Pt(16)  # 三号
COVER_LINE_SIZE = Pt(14)  # 四号
LETTER_BODY_SIZE = Pt(16)  # 三号, as official letters are set
SHADE = "D9D9D9"
NOTE_COLOR = RGBColor(0x59, 0x59, 0x59)
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH_CM = 16.0  # A4 21 cm less two 2.5 cm margins


def new_document(*, margins: tuple[float, float, float, float], body_size: Length):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = map(Cm, margins)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = body_size
    set_fonts(normal.element, BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().insert_element_before(
        lang, "w:eastAsianLayout", "w:specVanish", "w:oMath"
    )
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in (("Heading 1", HEADING_SIZE), ("Heading 2", COVER_LINE_SIZE)):
        heading = styles[name]
        heading.font.size = size
        heading.font.bold = False  # 黑体 is heavy already; the seeds' headings are not bolded
        heading.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(heading.element, HEADING_FONT)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = TABLE_SIZE
    table_text.paragraph_format.line_spacing = 1.0
    table_text.paragraph_format.space_before = Pt(2)
    table_text.paragraph_format.space_after = Pt(2)
    return doc


def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Word takes the typeface of CJK text from ``w:eastAsia``, which python-docx's ``font.name``
    leaves alone; theme attributes would override the names, so they go."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: Length | None = None,
         color: RGBColor | None = None, font: str | None = None):  # fmt: skip
    run = paragraph.add_run()
    for i, line in enumerate(str(text).split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    if font is not None:
        set_fonts(run._element, font, latin=font)
    return run


def paragraph(container, text: str = "", *, bold: bool = False, italic: bool = False, size: Length | None = None,
               color: RGBColor | None = None, font: str | None = None, align=None, left_indent: Length | None = None,
               right_indent: Length | None = None, space_after: Length | None = None):  # fmt: skip
    p = container.add_paragraph()
    if text:
        run(p, text, bold=bold, italic=italic, size=size, color=color, font=font)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if left_indent is not None:
        fmt.left_indent = left_indent
    if right_indent is not None:
        fmt.right_indent = right_indent
    if space_after is not None:
        fmt.space_after = space_after
    return p


def body(doc, text: str):
    """A body paragraph indented by two characters, as Chinese documents are."""
    p = paragraph(doc, text)
    p.paragraph_format.first_line_indent = Pt(2 * doc.styles["Normal"].font.size.pt)
    return p


def note(doc, text: str):
    return paragraph(doc, text, italic=True, size=TABLE_SIZE, color=NOTE_COLOR, space_after=Pt(6))


def new_table(doc, *, rows: int, widths: Iterable[float]):
    widths = list(widths)
    grid = doc.add_table(rows=rows, cols=len(widths))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # fixed layout: long values wrap instead of widening the table off the page
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return grid


def write(cell, text: str, *, bold: bool = False, italic: bool = False, align=None, size: Length | None = None,
           color: RGBColor | None = None, font: str | None = None) -> None:  # fmt: skip
    p = cell.paragraphs[0]
    p.style = "Table Text"
    if text:
        run(p, text, bold=bold, italic=italic, size=size, color=color, font=font)
    if align is not None:
        p.alignment = align
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def shade(cell, fill: str = SHADE) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
        "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
    )  # fmt: skip


def repeat_as_header(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def bottom_rule(paragraph, *, color: str) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange",
    )  # fmt: skip


def page_numbers(doc) -> None:
    """Centred page numbers, none on the first page (the cover or the letter's first page)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
