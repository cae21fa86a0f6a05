"""Contract writes: record, catalogue and weight versions, year schedule, deliverables, monthly
scoring and penalties.  Keyword-only, one transaction each, audited; states change through workflow.py."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import catalog, scoring
from wangan.contracts import permissions as perms
from wangan.contracts.amounts import money, percent_of
from wangan.contracts.choices import Frequency, MonthStatus, SuggestionStatus, TaskKind
from wangan.contracts.errors import (
    ContractInvalid,
    DeliverableMissing,
    MonthClosed,
    MonthOutsideService,
    ReasonRequired,
    ScheduleExists,
    SchemeInvalid,
    ScoreInvalid,
    ViolationUnknown,
)
from wangan.contracts.models import (
    Contract,
    ContractItem,
    Deliverable,
    PaymentMilestone,
    PenaltySuggestion,
    Personnel,
    SchemeWeight,
    ScoreEntry,
    ScoringMonth,
    ScoringScheme,
    ServiceTemplate,
    ServiceTemplateItem,
    Task,
)
from wangan.contracts.workflow import MONTH_WORKFLOW, TASK_WORKFLOW
from wangan.core.audit import audit_record
from wangan.core.errors import PermissionDenied
from wangan.core.files import file_store
from wangan.core.notify import notify
from wangan.core.workcal import add_working_days, day_info, is_working_day

PROGRESS_REPORT_TITLE = "当月工作进度报告"  # seed 004 第八条(七)
DELIVERABLE_EXTENSIONS = {"pdf", "docx", "doc", "xlsx", "xls", "zip", "txt", "png", "jpg"}


# --- calendar helpers --------------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    """Same day ``n`` months later, clamped to the month's last day."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def service_months(contract: Contract) -> list[tuple[int, int]]:
    """The 12 calendar months of the service year; service month 1 is the month of the start date."""
    return [(d.year, d.month) for d in (add_months(contract.service_start.replace(day=1), k) for k in range(12))]


def last_working_day(year: int, month: int) -> tuple[date, bool]:
    """The month's last working day (official calendar) and whether the calendar was provisional there."""
    d = date(year, month, calendar.monthrange(year, month)[1])
    provisional = False
    while True:
        provisional = provisional or day_info(d).is_provisional
        if is_working_day(d):
            return d, provisional
        d -= timedelta(days=1)


def progress_report_due(year: int, month: int) -> tuple[date, bool]:
    """seed 004 第八条(七): 每月 10 日前 for the month before; a 10th off work rolls to the next working
    day (民法典 第二百零三条)."""
    nxt = add_months(date(year, month, 1), 1)
    result = add_working_days(nxt.replace(day=catalog.PROGRESS_REPORT_DAY - 1), 1)
    return result.date, result.is_provisional


# --- template and contract ----------------------------------------------------------------------


def template_current() -> ServiceTemplate:
    """The newest catalogue version; the seed 004 catalogue is published as v1 on first use."""
    template = ServiceTemplate.objects.order_by("-version").first()
    if template is not None:
        return template
    with transaction.atomic():
        template, created = ServiceTemplate.objects.get_or_create(version=1, defaults={"name": catalog.TEMPLATE_NAME})
        if created:
            ServiceTemplateItem.objects.bulk_create(
                ServiceTemplateItem(
                    template=template, seq=s.seq, code=s.code, name=s.name, group=s.group, frequency=s.frequency,
                    months=list(s.months), deliverables=list(s.deliverables), weight=s.weight,
                    pct_timeliness=s.pct_timeliness, pct_quality=s.pct_quality, pct_docs=s.pct_docs, note=s.note,
                )
                for s in catalog.SERVICE_ITEMS
            )  # fmt: skip
            audit_record(action="contracts.template_publish", obj=template, actor_name="system",
                         after={"version": 1, "items": len(catalog.SERVICE_ITEMS)})  # fmt: skip
    return template


@dataclass(frozen=True)
class PersonIn:
    name: str
    project_role: str = ""
    title: str = ""
    qualifications: str = ""


