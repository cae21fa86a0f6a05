"""《日志分析和审计报告》 as PDF (reportlab), from the same blocks as the DOCX.

The report is Chinese, so the PDF needs a font with Chinese glyphs, offline:

1. a TrueType font file, embedded (subset) so that any viewer shows it: ``WANGAN_LOG_REPORT_FONT``,
   else the first of the usual Debian/Windows locations (WenQuanYi, AR PL, Droid Sans Fallback,
   SimSun/SimHei).  reportlab embeds TrueType outlines only: the Noto CJK ``.ttc`` files of
   ``fonts-noto-cjk`` hold PostScript (CFF) outlines and are refused, so they cannot be used here;
2. otherwise Adobe's standard Chinese font *STSong-Light* (reportlab's CID font, no file needed):
   the PDF names it and the viewer draws it with its own Chinese font — Poppler/Evince and
   Chromium/PDFium use the system's (e.g. Noto CJK), Acrobat its Asian font pack;
3. if neither can be set up, :class:`ReportFontMissing` explains what to install; the DOCX is
   still produced.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wangan.logs import conf
from wangan.logs.report import EMPTY, TITLE, Block, clean_text

# (path, sub-font index) of TrueType fonts with Chinese glyphs, most usual first.
TRUETYPE_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
CID_FONTS: tuple[str, ...] = ("STSong-Light",)
BODY_SIZE = 12  # 小四, as the DOCX
TABLE_SIZE = 9  # 小五
MARGIN = 2.5 * cm
LATIN_FALLBACK = "Helvetica"  # one of the 14 standard PDF fonts: every viewer has it
_ASCII_RUN = re.compile(r"[\x20-\x7e]+")


class ReportFontMissing(Exception):
    """No font able to show Chinese could be set up for the PDF (``configured``: the setting that failed)."""

    def __init__(self, configured: str = ""):
        super().__init__(f"no usable Chinese font for the PDF{f' ({configured})' if configured else ''}")
        self.configured = configured


@dataclass(frozen=True)
class PdfFont:
    """The font the PDF is set in: registered under ``name`` with reportlab."""

    name: str
    embedded: bool  # glyphs in the file (TrueType) or only the font's name (standard CID font)
    source: str  # file path, or the standard font's name
    latin: str = ""  # font for ASCII runs when ``name`` has no Latin letters (e.g. Droid Sans Fallback)


_registered: dict[tuple, PdfFont | None] = {}


def _truetype(path: str, index: int) -> PdfFont | None:
    if not os.path.isfile(path):
        return None
    name = f"WanganCJK{index}-" + "".join(c for c in os.path.basename(path) if c.isalnum())[:40]
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError):  # PostScript outlines, damaged or unreadable files
        return None
    glyphs = font.face.charToGlyph
    if ord("中") not in glyphs:
        return None  # not a Chinese font
    pdfmetrics.registerFont(font)
    # a CJK-only fallback font would print Latin letters and digits as blanks: Helvetica draws them
    return PdfFont(name=name, embedded=True, source=path, latin="" if ord("A") in glyphs else LATIN_FALLBACK)


def _cid(name: str) -> PdfFont | None:
    try:
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    except (KeyError, ValueError, OSError):
        return None
    return PdfFont(name=name, embedded=False, source=name)


def _from_spec(spec: str) -> PdfFont | None:
    """A font from a setting: a TrueType file (``path#N`` picks a .ttc sub-font) or a standard CID font name."""
    if "/" in spec or "\\" in spec or spec.lower().endswith((".ttf", ".ttc")):
        path, _sep, index = spec.partition("#")
        return _truetype(path, int(index) if index.isdigit() else 0)
    return _cid(spec)


def pdf_font(*, configured: str | None = None, candidates: Iterable[tuple[str, int]] | None = None,
             cid_fonts: Iterable[str] | None = None) -> PdfFont:  # fmt: skip
    """The font for the PDF: the configured one (``WANGAN_LOG_REPORT_FONT``; if it does not work the PDF
    is refused rather than set in another font), else the first TrueType candidate found, else a
    standard CID font."""
    configured = conf.text("WANGAN_LOG_REPORT_FONT") if configured is None else configured
    files = tuple(TRUETYPE_CANDIDATES if candidates is None else candidates)
    cids = tuple(CID_FONTS if cid_fonts is None else cid_fonts)
    key = (configured, files, cids)
    if key not in _registered:  # registering parses the font file: once per process
        if configured:
            found = _from_spec(configured)
        else:
            found = next((f for f in (_truetype(p, i) for p, i in files) if f is not None), None)
            found = found or next((f for f in (_cid(n) for n in cids) if f is not None), None)
        _registered[key] = found
    font = _registered[key]
    if font is None:
        raise ReportFontMissing(configured)
    return font


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.5, wordWrap="CJK",
                          spaceAfter=4)  # fmt: skip
    table = {"fontSize": TABLE_SIZE, "leading": TABLE_SIZE * 1.35, "spaceAfter": 0}
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=12
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceBefore=12, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4),
        "p": base,
        "note": ParagraphStyle("note", parent=base, fontSize=10.5, leading=15),
        "cell": ParagraphStyle("cell", parent=base, **table),
        "head": ParagraphStyle("head", parent=base, textColor=colors.black, **table),
        "footer": ParagraphStyle(
            "footer", parent=base, fontSize=9, leading=11, alignment=TA_CENTER, spaceAfter=0
        ),
    }


