"""Demo data: nothing without a contract, once with one, and the roster leaves its one gap."""

from __future__ import annotations

import pytest

from wangan.contracts.models import PenaltySuggestion
from wangan.incidents import demo, selectors
from wangan.incidents.models import DutyShift, EmergencyRequest, Incident, SpecialPeriod

pytestmark = pytest.mark.django_db


def test_demo_creates_nothing_without_a_contract():
    assert demo.demo_load() is None
    assert not Incident.objects.exists() and not SpecialPeriod.objects.exists()


def test_demo_loads_once_with_both_classes_and_a_roster_gap(contract, team):
    summary = demo.demo_load()
    assert summary and "class A and B" in summary
    assert demo.demo_load() is None
    assert sorted(Incident.objects.exclude(level="").values_list("level", flat=True)) == ["A", "B"]
    assert EmergencyRequest.objects.count() == 3
    assert EmergencyRequest.objects.filter(status="raised").count() == 1  # its clock is still running
    period = SpecialPeriod.objects.get(name=demo.DEMO_PERIOD)
    assert DutyShift.objects.filter(special_period=period).count() == 6
    cov = selectors.roster_coverage(contract=contract, period=period)
    assert [round(g.minutes) for g in cov.planned_gaps] == [90]
    assert [(round(r.gap.minutes), r.code) for r in cov.unattended] == [(90, "G9")]
    assert PenaltySuggestion.objects.filter(code="G9").count() == 1
    assert selectors.termination_status(contract=contract).has_right