def contract_create(
    *,
    actor,
    number: str,
    name: str,
    contractor,
    amount,
    signed_on: date,
    client_lead: str = "",
    client_lead_phone: str = "",
    contractor_lead: str = "",
    contractor_lead_phone: str = "",
    penalty_base=None,
    personnel: Iterable[PersonIn] = (),
) -> Contract:
    """Record a signed contract, copy the current catalogue into it and compute its sums and dates."""
    if not perms.can_create_contract(actor):
        raise PermissionDenied(_("Only the authority's reviewers or administrators may record a contract."))
    problems = []
    try:
        amount = money(amount)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or amount <= 0:
        problems.append(_("The amount must be a positive number."))
    if not number.strip() or not name.strip():
        problems.append(_("Enter the contract number and name."))
    if contractor is None or contractor.type != "provider":
        problems.append(_("The contractor must be a security service provider."))
    if Contract.objects.filter(number=number.strip()).exists():
        problems.append(_("A contract with this number exists already."))
    if penalty_base is not None:
        penalty_base = money(penalty_base)
        if penalty_base < 0:
            problems.append(_("The penalty base must not be negative."))
    if problems:
        raise ContractInvalid("; ".join(problems), details=problems)
    template = template_current()
    service_end = add_months(signed_on, 12) - timedelta(days=1)  # 第三条(一): 自合同签订之日起一年
    bond_due = add_working_days(signed_on, catalog.BOND_WORKING_DAYS)  # 第六条(一): 30 个工作日内
    with transaction.atomic():
        contract = Contract.objects.create(
            number=number.strip(), name=name.strip(), client=actor.organization, contractor=contractor, amount=amount,
            signed_on=signed_on, service_start=signed_on, service_end=service_end, penalty_base=penalty_base,
            bond_amount=percent_of(amount, catalog.BOND_PERCENT), bond_due_on=bond_due.date,
            bond_due_is_provisional=bond_due.is_provisional, client_lead=client_lead,
            client_lead_phone=client_lead_phone, contractor_lead=contractor_lead,
            contractor_lead_phone=contractor_lead_phone,
            confidentiality_until=add_months(service_end, 12 * catalog.CONFIDENTIALITY_YEARS),  # 第十一条(七)
            template=template, created_by=actor,
        )  # fmt: skip
        PaymentMilestone.objects.bulk_create(
            PaymentMilestone(contract=contract, seq=seq, condition=cond, percent=pct, amount=percent_of(amount, pct))
            for seq, cond, pct in catalog.PAYMENT_MILESTONES
        )
        Personnel.objects.bulk_create(
            Personnel(contract=contract, name=p.name, project_role=p.project_role, title=p.title,
                      qualifications=p.qualifications)
            for p in personnel
        )  # fmt: skip
        tpl_items = list(template.items.all())
        items = ContractItem.objects.bulk_create(
            ContractItem(contract=contract, seq=t.seq, code=t.code, name=t.name, group=t.group, frequency=t.frequency,
                         months=t.months, deliverables=t.deliverables)
            for t in tpl_items
        )  # fmt: skip
        scheme = ScoringScheme.objects.create(contract=contract, version=1, created_by=actor,
                                              reason=f"template v{template.version}")  # fmt: skip
        SchemeWeight.objects.bulk_create(
            SchemeWeight(scheme=scheme, item=i, weight=t.weight, pct_timeliness=t.pct_timeliness,
                         pct_quality=t.pct_quality, pct_docs=t.pct_docs)
            for i, t in zip(items, tpl_items, strict=True)
        )  # fmt: skip
        audit_record(action="contracts.contract_create", actor=actor, obj=contract,
                     after={"number": contract.number, "amount": str(amount), "contractor": contractor.pk,
                            "template_version": template.version})  # fmt: skip
    return contract


def penalty_base_of(contract: Contract) -> Decimal:
    """附件5/附件6 表头: the contract's own base, else 10 % of the contract amount."""
    if contract.penalty_base is not None:
        return contract.penalty_base
    return percent_of(contract.amount, catalog.PENALTY_BASE_PERCENT)


# --- weights ----------------------------------------------------------------------------------


def scheme_current(contract: Contract) -> ScoringScheme:
    return contract.schemes.order_by("-version").first()


