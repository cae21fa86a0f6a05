"""Monthly scoring (附件7): split points, excluded unscheduled items, rescale, close/reopen, versions."""

from datetime import date
from decimal import Decimal

import pytest

from wangan.contracts import scoring, services
from wangan.contracts.errors import MonthClosed, ReasonRequired, SchemeInvalid, ScoreInvalid
from wangan.contracts.models import ScoreEntry
from wangan.contracts.selectors import score_sheet, year_scores
from wangan.contracts.tests.factories import full_marks
from wangan.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
D = Decimal


def _item(contract, code):
    return contract.items.get(code=code)


def test_march_schedules_inspection_antivirus_and_continuous_items(contract):
    names = {i.code for i in contract.items.filter(pk__in=services.scheduled_item_ids(contract, 2026, 3))}
    assert names == {"inspection", "antivirus_update", "website_monitoring", "data_backup", "sign_verify",
                     "encryption", "ssl_service", "gm_ov_certificate", "timestamp", "app_crypto_access"}  # fmt: skip


def test_unscheduled_items_are_excluded_and_total_rescaled_to_100(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    entries = full_marks(contract, sheet)
    # inspection loses 5 points of quality; scheduled full marks are 10+5+10+5+6×5 = 60
    entries = [e if e.item_id != _item(contract, "inspection").pk else
               services.ScoreIn(e.item_id, D(2), D(0), D(3)) for e in entries]  # fmt: skip
    services.month_score(actor=reviewer, sheet=sheet, entries=entries)
    sheet = services.month_close(actor=reviewer, sheet=sheet)
    # seed 004 附件7: (60 - 5) / 60 × 100
    assert sheet.total == D("91.67")
    assert scoring.grade(sheet.total) == "excellent"


def test_score_above_the_aspect_maximum_or_below_zero_is_refused(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    inspection = _item(contract, "inspection").pk
    with pytest.raises(ScoreInvalid) as err:
        services.month_score(actor=reviewer, sheet=sheet, entries=[
            services.ScoreIn(inspection, D("2.5"), D(5), D(3)),  # timeliness max is 10 × 20 % = 2
            services.ScoreIn(_item(contract, "antivirus_update").pk, D(-1), D(0), D(0)),
        ])  # fmt: skip
    assert len(err.value.details) == 2 and "2" in err.value.details[0]
    assert not ScoreEntry.objects.exists()


def test_scoring_an_unscheduled_item_is_refused(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    with pytest.raises(ScoreInvalid, match="渗透测试"):
        services.month_score(actor=reviewer, sheet=sheet,
                             entries=[services.ScoreIn(_item(contract, "penetration_test").pk, D(1), D(1), D(1))])  # fmt: skip
    assert not ScoreEntry.objects.exists()


def test_on_demand_item_counts_once_requested(contract, parties):
    reviewer = parties[0]
    services.task_request(actor=reviewer, contract=contract, item_code="self_inspection", due_on=date(2026, 3, 20))
    assert _item(contract, "self_inspection").pk in services.scheduled_item_ids(contract, 2026, 3)


def test_closing_needs_every_scheduled_item(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    with pytest.raises(ScoreInvalid, match="安全巡检"):
        services.month_close(actor=reviewer, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == "open"


def test_closed_month_refuses_edits_until_reopened_with_reason(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    sheet = services.month_close(actor=reviewer, sheet=sheet)
    assert sheet.total == 100
    with pytest.raises(MonthClosed):
        services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    with pytest.raises(ReasonRequired):
        services.month_reopen(actor=reviewer, sheet=sheet, reason=" ")
    sheet = services.month_reopen(actor=reviewer, sheet=sheet, reason="复核更正")
    assert sheet.status == "open" and sheet.reopen_count == 1
    from wangan.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="scoringmonth.reopen", after__reason="复核更正").exists()


def test_weights_change_never_rewrites_a_closed_month(contract, parties):
    reviewer = parties[0]
    march = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    services.month_score(actor=reviewer, sheet=march, entries=full_marks(contract, march))
    march = services.month_close(actor=reviewer, sheet=march)
    april = services.month_open(actor=reviewer, contract=contract, year=2026, month=4)
    v2 = services.scheme_publish(actor=reviewer, contract=contract, reason="修正脆弱性检查百分比",
                                 weights={"vulnerability_check": {"pct_timeliness": 40}})  # fmt: skip
    march.refresh_from_db()
    april.refresh_from_db()
    assert march.scheme.version == 1 and april.scheme == v2
    vc = v2.weights.get(item__code="vulnerability_check")
    assert vc.max_timeliness == 2
    assert score_sheet(sheet=march).rows[1].pct == (D(30), D(40), D(20))  # the version it was scored with


def test_weights_must_be_consistent(contract, parties):
    with pytest.raises(SchemeInvalid) as err:
        services.scheme_publish(actor=parties[0], contract=contract, reason="x",
                                weights={"inspection": {"weight": 20, "pct_quality": 60}})  # fmt: skip
    assert len(err.value.details) == 2
    assert contract.schemes.count() == 1


def test_seed_percentages_of_vulnerability_check_add_to_90_and_rescaling_still_reaches_100(contract, parties):
    # seed 004 附件7 2): 30 % + 40 % + 20 %; kept verbatim, full marks are 4.5 and the month still rescales
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=5)  # service month 3
    assert _item(contract, "vulnerability_check").pk in services.scheduled_item_ids(contract, 2026, 5)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    assert services.month_close(actor=reviewer, sheet=sheet).total == 100


def test_year_score_is_the_mean_of_closed_months_and_graded(contract, parties):
    reviewer = parties[0]
    for month, quality in ((3, D(5)), (4, D(0))):
        sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=month)
        entries = [services.ScoreIn(e.item_id, e.timeliness, quality if e.item_id == _item(contract, "inspection").pk
                                    else e.quality, e.docs) for e in full_marks(contract, sheet)]  # fmt: skip
        services.month_score(actor=reviewer, sheet=sheet, entries=entries)
        services.month_close(actor=reviewer, sheet=sheet)
    result = year_scores(contracts=[contract])[contract.pk]
    assert result.score == D("95.84") and result.grade == "excellent"  # mean of 100 and 91.67


@pytest.mark.parametrize(("score", "grade"), [(D(90), "excellent"), (D("89.99"), "good"), (D(80), "good"),
                                              (D(60), "pass"), (D("59.99"), "fail"), (None, None)])  # fmt: skip
def test_grades(score, grade):
    assert scoring.grade(score) == grade


def test_month_outside_the_service_period_is_refused(contract, parties):
    from wangan.contracts.errors import MonthOutsideService

    with pytest.raises(MonthOutsideService):
        services.month_open(actor=parties[0], contract=contract, year=2026, month=2)


def test_contractor_cannot_score(contract, parties):
    reviewer, engineer = parties
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    with pytest.raises(PermissionDenied):
        services.month_score(actor=engineer, sheet=sheet, entries=full_marks(contract, sheet))
    assert not ScoreEntry.objects.exists()


def test_score_sheet_exports_in_the_seed_layout(contract, parties):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from wangan.contracts.scoresheet import render_docx, render_xlsx

    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    data = score_sheet(sheet=services.month_close(actor=reviewer, sheet=sheet))
    ws = load_workbook(io.BytesIO(render_xlsx(data))).active
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    assert values[3][:4] == ["安全巡检", "权重", "20%", None] and values[4][2:4] == ["2", "2"]
    assert values[6][3] == "当月未安排"  # 脆弱性检查 not scheduled in March
    assert values[-1][-1] == "100" and values[-2][-2:] == ["60", "60"]
    doc = Document(io.BytesIO(render_docx(data)))
    assert doc.tables[0].cell(2, 0).text == "安全巡检" and len(doc.tables[0].rows) == 2 + 36 + 2
