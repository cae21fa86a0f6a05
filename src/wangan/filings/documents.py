"""Word renderings of an application, laid out like the seeds' official forms, and of the decision
letter; PDF through LibreOffice where it is installed.

Pure functions over already-loaded objects: nothing here queries the database.  The fixed wording
of the forms is written bilingually with ``T`` like the forms themselves in ``spec.py``; the decision
letter is a Chinese official document and is always rendered in Chinese.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from wangan.filings import docxkit as kit
from wangan.filings.docxkit import (  # noqa: F401 — NOTE_COLOR, SHADE, RED: read by the tests
    BODY_FONT,
    BODY_SIZE,
    COVER_LINE_SIZE,
    HEADING_FONT,
    HEADING_SIZE,
    LATIN_FONT,
    LETTER_BODY_SIZE,
    LETTER_HEADER_FONT,
    NOTE_COLOR,
    RED,
    SHADE,
    TABLE_SIZE,
    TEXT_WIDTH_CM,
    TITLE_SIZE,
    WIDE_TABLE_SIZE,
)
from wangan.filings.spec import ApplicationType, Commitment, Field, Section, T, Table
from wangan.filings.validation import parse_number

logger = logging.getLogger(__name__)

PDF_TIMEOUT_SECONDS = 60

# (top, bottom, left, right) in cm; the letter's follow GB/T 9704 roughly
_FORM_MARGINS = (2.5, 2.5, 2.5, 2.5)
_LETTER_MARGINS = (3.7, 3.5, 2.8, 2.6)

_APPLICANT = T("申请单位：", "Applicant: ")
_DECLARANT = T("申报单位：", "Applicant: ")
_SUBMITTED = T("提交日期：", "Submitted on: ")
_CONTACT = T("联系人及电话：", "Contact and telephone: ")
_REFERENCE = T("编号：%(reference)s", "Reference: %(reference)s")
_MADE_BY = T("%(body)s  制", "Form of %(body)s")
_NOTES = T("填写须知", "Instructions")
_SEAL = T("单位盖章：", "Seal of the organization:")
_SIGNATURE = T("负责人签字：", "Signature of the person in charge:")
_DATE_BLANK = T("年　　月　　日", "Date:                    ")
_ACCEPTED = T(
    "已于 %(at)s 在线阅读并同意（版本 %(version)s）",
    "Read and accepted online on %(at)s (version %(version)s)",
)
_CURRENT_VERSION = T("；现行版本 %(version)s", "; current version %(version)s")
_WITH_UNIT = T("%(label)s（%(unit)s）", "%(label)s (%(unit)s)")
_TABLE_CAPTION = T("表：%(label)s", "Table: %(label)s")
_NUMBER = T("序号", "No.")
_CATEGORY = T("分类", "Category")
_TOTAL = T("合计", "Total")
_NONE = T("无", "None")
_YES = T("是", "Yes")
_NO = T("否", "No")
_LIST_SEPARATOR = T("、", ", ")
_ATTACHMENTS = T("附件清单", "List of attachments")
_ATTACHMENT_HEADER = (T("序号", "No."), T("附件类别", "Category"), T("文件名", "File"),
                      T("SM3 摘要（前16位）", "SM3 digest (first 16)"), T("文件日期／有效期", "Date / validity"))  # fmt: skip
_NOT_PROVIDED = T("未提供", "not provided")
_DOCUMENT_DATE = T("文件日期 %(date)s", "dated %(date)s")
_VALID_UNTIL = T("有效期至 %(date)s", "valid until %(date)s")
_REVIEW = T("审核推荐意见", "Review and recommendation")
_SEAL_SHORT = T("（盖章）", "(seal)")

# seed 003 填报说明 2: 如无内容应填"无" — a note asking for a quoted 无 turns blanks into 无
_ASKS_FOR_NONE = re.compile(r"[“\"‘'「『]无[”\"’'」』]")
_CN_DIGITS = "零一二三四五六七八九"


def application_docx(*, spec: ApplicationType, application: Any, attachments: Iterable[Any], organization_name: str,
                     language: str = "zh-hans", opinions: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
    """The filled application as the official form: cover, instructions, commitment letters, the
    numbered sections, the attachment list and the review-opinion table."""
    with translation.override(language):
        doc = kit.new_document(margins=_FORM_MARGINS, body_size=BODY_SIZE)
        doc.core_properties.title = str(spec.label)
        doc.core_properties.author = organization_name
        values = application.values or {}
        _cover(doc, spec=spec, application=application, organization_name=organization_name, values=values)
        if spec.notes:
            doc.add_page_break()
            _notes_page(doc, spec.notes)
        accepted = application.commitments or {}
        for commitment in spec.commitments:
            doc.add_page_break()
            _commitment_page(doc, commitment, accepted.get(commitment.key))
        doc.add_page_break()
        placeholder = str(_NONE) if any(_ASKS_FOR_NONE.search(note.zh) for note in spec.notes) else ""
        number = 0
        for number, section in enumerate(spec.sections, start=1):
            _section(
                doc,
                number=number,
                section=section,
                bucket=values.get(section.key) or {},
                placeholder=placeholder,
            )
        files = list(attachments)
        if spec.attachments or files:
            number += 1
            _attachment_list(doc, number=number, spec=spec, attachments=files)
        if spec.stages:
            number += 1
            _review_table(doc, number=number, spec=spec, opinions=opinions or {})
        kit.page_numbers(doc)
        return kit.to_bytes(doc)


def decision_letter_docx(*, spec: ApplicationType, application: Any, organization_name: str, approved: bool,
                         reasons: str, issuer: str, issued_at: date | datetime, qualification_title: str = "",
                         issuer_short: str = "", valid_until: date | None = None,
                         is_public: bool = False) -> bytes:  # fmt: skip
    """The decision as an official letter: red issuer header, document number, title, addressee,
    decision and reasons, issuer and date.

    The document number is ``<issuer_short>〔<year>〕<n>号`` with ``n`` the trailing number of the
    application's reference, or the reference itself when no short issuer name is given.
    ``valid_until`` defaults to ``spec.validity_years`` after ``issued_at``.
    """
    with translation.override("zh-hans"):
        doc = kit.new_document(margins=_LETTER_MARGINS, body_size=LETTER_BODY_SIZE)
        label = spec.label.zh
        day = _as_date(issued_at) or timezone.localdate()
        reference = getattr(application, "reference", "") or ""
        builds = bool(approved and qualification_title and spec.post_approval)
        is_reply = bool(approved and qualification_title)
        if builds:
            title = f"关于同意{organization_name}建设{qualification_title}的批复"
        elif is_reply:
            title = f"关于同意认定{organization_name}为{qualification_title}的批复"
        else:
            title = f"关于{organization_name}《{label}》审核结果的通知"
        doc.core_properties.title = title
        doc.core_properties.author = issuer

        kit.paragraph(doc, issuer, bold=True, size=Pt(26), color=RED, font=LETTER_HEADER_FONT,
                   align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(12))  # fmt: skip
        number_line = kit.paragraph(doc, _document_number(reference=reference, issuer_short=issuer_short, year=day.year),
                                 align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(18))  # fmt: skip
        kit.bottom_rule(number_line, color="C00000")
        doc.add_paragraph()
        kit.paragraph(doc, title, bold=True, size=Pt(22), font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER,
                   space_after=Pt(18))  # fmt: skip
        kit.paragraph(doc, f"{organization_name}：")

        submitted = _as_date(getattr(application, "submitted_at", None))
        received = f"你单位{_zh_date(submitted) if submitted else ''}报送的《{label}》"
        received += f"（编号：{reference}）" if reference else ""
        received += "及相关材料收悉。经审核，" + ("现批复如下：" if is_reply else "现将审核结果通知如下：")
        kit.body(doc, received)

        reason_lines = [line.strip() for line in (reasons or "").splitlines() if line.strip()]
        if approved:
            kit.body(doc, _grant_sentence(spec=spec, qualification_title=qualification_title, builds=builds, day=day,
                                       valid_until=valid_until))  # fmt: skip
            if reason_lines:
                kit.body(doc, "审核意见如下：")
        else:
            kit.body(doc, f"你单位申报的《{label}》未通过审核。" + ("主要原因如下：" if reason_lines else ""))
        for line in reason_lines:
            kit.body(doc, line)
        kit.body(doc, "特此批复。" if is_reply else "特此通知。")

        doc.add_paragraph()
        doc.add_paragraph()
        kit.paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(32))
        kit.paragraph(doc, _zh_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(32))
        if is_public:  # seed 003 ends with （此件公开发布）
            doc.add_paragraph()
            kit.body(doc, "（此件公开发布）")
        kit.page_numbers(doc)
        return kit.to_bytes(doc)


def pdf_from_docx(docx_bytes: bytes) -> bytes | None:
    """The PDF converted by LibreOffice, or None when it is not installed or fails (the caller then
    offers the DOCX alone)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    with tempfile.TemporaryDirectory(prefix="wangan-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx_bytes)
        # a private profile: conversions sharing the user's profile block one another
        command = [office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--convert-to", "pdf", "--outdir", str(work), str(source)]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True, env={**os.environ, "HOME": tmp},
        )  # fmt: skip
        try:
            _, stderr = process.communicate(timeout=PDF_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            # soffice starts soffice.bin: end the whole process group, not only the launcher
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.warning("LibreOffice did not convert within %s s", PDF_TIMEOUT_SECONDS)
            return None
        target = work / "document.pdf"
        if process.returncode != 0 or not target.is_file():
            logger.warning("LibreOffice conversion failed (exit %s): %s", process.returncode,
                           stderr.decode(errors="replace")[-500:])  # fmt: skip
            return None
        return target.read_bytes()


# --- the application form's parts ---------------------------------------------------------------


def _cover(doc, *, spec: ApplicationType, application: Any, organization_name: str, values: dict) -> None:
    reference = getattr(application, "reference", "")
    if reference:
        kit.paragraph(doc, _REFERENCE.format(reference=reference), size=Pt(9), align=WD_ALIGN_PARAGRAPH.RIGHT)
    for _ in range(6):
        doc.add_paragraph()
    kit.paragraph(
        doc, str(spec.label), bold=True, size=TITLE_SIZE, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title = getattr(application, "title", "")
    if title and title != str(spec.label):
        kit.paragraph(doc, title, size=COVER_LINE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(6):
        doc.add_paragraph()

    # seed 003 says 申报单位 on a 申报表, seed 001 申请单位 on a 申请书
    applicant = _DECLARANT if "申报" in spec.label.zh else _APPLICANT
    submitted = _format_date(getattr(application, "submitted_at", None))
    lines: list[tuple[T, str]] = [(applicant, organization_name), (_SUBMITTED, submitted)]
    contact = _contact(spec, values)
    if contact:
        lines.append((_CONTACT, contact))
    for label, value in lines:
        p = kit.paragraph(doc, str(label), size=COVER_LINE_SIZE, left_indent=Cm(3), space_after=Pt(12))
        if value:
            kit.run(p, value, size=COVER_LINE_SIZE)
        else:
            kit.run(p, " " * 30, size=COVER_LINE_SIZE).underline = True
    if spec.reviewing_body:
        for _ in range(6):
            doc.add_paragraph()
        kit.paragraph(doc, _MADE_BY.format(body=str(spec.reviewing_body)), size=COVER_LINE_SIZE,
                   align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip


def _contact(spec: ApplicationType, values: dict) -> str:
    """Contact person and telephone: the fields named ``*contact*`` or labelled 联系… (no table)."""
    parts = []
    for section, item in spec.iter_items():
        if (
            isinstance(item, Field)
            and item.kind in ("text", "phone")
            and ("contact" in item.key.lower() or "联系" in item.label.zh)
        ):
            value = (values.get(section.key) or {}).get(item.key)
            if isinstance(value, str) and value.strip():
                parts.append(value.strip())
    return "  ".join(parts)


def _notes_page(doc, notes: tuple[T, ...]) -> None:
    kit.paragraph(doc, str(_NOTES), bold=True, size=HEADING_SIZE, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_after=Pt(12))  # fmt: skip
    for index, note in enumerate(notes, start=1):
        text = str(note).strip()
        kit.body(doc, text if re.match(r"^\d", text) else f"{index}．{text}")


def _commitment_page(doc, commitment: Commitment, accepted: Any) -> None:
    kit.paragraph(doc, str(commitment.title), bold=True, size=TITLE_SIZE, font=HEADING_FONT,
               align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(18))  # fmt: skip
    for line in str(commitment.text).splitlines():
        if line.strip():
            kit.body(doc, line.strip())
    for _ in range(3):
        doc.add_paragraph()
    for label in (_SEAL, _SIGNATURE):
        kit.paragraph(doc, str(label), left_indent=Cm(8), space_after=Pt(12))
    kit.paragraph(doc, str(_DATE_BLANK), align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Cm(1))
    if isinstance(accepted, Mapping) and accepted.get("accepted_at"):
        version = str(accepted.get("version") or "")
        line = _ACCEPTED.format(at=_format_moment(accepted["accepted_at"]), version=version)
        if version and version != commitment.version:
            line = line[:-1] + _CURRENT_VERSION.format(version=commitment.version) + line[-1:]
        doc.add_paragraph()
        kit.paragraph(
            doc, line, italic=True, size=TABLE_SIZE, color=NOTE_COLOR, align=WD_ALIGN_PARAGRAPH.RIGHT
        )


def _section(doc, *, number: int, section: Section, bucket: dict, placeholder: str) -> None:
    doc.add_heading(f"{_numeral(number)}{section.label}", level=1)
    if section.help:
        kit.note(doc, str(section.help))
    fields: list[Field] = []
    for item in section.items:
        if isinstance(item, Table):
            if fields:
                _fields_table(doc, fields, bucket, placeholder)
                fields = []
            _data_table(doc, item, bucket.get(item.key), placeholder)
        else:
            fields.append(item)
    if fields:
        _fields_table(doc, fields, bucket, placeholder)


def _fields_table(doc, fields: list[Field], bucket: dict, placeholder: str) -> None:
    grid = kit.new_table(doc, rows=len(fields), widths=(4.5, TEXT_WIDTH_CM - 4.5))
    for row, field_ in zip(grid.rows, fields, strict=True):
        label, value = row.cells
        kit.shade(label)
        kit.write(label, _label(field_))
        kit.write(value, _value_text(field_, bucket.get(field_.key)) or placeholder)
    doc.add_paragraph()


def _data_table(doc, table: Table, raw_rows: Any, placeholder: str) -> None:
    caption = kit.paragraph(doc, _TABLE_CAPTION.format(label=str(table.label)), bold=True,
                         align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    caption.paragraph_format.keep_with_next = True
    if table.help:
        kit.note(doc, str(table.help)).paragraph_format.keep_with_next = True
    rows = [row if isinstance(row, dict) else {} for row in raw_rows] if isinstance(raw_rows, list) else []
    if table.fixed_rows:
        data = [(str(label), rows[i] if i < len(rows) else {}) for i, label in enumerate(table.fixed_rows)]
        first_header, first_width = _CATEGORY, 3.5
    else:
        filled = [row for row in rows if any(not _is_blank(v) for v in row.values())]
        data = [(str(i), row) for i, row in enumerate(filled, start=1)]
        first_header, first_width = _NUMBER, 1.2
    columns = table.columns
    weights = [2.0 if c.kind == "textarea" else 1.0 for c in columns]
    rest = TEXT_WIDTH_CM - first_width
    widths = (first_width, *(rest * w / sum(weights) for w in weights))
    size = WIDE_TABLE_SIZE if len(widths) > 6 else None
    center = WD_ALIGN_PARAGRAPH.CENTER

    grid = kit.new_table(doc, rows=1, widths=widths)
    kit.repeat_as_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, [str(first_header), *map(_label, columns)], strict=True):
        kit.shade(cell)
        kit.write(cell, text, bold=True, align=center, size=size)
    for first, row in data:
        cells = grid.add_row().cells
        kit.write(cells[0], first, align=None if table.fixed_rows else center, size=size)
        for cell, column in zip(cells[1:], columns, strict=True):
            kit.write(cell, _value_text(column, row.get(column.key)) or placeholder, size=size)
    if not data:
        cells = grid.add_row().cells
        kit.write(cells[0].merge(cells[-1]), placeholder, align=center, size=size)
    if table.total:
        cells = grid.add_row().cells
        kit.write(cells[0], str(_TOTAL), bold=True, align=center, size=size)
        for cell, column in zip(cells[1:], columns, strict=True):
            if column.key in table.total:
                total = _column_total([row for _, row in data], column)
                kit.write(cell, "" if total is None else _format_number(total), bold=True, size=size)
    doc.add_paragraph()


def _attachment_list(doc, *, number: int, spec: ApplicationType, attachments: list[Any]) -> None:
    doc.add_heading(f"{_numeral(number)}{_ATTACHMENTS}", level=1)
    by_slot: dict[str, list[Any]] = {}
    for attachment in attachments:
        by_slot.setdefault(attachment.slot, []).append(attachment)
    known = {slot.key for slot in spec.attachments}
    slots = [(slot.key, str(slot.label)) for slot in spec.attachments]
    slots += [(key, key) for key in by_slot if key not in known]

    grid = kit.new_table(doc, rows=1, widths=(1.2, 3.6, 4.6, 3.4, 3.2))
    kit.repeat_as_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, _ATTACHMENT_HEADER, strict=True):
        kit.shade(cell)
        kit.write(cell, str(text), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    count = 0
    for key, label in slots:
        files = by_slot.get(key, [])
        if not files:
            cells = grid.add_row().cells
            kit.write(cells[1], label)
            kit.write(cells[2], str(_NOT_PROVIDED), italic=True, color=NOTE_COLOR)
        for attachment in files:
            count += 1
            stored = attachment.file
            dates = []
            if getattr(attachment, "document_date", None):
                dates.append(_DOCUMENT_DATE.format(date=_format_date(attachment.document_date)))
            if getattr(attachment, "valid_until", None):
                dates.append(_VALID_UNTIL.format(date=_format_date(attachment.valid_until)))
            cells = grid.add_row().cells
            kit.write(cells[0], str(count), align=WD_ALIGN_PARAGRAPH.CENTER)
            kit.write(cells[1], label)
            kit.write(cells[2], getattr(stored, "original_name", ""))
            kit.write(cells[3], (getattr(stored, "sm3", "") or "")[:16], font="Consolas")
            kit.write(cells[4], "\n".join(dates))
    doc.add_paragraph()


def _review_table(doc, *, number: int, spec: ApplicationType, opinions: Mapping[str, str]) -> None:
    """seed 003 九、审核推荐意见: one row per stage, opinion above a seal and date block."""
    doc.add_heading(f"{_numeral(number)}{_REVIEW}", level=1)
    grid = kit.new_table(doc, rows=len(spec.stages), widths=(4.0, TEXT_WIDTH_CM - 4.0))
    for row, stage in zip(grid.rows, spec.stages, strict=True):
        row.height, row.height_rule = Cm(4), WD_ROW_HEIGHT_RULE.AT_LEAST
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        label, body = row.cells
        kit.shade(label)
        kit.write(label, str(stage.label), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        opinion = (opinions.get(stage.key) or "").strip()
        kit.write(body, opinion)
        body.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        for _ in range(1 if opinion else 3):
            body.add_paragraph(style="Table Text")
        for text in (str(_SEAL_SHORT), str(_DATE_BLANK)):
            p = body.add_paragraph(style="Table Text")
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Cm(1)
            kit.run(p, text)


# --- values -------------------------------------------------------------------------------------


def _label(field_: Field) -> str:
    if field_.unit:
        return _WITH_UNIT.format(label=str(field_.label), unit=str(field_.unit))
    return str(field_.label)


def _is_blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _value_text(field_: Field, raw: Any) -> str:
    """The value as the form shows it; blank stays "" so that the caller decides on 无."""
    if field_.kind == "bool" and not _is_blank(raw):
        truthy = raw is True or str(raw).strip().lower() in ("1", "true", "yes", "on", "是")
        return str(_YES if truthy else _NO)
    if _is_blank(raw):
        return ""
    choices = {key: str(label) for key, label in field_.choices}
    if field_.kind == "choice":
        return choices.get(str(raw), str(raw))
    if field_.kind == "multichoice":
        keys = raw if isinstance(raw, list | tuple) else [k for k in str(raw).split(",") if k.strip()]
        return str(_LIST_SEPARATOR).join(choices.get(str(k).strip(), str(k).strip()) for k in keys)
    text = str(raw).strip()
    if field_.kind == "percent" and not text.endswith("%"):
        text += "%"
    return text


def _column_total(rows: list[dict], column: Field) -> Decimal | None:
    """Sum of a column's numbers, blanks skipped; None when no row holds a number."""
    numbers = [n for n in (parse_number(row.get(column.key)) for row in rows) if n is not None]
    if not numbers:
        return None
    total = sum(numbers, Decimal(0))
    if column.kind == "integer" or column.integer_only:
        total = total.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return total


def _format_number(value: Decimal) -> str:
    # Decimal keeps the scale of its terms: integers sum to an integer, 12.50 + 7.5 to 20.00
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


def _numeral(n: int) -> str:
    """一、二、… in Chinese, "1. " in English."""
    if (translation.get_language() or "").startswith("en"):
        return f"{n}. "
    if n < 10:
        word = _CN_DIGITS[n]
    elif n < 100:
        tens, units = divmod(n, 10)
        word = ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")
    else:
        word = str(n)
    return f"{word}、"


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, date):
        return value
    try:
        return _as_date(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _format_date(value: Any) -> str:
    day = _as_date(value)
    if day is None:
        return ""
    return day.isoformat() if (translation.get_language() or "").startswith("en") else _zh_date(day)


def _format_moment(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for last in (day.day, 30, 29, 28):  # the 31st of a shorter month becomes its last day
        with contextlib.suppress(ValueError):
            return date(year, month, last)
    raise AssertionError("unreachable")


def _document_number(*, reference: str, issuer_short: str, year: int) -> str:
    if not issuer_short or "〔" in reference:
        return reference
    match = re.search(r"(\d+)\D*$", reference)
    sequence = int(match.group(1)) if match else reference
    return f"{issuer_short}〔{year}〕{sequence}号"


def _grant_sentence(*, spec: ApplicationType, qualification_title: str, builds: bool, day: date,
                    valid_until: date | None) -> str:  # fmt: skip
    if builds and spec.post_approval:
        # seed 003 五: 建设周期自同意建设之日起2年; 每半年报送进展; 期满编制自评报告申请验收
        months = spec.post_approval.construction_months
        period = f"{months // 12}年" if months % 12 == 0 else f"{months}个月"
        end = _add_months(day, months) - timedelta(days=1)
        return (f"同意你单位建设{qualification_title}，建设周期自本批复之日起{period}，至{_zh_date(end)}止。"
                f"建设期间请每{spec.post_approval.report_every_months}个月报送一次建设进展情况；"
                "建设期满后编制自评报告，按程序申请验收。")  # fmt: skip
    if valid_until is None and spec.validity_years:
        valid_until = _add_months(day, 12 * spec.validity_years) - timedelta(days=1)
    granted = (
        f"同意认定你单位为{qualification_title}"
        if qualification_title
        else f"你单位申报的《{spec.label.zh}》审核通过"
    )
    if valid_until:
        return f"{granted}，有效期自{_zh_date(day)}至{_zh_date(valid_until)}。"
    return f"{granted}。"