def scheme_publish(*, actor, contract: Contract, weights: dict[str, dict], reason: str) -> ScoringScheme:
    """A new weights version; closed months keep theirs, open months not yet scored move to it.

    ``weights`` maps item codes to any of weight/pct_timeliness/pct_quality/pct_docs; the rest carry over.
    """
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may change the scoring weights."))
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for changing the weights."))
    current = scheme_current(contract)
    rows = {w.item.code: w for w in current.weights.select_related("item")}
    unknown = sorted(set(weights) - set(rows))
    problems = [_("Unknown item %(code)s.") % {"code": c} for c in unknown]
    new_rows = []
    for code, old in rows.items():
        change = weights.get(code, {})
        try:
            vals = {k: Decimal(str(change.get(k, getattr(old, k))))
                    for k in ("weight", "pct_timeliness", "pct_quality", "pct_docs")}  # fmt: skip
        except InvalidOperation:
            problems.append(_("%(item)s: the values must be numbers.") % {"item": old.item.name})
            continue
        if any(v < 0 for v in vals.values()) or any(vals[k] > 100 for k in vals):
            problems.append(_("%(item)s: values must be between 0 and 100.") % {"item": old.item.name})
        # only rows whose percentages change: the seed's own 90 % row (附件7 2)) may carry over, also
        # with a new weight, until the authority corrects its percentages
        pct_changed = any(vals[k] != getattr(old, k) for k in ("pct_timeliness", "pct_quality", "pct_docs"))
        if pct_changed and vals["pct_timeliness"] + vals["pct_quality"] + vals["pct_docs"] != 100:
            problems.append(_("%(item)s: the three percentages must add up to 100.") % {"item": old.item.name})
        new_rows.append((old.item, vals))
    if sum((v["weight"] for _i, v in new_rows), Decimal(0)) != 100:
        problems.append(_("The item weights must add up to 100 points (附件7: 满分 100 分)."))
    if problems:
        raise SchemeInvalid("; ".join(problems), details=problems)
    with transaction.atomic():
        scheme = ScoringScheme.objects.create(contract=contract, version=current.version + 1, created_by=actor,
                                              reason=reason.strip())  # fmt: skip
        SchemeWeight.objects.bulk_create(SchemeWeight(scheme=scheme, item=item, **vals) for item, vals in new_rows)
        moved = ScoringMonth.objects.filter(contract=contract, status=MonthStatus.OPEN, entries__isnull=True).update(
            scheme=scheme
        )
        audit_record(action="contracts.scheme_publish", actor=actor, obj=contract,
                     before={"version": current.version}, after={"version": scheme.version, "reason": reason,
                                                                 "changed": weights, "open_months_moved": moved})  # fmt: skip
    return scheme


# --- schedule ---------------------------------------------------------------------------------


def _task(contract, item, kind, title, year, month, due, provisional, deliverables) -> Task:
    return Task(contract=contract, item=item, kind=kind, title=title, year=year, month=month, due_on=due,
                due_is_provisional=provisional, deliverables=list(deliverables))  # fmt: skip


def schedule_generate(*, actor, contract: Contract, special_months: Iterable[tuple[int, int]] = ()) -> list[Task]:
    """The year's tasks from the item frequencies (附件3), plus the monthly progress reports (第八条(七)).

    Planned work is due on the last working day of its month.  Special-period duty is planned in the
    months ``special_months`` (those holding a 重保 period); on-demand items get tasks when requested.
    """
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may generate the schedule."))
    months = service_months(contract)
    special = set(special_months)
    tasks: list[Task] = []
    for k, (year, month) in enumerate(months, start=1):
        due, provisional = last_working_day(year, month)
        for item in contract.items.all():
            planned = (item.frequency == Frequency.SPECIAL_PERIODS and (year, month) in special) or (
                item.frequency in (Frequency.MONTHLY, Frequency.TWICE, Frequency.CONTINUOUS) and k in item.months
            )
            if not planned:
                continue
            deliverables = item.deliverables
            # continuous services hand in one report for the year (附件3 9/11: "…报告》1份")
            if item.frequency in catalog.YEARLY_REPORT_FREQUENCIES and k != 12:
                deliverables = []
            tasks.append(_task(contract, item, TaskKind.SERVICE, item.name, year, month, due, provisional, deliverables))
        report_due, report_provisional = progress_report_due(year, month)
        tasks.append(_task(contract, None, TaskKind.PROGRESS_REPORT, PROGRESS_REPORT_TITLE, year, month, report_due,
                           report_provisional, [PROGRESS_REPORT_TITLE]))  # fmt: skip
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        if contract.tasks.exists():
            raise ScheduleExists(_("The year schedule exists already."))
        Task.objects.bulk_create(tasks)
        audit_record(action="contracts.schedule_generate", actor=actor, obj=contract, after={"tasks": len(tasks)})
    return tasks


