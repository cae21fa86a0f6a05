"""附件4 rows: each fires on its thresholds and says which rule fired."""

from datetime import timedelta
from decimal import Decimal

import pytest

from wangan.incidents.classification import Facts, classify, termination_right

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("facts", "level", "rule"),
    [
        (Facts("outage", 8 * H, people_affected=300), "A", "A-outage"),
        (Facts("outage", 8 * H, loss_amount=Decimal(1_000_000)), "A", "A-outage"),
        (Facts("outage", 7 * H, people_affected=5000), "B", "B-outage"),
        (Facts("outage", 4 * H, loss_amount=Decimal(500_000)), "B", "B-outage"),
        (Facts("outage", 8 * H, people_affected=150), "B", "B-outage-8h"),
        (Facts("outage", 3.9 * H, people_affected=5000), "", ""),
        (Facts("outage", 4 * H, people_affected=99), "", ""),
        (Facts("outage", None, people_affected=5000), "", "ongoing"),
        (Facts("outage", 9 * H, people_affected=5000, is_provider_fault=False), "", ""),
        (Facts("defacement", 60 * M, period_level="major", handled_per_plan=False, is_publicly_reported=True), "A", "A-defacement"),
        (Facts("defacement", 60 * M, period_level="normal", handled_per_plan=False, is_publicly_reported=True), "B", "B-defacement"),
        (Facts("defacement", 30 * M, period_level="major", handled_per_plan=False, is_publicly_reported=True), "B", "B-defacement"),
        (Facts("defacement", 29 * M, period_level="major", handled_per_plan=False, is_publicly_reported=True), "", ""),
        (Facts("defacement", 90 * M, period_level="", handled_per_plan=False, is_publicly_reported=True), "", ""),
        (Facts("defacement", 90 * M, period_level="major", handled_per_plan=True, is_publicly_reported=True), "", ""),
        (Facts("data_loss", None, data_loss_months=Decimal("3.5"), is_unrecoverable=True), "A", "A-data-loss"),
        (Facts("data_loss", None, data_loss_months=Decimal(3), is_unrecoverable=True), "B", "B-data-loss"),
        (Facts("data_loss", None, data_loss_months=Decimal(6), is_unrecoverable=False), "", ""),
        (Facts("intrusion", None, untreated_48h=True, period_level="normal", is_major_event=True, is_publicly_reported=True), "A", "A-intrusion"),
        (Facts("intrusion", None, untreated_48h=True, period_level="normal"), "B", "B-intrusion"),
        (Facts("intrusion", None, untreated_48h=False, period_level="normal"), "", ""),
        (Facts("intrusion", None, untreated_48h=True, period_level=""), "", ""),
    ],
)  # fmt: skip
def test_rows_of_annex_4(facts, level, rule):
    result = classify(facts)
    assert (result.level, result.rule) == (level, rule) and result.reason


@pytest.mark.parametrize(
    ("levels", "flag"), [(["A"], True), (["B", "B"], False), (["B", "B", "B"], True), ([], False)]
)
def test_termination_right(levels, flag):
    assert termination_right(levels) is flag
