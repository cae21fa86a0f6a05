"""The contract's lifecycle (seed 004): personnel changes (第九条(二)), service continuing after expiry and its
settlement by the day (第三条(二)), the weights page's writes, and the periodic scan (late tasks, expiry,
changes taking effect, penalty scan).  The annual acceptance is in ``acceptance``.

Writes are keyword-only, one transaction each, audited; state fields change only through the workflows
declared at the top of this module.  Reads take the caller and are scoped like ``selectors``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import catalog, lifecycle_documents, selectors, services
from wangan.contracts import permissions as perms
from wangan.contracts.amounts import amount_upper, money
from wangan.contracts.choices import (
    SERVING_STATUSES,
    ChangeStatus,
    ContractStatus,
    TaskStatus,
)
from wangan.contracts.errors import (
    AlreadyDecided,
    NoticeTooShort,
    NotInService,
    PersonnelChangeInvalid,
    ReasonRequired,
    SchemeInvalid,
    SelfApproval,
    SuccessorInvalid,
)
from wangan.contracts.models import (
    Continuation,
    Contract,
    Personnel,
    PersonnelChange,
    ScoringScheme,
    Task,
)
from wangan.core.audit import audit_record
from wangan.core.errors import NotFound, PermissionDenied
from wangan.core.files import file_store
from wangan.core.notify import notify
from wangan.core.workflow import Transition, Workflow, transition_apply

DOCUMENT_EXTENSIONS = {"pdf", "docx", "doc", "jpg", "jpeg", "png", "zip"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SYSTEM = {"by": "system"}


# --- workflows ----------------------------------------------------------------------------------


def _system(user, obj) -> bool:
    return user is None


def _client(user, contract) -> bool:
    return user is not None and perms.can_score(user, contract)


PERSONNEL_WORKFLOW = Workflow.of(
    "status",
    [
        # the filer never approves their own request (also checked in the service, with its reason)
        Transition("approve", (ChangeStatus.SUBMITTED,), ChangeStatus.APPROVED,
                   lambda u, ch: perms.can_decide_personnel_change(u, ch.contract) and u.pk != ch.filed_by_id),
        Transition("reject", (ChangeStatus.SUBMITTED,), ChangeStatus.REJECTED,
                   lambda u, ch: perms.can_decide_personnel_change(u, ch.contract) and u.pk != ch.filed_by_id),
        Transition("withdraw", (ChangeStatus.SUBMITTED,), ChangeStatus.WITHDRAWN,
                   lambda u, ch: perms.can_request_personnel_change(u, ch.contract)),
        # on the effective date (the job), or at once when approved on or after it (the approver)
        Transition("apply", (ChangeStatus.APPROVED,), ChangeStatus.EFFECTIVE,
                   lambda u, ch: u is None or perms.can_decide_personnel_change(u, ch.contract)),
    ],
)  # fmt: skip

CONTRACT_WORKFLOW = Workflow.of(
    "status",
    [
        # 第三条(二): the end passed and no successor took over: the contractor serves on
        Transition("continue", (ContractStatus.ACTIVE,), ContractStatus.CONTINUING, _system),
        # the next provider starts (on time, or ending the continuation)
        Transition("end", (ContractStatus.ACTIVE, ContractStatus.CONTINUING), ContractStatus.ENDED,
                   lambda u, c: u is None or _client(u, c)),
        # 第十条(三): a passing review by the authority's experts
        Transition("accept", (ContractStatus.ACTIVE, ContractStatus.CONTINUING, ContractStatus.ENDED),
                   ContractStatus.ACCEPTED, _client),
    ],
)  # fmt: skip


def today_or_now(today: date | None) -> date:
    return today or timezone.localdate()


def notify_party(org_id: int, roles, *, verb: str, title: str, link: str = "", dedupe_key: str = "") -> None:
    """Tell the acting staff of one party, after commit."""
    from wangan.accounts.models import User

    users = list(User.objects.filter(organization_id=org_id, is_active=True, platform_role="",
                                     org_roles__role__in=roles).distinct())  # fmt: skip
    if users:
        transaction.on_commit(lambda: notify(recipients=users, verb=verb, title=title, link=link,
                                             dedupe_key=dedupe_key, email=False))  # fmt: skip


def store_generated(*, actor, contract: Contract, body: bytes, name: str, purpose: str):
    """Keep a generated document with the client (the party that issues it)."""
    upload = ContentFile(body, name=name)
    return file_store(uploaded_by=actor, organization=contract.client, upload=upload, purpose=purpose,
                      allowed={"docx"})  # fmt: skip


def store_upload(*, actor, upload, purpose: str):
    return file_store(uploaded_by=actor, organization=actor.organization, upload=upload, purpose=purpose,
                      allowed=DOCUMENT_EXTENSIONS)  # fmt: skip


# --- personnel changes (第九条(二)) --------------------------------------------------------------


def personnel_change_list_for(*, user, contract: Contract):
    """The contract's change requests, for a party of the contract only."""
    selectors.contract_get_for(user=user, pk=contract.pk)
    return (PersonnelChange.objects.filter(contract=contract)
            .select_related("leaving", "joined", "filed_by", "decided_by").order_by("-filed_at", "-id"))  # fmt: skip