def task_request(*, actor, contract: Contract, item_code: str, due_on: date, title: str = "") -> Task:
    """Ask for on-demand work (self-inspection, emergency response): the item counts in that month."""
    if not (perms.can_score(actor, contract) or actor is None):
        raise PermissionDenied(_("Only the client's reviewers may request on-demand work."))
    item = contract.items.filter(code=item_code).first()
    if item is None:
        raise ContractInvalid(_("Unknown item %(code)s.") % {"code": item_code})
    with transaction.atomic():
        task = Task.objects.create(contract=contract, item=item, kind=TaskKind.SERVICE, title=title or item.name,
                                   year=due_on.year, month=due_on.month, due_on=due_on,
                                   deliverables=list(item.deliverables))  # fmt: skip
        audit_record(action="contracts.task_request", actor=actor, actor_name="" if actor else "system", obj=task,
                     after={"item": item.code, "due_on": due_on})  # fmt: skip
    return task


def task_submit(*, actor, task: Task, uploads: Iterable[tuple[str, object]] = (), today: date | None = None) -> Task:
    """The contractor hands in the task's documents; on time or late is recorded against the due date."""
    if not perms.can_deliver(actor, task.contract):
        raise PermissionDenied(_("Only the contractor's engineers may hand in deliverables."))
    uploads = list(uploads)
    if task.deliverables and not uploads and not task.documents.exists():
        raise DeliverableMissing(_("Attach the documents this task asks for: %(docs)s") % {"docs": "、".join(task.deliverables)})
    today = today or timezone.localdate()
    with transaction.atomic():
        for title, upload in uploads:
            stored = file_store(uploaded_by=actor, organization=actor.organization, upload=upload,
                                purpose="contract_deliverable", allowed=DELIVERABLE_EXTENSIONS)  # fmt: skip
            Deliverable.objects.create(task=task, title=title or stored.original_name, file=stored, submitted_by=actor)
        task = _transition(TASK_WORKFLOW, "submit", task, actor,
                           {"submitted_at": timezone.now(), "is_late": today > task.due_on})  # fmt: skip
    return task


def _transition(workflow, name, obj, actor, changes=None, audit_extra=None):
    from wangan.core.workflow import transition_apply

    return transition_apply(workflow=workflow, name=name, obj=obj, actor=actor, changes=changes, audit_extra=audit_extra)


def task_accept(*, actor, task: Task) -> Task:
    """The client accepts the handed-in documents."""
    return _transition(TASK_WORKFLOW, "accept", task, actor, {"accepted_at": timezone.now()})


def task_return(*, actor, task: Task, reason: str) -> Task:
    """The client sends the documents back for rework, with the reason."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for returning the documents."))
    return _transition(TASK_WORKFLOW, "return", task, actor, {"submitted_at": None, "is_late": None},
                       {"reason": reason.strip()})  # fmt: skip


# --- monthly scoring --------------------------------------------------------------------------


def scheduled_item_ids(contract: Contract, year: int, month: int) -> set[int]:
    """seed 004 附件7: only items with work scheduled that month are scored."""
    return set(Task.objects.filter(contract=contract, year=year, month=month, kind=TaskKind.SERVICE)
               .values_list("item_id", flat=True))  # fmt: skip


def month_open(*, actor, contract: Contract, year: int, month: int) -> ScoringMonth:
    """The score sheet of a month of the service period (created on first use with the current weights)."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may score the contract."))
    first, last = date(contract.service_start.year, contract.service_start.month, 1), contract.service_end
    if not (1 <= month <= 12) or not (first <= date(year, month, 1) <= last):
        raise MonthOutsideService(_("%(year)s-%(month)02d is outside the service period.") % {"year": year, "month": month})
    existing = ScoringMonth.objects.filter(contract=contract, year=year, month=month).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        sheet, created = ScoringMonth.objects.get_or_create(contract=contract, year=year, month=month,
                                                            defaults={"scheme": scheme_current(contract)})  # fmt: skip
        if created:
            audit_record(action="contracts.month_open", actor=actor, obj=sheet, after={"scheme": sheet.scheme.version})
    return sheet


@dataclass(frozen=True)
class ScoreIn:
    item_id: int
    timeliness: Decimal
    quality: Decimal
    docs: Decimal
    note: str = ""


