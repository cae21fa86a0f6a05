"""Per-contract service items (issue #5 item 2): twice-a-year months and deliverable names, before and after
the year schedule exists; refusals change nothing.  The shared contract starts 2026-03-03, so service month
3 is 2026-05, 4 is 2026-06, 9 is 2026-11 and 12 is 2027-02."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from wangan.contracts import items, services
from wangan.contracts.choices import TaskStatus
from wangan.contracts.errors import ContractInvalid, MonthClosed, NotInService
from wangan.contracts.models import ContractItem, ScoreEntry, Task
from wangan.contracts.tests.factories import full_marks, make_contract
from wangan.contracts.tests.lifecycle_support import api, matrix_for
from wangan.contracts.tests.pages_support import pdf
from wangan.core.errors import PermissionDenied
from wangan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

APRIL = date(2026, 4, 1)  # before any of the twice-a-year work is due


@pytest.fixture
def matrix(parties):
    return matrix_for(parties)


@pytest.fixture(autouse=True)
def _english():
    # reasons are asserted on the English msgids, whatever the zh-Hans catalog says at the time
    with translation.override("en"):
        yield


def _running_contract(parties):
    """A scheduled contract that started four months before the real today: service month 3 (the first
    vulnerability check) is past due, month 9 is still ahead."""
    signed = services.add_months(timezone.localdate(), -4)
    return make_contract(*parties, number="HT-RUN-001", signed_on=signed)


def _item(contract, code="vulnerability_check") -> ContractItem:
    return contract.items.get(code=code)


def _tasks(contract, code="vulnerability_check") -> list[tuple[int, int, str]]:
    return sorted(
        contract.tasks.filter(item__code=code)
        .values_list("year", "month", "status")
        .order_by("year", "month")
    )


def _snapshot(contract):
    """Everything an edit could touch, to assert a refusal changed nothing."""
    return (
        list(contract.items.order_by("seq").values_list("code", "months", "deliverables")),
        list(
            contract.tasks.order_by("id").values_list(
                "id", "item_id", "year", "month", "due_on", "deliverables"
            )
        ),
        AuditEvent.objects.filter(action="contracts.items_edit").count(),
    )


def _edit(contract, actor, today=APRIL, note="", **rows):
    return items.items_edit(actor=actor, contract=contract, today=today, note=note,
                            rows={code: items.ItemIn(**row) for code, row in rows.items()})  # fmt: skip


# --- before the schedule ------------------------------------------------------------------------


def test_before_the_schedule_edits_are_free_and_the_schedule_follows_them(parties):
    reviewer, engineer = parties
    contract = make_contract(reviewer, engineer, schedule=False)
    result = _edit(contract, reviewer, note="按甲方计划调整",
                   vulnerability_check={"months": [12, 1], "deliverables": ["《脆弱性检查报告》", " 漏洞复测记录 "]})  # fmt: skip
    assert result.changed == ["vulnerability_check"] and result.moved == [] and result.retitled == 0
    item = _item(contract)
    assert item.months == [1, 12]
    assert item.deliverables == ["《脆弱性检查报告》", "《漏洞复测记录》"]  # 《》 added like the seed
    event = AuditEvent.objects.get(action="contracts.items_edit", object_id=str(contract.pk))
    assert event.before == {"vulnerability_check": {"months": [3, 9], "deliverables": ["《脆弱性检查报告》"]}}
    assert event.after["vulnerability_check"]["months"] == [1, 12] and event.after["note"] == "按甲方计划调整"

    services.schedule_generate(actor=reviewer, contract=contract)
    rows = contract.tasks.filter(item=item).order_by("due_on")
    assert [(t.year, t.month, t.deliverables) for t in rows] == [
        (2026, 3, ["《脆弱性检查报告》", "《漏洞复测记录》"]),
        (2027, 2, ["《脆弱性检查报告》", "《漏洞复测记录》"]),
    ]


def test_deliverable_names_keep_a_remark_after_the_title():
    assert items.deliverable_name("渗透测试报告") == "《渗透测试报告》"
    assert (
        items.deliverable_name("《渗透测试报告》（含安全整改措施）") == "《渗透测试报告》（含安全整改措施）"
    )
    assert items.deliverable_name("《加固方案") == "《加固方案》"
    assert items.deliverable_name("  ") == ""


# --- after the schedule -------------------------------------------------------------------------


def test_moving_a_month_moves_its_open_task_with_the_planned_due_date(contract, parties):
    reviewer = parties[0]
    may = contract.tasks.get(item__code="vulnerability_check", year=2026, month=5)
    november = contract.tasks.get(item__code="vulnerability_check", year=2026, month=11)
    # a score already given in the still-open May sheet no longer counts once the work leaves May
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=5)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    assert ScoreEntry.objects.filter(month=sheet, item__code="vulnerability_check").count() == 1

    result = _edit(contract, reviewer, vulnerability_check={"months": [4, 9]})

    assert _item(contract).months == [4, 9]
    assert not Task.objects.filter(pk=may.pk).exists()
    june = contract.tasks.get(item__code="vulnerability_check", year=2026, month=6)
    assert june.due_on == date(2026, 6, 30)  # last working day of June 2026, as schedule_generate plans
    assert (
        june.status == TaskStatus.OPEN
        and june.deliverables == ["《脆弱性检查报告》"]
        and june.title == "脆弱性检查"
    )
    assert Task.objects.filter(pk=november.pk).exists()  # the unchanged month keeps its task
    assert result.moved == [{"item": "vulnerability_check", "from": "2026-05", "to": "2026-06", "task": june.pk,
                             "due_on": "2026-06-30"}]  # fmt: skip
    assert result.scores_removed == 1
    assert not ScoreEntry.objects.filter(month=sheet, item__code="vulnerability_check").exists()
    assert june.item_id in services.scheduled_item_ids(contract, 2026, 6)
    assert _item(contract).pk not in services.scheduled_item_ids(contract, 2026, 5)
    event = AuditEvent.objects.get(action="contracts.items_edit")
    assert event.before == {"vulnerability_check": {"months": [3, 9]}}
    assert event.after["tasks_moved"][0]["to"] == "2026-06"


def test_both_months_can_move_at_once(contract, parties):
    _edit(contract, parties[0], hardening={"months": [5, 11]})  # was 4, 10 (2026-06, 2026-12)
    assert _tasks(contract, "hardening") == [(2026, 7, "open"), (2027, 1, "open")]


def test_a_closed_old_month_refuses_the_move_and_nothing_changes(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=5)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    services.month_close(actor=reviewer, sheet=sheet)
    before = _snapshot(contract)
    with pytest.raises(MonthClosed) as err:
        _edit(contract, reviewer, vulnerability_check={"months": [4, 9], "deliverables": ["新报告"]})
    assert err.value.code == "ITEM_WORK_LOCKED"
    assert err.value.details == ["脆弱性检查: 2026-05 is a closed scoring month; its work cannot move."]
    assert _snapshot(contract) == before  # the document rename of the same request is not applied either


def test_a_closed_new_month_refuses_work_moved_into_it(contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=6)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    services.month_close(actor=reviewer, sheet=sheet)
    before = _snapshot(contract)
    with pytest.raises(MonthClosed) as err:
        _edit(contract, reviewer, vulnerability_check={"months": [4, 9]})
    assert "2026-06" in err.value.details[0]
    assert _snapshot(contract) == before


def test_handed_in_or_overdue_work_does_not_move(contract, parties):
    reviewer, engineer = parties
    may = contract.tasks.get(item__code="vulnerability_check", year=2026, month=5)
    services.task_submit(actor=engineer, task=may, uploads=[("《脆弱性检查报告》", pdf())], today=APRIL)
    before = _snapshot(contract)
    with pytest.raises(MonthClosed) as err:
        _edit(contract, reviewer, vulnerability_check={"months": [4, 9]})
    assert "2026-05" in err.value.details[0]
    # the penetration test of 2026-07 is past due on 2026-08-10, and 2026-06 is over as a new month
    with pytest.raises(MonthClosed) as err:
        _edit(contract, reviewer, today=date(2026, 8, 10), penetration_test={"months": [4, 11]})
    assert len(err.value.details) == 2
    assert "2026-07-31" in err.value.details[0] and "2026-06" in err.value.details[1]
    assert _snapshot(contract) == before


def test_new_document_names_reach_open_tasks_only(contract, parties):
    reviewer, engineer = parties
    march = contract.tasks.get(item__code="inspection", year=2026, month=3)
    services.task_submit(actor=engineer, task=march, uploads=[("《安全巡检报告》", pdf())], today=APRIL)
    april = contract.tasks.get(item__code="inspection", year=2026, month=4)
    services.task_submit(actor=engineer, task=april, uploads=[("《安全巡检报告》", pdf())], today=APRIL)
    services.task_accept(actor=reviewer, task=april)

    result = _edit(contract, reviewer, inspection={"deliverables": ["安全巡检报告", "巡检记录表"]})

    rows = {
        (t.month, t.status): t.deliverables for t in contract.tasks.filter(item__code="inspection", year=2026)
    }
    assert rows[(3, "submitted")] == ["《安全巡检报告》"] and rows[(4, "accepted")] == ["《安全巡检报告》"]
    assert rows[(5, "open")] == ["《安全巡检报告》", "《巡检记录表》"]
    assert result.retitled == 10  # the 12 monthly tasks less the two handed in


def test_a_continuous_item_asks_its_new_documents_of_the_yearly_report_only(contract, parties):
    result = _edit(
        contract,
        parties[0],
        website_monitoring={"deliverables": ["《网站安全监控服务报告》", "《告警处置记录》"]},
    )
    assert result.retitled == 1
    docs = {
        (y, m): d
        for y, m, d in contract.tasks.filter(item__code="website_monitoring").values_list(
            "year", "month", "deliverables"
        )
    }
    assert docs[(2027, 2)] == ["《网站安全监控服务报告》", "《告警处置记录》"] and docs[(2026, 3)] == []


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "fragment"), [
    ({"vulnerability_check": {"months": [3, 13]}}, "1 to 12"),
    ({"vulnerability_check": {"months": [0, 9]}}, "1 to 12"),
    ({"vulnerability_check": {"months": [4]}}, "exactly 2"),
    ({"vulnerability_check": {"months": [4, 4]}}, "exactly 2"),
    ({"vulnerability_check": {"months": [3, 6, 9]}}, "exactly 2"),
    ({"vulnerability_check": {"months": ["x", 9]}}, "whole numbers"),
    ({"inspection": {"months": [1, 2]}}, "every month"),
    ({"emergency_response": {"months": [5]}}, "no planned months"),
    ({"inspection": {"deliverables": ["《安全巡检报告》", "安全巡检报告"]}}, "named twice"),
    ({"inspection": {"deliverables": ["《安全巡检报告》", "  "]}}, "empty"),
    ({"inspection": {"deliverables": [f"报告{i}" for i in range(11)]}}, "at most 10"),
    ({"inspection": {"deliverables": ["长" * 99]}}, "longer than 100"),  # 99 + 《》 = 101
    ({"inspection": {"deliverables": []}}, "at least one"),
    ({"no_such_item": {"months": [1, 2]}}, "Unknown item"),
    ({"inspection": {"deliverables": ["《安全巡检报告》"]}}, "Nothing was changed"),
])  # fmt: skip
def test_bad_input_is_refused_with_its_reason_and_nothing_changes(contract, parties, rows, fragment):
    before = _snapshot(contract)
    with pytest.raises(ContractInvalid) as err:
        _edit(contract, parties[0], **rows)
    assert err.value.code == "ITEMS_INVALID"
    assert any(fragment in d for d in err.value.details), err.value.details
    assert _snapshot(contract) == before


def test_every_problem_is_reported_at_once(contract, parties):
    with pytest.raises(ContractInvalid) as err:
        _edit(
            contract,
            parties[0],
            vulnerability_check={"months": [13, 2]},
            hardening={"deliverables": ["a", "a"]},
        )
    assert len(err.value.details) == 2


def test_a_crypto_item_without_documents_may_be_given_some(contract, parties):
    _edit(contract, parties[0], timestamp={"deliverables": ["时间戳服务报告"]})
    assert _item(contract, "timestamp").deliverables == ["《时间戳服务报告》"]
    _edit(contract, parties[0], timestamp={"deliverables": []})  # the template asked none: it may go again
    assert _item(contract, "timestamp").deliverables == []


def test_the_contractor_and_other_organizations_cannot_edit(contract, parties, matrix):
    before = _snapshot(contract)
    for who in ("contractor", "other_org", "client_without_role"):
        with pytest.raises(PermissionDenied):
            _edit(contract, matrix[who], vulnerability_check={"months": [4, 9]})
    assert _snapshot(contract) == before


def test_a_contract_out_of_service_is_not_edited(contract, parties):
    type(contract).objects.filter(pk=contract.pk).update(status="accepted")
    contract.refresh_from_db()
    with pytest.raises(NotInService):
        _edit(contract, parties[0], vulnerability_check={"months": [4, 9]})
    assert _item(contract).months == [3, 9]


# --- page ---------------------------------------------------------------------------------------


def _form(contract, **changes):
    """Every row as the page posts it, with ``changes`` applied (a list value posts repeated fields)."""
    data = {"note": ""}
    for item in contract.items.all():
        data[f"deliverables__{item.code}"] = "\n".join(item.deliverables)
        if item.frequency == "twice":
            data[f"months__{item.code}"] = [str(m) for m in item.months]
    return data | changes


def test_page_for_the_client_edits_and_refuses_with_reasons(client, parties, django_assert_max_num_queries):
    reviewer, engineer = parties
    contract = make_contract(reviewer, engineer, schedule=False)
    url = reverse("contracts:items", args=[contract.pk])
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    body = page.content.decode()
    assert (
        page.status_code == 200 and 'data-testid="items-form"' in body and 'data-testid="tab-items"' in body
    )
    assert 'name="months__vulnerability_check"' in body and 'name="months__inspection"' not in body
    assert '<option value="3" selected>3 · 2026-05</option>' in body
    assert "服务期内 2 次" in body  # the template's 附件3 note

    bad = client.post(url, _form(contract, **{"months__vulnerability_check": ["4", "4"]}))
    assert bad.status_code == 422 and 'data-testid="errors"' in bad.content.decode()
    assert _item(contract).months == [3, 9]

    ok = client.post(url, _form(contract, note="调整", **{"months__vulnerability_check": ["4", "10"],
                                                          "deliverables__hardening": "加固方案\n\n《加固报告》"}))  # fmt: skip
    assert ok.status_code == 302
    assert _item(contract).months == [4, 10]
    assert _item(contract, "hardening").deliverables == ["《加固方案》", "《加固报告》"]
    services.schedule_generate(actor=reviewer, contract=contract)
    with django_assert_max_num_queries(12):  # a scheduled year does not make the page heavier per item
        assert client.get(url).status_code == 200


def test_page_is_read_only_for_the_contractor_and_hidden_from_others(client, contract, parties, matrix):
    url = reverse("contracts:items", args=[contract.pk])
    client.force_login(parties[1])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="items"' in body
    assert "<textarea" not in body and "<select" not in body and 'data-testid="save-items"' not in body
    assert "《信息系统安全加固方案》、《信息系统安全加固报告》" in body
    assert client.post(url, _form(contract, **{"months__vulnerability_check": ["4", "9"]})).status_code == 404
    client.force_login(matrix["other_org"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert _item(contract).months == [3, 9]


def test_page_marks_months_that_can_no_longer_move(client, parties):
    contract = _running_contract(parties)
    client.force_login(parties[0])
    body = client.get(reverse("contracts:items", args=[contract.pk])).content.decode()
    assert 'data-testid="locked-vulnerability_check-3"' in body
    assert 'data-testid="locked-vulnerability_check-9"' not in body


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other_org", 404), ("client_without_role", 403),
                                               ("contractor", 403), ("client_reviewer", 200)])  # fmt: skip
def test_api_permission_matrix(parties, matrix, who, expected):
    contract = make_contract(*parties, schedule=False)
    body = {
        "note": "x",
        "items": {"vulnerability_check": {"months": [4, 10], "deliverables": ["脆弱性检查报告"]}},
    }
    response = api(matrix[who]).post(f"/api/v1/contracts/{contract.pk}/items/", body, format="json")
    assert response.status_code == expected, response.content
    assert _item(contract).months == ([4, 10] if expected == 200 else [3, 9])
    if expected == 200:
        data = response.json()
        assert data["changed"] == ["vulnerability_check"]
        row = next(r for r in data["items"] if r["code"] == "vulnerability_check")
        assert row["months"] == [4, 10] and row["calendar_months"] == ["2026-06", "2026-12"]
        assert row["deliverables"] == ["《脆弱性检查报告》"]


def test_api_reads_for_both_parties_and_refuses_with_the_error_format(contract, parties, matrix):
    reviewer, engineer = parties
    url = f"/api/v1/contracts/{contract.pk}/items/"
    rows = api(engineer).get(url).json()["items"]
    assert len(rows) == 18 and rows[0]["code"] == "inspection" and rows[0]["months_editable"] is False
    assert api(matrix["other_org"]).get(url).status_code == 404
    bad = api(reviewer).post(url, {"items": {"vulnerability_check": {"months": [13]}}}, format="json")
    assert (
        bad.status_code == 422 and bad.json()["code"] == "ITEMS_INVALID" and len(bad.json()["details"]) == 1
    )
    assert _item(contract).months == [3, 9]


def test_api_refuses_to_move_past_due_work_as_a_conflict(parties):
    contract = _running_contract(parties)
    url = f"/api/v1/contracts/{contract.pk}/items/"
    late = api(parties[0]).post(url, {"items": {"vulnerability_check": {"months": [11, 9]}}}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "ITEM_WORK_LOCKED"
    assert _item(contract).months == [3, 9] and _item(contract).tasks.count() == 2
    ok = api(parties[0]).post(url, {"items": {"vulnerability_check": {"months": [3, 11]}}}, format="json")
    assert ok.status_code == 200
    row = next(r for r in ok.json()["items"] if r["code"] == "vulnerability_check")
    assert row["months"] == [3, 11] and ok.json()["moved"][0]["to"] == row["calendar_months"][1]
    assert row["locked_months"] == [3]
