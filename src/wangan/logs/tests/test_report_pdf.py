"""《日志分析和审计报告》 as PDF: the same content as the DOCX, set in a font that shows Chinese offline,
downloadable next to the DOCX; without a usable font the DOCX still comes and the reason is shown.

No PDF reader is installed (pypdf is not a dependency), so the text is read back with a few lines
below: the content streams are ASCII85 + Flate, the Chinese font is the standard CID font
STSong-Light whose strings are UTF-16BE (UniGB-UCS2-H), the Latin one WinAnsi.
"""

import base64
import io
import os
import re
import zlib
from datetime import date

import pytest
from django.core.files.storage import default_storage
from docx import Document
from rest_framework.test import APIClient

from wangan.core.models import AuditEvent
from wangan.logs import services
from wangan.logs.models import AnalysisReport
from wangan.logs.report import render_docx, report_content
from wangan.logs.report_pdf import PdfFont, ReportFontMissing, markup, pdf_font, render_pdf
from wangan.logs.tests.conftest import run_jobs

pytestmark = pytest.mark.django_db
CID = {"configured": "", "candidates": ()}  # the standard CID font, whatever is installed
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


# --- reading a PDF back ------------------------------------------------------------------------
_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\[0-7]{1,3}|\\.|[^\\()])*)\) Tj")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(s: bytes) -> bytes:
    def one(m):
        e = m.group(1)
        return bytes([int(e, 8) & 0xFF]) if e[:1].isdigit() else _ESCAPES.get(e, e)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, s)


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, in drawing order (fonts resolved through the /Fn resource names)."""
    objects = {int(n): body for n, body in _OBJ.findall(data)}
    fonts = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            base = re.search(rb"/BaseFont /([\w+-]+)", objects.get(int(ref), b""))
            fonts[name.decode()] = base.group(1).decode() if base else ""
    out, font = [], ""
    for body in objects.values():
        m = _STREAM.search(body)
        if not m or b"/ASCII85Decode" not in body:
            continue
        content = zlib.decompress(base64.a85decode(m.group(1).strip(), adobe=True))
        for f, s in _TOKEN.findall(content):
            if f:
                font = fonts.get(f.decode(), "")
            else:
                raw = _unescape(s)
                out.append(
                    raw.decode("utf-16-be", "replace") if font == "STSong-Light" else raw.decode("latin-1")
                )
    return "".join(out)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- content ---------------------------------------------------------------------------------
def test_the_pdf_says_what_the_docx_says(world):
    report = world["report"]
    blocks, summary = report_content(report=report)
    data = render_pdf(blocks, font=pdf_font(**CID))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = _squeeze(pdf_text(data))
    docx = Document(io.BytesIO(render_docx(blocks)))
    docx_texts = [p.text for p in docx.paragraphs] + [
        c.text for t in docx.tables for r in t.rows for c in r.cells
    ]
    missing = [t for t in docx_texts if _squeeze(t) and _squeeze(t) not in text]
    assert not missing, missing[:5]  # every paragraph and every table cell of the DOCX is in the PDF
    for heading in ("日志分析和审计报告", "一、范围与方法", "二、日志来源与数量", "三、日志审查发现", "四、告警统计",
                    "五、攻击链（按危害排序）", "六、需优先处置的威胁", "七、ATT&CK覆盖", "八、安全加固建议"):  # fmt: skip
        assert heading in text, heading
    assert "203.0.113.7" in text and "Wanganlogscanteam" in text and world["source"].name in text
    assert summary["chains"] >= 1 and summary["alerts"] >= 6
    assert data.count(b"/Type /Page\n") >= 3  # A4 pages, the content does not fit on one
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data
    assert "第1页" in text  # the footer numbers pages


def test_the_generated_report_keeps_a_pdf_beside_the_docx(world, engineer):
    report = AnalysisReport.objects.get(pk=world["report"].pk)
    assert report.status == "done" and report.pdf_error == ""
    assert report.pdf_file.content_type == "application/pdf" and report.pdf_file.original_name.endswith(
        ".pdf"
    )
    assert report.pdf_file.original_name[:-4] == report.file.original_name[:-5]  # same name, other extension
    with default_storage.open(report.pdf_file.storage_name, "rb") as fh:
        head = fh.read(5)
    assert head == b"%PDF-"
    audit = AuditEvent.objects.get(action="logs.report_generated", object_id=str(report.pk))
    assert audit.after["pdf_file_id"] == report.pdf_file_id and audit.after["pdf_sm3"] == report.pdf_file.sm3


def test_the_standard_font_is_named_not_embedded_and_text_is_escaped():
    assert pdf_font(**CID) == PdfFont(name="STSong-Light", embedded=False, source="STSong-Light")
    assert markup("a<b>&c\n中") == "a&lt;b&gt;&amp;c<br/>中"
    assert markup("ID 42 中文", latin="Helvetica") == '<font name="Helvetica">ID 42 </font>中文'


@pytest.mark.skipif(not os.path.exists(NOTO_CJK), reason="fonts-noto-cjk is not installed")
def test_a_font_reportlab_cannot_embed_is_not_used_silently():
    """Noto CJK holds PostScript outlines: reportlab refuses it, so it is not a candidate; named
    explicitly it is an error (the operator asked for that font), never another font instead."""
    assert pdf_font(configured="", candidates=[(NOTO_CJK, 2)]).name == "STSong-Light"
    with pytest.raises(ReportFontMissing) as exc:
        pdf_font(configured=NOTO_CJK)
    assert exc.value.configured == NOTO_CJK


@pytest.mark.skipif(not os.path.exists(DEJAVU), reason="fonts-dejavu is not installed")
def test_a_truetype_font_without_chinese_is_passed_over():
    assert pdf_font(configured="", candidates=[(DEJAVU, 0)]).name == "STSong-Light"


def test_no_font_at_all_is_a_clear_refusal():
    with pytest.raises(ReportFontMissing):
        pdf_font(configured="", candidates=(), cid_fonts=())
    with pytest.raises(ReportFontMissing):
        pdf_font(configured="NoSuchCIDFont")


def test_without_a_usable_font_the_docx_comes_and_the_page_says_why(engineer, source, client, monkeypatch):
    monkeypatch.setenv("WANGAN_LOG_REPORT_FONT", "/nonexistent/simsun.ttc")
    report = services.report_request(
        actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    run_jobs()
    report.refresh_from_db()
    assert report.status == "done" and report.file_id and report.pdf_file_id is None
    assert "WANGAN_LOG_REPORT_FONT" in report.pdf_error and "/nonexistent/simsun.ttc" in report.pdf_error
    client.force_login(engineer)
    page = client.get("/logs/reports/").content.decode()
    assert 'data-testid="download-docx"' in page and 'data-testid="download-pdf"' not in page
    assert 'data-testid="pdf-missing"' in page
    assert client.get(f"/logs/reports/{report.pk}/download/pdf/").status_code == 404
    api = APIClient()
    api.force_authenticate(engineer)
    response = api.get(f"/api/v1/logs/reports/{report.pk}/download/pdf/")
    assert response.status_code == 404 and response.json()["code"] == "REPORT_PDF_MISSING"


# --- downloads ---------------------------------------------------------------------------------
def test_pdf_download_next_to_the_docx_page_and_api(world, engineer, other_engineer, client):
    report = world["report"]
    client.force_login(engineer)
    page = client.get("/logs/reports/").content.decode()
    assert f'href="/logs/reports/{report.pk}/download/"' in page
    assert f'href="/logs/reports/{report.pk}/download/pdf/"' in page
    plan = client.get("/logs/plan/?year=2026").content.decode()
    assert "/download/pdf/" not in plan or f"/logs/reports/{report.pk}/download/pdf/" in plan
    response = client.get(f"/logs/reports/{report.pk}/download/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(report.pdf_file_id)).count() == 1
    api = APIClient()
    api.force_authenticate(engineer)
    listed = api.get("/api/v1/logs/reports/").json()["results"][0]
    assert listed["pdf_file"] == report.pdf_file_id and listed["pdf_error"] == ""
    assert api.get(f"/api/v1/logs/reports/{report.pk}/download/pdf/").status_code == 200
    # another organization's engineer: not found, nothing downloaded
    client.force_login(other_engineer)
    assert client.get(f"/logs/reports/{report.pk}/download/pdf/").status_code == 404
    api.force_authenticate(other_engineer)
    assert api.get(f"/api/v1/logs/reports/{report.pk}/download/pdf/").status_code == 404
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(report.pdf_file_id)).count() == 2


def test_the_report_list_costs_a_fixed_number_of_queries(
    world, engineer, client, django_assert_max_num_queries
):
    for _ in range(3):
        services.report_request(actor=engineer, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))
    run_jobs()
    client.force_login(engineer)
    with django_assert_max_num_queries(14):
        page = client.get("/logs/reports/")
    assert page.status_code == 200 and page.content.decode().count('data-testid="download-pdf"') == 4