def month_score(*, actor, sheet: ScoringMonth, entries: Iterable[ScoreIn]) -> ScoringMonth:
    """Save the given item scores, all or none; every problem is reported at once."""
    contract = sheet.contract
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may score the contract."))
    entries = list(entries)
    with transaction.atomic():
        sheet = ScoringMonth.objects.select_for_update().get(pk=sheet.pk)
        if sheet.status == MonthStatus.CLOSED:
            raise MonthClosed(_("This month is closed; reopen it (with a reason) before changing scores."))
        weights = {w.item_id: w for w in sheet.scheme.weights.select_related("item")}
        scheduled = scheduled_item_ids(contract, sheet.year, sheet.month)
        problems: list[str] = []
        for e in entries:
            w = weights.get(e.item_id)
            if w is None:
                problems.append(_("Item #%(id)s is not part of this contract.") % {"id": e.item_id})
                continue
            if e.item_id not in scheduled:
                # seed 004 附件7: 当月未安排的工作项不计入总分
                problems.append(_("%(item)s: no work was scheduled this month, so it cannot be scored.") % {"item": w.item.name})
                continue
            for label, value, maximum in ((_("timeliness"), e.timeliness, w.max_timeliness),
                                          (_("quality"), e.quality, w.max_quality),
                                          (_("documentation"), e.docs, w.max_docs)):  # fmt: skip
                if value is None or value < 0 or value > maximum:
                    problems.append(_("%(item)s: %(aspect)s must be between 0 and %(max)s (got %(value)s).")
                                    % {"item": w.item.name, "aspect": label, "max": _fmt(maximum), "value": value})  # fmt: skip
        if problems:
            raise ScoreInvalid("; ".join(str(p) for p in problems), details=[str(p) for p in problems])
        before = {str(x.item_id): [str(x.timeliness), str(x.quality), str(x.docs)] for x in sheet.entries.all()}
        for e in entries:
            ScoreEntry.objects.update_or_create(month=sheet, item_id=e.item_id, defaults={
                "timeliness": e.timeliness, "quality": e.quality, "docs": e.docs, "note": e.note[:500]})  # fmt: skip
        audit_record(action="contracts.month_score", actor=actor, obj=sheet, before=before,
                     after={str(e.item_id): [str(e.timeliness), str(e.quality), str(e.docs)] for e in entries})  # fmt: skip
    return sheet


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():f}"


def month_compute(sheet: ScoringMonth) -> tuple[Decimal | None, list[str]]:
    """The rescaled total so far and the scheduled items still unscored (by name)."""
    weights = {w.item_id: w for w in sheet.scheme.weights.select_related("item")}
    scheduled = scheduled_item_ids(sheet.contract, sheet.year, sheet.month)
    entries = {e.item_id: e for e in sheet.entries.all()}
    rows, missing = [], []
    for item_id in scheduled:
        w = weights[item_id]
        full = w.max_timeliness + w.max_quality + w.max_docs
        if item_id in entries:
            rows.append((entries[item_id].total, full))
        else:
            missing.append(w.item.name)
    return scoring.month_total(rows), sorted(missing)


def month_close(*, actor, sheet: ScoringMonth) -> ScoringMonth:
    """Close a fully scored month: its total is fixed with the weights version it was scored with."""
    total, missing = month_compute(sheet)
    if missing:
        raise ScoreInvalid(_("Score every scheduled item first: %(items)s") % {"items": "、".join(missing)},
                           details=missing)  # fmt: skip
    with transaction.atomic():
        sheet = _transition(MONTH_WORKFLOW, "close", sheet, actor, {"total": total, "closed_at": timezone.now()},
                            {"total": str(total) if total is not None else None, "scheme": sheet.scheme.version})  # fmt: skip
        penalty_scan(contract=sheet.contract)
    _notify_contractor(sheet.contract, verb="contracts.month_closed",
                       title=_("Monthly score %(period)s: %(total)s") % {"period": str(sheet), "total": total})  # fmt: skip
    return sheet


def month_reopen(*, actor, sheet: ScoringMonth, reason: str) -> ScoringMonth:
    """Reopen a closed month for correction; audited with the reason.  It keeps its weights version."""
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for reopening the month."))
    return _transition(MONTH_WORKFLOW, "reopen", sheet, actor,
                       {"total": None, "closed_at": None, "reopen_count": sheet.reopen_count + 1},
                       {"reason": reason.strip(), "previous_total": str(sheet.total)})  # fmt: skip


def _notify_contractor(contract: Contract, *, verb: str, title: str) -> None:
    from wangan.accounts.models import User

    users = list(User.objects.filter(organization_id=contract.contractor_id, is_active=True,
                                     org_roles__role__in=perms.CONTRACTOR_ACTING_ROLES).distinct())  # fmt: skip
    if users:
        transaction.on_commit(lambda: notify(recipients=users, verb=verb, title=title, email=False))


