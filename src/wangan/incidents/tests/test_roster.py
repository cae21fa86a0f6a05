"""Duty roster: shift rules, attendance rules, coverage gaps and the unattended-duty penalty rows."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from wangan.contracts.models import PenaltySuggestion
from wangan.contracts.services import penalty_scan
from wangan.core.errors import PermissionDenied
from wangan.core.models import AuditEvent
from wangan.incidents import coverage, documents, selectors, services
from wangan.incidents.errors import RosterInvalid
from wangan.incidents.models import DutyAttendance, DutyShift
from wangan.incidents.tests.conftest import at

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
M = timedelta(minutes=1)


# --- pure interval arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "band"),
    [
        (59 * M, coverage.BAND_NONE),
        (1 * H, coverage.BAND_NONE),  # "大于 1 小时": exactly 1 h is not in the row
        (1 * H + timedelta(seconds=1), coverage.BAND_1_2),
        (119 * M, coverage.BAND_1_2),
        (2 * H, coverage.BAND_EDGE),  # neither "小于 2 小时" nor "大于 2 小时"
        (2 * H + M, coverage.BAND_2_4),
        (4 * H - M, coverage.BAND_2_4),
        (4 * H, coverage.BAND_OVER),  # "小于 4 小时": 4 h is beyond the table
        (9 * H, coverage.BAND_OVER),
    ],
)
def test_bands_are_strict(length, band):
    assert coverage.band_of(length) == band


def test_gaps_join_hand_overs_and_report_what_is_left():
    start, end = at(2026, 9, 14), at(2026, 9, 15)
    shifts = [(at(2026, 9, 14, 0), at(2026, 9, 14, 8)), (at(2026, 9, 14, 8), at(2026, 9, 14, 12)),  # hand-over at 8:00
              (at(2026, 9, 14, 11), at(2026, 9, 14, 13)), (at(2026, 9, 14, 14, 30), at(2026, 9, 15, 2))]  # fmt: skip
    gaps = coverage.gaps(start, end, shifts)
    assert [(g.start, g.end) for g in gaps] == [(at(2026, 9, 14, 13), at(2026, 9, 14, 14, 30))]
    assert gaps[0].minutes == 90 and gaps[0].band == coverage.BAND_1_2
    assert coverage.covered(shifts, start, end) == 22.5 * H
    open_gap = coverage.gaps(start, at(2026, 9, 14, 16), [(start, at(2026, 9, 14, 15))], window_end=end)
    assert open_gap == [coverage.Gap(at(2026, 9, 14, 15), at(2026, 9, 14, 16), is_open=True)]


# --- shift rules ---------------------------------------------------------------------------------


def _shift(engineer, contract, period, person, start, end, post="机房值守"):
    return services.shift_save(actor=engineer, contract=contract, special_period=period, person=person,
                               starts_at=start, ends_at=end, post=post)  # fmt: skip


def test_a_shift_is_planned_and_audited(engineer, contract, period, team):
    row = _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    assert (row.person, row.post) == (team[0], "机房值守")
    assert AuditEvent.objects.filter(action="incidents.shift_save", object_id=str(row.pk)).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("end_before_start", "必须晚于开始时间"),
        ("outside_period", "超出重保期范围"),
        ("overlap", "已有值班安排"),
        ("not_on_team", "不在本合同的项目人员名单中"),
        ("inactive", "不在本合同的项目人员名单中"),
    ],
)
def test_bad_shifts_are_refused_and_nothing_changes(
    engineer, contract, period, team, stranger, case, message
):
    _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    person, start, end = team[0], at(2026, 9, 14, 12), at(2026, 9, 14, 20)
    if case == "end_before_start":
        start, end = end, start
    elif case == "outside_period":
        end = at(2026, 9, 16, 1)  # the period ends at 2026-09-16 00:00
    elif case == "overlap":
        start = at(2026, 9, 14, 11)
    elif case == "not_on_team":
        person = stranger.organization.contracts_as_contractor.get().personnel.get()
    elif case == "inactive":
        team[1].is_active = False
        team[1].save()
        person = team[1]
    with pytest.raises(RosterInvalid) as err:
        _shift(engineer, contract, period, person, start, end)
    assert message in err.value.message
    assert DutyShift.objects.count() == 1


def test_only_the_contractor_plans_the_roster(reviewer, engineer, contract, period, team):
    with pytest.raises(PermissionDenied):
        _shift(reviewer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    assert not DutyShift.objects.exists()


def test_shift_with_attendance_cannot_be_deleted(engineer, contract, period, team):
    row = _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    services.attendance_check_in(actor=engineer, shift=row, at=at(2026, 9, 14, 0))
    with pytest.raises(RosterInvalid):
        services.shift_delete(actor=engineer, shift=row)
    assert DutyShift.objects.filter(pk=row.pk).exists()


# --- attendance rules ----------------------------------------------------------------------------


def test_check_out_before_check_in_is_refused(engineer, reviewer, contract, period, team):
    row = _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    presence = services.attendance_check_in(
        actor=reviewer, shift=row, at=at(2026, 9, 14, 0, 5)
    )  # either party signs
    with pytest.raises(RosterInvalid) as err:
        services.attendance_check_out(actor=engineer, attendance=presence, at=at(2026, 9, 14, 0, 5))
    assert "必须晚于签到时间" in err.value.message
    presence.refresh_from_db()
    assert presence.checked_out_at is None


def test_attendance_refusals(engineer, contract, period, team, stranger):
    row = _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    services.attendance_check_in(actor=engineer, shift=row, at=at(2026, 9, 14, 0))
    with pytest.raises(RosterInvalid, match="已签到"):
        services.attendance_check_in(actor=engineer, shift=row, at=at(2026, 9, 14, 1))
    with pytest.raises(RosterInvalid, match="不在重保期内"):
        services.attendance_check_in(actor=engineer, shift=row, at=at(2026, 9, 16, 1))
    with pytest.raises(PermissionDenied):
        services.attendance_check_in(actor=stranger, shift=row, at=at(2026, 9, 14, 1))
    assert DutyAttendance.objects.count() == 1


# --- coverage and penalty findings ------------------------------------------------------------------


def _staffed(engineer, contract, period, team, gap_minutes: int):
    """Two people cover the two days except a hole of ``gap_minutes`` starting 2026-09-14 12:00;
    each shift is attended exactly as planned."""
    hole_end = at(2026, 9, 14, 12) + timedelta(minutes=gap_minutes)
    plan = [(team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12)), (team[1], hole_end, at(2026, 9, 15, 12)),
            (team[0], at(2026, 9, 15, 12), at(2026, 9, 16, 0))]  # fmt: skip
    for person, start, end in plan:
        shift = _shift(engineer, contract, period, person, start, end)
        presence = services.attendance_check_in(actor=engineer, shift=shift, at=start)
        services.attendance_check_out(actor=engineer, attendance=presence, at=end)


@pytest.mark.parametrize(
    ("gap_minutes", "codes"),
    [(60, set()), (61, {"G9"}), (119, {"G9"}), (120, set()), (121, {"G10"}), (239, {"G10"}), (240, set())],
)
def test_unattended_gap_bands_feed_the_penalty_scan(engineer, contract, period, team, gap_minutes, codes):
    _staffed(engineer, contract, period, team, gap_minutes)
    cov = selectors.roster_coverage(contract=contract, period=period)
    assert [round(g.minutes) for g in cov.planned_gaps] == [gap_minutes]
    assert [round(r.gap.minutes) for r in cov.unattended] == [gap_minutes]
    penalty_scan(contract=contract)
    assert set(PenaltySuggestion.objects.values_list("code", flat=True)) == codes


def test_a_class_b_accident_in_the_period_makes_it_the_major_row(engineer, reviewer, contract, period, team):
    _staffed(engineer, contract, period, team, 90)
    services.incident_save(actor=reviewer, contract=contract, title="门户中断", kind="outage", people_affected=200,
                           started_at=at(2026, 9, 15, 1), ended_at=at(2026, 9, 15, 6))  # fmt: skip
    made = [p for p in penalty_scan(contract=contract) if p.code in ("M10", "M11", "G9", "G10")]
    assert [p.code for p in made] == ["M10"]
    assert "门户中断" in made[0].evidence and "90 分钟" in made[0].evidence
    assert made[0].dedupe_key == f"M10:duty:{period.pk}:202609141200"


def test_penalty_scan_suggests_the_unattended_gap_once(engineer, contract, period, team):
    _staffed(engineer, contract, period, team, 150)
    first = penalty_scan(contract=contract)
    again = penalty_scan(contract=contract)
    assert [p.code for p in first] == ["G10"] and again == []
    row = PenaltySuggestion.objects.get()
    assert row.amount == row.base * 5 / 100  # 附件6 10: 5 %
    assert "2026-09-14 12:00" in row.evidence and "2026-09-14 14:30" in row.evidence


def test_presence_without_the_plan_counts_and_open_gaps_wait(engineer, contract, period, team):
    shift = _shift(engineer, contract, period, team[0], at(2026, 9, 14, 0), at(2026, 9, 14, 12))
    services.attendance_check_in(actor=engineer, shift=shift, at=at(2026, 9, 14, 0))
    # judged at 13:30 on the first day: the check-in is still open, so nobody is missing yet
    cov = selectors.roster_coverage(contract=contract, period=period, now=at(2026, 9, 14, 13, 30))
    assert cov.unattended == [] and cov.attended_hours == 13.5
    assert [(g.start, g.end) for g in cov.planned_gaps] == [(at(2026, 9, 14, 12), at(2026, 9, 16))]
    day = cov.grid[0]
    assert day.planned[11] == "full" and day.planned[12] == "none"
    assert day.actual[12] == "full" and day.actual[13] == "full"  # the hour under way counts up to now
    assert day.actual[14] == "future" and cov.grid[1].actual == ["future"] * 24


def test_roster_export_is_the_duty_table(engineer, contract, period, team):
    _staffed(engineer, contract, period, team, 90)
    cov = selectors.roster_coverage(contract=contract, period=period, with_grid=False)
    wb = load_workbook(io.BytesIO(documents.render_roster_xlsx(contract, cov)))
    ws = wb.active
    cells = [list(row) for row in ws.iter_rows(values_only=True)]
    assert cells[0][0] == f"应急值班表 {contract.number} 重大活动保障"
    assert cells[2][:3] == ["序号", "值班人员", "项目角色"]
    assert cells[3][1] == team[0].name and cells[3][5] == "2026-09-14 00:00" and cells[3][7] == "12"
    assert cells[4][1] == "测试值守员" and cells[4][5] == "2026-09-14 13:30"
    flat = [v for row in cells for v in row if v is not None]
    assert "2026-09-14 12:00" in flat and 90 in flat and "G9" in flat