def personnel_change_get_for(*, user, pk: int) -> PersonnelChange:
    row = (PersonnelChange.objects.filter(pk=pk, contract__in=selectors.contract_list_for(user=user).values("pk"))
           .select_related("contract", "leaving", "filed_by", "decided_by").first())  # fmt: skip
    if row is None:
        raise NotFound()
    return row


def notice_earliest(today: date) -> date:
    """第九条(二): 提前 10 日通知 — calendar days (the clause says 日, not 工作日)."""
    return today + timedelta(days=catalog.PERSONNEL_NOTICE_DAYS)


def personnel_change_file(
    *,
    actor,
    contract: Contract,
    reason: str,
    effective_on: date,
    leaving_id: int | None = None,
    joining: services.PersonIn | None = None,
    today: date | None = None,
) -> PersonnelChange:
    """The contractor asks to change its team: someone leaves, someone joins (with qualifications), or both."""
    if not perms.can_request_personnel_change(actor, contract):
        raise PermissionDenied(
            _("Only the contractor's engineers or administrators may request a personnel change.")
        )
    if contract.status not in SERVING_STATUSES:
        raise NotInService(_("The contract is no longer in service."))
    today = today_or_now(today)
    problems: list[str] = []
    leaving = None
    if leaving_id:
        leaving = contract.personnel.filter(pk=leaving_id, is_active=True).first()
        if leaving is None:
            problems.append(_("The person leaving must be on the contract's current team."))
        elif PersonnelChange.objects.filter(leaving=leaving, status__in=(ChangeStatus.SUBMITTED,
                                                                         ChangeStatus.APPROVED)).exists():  # fmt: skip
            problems.append(_("A change for %(name)s is pending already.") % {"name": leaving.name})
    if joining is not None and not any(v.strip() for v in (joining.name, joining.project_role, joining.title,
                                                           joining.qualifications)):  # fmt: skip
        joining = None  # an empty "joining" part of the form
    if joining is not None and not joining.name.strip():
        problems.append(_("Enter the name of the person joining."))
    if joining is not None and not joining.qualifications.strip():
        problems.append(_("Enter the qualifications of the person joining (附件1)."))
    if not leaving_id and joining is None:
        problems.append(_("Name the person leaving, the person joining, or both."))
    if not reason.strip():
        problems.append(_("Give the reason for the change."))
    if problems:
        raise PersonnelChangeInvalid("; ".join(problems), details=problems)
    earliest = notice_earliest(today)
    if effective_on < earliest:
        raise NoticeTooShort(
            _("A personnel change must be notified at least %(days)s days ahead (第九条(二)): the earliest "
              "effective date is %(date)s.") % {"days": catalog.PERSONNEL_NOTICE_DAYS, "date": earliest.isoformat()}
        )  # fmt: skip
    j = joining or services.PersonIn(name="")
    with transaction.atomic():
        change = PersonnelChange.objects.create(
            contract=contract, leaving=leaving, joining_name=j.name.strip(), joining_role=j.project_role.strip(),
            joining_title=j.title.strip(), joining_qualifications=j.qualifications.strip(), reason=reason.strip(),
            filed_on=today, effective_on=effective_on, filed_by=actor,
        )  # fmt: skip
        audit_record(action="contracts.personnel_change_file", actor=actor, obj=change,
                     after={"leaving": leaving.name if leaving else None, "joining": change.joining_name or None,
                            "effective_on": effective_on.isoformat(), "filed_on": today.isoformat()})  # fmt: skip
        notify_party(contract.client_id, perms.CLIENT_ACTING_ROLES, verb="contracts.personnel_change_filed",
                     title=_("Personnel change requested on contract %(number)s") % {"number": contract.number},
                     link=reverse("contracts:personnel", args=[contract.pk]))  # fmt: skip
    return change


