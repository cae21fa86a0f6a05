"""Deliverables on time/late, and penalties suggested from the data then decided with reasons."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangan.contracts import services
from wangan.contracts.errors import DeliverableMissing, ReasonRequired
from wangan.contracts.models import PenaltySuggestion, Task
from wangan.contracts.tests.factories import full_marks
from wangan.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _pdf():
    return SimpleUploadedFile("巡检报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def test_deliverable_on_time_and_late(contract, parties):
    reviewer, engineer = parties
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    with pytest.raises(DeliverableMissing):
        services.task_submit(actor=engineer, task=task, today=date(2026, 3, 30))
    task = services.task_submit(actor=engineer, task=task, uploads=[("《安全巡检报告》", _pdf())], today=date(2026, 3, 30))
    assert task.status == "submitted" and task.is_late is False
    late = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=4)
    late = services.task_submit(actor=engineer, task=late, uploads=[("", _pdf())], today=date(2026, 5, 6))
    assert late.is_late is True
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=engineer, task=task)
    assert services.task_accept(actor=reviewer, task=task).status == "accepted"


def test_client_cannot_hand_in_deliverables(contract, parties):
    reviewer, _engineer = parties
    task = Task.objects.get(contract=contract, item__code="inspection", year=2026, month=3)
    with pytest.raises(PermissionDenied):
        services.task_submit(actor=reviewer, task=task, uploads=[("x", _pdf())])
    task.refresh_from_db()
    assert task.status == "open" and not task.documents.exists()


def _close(contract, reviewer, year, month, zero_item_codes=()):
    sheet = services.month_open(actor=reviewer, contract=contract, year=year, month=month)
    zero = set(contract.items.filter(code__in=zero_item_codes).values_list("pk", flat=True))
    entries = [services.ScoreIn(e.item_id, *(Decimal(0),) * 3) if e.item_id in zero else e
               for e in full_marks(contract, sheet)]  # fmt: skip
    services.month_score(actor=reviewer, sheet=sheet, entries=entries)
    return services.month_close(actor=reviewer, sheet=sheet)


LOW = ("inspection", "website_monitoring", "antivirus_update", "data_backup", "sign_verify")  # 35 of 60 → 41.67


def test_month_below_60_suggests_general_4_percent_and_three_in_a_row_major_10(contract, parties):
    reviewer = parties[0]
    for month in (3, 4, 5):
        assert _close(contract, reviewer, 2026, month, LOW).total < 60
    rows = {r.code: r for r in PenaltySuggestion.objects.filter(contract=contract)}
    assert PenaltySuggestion.objects.filter(code="G11").count() == 3
    m12 = rows["M12"]
    assert (m12.percent, m12.base, m12.amount) == (Decimal(10), Decimal("171960.00"), Decimal("17196.00"))
    g11 = PenaltySuggestion.objects.filter(code="G11").first()
    assert services.penalty_formula(g11) == "171,960.00 × 4% = 6,878.40"
    services.penalty_scan(contract=contract)  # idempotent
    assert PenaltySuggestion.objects.filter(contract=contract).count() == 4


def test_penalty_decision_needs_reasons_and_the_client(contract, parties):
    reviewer, engineer = parties
    _close(contract, reviewer, 2026, 3, LOW)
    row = PenaltySuggestion.objects.get(code="G11")
    with pytest.raises(ReasonRequired):
        services.penalty_decide(actor=reviewer, suggestion=row, confirm=True, reason="")
    with pytest.raises(PermissionDenied):
        services.penalty_decide(actor=engineer, suggestion=row, confirm=False, reason="不同意")
    row.refresh_from_db()
    assert row.status == "suggested"
    row = services.penalty_decide(actor=reviewer, suggestion=row, confirm=False, reason="首次偏低，予以警告")
    assert row.status == "dismissed" and row.decision_reason


def test_contract_penalty_base_overrides_ten_percent(parties):
    from wangan.contracts.tests.factories import make_contract

    contract = make_contract(*parties, number="HT-B", schedule=False, penalty_base=Decimal("100000"))
    row = services.penalty_raise(actor=parties[0], contract=contract, code="M2", evidence="数据被篡改")
    assert row.amount == Decimal("20000.00")