def markup(text, *, latin: str = "") -> str:
    """Paragraph markup for ``text``: escaped, line breaks kept, ASCII runs in ``latin`` when given."""
    text = clean_text(text)
    if not latin:
        return escape(text).replace("\n", "<br/>")
    out, pos = [], 0
    for m in _ASCII_RUN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f'<font name="{latin}">{escape(m.group())}</font>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br/>")


def _para(text, style: ParagraphStyle, latin: str = "") -> Paragraph:
    return Paragraph(markup(text, latin=latin), style)


def _width(text) -> int:
    """Display width in half-width cells (a Chinese character takes two)."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in str(text))


def _widths(block: Block, total: float) -> list[float]:
    """Column widths in proportion to the widest text of each column (capped, so no column starves)."""
    weights = []
    for i, head in enumerate(block.header):
        widest = max([_width(head)] + [_width(r[i]) for r in block.rows[:50]])
        weights.append(min(max(widest, 4), 40))
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _table(block: Block, styles: dict[str, ParagraphStyle], width: float, latin: str) -> Table:
    rows = [[_para(h, styles["head"], latin) for h in block.header]]
    rows += [[_para(v, styles["cell"], latin) for v in r] for r in block.rows]
    span = []
    if not block.rows:
        rows.append([_para(EMPTY, styles["cell"], latin)] + [""] * (len(block.header) - 1))
        span = [("SPAN", (0, 1), (-1, 1))]
    table = Table(rows, colWidths=_widths(block, width), repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *span,
    ]))  # fmt: skip
    return table


def render_pdf(blocks: list[Block], *, font: PdfFont | None = None, subject: str = "") -> bytes:
    """The blocks as an A4 PDF, page numbers in the footer."""
    font = font or pdf_font()
    styles = _styles(font.name)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=TITLE, author="Wangan", subject=subject, creator="Wangan")  # fmt: skip

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        line = _para(f"{TITLE}  第 {canvas.getPageNumber()} 页", styles["footer"], font.latin)
        _w, h = line.wrap(doc.width, MARGIN)
        line.drawOn(canvas, MARGIN, 1.2 * cm - h / 2)
        canvas.restoreState()

    story = []
    for b in blocks:
        if b.kind == "table":
            story += [_table(b, styles, doc.width, font.latin), Spacer(1, 6)]
        else:
            story.append(_para(b.text, styles.get(b.kind, styles["p"]), font.latin))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
