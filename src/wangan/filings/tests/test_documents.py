"""The application form and decision letter as DOCX, reopened with python-docx; PDF via LibreOffice."""

from __future__ import annotations

import dataclasses
import io
import shutil
import stat
import time
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from wangan.filings import documents
from wangan.filings.documents import application_docx, decision_letter_docx, pdf_from_docx
from wangan.filings.spec import (
    ApplicationType,
    AttachmentSlot,
    Commitment,
    Field,
    PostApproval,
    Section,
    Stage,
    T,
    Table,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DIGEST = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

SPEC = ApplicationType(
    code="test_park",
    label=T("网络安全产业园区申报表", "Park application form"),
    short=T("园区", "Park"),
    applicant_org_types=("park_operator",),
    sections=(
        Section("basic", T("园区基本情况", "The park"), help=T("请如实填写。", "Fill in truthfully."), items=(
            Field("name", T("主体园区名称", "Park name")),
            Field("address", T("地址", "Address")),
            Field("contact_name", T("联系人", "Contact")),
            Field("contact_phone", T("联系电话", "Telephone"), kind="phone"),
        )),
        Section("economy", T("主要经济指标", "Economic indicators"), items=(
            Table("indicators", T("近年经济指标", "Recent indicators"), columns=(
                Field("revenue", T("业务收入", "Revenue"), kind="decimal", unit=T("亿元", "100M CNY")),
                Field("companies", T("企业数量", "Companies"), kind="integer"),
                Field("remark", T("备注", "Remark"), required=False),
            ), fixed_rows=(T("申报当年", "This year"), T("上一年度", "Last year"), T("前两年度", "Two years ago")),
                total=("revenue", "companies")),
        )),
    ),
    attachments=(
        AttachmentSlot("approval", T("园区批准设立证明", "Approval of the park")),
        AttachmentSlot("policy", T("区县配套政策", "County policies"), required=False),
    ),
    commitments=(
        Commitment("truth", T("承诺书", "Commitment"), T("本单位保证提交信息准确、真实、不涉及国家秘密。",
                                                         "We warrant the information is true."), version="2025.1"),
    ),
    stages=(
        Stage("county", T("区县经信部门审核推荐意见", "County review")),
        Stage("experts", T("专家评审意见", "Expert panel"), kind="expert_panel"),
    ),
    notes=(T("填报栏目不得空缺，如无内容应填“无”。", 'Leave nothing blank: write "None".'),
           T("数据有小数时，四舍五入取整数。", "Round numbers to whole numbers.")),
    reviewing_body=T("重庆市经济和信息化委员会", "Chongqing Economy and Information Technology Commission"),
    post_approval=PostApproval(construction_months=24, report_every_months=6),
)  # fmt: skip


def make_application(**overrides):
    fields = {
        "reference": "YQ-2025-0007",
        "title": "",
        "year": 2025,
        "submitted_at": datetime(2025, 3, 2, 9, 0, tzinfo=SHANGHAI),
        "values": {
            "basic": {"name": "星河网络安全产业园", "address": "重庆市渝北区星光大道 1 号",
                      "contact_name": "周测试", "contact_phone": "023-00000000"},
            "economy": {"indicators": [
                {"revenue": "12.5", "companies": "30", "remark": ""},
                {"revenue": "7.25", "companies": "25", "remark": "含孵化企业"},
                {"revenue": "", "companies": "", "remark": ""},
            ]},
        },
        "commitments": {"truth": {"version": "2025.1", "accepted_at": "2025-03-01T10:30:00+08:00", "user": 7}},
    }  # fmt: skip
    fields.update(overrides)
    return SimpleNamespace(**fields)


ATTACHMENTS = [
    SimpleNamespace(slot="approval", document_date=date(2024, 6, 1), valid_until=date(2027, 5, 31),
                    file=SimpleNamespace(original_name="批准设立文件.pdf", sm3=DIGEST, size=123_456)),
]  # fmt: skip


@pytest.fixture(autouse=True)
def shanghai_time():
    with timezone.override(SHANGHAI), translation.override("zh-hans"):
        yield


def render(spec=SPEC, application=None, **kwargs):
    data = application_docx(spec=spec, application=application or make_application(), attachments=ATTACHMENTS,
                            organization_name="星河园区运营管理有限公司", **kwargs)  # fmt: skip
    return Document(io.BytesIO(data))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_starting_with(doc, first_header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


def test_cover_holds_title_organization_date_contact_and_reference():
    doc = render()
    cover = texts(doc)[: texts(doc).index("填写须知")]
    assert "编号：YQ-2025-0007" in cover
    assert "网络安全产业园区申报表" in cover
    assert "申报单位：星河园区运营管理有限公司" in cover  # 申报表 → 申报单位 (seed 003)
    assert "提交日期：2025年3月2日" in cover
    assert "联系人及电话：周测试  023-00000000" in cover
    assert "重庆市经济和信息化委员会  制" in cover
    title = next(p for p in doc.paragraphs if p.text == "网络安全产业园区申报表")
    assert title.runs[0].bold and title.runs[0].font.size.pt == 18


def test_unsubmitted_application_leaves_an_underlined_date_blank():
    doc = render(application=make_application(submitted_at=None))
    line = next(p for p in doc.paragraphs if p.text.startswith("提交日期："))
    assert line.runs[-1].underline and not line.runs[-1].text.strip()


def test_instructions_page_lists_the_notes():
    body = texts(render())
    assert "1．填报栏目不得空缺，如无内容应填“无”。" in body
    assert "2．数据有小数时，四舍五入取整数。" in body


def test_sections_attachments_and_review_are_numbered_with_chinese_numerals():
    headings = [p.text for p in render().paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、园区基本情况", "二、主要经济指标", "三、附件清单", "四、审核推荐意见"]


def test_section_help_is_an_italic_grey_note():
    note = next(p for p in render().paragraphs if p.text == "请如实填写。")
    assert note.runs[0].italic and note.runs[0].font.color.rgb == documents.NOTE_COLOR


def test_fields_are_a_label_value_table_with_shaded_labels():
    table = table_starting_with(render(), "主体园区名称")
    assert rows_of(table)[:2] == [["主体园区名称", "星河网络安全产业园"], ["地址", "重庆市渝北区星光大道 1 号"]]
    shading = table.rows[0].cells[0]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == documents.SHADE
    assert table.rows[0].cells[1]._tc.tcPr.find(qn("w:shd")) is None


def test_table_has_header_fixed_rows_and_a_total_row():
    table = table_starting_with(render(), "分类")
    rows = rows_of(table)
    assert rows[0] == ["分类", "业务收入（亿元）", "企业数量", "备注"]
    assert [row[0] for row in rows[1:4]] == ["申报当年", "上一年度", "前两年度"]
    assert rows[2] == ["上一年度", "7.25", "25", "含孵化企业"]
    assert rows[4] == ["合计", "19.75", "55", ""]  # blanks skipped, integers stay integral
    assert table.style.name == "Table Grid"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page


def test_blank_cells_read_无_because_the_notes_ask_for_it():
    rows = rows_of(table_starting_with(render(), "分类"))
    assert rows[1][3] == "无"
    assert rows[3] == ["前两年度", "无", "无", "无"]


def test_blank_cells_stay_blank_when_the_notes_do_not_ask_for_无():
    spec = dataclasses.replace(SPEC, notes=(T("请避免无用信息。", "No filler."),))
    rows = rows_of(table_starting_with(render(spec=spec), "分类"))
    assert rows[3] == ["前两年度", "", "", ""]


def test_table_without_fixed_rows_numbers_its_filled_rows():
    table = dataclasses.replace(SPEC.sections[1].items[0], fixed_rows=())
    spec = dataclasses.replace(SPEC, sections=(SPEC.sections[0], dataclasses.replace(SPEC.sections[1], items=(table,))))
    rows = rows_of(table_starting_with(render(spec=spec), "序号"))
    assert [row[0] for row in rows] == ["序号", "1", "2", "合计"]  # the all-blank row is left out


def test_tables_fit_within_the_a4_text_width():
    doc = render()
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.5
    for table in doc.tables:
        assert sum(column.width for column in table.columns) <= Cm(16) + 100


def test_commitment_page_has_the_seal_block_and_the_acceptance_line():
    body = texts(render())
    start = body.index("承诺书")
    page = body[start : start + 12]
    assert "本单位保证提交信息准确、真实、不涉及国家秘密。" in page
    assert "单位盖章：" in page and "负责人签字：" in page and "年　　月　　日" in page
    assert "已于 2025-03-01 10:30 在线阅读并同意（版本 2025.1）" in page


def test_commitment_accepted_in_an_older_version_says_so():
    application = make_application(commitments={"truth": {"version": "2024.1", "accepted_at": "2025-03-01T10:30:00+08:00"}})
    assert "已于 2025-03-01 10:30 在线阅读并同意（版本 2024.1；现行版本 2025.1）" in texts(render(application=application))


def test_commitment_not_accepted_has_no_acceptance_line():
    body = texts(render(application=make_application(commitments={})))
    assert "单位盖章：" in body
    assert not any(text.startswith("已于") for text in body)


def test_attachment_list_names_file_digest_prefix_dates_and_missing_slots():
    rows = rows_of(table_starting_with(render(), "序号"))
    assert rows[1][:4] == ["1", "园区批准设立证明", "批准设立文件.pdf", DIGEST[:16]]
    assert rows[1][4] == "文件日期 2024年6月1日\n有效期至 2027年5月31日"
    assert rows[2][1:3] == ["区县配套政策", "未提供"]


def test_review_table_lists_every_stage_with_opinion_seal_and_date():
    doc = render(opinions={"county": "同意推荐。"})
    table = table_starting_with(doc, "区县经信部门审核推荐意见")
    assert [row.cells[0].text for row in table.rows] == ["区县经信部门审核推荐意见", "专家评审意见"]
    county = [p.text for p in table.rows[0].cells[1].paragraphs]
    assert county[0] == "同意推荐。" and county[-2:] == ["（盖章）", "年　　月　　日"]
    assert table.rows[1].cells[1].paragraphs[0].text == ""


def test_styles_use_cjk_fonts():
    doc = render()
    normal = doc.styles["Normal"].element.rPr.rFonts
    heading = doc.styles["Heading 1"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋" and doc.styles["Normal"].font.size.pt == 12  # seed 003: 小四
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert heading.get(qn("w:asciiTheme")) is None  # a theme font would override the names


def test_english_rendering_uses_english_labels():
    doc = render(language="en")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["1. The park", "2. Economic indicators"]
    assert "Applicant: 星河园区运营管理有限公司" in texts(doc)
    assert rows_of(table_starting_with(doc, "Category"))[4][0] == "Total"


def letter(**kwargs):
    arguments = {
        "spec": SPEC, "application": make_application(), "organization_name": "星河园区运营管理有限公司",
        "approved": True, "reasons": "园区网络安全产业收入、企业数量达到申报条件。\n专家组评审通过，公示无异议。",
        "issuer": "重庆市经济和信息化委员会", "issued_at": date(2025, 10, 21), "issuer_short": "渝经信软件",
    }  # fmt: skip
    arguments.update(kwargs)
    return Document(io.BytesIO(decision_letter_docx(**arguments)))


def test_approval_letter_names_the_organization_grant_and_reasons():
    body = texts(letter(qualification_title="国家网络安全产业园区（星河园）", is_public=True))
    assert body[0] == "重庆市经济和信息化委员会"
    assert "渝经信软件〔2025〕7号" in body
    assert "关于同意星河园区运营管理有限公司建设国家网络安全产业园区（星河园）的批复" in body
    assert "星河园区运营管理有限公司：" in body
    text = "\n".join(body)
    assert "同意你单位建设国家网络安全产业园区（星河园），建设周期自本批复之日起2年，至2027年10月20日止。" in text
    assert "园区网络安全产业收入、企业数量达到申报条件。" in body and "专家组评审通过，公示无异议。" in body
    assert "特此批复。" in body and body[-3:] == ["2025年10月21日", "", "（此件公开发布）"]
    header = letter().paragraphs[0].runs[0]
    assert header.bold and header.font.color.rgb == documents.RED


def test_approval_without_construction_states_the_validity():
    spec = dataclasses.replace(SPEC, post_approval=None, validity_years=3)
    body = texts(letter(spec=spec, qualification_title="网络安全技术支撑单位"))
    assert "关于同意认定星河园区运营管理有限公司为网络安全技术支撑单位的批复" in body
    assert "同意认定你单位为网络安全技术支撑单位，有效期自2025年10月21日至2028年10月20日。" in body


def test_refusal_letter_is_a_notice_with_the_reasons():
    body = texts(letter(approved=False, reasons="网络安全企业不足30家。"))
    assert "关于星河园区运营管理有限公司《网络安全产业园区申报表》审核结果的通知" in body
    assert "你单位申报的《网络安全产业园区申报表》未通过审核。主要原因如下：" in body
    assert "网络安全企业不足30家。" in body and "特此通知。" in body
    assert "（此件公开发布）" not in body


def test_letter_uses_the_reference_when_no_short_issuer_name_is_given():
    assert "YQ-2025-0007" in texts(letter(issuer_short=""))


# --- PDF ----------------------------------------------------------------------------------------


def fake_office(directory, script: str):
    path = directory / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


CONVERT = """
outdir=""; last=""
while [ $# -gt 0 ]; do
  case "$1" in --outdir) outdir="$2"; shift;; esac
  last="$1"; shift
done
printf '%%PDF-1.4 fake\\n' > "$outdir/$(basename "$last" .docx).pdf"
"""


def only_fake_office(monkeypatch, tmp_path, script):
    fake_office(tmp_path, script)
    monkeypatch.setattr(documents.shutil, "which", lambda name: str(tmp_path / "soffice") if name == "soffice" else None)


def test_pdf_is_none_without_libreoffice(monkeypatch):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    assert pdf_from_docx(b"docx") is None


def test_pdf_is_read_from_libreoffice_output(monkeypatch, tmp_path):
    only_fake_office(monkeypatch, tmp_path, CONVERT)
    assert pdf_from_docx(b"docx") == b"%PDF-1.4 fake\n"


def test_pdf_is_none_when_libreoffice_fails(monkeypatch, tmp_path):
    only_fake_office(monkeypatch, tmp_path, "echo broken >&2; exit 1\n")
    assert pdf_from_docx(b"docx") is None


def test_pdf_conversion_that_hangs_is_ended(monkeypatch, tmp_path):
    only_fake_office(monkeypatch, tmp_path, "sleep 30\n")
    monkeypatch.setattr(documents, "PDF_TIMEOUT_SECONDS", 1)
    started = time.monotonic()
    assert pdf_from_docx(b"docx") is None
    assert time.monotonic() - started < 10  # the sleeping child was killed with the launcher


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) is not installed: PDF conversion is unavailable, DOCX only")  # fmt: skip
def test_application_converts_to_pdf_with_libreoffice():
    data = application_docx(spec=SPEC, application=make_application(), attachments=ATTACHMENTS,
                            organization_name="星河园区运营管理有限公司")  # fmt: skip
    pdf = pdf_from_docx(data)
    assert pdf is not None and pdf.startswith(b"%PDF")
