"""A contract's own service items (issue #5: "shipped as a contract template and editable per contract"):
the service months of the twice-a-year items and the deliverable documents each item asks for.

Rules (seed 004 附件3 fixes the frequency — "2 次", "每月", "7×24" — and the document names; the months of
the twice-a-year work are the parties' plan):

* months are service months 1–12 (1 = the month of the start date, ``services.service_months``); a
  twice-a-year item keeps exactly 2 distinct months, monthly/continuous items keep all 12 and on-demand or
  special-period items have none — only twice-a-year months are editable;
* deliverable names are non-empty, unique within the item, at most 100 characters and 10 per item, written
  like the seed with 《》 (added when missing); an item the template asks documents of keeps at least one;
* before the year schedule exists edits are free; afterwards a month may only move while its task is open,
  not yet due, with nothing handed in, and neither the old nor the new month is a closed scoring month —
  the task of the dropped month is deleted and one is made for the new month (due like
  ``services.schedule_generate`` plans it); new document names reach the item's open tasks only.

One transaction, one audit event with before/after, the contractor told after commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wangan.contracts import catalog, lifecycle, services
from wangan.contracts import permissions as perms
from wangan.contracts.choices import SERVING_STATUSES, Frequency, MonthStatus, TaskKind, TaskStatus
from wangan.contracts.errors import ContractInvalid, MonthClosed, NotInService
from wangan.contracts.models import (
    Contract,
    ContractItem,
    ScoreEntry,
    ScoringMonth,
    ServiceTemplateItem,
    Task,
)
from wangan.core.audit import audit_record
from wangan.core.errors import PermissionDenied

MAX_DELIVERABLES = 10
MAX_DELIVERABLE_LENGTH = 100
EDITABLE_MONTHS = (Frequency.TWICE,)
TWICE_COUNT = 2
FULL_YEAR = (Frequency.MONTHLY, Frequency.CONTINUOUS)
ITEMS_INVALID = "ITEMS_INVALID"
ITEM_WORK_LOCKED = "ITEM_WORK_LOCKED"


@dataclass(frozen=True)
class ItemIn:
    """What the caller wants for one item; ``None`` leaves that part as it is."""

    months: list | None = None
    deliverables: list | None = None


@dataclass
class ItemsEdited:
    """What an edit did: the items changed, tasks moved (old → new month) and open tasks renamed."""

    changed: list[str] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    retitled: int = 0
    scores_removed: int = 0


# --- reading ------------------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: ContractItem
    template_note: str
    months: list[tuple[int, str, bool]]  # (service month, "YYYY-MM", locked) of the planned months
    is_months_editable: bool

    @property
    def frequency_label(self) -> str:
        return Frequency(self.item.frequency).label


def month_labels(contract: Contract) -> list[tuple[int, str]]:
    """Service month number and its calendar month, e.g. (1, "2026-03")."""
    return [(k, f"{y}-{m:02d}") for k, (y, m) in enumerate(services.service_months(contract), start=1)]


def item_rows_for(*, contract: Contract, today: date | None = None) -> list[ItemRow]:
    """The contract's items with the template's 附件3 note and, once scheduled, which planned months can no
    longer move (4 queries).  The caller reached ``contract`` through ``selectors.contract_get_for``."""
    today = lifecycle.today_or_now(today)
    items = list(contract.items.order_by("seq"))
    notes = dict(
        ServiceTemplateItem.objects.filter(template_id=contract.template_id).values_list("code", "note")
    )
    calendar_months = services.service_months(contract)
    closed = set(contract.months.filter(status=MonthStatus.CLOSED).values_list("year", "month"))
    tasks: dict[int, dict[tuple[int, int], Task]] = defaultdict(dict)
    for t in Task.objects.filter(contract=contract, kind=TaskKind.SERVICE, item__frequency__in=EDITABLE_MONTHS).only(
        "id", "item_id", "year", "month", "status", "due_on", "is_late"
    ):  # fmt: skip
        tasks[t.item_id][(t.year, t.month)] = t
    rows = []
    for item in items:
        months = []
        for k in item.months:
            ym = calendar_months[k - 1] if 1 <= k <= 12 else None
            if ym is None:
                continue
            task = tasks[item.pk].get(ym)
            locked = item.frequency in EDITABLE_MONTHS and (
                ym in closed or (task is not None and _task_lock_reason(task, today) is not None)
            )
            months.append((k, f"{ym[0]}-{ym[1]:02d}", locked))
        rows.append(ItemRow(item, notes.get(item.code, ""), months, item.frequency in EDITABLE_MONTHS))
    return rows


def _task_lock_reason(task: Task, today: date) -> str | None:
    if task.status != TaskStatus.OPEN:
        return _("its task was handed in already (%(status)s)") % {"status": task.get_status_display()}
    if task.is_late or task.due_on < today:
        return _("its task was due on %(date)s") % {"date": task.due_on.isoformat()}
    return None


# --- validation ---------------------------------------------------------------------------------


def deliverable_name(raw: str) -> str:
    """Written like the seed: 《安全巡检报告》; a trailing remark stays outside (《渗透测试报告》（含…）)."""
    name = str(raw).strip()
    if not name:
        return ""
    if not name.startswith("《"):
        name = "《" + name
    if "》" not in name:
        name += "》"
    return name


def _clean_months(item: ContractItem, raw, problems: list[str]) -> list[int] | None:
    try:
        months = [int(str(m).strip()) for m in raw]
    except (TypeError, ValueError):
        problems.append(_("%(item)s: months must be whole numbers from 1 to 12.") % {"item": item.name})
        return None
    if any(m < 1 or m > 12 for m in months):
        problems.append(_("%(item)s: months are service months 1 to 12.") % {"item": item.name})
        return None
    months = sorted(months)
    if item.frequency in EDITABLE_MONTHS:
        if len(months) != TWICE_COUNT or len(set(months)) != TWICE_COUNT:
            problems.append(_("%(item)s is done twice a year: choose exactly 2 different months.")
                            % {"item": item.name})  # fmt: skip
            return None
        return months
    if sorted(item.months) != months:
        if item.frequency in FULL_YEAR:
            problems.append(
                _("%(item)s runs every month; its months cannot be changed.") % {"item": item.name}
            )
        else:
            problems.append(_("%(item)s is done on demand or in special periods and has no planned months.")
                            % {"item": item.name})  # fmt: skip
        return None
    return months


def _clean_deliverables(
    item: ContractItem, raw, template_has_docs: bool, problems: list[str]
) -> list[str] | None:
    names = [deliverable_name(r) for r in raw]
    before = len(problems)
    if any(not n for n in names):
        problems.append(_("%(item)s: a document name is empty.") % {"item": item.name})
    if len(names) > MAX_DELIVERABLES:
        problems.append(
            _("%(item)s: at most %(max)s documents.") % {"item": item.name, "max": MAX_DELIVERABLES}
        )
    for n in names:
        if len(n) > MAX_DELIVERABLE_LENGTH:
            problems.append(_("%(item)s: the document name %(name)s is longer than %(max)s characters.")
                            % {"item": item.name, "name": n[:20] + "…", "max": MAX_DELIVERABLE_LENGTH})  # fmt: skip
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        problems.append(_("%(item)s: the document %(name)s is named twice.")
                        % {"item": item.name, "name": "、".join(duplicates)})  # fmt: skip
    if not names and template_has_docs:
        # 附件3 asks this item for a document; the contract may rename it, not drop it
        problems.append(_("%(item)s must ask for at least one document (附件3).") % {"item": item.name})
    return names if len(problems) == before else None


# --- writing ------------------------------------------------------------------------------------


def items_edit(
    *,
    actor,
    contract: Contract,
    rows: Mapping[str, ItemIn],
    note: str = "",
    today: date | None = None,
) -> ItemsEdited:
    """The client changes the service months and document names of the contract's items (only what differs
    from the current values); all or nothing, every problem reported at once."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may change the contract's service items."))
    if contract.status not in SERVING_STATUSES:
        raise NotInService(_("The contract is no longer in service."))
    today = lifecycle.today_or_now(today)
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        items = {i.code: i for i in ContractItem.objects.select_for_update().filter(contract=contract)}
        with_docs = {code for code, docs in ServiceTemplateItem.objects.filter(template_id=contract.template_id)
                     .values_list("code", "deliverables") if docs}  # fmt: skip
        problems: list[str] = []
        wanted: dict[str, dict] = {}
        for code, row in rows.items():
            item = items.get(code)
            if item is None:
                problems.append(_("Unknown item %(code)s.") % {"code": code})
                continue
            change = {}
            if row.months is not None:
                months = _clean_months(item, row.months, problems)
                if months is not None and months != sorted(item.months):
                    change["months"] = months
            if row.deliverables is not None:
                names = _clean_deliverables(item, row.deliverables, code in with_docs, problems)
                if names is not None and names != list(item.deliverables):
                    change["deliverables"] = names
            if change:
                wanted[code] = change
        if problems:
            raise ContractInvalid("; ".join(problems), code=ITEMS_INVALID, details=problems)
        if not wanted:
            nothing = _("Nothing was changed.")
            raise ContractInvalid(nothing, code=ITEMS_INVALID, details=[nothing])
        result = ItemsEdited(changed=sorted(wanted, key=lambda c: items[c].seq))
        if contract.tasks.exists():
            _apply_to_schedule(contract, items, wanted, today, result)
        before, after = {}, {}
        for code in result.changed:
            item = items[code]
            before[code] = {k: list(getattr(item, k)) for k in wanted[code]}
            for k, v in wanted[code].items():
                setattr(item, k, v)
            item.save(update_fields=list(wanted[code]))
            after[code] = wanted[code]
        audit_record(action="contracts.items_edit", actor=actor, obj=contract, before=before,
                     after={**after, "tasks_moved": result.moved, "tasks_retitled": result.retitled,
                            "scores_removed": result.scores_removed,
                            "note": note.strip()})  # fmt: skip
        if result.moved or result.retitled:
            lifecycle.notify_party(contract.contractor_id, perms.CONTRACTOR_ACTING_ROLES,
                                   verb="contracts.items_changed",
                                   title=_("Contract %(number)s: the service items' plan changed")
                                   % {"number": contract.number},
                                   link=reverse("contracts:items", args=[contract.pk]))  # fmt: skip
    return result