# --- penalties --------------------------------------------------------------------------------


def _suggest(contract: Contract, code: str, evidence: str, key: str, *, is_system: bool = True,
             actor=None) -> PenaltySuggestion | None:  # fmt: skip
    spec = catalog.VIOLATIONS_BY_CODE[code]
    base = penalty_base_of(contract)
    row, created = PenaltySuggestion.objects.get_or_create(
        contract=contract, dedupe_key=key,
        defaults={"code": code, "severity": spec.severity, "percent": spec.percent, "base": base,
                  "amount": percent_of(base, spec.percent), "evidence": evidence, "is_system": is_system},
    )  # fmt: skip
    if not created:
        return None
    audit_record(action="contracts.penalty_suggest", actor=actor, actor_name="" if actor else "system", obj=row,
                 after={"code": code, "amount": str(row.amount), "evidence": evidence})  # fmt: skip
    return row


def penalty_scan(*, contract: Contract) -> list[PenaltySuggestion]:
    """Suggest the rows the system can judge from its own data (idempotent: one row per finding).

    附件6 11: a closed month below 60 → G11 (4 %); 附件5 12: three consecutive closed months below 60 →
    M12 (10 %); response/recovery bands come from the incidents app.
    """
    made: list[PenaltySuggestion] = []
    with transaction.atomic():
        closed = list(contract.months.filter(status=MonthStatus.CLOSED).order_by("year", "month"))
        run: list[ScoringMonth] = []
        for sheet in closed:
            if sheet.total is not None and sheet.total < 60:
                made.append(_suggest(contract, "G11", f"{sheet} 月考核得分 {sheet.total}", f"G11:{sheet}"))
                run = [*run, sheet] if run and _consecutive(run[-1], sheet) else [sheet]
                if len(run) >= 3:
                    trio = run[-3:]
                    made.append(_suggest(contract, "M12", "连续 3 个月考核得分低于 60 分：" + "、".join(
                        f"{m} ({m.total})" for m in trio), f"M12:{trio[0]}"))  # fmt: skip
            else:
                run = []
        from wangan.incidents import selectors as incident_selectors  # late: incidents builds on contracts

        for finding in incident_selectors.response_findings(contract=contract):
            made.append(_suggest(contract, finding.code, finding.evidence, finding.key))
    return [m for m in made if m is not None]


def _consecutive(a: ScoringMonth, b: ScoringMonth) -> bool:
    return (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1


def penalty_raise(*, actor, contract: Contract, code: str, evidence: str) -> PenaltySuggestion:
    """The authority applies a violation row the system cannot see (e.g. data tampered, 附件5 2)."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may raise a violation."))
    if code not in catalog.VIOLATIONS_BY_CODE:
        raise ViolationUnknown(_("Unknown violation row %(code)s.") % {"code": code})
    if not evidence.strip():
        raise ReasonRequired(_("Describe what happened."))
    with transaction.atomic():
        key = f"manual:{code}:{timezone.now().isoformat()}"
        return _suggest(contract, code, evidence.strip(), key, is_system=False, actor=actor)


def penalty_decide(*, actor, suggestion: PenaltySuggestion, confirm: bool, reason: str) -> PenaltySuggestion:
    """The authority confirms or dismisses a suggested penalty, always with reasons."""
    if not perms.can_score(actor, suggestion.contract):
        raise PermissionDenied(_("Only the client's reviewers may decide on penalties."))
    if not reason.strip():
        raise ReasonRequired(_("Give the reasons for the decision."))
    with transaction.atomic():
        row = PenaltySuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if row.status != SuggestionStatus.SUGGESTED:
            raise MonthClosed(_("This penalty was decided already."), code="PENALTY_DECIDED")
        row.status = SuggestionStatus.CONFIRMED if confirm else SuggestionStatus.DISMISSED
        row.decided_at, row.decided_by, row.decision_reason = timezone.now(), actor, reason.strip()
        row.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        audit_record(action=f"contracts.penalty_{row.status}", actor=actor, obj=row,
                     before={"status": SuggestionStatus.SUGGESTED}, after={"status": row.status, "reason": reason})  # fmt: skip
    return row


def penalty_formula(row: PenaltySuggestion) -> str:
    """How the amount was reached, e.g. ``171,960.00 × 4% = 6,878.40``."""
    return f"{row.base:,.2f} × {_fmt(row.percent)}% = {row.amount:,.2f}"