def personnel_change_withdraw(*, actor, change: PersonnelChange) -> PersonnelChange:
    """The contractor takes back a request not yet decided."""
    return transition_apply(workflow=PERSONNEL_WORKFLOW, name="withdraw", obj=change, actor=actor)


def personnel_change_decide(
    *,
    actor,
    change: PersonnelChange,
    approve: bool,
    reason: str = "",
    upload=None,
    today: date | None = None,
) -> PersonnelChange:
    """The authority's written decision: the 人员变更审批 document is generated (the signed scan may be
    attached); an approval whose effective date has come applies at once."""
    contract = change.contract
    if not perms.can_decide_personnel_change(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may approve or reject personnel changes."))
    if actor.pk == change.filed_by_id:
        raise SelfApproval(_("You cannot decide on a request you filed yourself."))
    if not approve and not reason.strip():
        raise ReasonRequired(_("Give the reasons for the rejection."))
    today = today_or_now(today)
    with transaction.atomic():
        locked = PersonnelChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != ChangeStatus.SUBMITTED:
            raise AlreadyDecided(_("This request was decided already (%(status)s).")
                                 % {"status": locked.get_status_display()})  # fmt: skip
        signed = (
            store_upload(actor=actor, upload=upload, purpose="contract-personnel-approval")
            if upload
            else None
        )
        change = transition_apply(
            workflow=PERSONNEL_WORKFLOW, name="approve" if approve else "reject", obj=locked, actor=actor,
            changes={"decided_at": timezone.now(), "decided_by": actor, "decision_reason": reason.strip(),
                     "signed_document": signed},
            audit_extra={"reason": reason.strip(), "signed_document": signed.sm3 if signed else None},
        )  # fmt: skip
        body = lifecycle_documents.personnel_approval_docx(change=change, contract=contract, decided_on=today)
        change.approval_document = store_generated(actor=actor, contract=contract, body=body,
                                                   name=f"人员变更审批-{contract.number}-{change.pk}.docx",
                                                   purpose="contract-personnel-approval")  # fmt: skip
        change.save(update_fields=["approval_document"])
        if approve and change.effective_on <= today:
            change = _personnel_apply(change=change, on=today, actor=actor)
        verdict = _("approved") if approve else _("rejected")
        notify_party(contract.contractor_id, perms.CONTRACTOR_ACTING_ROLES, verb="contracts.personnel_change_decided",
                     title=_("Personnel change on contract %(number)s %(verdict)s")
                     % {"number": contract.number, "verdict": verdict},
                     link=reverse("contracts:personnel", args=[contract.pk]))  # fmt: skip
    return change


def _personnel_apply(*, change: PersonnelChange, on: date, actor=None) -> PersonnelChange:
    """The team list changes: the leaver is kept as history (inactive, ``left_on``), the joiner is added."""
    with transaction.atomic():
        locked = PersonnelChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != ChangeStatus.APPROVED:
            return locked  # taken by a concurrent run
        if locked.leaving_id:
            Personnel.objects.filter(pk=locked.leaving_id).update(is_active=False, left_on=on)
        joined = None
        if locked.joining_name:
            joined = Personnel.objects.create(contract_id=locked.contract_id, name=locked.joining_name,
                                              project_role=locked.joining_role, title=locked.joining_title,
                                              qualifications=locked.joining_qualifications, joined_on=on)  # fmt: skip
        return transition_apply(workflow=PERSONNEL_WORKFLOW, name="apply", obj=locked, actor=actor,
                                changes={"applied_on": on, "joined": joined},
                                audit_extra={"applied_on": on.isoformat(), **({} if actor else SYSTEM)})  # fmt: skip


def personnel_changes_apply_due(*, today: date | None = None) -> int:
    """Periodic: approved changes whose effective date has come take effect on that date."""
    today = today_or_now(today)
    done = 0
    for change in PersonnelChange.objects.filter(status=ChangeStatus.APPROVED, effective_on__lte=today):
        _personnel_apply(change=change, on=change.effective_on)
        done += 1
    return done


# --- expiry, continuation and settlement (第三条(二)) --------------------------------------------


def contract_transition(contract: Contract, name: str, actor=None, extra: dict | None = None) -> Contract:
    return transition_apply(workflow=CONTRACT_WORKFLOW, name=name, obj=contract, actor=actor,
                            audit_extra={**(extra or {}), **({} if actor else SYSTEM)})  # fmt: skip


def year_days(contract: Contract) -> int:
    """The days of the service year (365 or 366): the divisor of the day rate."""
    return (contract.service_end - contract.service_start).days + 1


def settlement_amount(contract: Contract, days: int) -> Decimal:
    """第三条(二): 按照本合同标准和乙方实际提供服务的天数进行结算 — amount ÷ days of the year × days served."""
    return money(contract.amount * days / year_days(contract))


def contract_expire(*, contract: Contract, today: date | None = None, actor=None) -> Contract:
    """After the end date: ENDED if the next provider took over the next day, else CONTINUING (with the
    continuation record); a contract not yet past its end, or no longer ACTIVE, is left as it is."""
    today = today_or_now(today)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != ContractStatus.ACTIVE or contract.service_end >= today:
            return contract
        day_after = contract.service_end + timedelta(days=1)
        if contract.successor_starts_on is not None and contract.successor_starts_on <= day_after:
            return contract_transition(contract, "end", actor, {"successor_starts_on": day_after.isoformat()})
        contract = contract_transition(contract, "continue", actor, {"since": day_after.isoformat()})
        Continuation.objects.get_or_create(contract=contract, defaults={"started_on": day_after})
    return contract


def continuation_close(*, contract: Contract, actor=None) -> Continuation | None:
    """The next provider started: the continuation ends the day before, settled by the day."""
    with transaction.atomic():
        row = (
            Continuation.objects.select_for_update().filter(contract=contract, ended_on__isnull=True).first()
        )
        contract = Contract.objects.get(pk=contract.pk)
        if row is None or contract.successor_starts_on is None:
            return row
        row.ended_on = max(
            contract.successor_starts_on - timedelta(days=1), row.started_on - timedelta(days=1)
        )
        row.days = (row.ended_on - row.started_on).days + 1
        row.amount = settlement_amount(contract, row.days)
        # 第三条(二): if the contractor also serves next year, the days go into next year's price
        row.payable = Decimal("0.00") if contract.successor_is_contractor else row.amount
        row.save(update_fields=["ended_on", "days", "amount", "payable"])
        audit_record(action="contracts.continuation_end", actor=actor, actor_name="" if actor else "system",
                     obj=contract, after={"ended_on": row.ended_on.isoformat(), "days": row.days,
                                          "amount": str(row.amount), "payable": str(row.payable)})  # fmt: skip
        if contract.status == ContractStatus.CONTINUING:
            contract_transition(contract, "end", actor, {"continuation_days": row.days})
    return row


def successor_record(
    *,
    actor,
    contract: Contract,
    starts_on: date,
    name: str = "",
    is_contractor: bool = False,
    today: date | None = None,
) -> Contract:
    """The authority records when next year's provider starts; from that day the continuation is over."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may record the next provider."))
    today = today_or_now(today)
    if contract.successor_starts_on is not None and contract.successor_starts_on <= today:
        raise AlreadyDecided(_("The next provider's start (%(date)s) has taken effect already.")
                             % {"date": contract.successor_starts_on.isoformat()})  # fmt: skip
    name = contract.contractor.name if is_contractor else name.strip()
    problems = []
    if not name:
        problems.append(_("Enter the next provider's name."))
    if starts_on <= contract.service_end:
        problems.append(_("The next provider starts after this contract's service ends (%(date)s).")
                        % {"date": contract.service_end.isoformat()})  # fmt: skip
    if problems:
        raise SuccessorInvalid("; ".join(problems), details=problems)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        before = {"successor_starts_on": locked.successor_starts_on.isoformat() if locked.successor_starts_on else None,
                  "successor_name": locked.successor_name}  # fmt: skip
        locked.successor_starts_on, locked.successor_name, locked.successor_is_contractor = (
            starts_on,
            name,
            is_contractor,
        )
        locked.save(update_fields=["successor_starts_on", "successor_name", "successor_is_contractor"])
        audit_record(action="contracts.successor_record", actor=actor, obj=locked, before=before,
                     after={"successor_starts_on": starts_on.isoformat(), "successor_name": name,
                            "successor_is_contractor": is_contractor})  # fmt: skip
        contract_expire(contract=locked, today=today)  # the expiry the job would have done, as the system
        if starts_on <= today:
            continuation_close(contract=locked, actor=actor)
    return Contract.objects.get(pk=contract.pk)


@dataclass(frozen=True)
class Settlement:
    """The continuation's day-based settlement; running (up to today) until the next provider starts."""

    started_on: date
    through: date
    is_final: bool
    days: int
    year_days: int
    amount: Decimal
    payable: Decimal
    contract_amount: Decimal

    @property
    def formula(self) -> str:
        return f"{self.contract_amount:,.2f} ÷ {self.year_days} × {self.days} = {self.amount:,.2f}"

    @property
    def amount_upper(self) -> str:
        return amount_upper(self.amount)

    @property
    def payable_upper(self) -> str:
        return amount_upper(self.payable)


def settlement_for(*, contract: Contract, today: date | None = None) -> Settlement | None:
    """None while the contract never continued past its end."""
    row = Continuation.objects.filter(contract=contract).first()
    if row is None:
        return None
    if row.ended_on is not None:
        return Settlement(row.started_on, row.ended_on, True, row.days, year_days(contract), row.amount, row.payable,
                          contract.amount)  # fmt: skip
    through = max(today_or_now(today), row.started_on - timedelta(days=1))
    days = (through - row.started_on).days + 1
    amount = settlement_amount(contract, days)
    payable = Decimal("0.00") if contract.successor_is_contractor else amount
    return Settlement(
        row.started_on, through, False, days, year_days(contract), amount, payable, contract.amount
    )


# --- weights (附件7 第3条) -------------------------------------------------------------------------

WEIGHT_FIELDS = ("weight", "pct_timeliness", "pct_quality", "pct_docs")


def weights_edit(*, actor, contract: Contract, rows: dict[str, dict[str, str]], reason: str) -> ScoringScheme:
    """The weights page posts every row; only the values that differ from the current version are
    published (``services.scheme_publish`` validates and versions them)."""
    if not perms.can_score(actor, contract):
        raise PermissionDenied(_("Only the client's reviewers may change the scoring weights."))
    current = {w.item.code: w for w in services.scheme_current(contract).weights.select_related("item")}
    changed: dict[str, dict] = {}
    problems = []
    for code, values in rows.items():
        old = current.get(code)
        if old is None:
            problems.append(_("Unknown item %(code)s.") % {"code": code})
            continue
        for key in WEIGHT_FIELDS:
            raw = str(values.get(key, "")).strip()
            if raw == "":
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                problems.append(_("%(item)s: the values must be numbers.") % {"item": old.item.name})
                break
            if not value.is_finite():
                problems.append(_("%(item)s: the values must be numbers.") % {"item": old.item.name})
                break
            if value != getattr(old, key):
                changed.setdefault(code, {})[key] = value
    if problems:
        raise SchemeInvalid("; ".join(problems), details=problems)
    if not changed:
        raise SchemeInvalid(_("Nothing was changed."), details=[_("Nothing was changed.")])
    return services.scheme_publish(actor=actor, contract=contract, weights=changed, reason=reason)


@dataclass
class SchemeVersion:
    scheme: ScoringScheme
    weights: list
    months: list[str]

    @property
    def total(self) -> Decimal:
        return sum((w.weight for w in self.weights), Decimal(0))


def scheme_history(*, contract: Contract) -> list[SchemeVersion]:
    """Every weights version, newest first, with the months scored with it (3 queries)."""
    schemes = list(contract.schemes.select_related("created_by").prefetch_related("weights__item")
                   .order_by("-version"))  # fmt: skip
    used: dict[int, list[str]] = defaultdict(list)
    for sid, y, m, status in contract.months.order_by("year", "month").values_list("scheme_id", "year", "month",
                                                                                     "status"):  # fmt: skip
        used[sid].append(f"{y}-{m:02d}" + ("" if status == "closed" else "*"))
    return [SchemeVersion(s, sorted(s.weights.all(), key=lambda w: w.item.seq), used[s.pk]) for s in schemes]


# --- documents of this module, for both parties ------------------------------------------------


def stored_open(*, user, stored, kind: str):
    """Open a stored document attached to a contract object the user reached through a scoped selector:
    both parties read it (``core.files`` alone scopes by the uploading organization); audited."""
    if stored is None:
        raise NotFound()
    audit_record(
        action="contracts.document_download", actor=user, obj=stored, after={"kind": kind, "sm3": stored.sm3}
    )
    return stored, default_storage.open(stored.storage_name, "rb")


def change_document_open_for(*, user, pk: int, kind: str):
    """The generated written approval (``approval``) or the signed copy (``signed``) of a change."""
    change = personnel_change_get_for(user=user, pk=pk)
    return stored_open(user=user, stored={"approval": change.approval_document,
                                          "signed": change.signed_document}.get(kind), kind=kind)  # fmt: skip


# --- the periodic scan ----------------------------------------------------------------------------


def tasks_mark_late(*, today: date | None = None) -> int:
    """Open tasks past their due date become late (once: audited once per task), and each contractor
    is told which."""
    today = today_or_now(today)
    by_contract: dict[int, list[Task]] = defaultdict(list)
    with transaction.atomic():
        rows = list(Task.objects.select_for_update(of=("self",)).filter(status=TaskStatus.OPEN, due_on__lt=today)
                    .exclude(is_late=True).select_related("contract"))  # fmt: skip
        Task.objects.filter(pk__in=[t.pk for t in rows]).update(is_late=True)
        for t in rows:
            audit_record(action="contracts.task_late", actor_name="system", obj=t, before={"is_late": t.is_late},
                         after={"is_late": True, "due_on": t.due_on.isoformat(), "marked_on": today.isoformat()})  # fmt: skip
            by_contract[t.contract_id].append(t)
        for tasks in by_contract.values():
            contract = tasks[0].contract
            notify_party(contract.contractor_id, perms.CONTRACTOR_ACTING_ROLES, verb="contracts.tasks_late",
                         title=_("Contract %(number)s: %(count)s task(s) past due")
                         % {"number": contract.number, "count": len(tasks)},
                         link=reverse("contracts:detail", args=[contract.pk]),
                         dedupe_key=f"contracts.tasks_late:{contract.pk}:{today.isoformat()}")  # fmt: skip
    return len(rows)


def lifecycle_scan(*, today: date | None = None) -> dict:
    """Periodic and idempotent: late tasks, contracts past their end, continuations whose successor
    started, personnel changes coming into effect, and the penalty scan of the contracts in service."""
    today = today_or_now(today)
    result = {"late_tasks": tasks_mark_late(today=today), "expired": 0, "continuations_closed": 0}
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE, service_end__lt=today):
        contract_expire(contract=contract, today=today)
        result["expired"] += 1
    for row in Continuation.objects.filter(ended_on__isnull=True, contract__successor_starts_on__lte=today):
        continuation_close(contract=row.contract)
        result["continuations_closed"] += 1
    result["personnel_changes"] = personnel_changes_apply_due(today=today)
    suggested = 0
    for contract in Contract.objects.filter(status__in=SERVING_STATUSES):
        suggested += len(services.penalty_scan(contract=contract))
    result["penalties_suggested"] = suggested
    return result