def _apply_to_schedule(
    contract: Contract, items: dict, wanted: dict, today: date, result: ItemsEdited
) -> None:
    """Move the tasks of changed months and rename the open tasks' documents, or refuse with the reasons."""
    calendar_months = services.service_months(contract)
    codes = list(wanted)
    ids = [items[c].pk for c in codes]
    tasks = list(Task.objects.select_for_update().filter(contract=contract, item_id__in=ids, kind=TaskKind.SERVICE)
                 .prefetch_related("documents"))  # fmt: skip
    by_item: dict[int, dict[tuple[int, int], Task]] = defaultdict(dict)
    for t in tasks:
        by_item[t.item_id][(t.year, t.month)] = t
    closed = set(contract.months.filter(status=MonthStatus.CLOSED).values_list("year", "month"))
    problems: list[str] = []
    moves: list[tuple[ContractItem, Task | None, tuple[int, int] | None, tuple[int, int]]] = []
    for code in codes:
        item, months = items[code], wanted[code].get("months")
        if months is None:
            continue
        dropped = sorted(set(item.months) - set(months))
        added = sorted(set(months) - set(item.months))
        # pairs in calendar order: (3, 9) → (4, 9) moves month 3 to 4; a stored plan short of two months
        # (never written by this module) only gains a month
        for old_k, new_k in zip_longest(dropped, added):
            if new_k is None:
                continue
            old = calendar_months[old_k - 1] if old_k is not None else None
            new = calendar_months[new_k - 1]
            task = by_item[item.pk].get(old) if old else None
            label = {"item": item.name, "month": f"{old[0]}-{old[1]:02d}" if old else ""}
            if old in closed:
                problems.append(
                    _("%(item)s: %(month)s is a closed scoring month; its work cannot move.") % label
                )
            elif task is not None and (reason := _task_lock_reason(task, today)):
                problems.append(_("%(item)s: the work of %(month)s cannot move: %(reason)s.")
                                % {**label, "reason": reason})  # fmt: skip
            elif task is not None and task.documents.all():
                problems.append(_("%(item)s: documents were handed in for %(month)s already; its work cannot move.")
                                % label)  # fmt: skip
            new_label = {"item": item.name, "month": f"{new[0]}-{new[1]:02d}"}
            if new in closed:
                problems.append(_("%(item)s: %(month)s is a closed scoring month; no work can be added to it.")
                                % new_label)  # fmt: skip
            elif services.last_working_day(*new)[0] < today:
                problems.append(_("%(item)s: %(month)s is over; work cannot be planned in it.") % new_label)
            moves.append((item, task, old, new))
    if problems:
        raise MonthClosed("; ".join(problems), code=ITEM_WORK_LOCKED, details=problems)
    for item, task, old, new in moves:
        deliverables = wanted[item.code].get("deliverables", item.deliverables)
        if task is not None:
            # a score given in the still-open old month no longer counts: the item is not scheduled there
            removed, _detail = ScoreEntry.objects.filter(item=item, month__in=ScoringMonth.objects.filter(
                contract=contract, year=old[0], month=old[1])).delete()  # fmt: skip
            result.scores_removed += removed
            task.delete()
        due, provisional = services.last_working_day(*new)
        created = Task.objects.create(contract=contract, item=item, kind=TaskKind.SERVICE, title=item.name,
                                      year=new[0], month=new[1], due_on=due, due_is_provisional=provisional,
                                      deliverables=list(deliverables))  # fmt: skip
        result.moved.append({"item": item.code, "from": f"{old[0]}-{old[1]:02d}" if old else None,
                             "to": f"{new[0]}-{new[1]:02d}", "task": created.pk, "due_on": due.isoformat()})  # fmt: skip
    moved_ids = {m["task"] for m in result.moved}
    last_month = calendar_months[-1]
    for code in codes:
        names = wanted[code].get("deliverables")
        if names is None:
            continue
        item = items[code]
        open_tasks = Task.objects.filter(contract=contract, item=item, status=TaskStatus.OPEN).exclude(
            pk__in=moved_ids
        )
        if item.frequency in catalog.YEARLY_REPORT_FREQUENCIES:
            # continuous services hand in one report for the year, in the last month (as schedule_generate)
            open_tasks = open_tasks.filter(year=last_month[0], month=last_month[1])
        result.retitled += open_tasks.update(deliverables=names)
