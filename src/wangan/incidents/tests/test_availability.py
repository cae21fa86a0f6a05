"""Availability per month (附件5 1, 附件6 1), long outages (附件6 2) and bad weeks (附件6 3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.contracts.models import PenaltySuggestion
from wangan.contracts.services import penalty_scan
from wangan.incidents import availability, selectors, services
from wangan.incidents.availability import Outage
from wangan.incidents.tests.conftest import TZ, at

S = timedelta(seconds=1)
M = timedelta(minutes=1)
H = timedelta(hours=1)


def _o(ref, start, length):
    return Outage(ref, start, start + length, f"中断{ref}")


# --- arithmetic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("down", "below", "percent"),
    [
        (43 * M, False, Decimal("99.900")),  # 30-day month: 43,200 min; 99.9 % allows 43.2 min
        (43 * M + 12 * S, False, Decimal("99.900")),  # exactly 43.2 min: 99.9 % is not "below 99.9 %"
        (43 * M + 13 * S, True, Decimal("99.899")),
        (120 * M, True, Decimal("99.722")),
    ],
)
def test_month_availability_is_exact_at_the_threshold(down, below, percent):
    m = availability.month_availability(2026, 9, [_o(1, at(2026, 9, 10, 8), down)], TZ)
    assert m.total_minutes == 43_200
    assert (m.is_below, m.percent) == (below, percent)


def test_overlapping_records_count_once_and_months_split_at_midnight():
    outages = [_o(1, at(2026, 9, 10, 8), 2 * H), _o(2, at(2026, 9, 10, 9), 2 * H),  # together 08:00–11:00
               _o(3, at(2026, 9, 30, 23), 2 * H)]  # 1 h in September, 1 h in October  # fmt: skip
    sep = availability.month_availability(2026, 9, outages, TZ)
    oct_ = availability.month_availability(2026, 10, outages, TZ)
    assert sep.down_seconds == 4 * 3600 and oct_.down_seconds == 3600
    assert [o.ref for o in oct_.outages] == [3]
    assert oct_.total_minutes == 31 * 24 * 60


def test_long_outage_is_two_hours_or_more():
    rows = [_o(1, at(2026, 9, 1), 2 * H), _o(2, at(2026, 9, 2), 2 * H - S), _o(3, at(2026, 9, 3), 5 * H)]
    assert [o.ref for o in availability.long_outages(rows)] == [1, 3]


@pytest.mark.parametrize(
    ("outages", "fired"),
    [
        # three outages inside 7 days
        ([(at(2026, 9, 1, 8), 10 * M), (at(2026, 9, 4, 8), 10 * M), (at(2026, 9, 8, 7, 59), 10 * M)], [[1, 2, 3]]),
        # the third starts exactly 7 days after the first: outside the window
        ([(at(2026, 9, 1, 8), 10 * M), (at(2026, 9, 4, 8), 10 * M), (at(2026, 9, 8, 8), 10 * M)], []),
        # 4 hours in all within 7 days
        ([(at(2026, 9, 1, 8), 3 * H), (at(2026, 9, 5, 8), 1 * H)], [[1, 2]]),
        ([(at(2026, 9, 1, 8), 3 * H), (at(2026, 9, 5, 8), 59 * M)], []),
        # a bad week is reported once, the next window opens after it
        ([(at(2026, 9, 1, 8), 10 * M), (at(2026, 9, 2, 8), 10 * M), (at(2026, 9, 3, 8), 10 * M),
          (at(2026, 9, 4, 8), 10 * M), (at(2026, 9, 9, 8), 10 * M), (at(2026, 9, 10, 8), 10 * M),
          (at(2026, 9, 11, 8), 10 * M)], [[1, 2, 3, 4], [5, 6, 7]]),
    ],
)  # fmt: skip
def test_bad_weeks(outages, fired):
    rows = [_o(n, start, length) for n, (start, length) in enumerate(outages, start=1)]
    assert [[o.ref for o in c.outages] for c in availability.clusters(rows)] == fired


# --- from the incident register to penalty suggestions ------------------------------------------------


def _outage(actor, contract, start, length, **kw):
    return services.incident_save(actor=actor, contract=contract, title=kw.pop("title", "平台中断"), kind="outage",
                                  started_at=start, ended_at=start + length, **kw)  # fmt: skip


@pytest.mark.django_db
def test_a_short_outage_below_the_threshold_is_g1_only(engineer, contract):
    _outage(engineer, contract, at(2026, 6, 10, 8), 50 * M)
    made = penalty_scan(contract=contract)
    assert [p.code for p in made] == ["G1"]
    assert made[0].dedupe_key == "G1:availability:2026-06"
    assert "(43,200 − 50.0) / 43,200 = 99.884%" in made[0].evidence and "未造成严重损失" in made[0].evidence


@pytest.mark.django_db
def test_a_serious_month_is_m1_and_says_why(engineer, reviewer, contract):
    _outage(
        engineer, contract, at(2026, 7, 1, 8), 5 * H, people_affected=150, title="门户网站中断"
    )  # class B
    codes = {p.code: p for p in penalty_scan(contract=contract)}
    assert set(codes) == {"M1", "G2", "G3"}  # 5 h: below 99.9 %, 2 h or more, 4 h or more within 7 days
    assert "B 级事故“门户网站中断”" in codes["M1"].evidence
    assert codes["M1"].amount == codes["M1"].base * 10 / 100


@pytest.mark.django_db
def test_a_large_loss_makes_the_month_serious(engineer, contract):
    _outage(
        engineer, contract, at(2026, 8, 3, 8), 60 * M, loss_amount=Decimal("600000")
    )  # no 附件4 class: 1 h
    (row,) = [p for p in penalty_scan(contract=contract) if p.code in ("M1", "G1")]
    assert row.code == "M1" and "600,000.00 元" in row.evidence


@pytest.mark.django_db
def test_other_causes_and_ongoing_outages_are_not_judged(engineer, contract):
    _outage(engineer, contract, at(2026, 6, 10, 8), 3 * H, is_provider_fault=False)
    services.incident_save(actor=engineer, contract=contract, title="仍在中断", kind="outage",
                           started_at=at(2026, 11, 20, 8))  # fmt: skip
    assert penalty_scan(contract=contract) == []
    table = selectors.availability_table(contract=contract, now=at(2026, 11, 20, 10))
    nov = next(r for r in table.rows if r.month.label == "2026-11")
    assert nov.month.down_seconds == 0 and nov.shown.down_seconds == 2 * 3600 and nov.has_ongoing


@pytest.mark.django_db
def test_the_table_covers_the_twelve_service_months_and_the_scan_is_idempotent(engineer, contract):
    for day in (1, 3, 5):
        _outage(engineer, contract, at(2026, 10, day, 8), 10 * M)
    table = selectors.availability_table(contract=contract)
    assert [r.month.label for r in table.rows][:2] == ["2026-03", "2026-04"] and len(table.rows) == 12
    october = next(r for r in table.rows if r.month.label == "2026-10")
    assert (
        october.month.down_minutes == Decimal("30.0") and october.code == ""
    )  # 30 min < 44.64 min in a 31-day month
    first = penalty_scan(contract=contract)
    assert [p.code for p in first] == ["G3"]
    assert penalty_scan(contract=contract) == [] and PenaltySuggestion.objects.count() == 1


@pytest.mark.django_db
def test_months_not_begun_are_shown_as_such_not_as_full_availability(client, reviewer, contract):
    table = selectors.availability_table(contract=contract, now=at(2026, 11, 20, 10))
    future = [r.month.label for r in table.rows if r.is_future]
    assert future == ["2026-12", "2027-01", "2027-02"]  # service months 10–12 of a year from March 2026
    client.force_login(reviewer)
    page = client.get(reverse("incidents:availability", args=[contract.pk])).content.decode()
    not_begun = sum(r.is_future for r in selectors.availability_table(contract=contract).rows)  # as of today
    assert page.count('data-testid="month-row"') == 12 and page.count("尚未开始") == not_begun
