"""Helpers and fixtures shared by the lifecycle tests (fictitious organizations and people only)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import UserFactory
from wangan.contracts import services
from wangan.contracts.tests.factories import make_contract

# seed-like contract of the shared fixture: signed 2026-03-03, service year to 2027-03-02 (365 days)
SIGNED = date(2026, 3, 3)
SERVICE_END = date(2027, 3, 2)


def api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def pdf(name: str = "审批.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def docx_text(body: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line."""
    doc = Document(io.BytesIO(body))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def ended_contract(
    reviewer, engineer, *, days_ago: int = 10, number: str = "HT-PAST-001", schedule: bool = False
):
    """A contract whose service year ended ``days_ago`` days before the real today (for page/API tests,
    which run on the real date)."""
    end = timezone.localdate() - timedelta(days=days_ago)
    signed = services.add_months(
        end + timedelta(days=1), -12
    )  # 第三条(一): end = one year after signing − 1 day
    return make_contract(reviewer, engineer, number=number, signed_on=signed, schedule=schedule)


def matrix_for(parties) -> dict:
    """One user per row of the permission matrix (test modules wrap it in a ``matrix`` fixture)."""
    reviewer, engineer = parties
    return {
        "anonymous": None,
        "other_org": UserFactory(roles=[OrgRole.REVIEWER, OrgRole.ENGINEER]),
        "client_without_role": UserFactory(organization=reviewer.organization, roles=[OrgRole.STAFF]),
        "contractor": engineer,
        "client_reviewer": reviewer,
    }
