"""Contract record, catalogue copy and the year schedule."""

from datetime import date
from decimal import Decimal

import pytest

from wangan.contracts import services
from wangan.contracts.errors import ContractInvalid, ScheduleExists
from wangan.contracts.models import Contract, ServiceTemplateItem, Task
from wangan.contracts.tests.factories import make_contract
from wangan.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_contract_sums_and_dates_follow_the_seed(contract):
    assert contract.service_end == date(2027, 3, 2)  # 第三条(一): one year from signing
    assert [m.amount for m in contract.milestones.all()] == [Decimal("1203720.00"), Decimal("515880.00")]
    assert contract.bond_amount == Decimal("171960.00")
    # 第六条: 30 working days from 2026-03-03 (official calendar) is 2026-04-15 (清明 4-6 off)
    assert contract.bond_due_on == date(2026, 4, 15) and not contract.bond_due_is_provisional
    assert contract.confidentiality_until == date(2032, 3, 2)  # 第十一条(七): 5 years after the end
    assert services.penalty_base_of(contract) == Decimal("171960.00")
    assert contract.personnel.count() == 1


def test_catalogue_has_the_18_items_with_100_points(contract):
    items = list(contract.items.all())
    assert len(items) == 18
    weights = contract.schemes.get().weights.all()
    assert sum(w.weight for w in weights) == 100
    inspection = weights.get(item__code="inspection")
    assert (inspection.max_timeliness, inspection.max_quality, inspection.max_docs) == (2, 5, 3)


def test_contract_items_are_copies_editable_per_contract(parties):
    a = make_contract(*parties, number="A", schedule=False)
    a.items.filter(code="penetration_test").update(months=[2, 8])
    b = make_contract(*parties, number="B", schedule=False)
    assert b.items.get(code="penetration_test").months == [5, 11]
    assert ServiceTemplateItem.objects.get(code="penetration_test").months == [5, 11]


def test_schedule_counts_follow_the_frequencies(contract):
    tasks = Task.objects.filter(contract=contract)
    per_item = {code: tasks.filter(item__code=code).count() for code in
                ("inspection", "vulnerability_check", "hardening", "penetration_test", "log_analysis",
                 "emergency_drill", "antivirus_update", "website_monitoring", "emergency_response",
                 "self_inspection")}  # fmt: skip
    assert per_item == {"inspection": 12, "vulnerability_check": 2, "hardening": 2, "penetration_test": 2,
                        "log_analysis": 2, "emergency_drill": 2, "antivirus_update": 12, "website_monitoring": 12,
                        "emergency_response": 0, "self_inspection": 0}  # fmt: skip
    reports = tasks.filter(kind="progress_report").order_by("due_on")
    assert reports.count() == 12
    # 第八条(七): March's report by 10 April 2026 (a Friday)
    assert reports[0].due_on == date(2026, 4, 10)
    # September 2026's due day: the 10th of October is a make-up working Saturday in 2026? either way a working day
    march = tasks.filter(item__code="inspection", year=2026, month=3).get()
    assert march.due_on == date(2026, 3, 31)
    # continuous items hand in their one yearly report in the 12th month only
    monitoring = tasks.filter(item__code="website_monitoring").order_by("due_on")
    assert monitoring.first().deliverables == [] and monitoring.last().deliverables == ["《网站安全监控服务报告》"]


def test_progress_report_due_rolls_past_a_holiday():
    # 2026-10-10 is a make-up working Saturday; 2027-02-10 is in the Spring Festival break? use National Day:
    due, _provisional = services.progress_report_due(2026, 9)
    assert due >= date(2026, 10, 10)


def test_schedule_is_generated_once(contract, parties):
    with pytest.raises(ScheduleExists):
        services.schedule_generate(actor=parties[0], contract=contract)


def test_bad_contract_input_is_refused_with_reasons(parties):
    reviewer, engineer = parties
    with pytest.raises(ContractInvalid) as err:
        services.contract_create(actor=reviewer, number="", name="", contractor=reviewer.organization, amount="-5",
                                 signed_on=date(2026, 3, 3))  # fmt: skip
    assert len(err.value.details) == 3
    assert not Contract.objects.exists()


def test_only_authority_reviewers_record_contracts(parties):
    _reviewer, engineer = parties
    with pytest.raises(PermissionDenied):
        services.contract_create(actor=engineer, number="X", name="X", contractor=engineer.organization,
                                 amount=1, signed_on=date(2026, 3, 3))  # fmt: skip
    assert not Contract.objects.exists()
