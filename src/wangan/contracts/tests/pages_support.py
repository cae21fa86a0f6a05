"""Helpers shared by the page, API and document tests of the contracts app (fictitious data only)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def docx_upload(body: bytes, name: str = "报告.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, body, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def docx_text(body: bytes) -> str:
    """All paragraph and table text of a DOCX, one line each."""
    import io

    from docx import Document

    doc = Document(io.BytesIO(body))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)
