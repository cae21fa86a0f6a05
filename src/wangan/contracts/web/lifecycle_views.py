"""Pages of the contract's lifecycle: personnel changes, continuation and settlement, annual acceptance,
scoring weights.  Contracts are reached through the scoped selector (anyone else gets 404); writes go
through ``contracts.lifecycle``; a refused request re-renders the page with its reasons and status 422."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangan.contracts import acceptance as acceptance_services
from wangan.contracts import lifecycle, selectors, services
from wangan.contracts import permissions as perms
from wangan.contracts.amounts import amount_upper
from wangan.contracts.choices import ChangeStatus, ContractStatus, Grade
from wangan.contracts.models import Contract
from wangan.core.errors import DomainError, NotFound
from wangan.core.files import file_response

EXPERT_ROWS = 5
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
TEXT = {"class": "form-control form-control-sm"}


def _contract(request, pk: int) -> Contract:
    try:
        return selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _reasons(exc: DomainError) -> list[str]:
    return [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]


def _form_reasons(form: forms.Form) -> list[str]:
    out = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}: {e}" if label else str(e) for e in errs]
    return out


def _nav(contract: Contract, active: str) -> dict:
    return {"contract": contract, "active_tab": active}


# --- personnel changes ------------------------------------------------------------------------------


class ChangeForm(forms.Form):
    leaving = forms.TypedChoiceField(label=gettext_lazy("Person leaving"), required=False, coerce=int,
                                     empty_value=None, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    joining_name = forms.CharField(label=gettext_lazy("Person joining"), max_length=60, required=False,
                                   widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    joining_role = forms.CharField(label=gettext_lazy("Project role"), max_length=60, required=False,
                                   widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    joining_title = forms.CharField(label=gettext_lazy("Professional title"), max_length=60, required=False,
                                    widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    joining_qualifications = forms.CharField(label=gettext_lazy("Qualifications"), max_length=300, required=False,
                                             widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    effective_on = forms.DateField(label=gettext_lazy("Effective date"), widget=DATE_WIDGET)

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaving"].choices = [("", "—"), *((p.pk, f"{p.name} · {p.project_role}") for p in team)]


class DecideForm(forms.Form):
    change = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=gettext_lazy("Decision"),
                                 choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))])  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("Reasons"), required=False)
    document = forms.FileField(label=gettext_lazy("Signed written approval (optional)"), required=False)


@login_required
def personnel(request, pk: int):
    """The team (current and former) and the change requests; the contractor files, the client decides."""
    contract = _contract(request, pk)
    team = list(contract.personnel.filter(is_active=True))
    can_request = perms.can_request_personnel_change(request.user, contract)
    can_decide = perms.can_decide_personnel_change(request.user, contract)
    form = ChangeForm(team=team)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "file" and can_request:
                form = ChangeForm(request.POST, team=team)
                if not form.is_valid():
                    errors = _form_reasons(form)
                else:
                    d = form.cleaned_data
                    lifecycle.personnel_change_file(
                        actor=request.user, contract=contract, reason=d["reason"], effective_on=d["effective_on"],
                        leaving_id=d["leaving"], joining=services.PersonIn(
                            name=d["joining_name"], project_role=d["joining_role"], title=d["joining_title"],
                            qualifications=d["joining_qualifications"]),
                    )  # fmt: skip
                    messages.success(request, _("The change request was sent to the client for approval."))
                    return redirect("contracts:personnel", pk=pk)
            elif action == "decide" and can_decide:
                decide = DecideForm(request.POST, request.FILES)
                if not decide.is_valid():
                    errors = _form_reasons(decide)
                else:
                    change = _change_of(request, contract, decide.cleaned_data["change"])
                    lifecycle.personnel_change_decide(actor=request.user, change=change,
                                                      approve=decide.cleaned_data["decision"] == "approve",
                                                      reason=decide.cleaned_data["reason"],
                                                      upload=decide.cleaned_data["document"])  # fmt: skip
                    messages.success(
                        request, _("The decision is recorded and the written approval generated.")
                    )
                    return redirect("contracts:personnel", pk=pk)
            elif action == "withdraw" and can_request:
                change = _change_of(request, contract, request.POST.get("change"))
                lifecycle.personnel_change_withdraw(actor=request.user, change=change)
                messages.success(request, _("The request was withdrawn."))
                return redirect("contracts:personnel", pk=pk)
            else:
                raise Http404
        except DomainError as exc:
            errors = _reasons(exc)
        status = 422
    changes = list(lifecycle.personnel_change_list_for(user=request.user, contract=contract))
    return render(request, "contracts/lifecycle/personnel.html", {
        **_nav(contract, "personnel"), "team": team, "former": contract.personnel.filter(is_active=False),
        "changes": changes, "form": form, "errors": errors, "can_request": can_request, "can_decide": can_decide,
        "earliest": lifecycle.notice_earliest(timezone.localdate()), "submitted": ChangeStatus.SUBMITTED,
        "in_service": contract.status in (ContractStatus.ACTIVE, ContractStatus.CONTINUING),
    }, status=status)  # fmt: skip


def _change_of(request, contract: Contract, raw):
    try:
        change = lifecycle.personnel_change_get_for(user=request.user, pk=int(raw))
    except (NotFound, TypeError, ValueError):
        raise Http404 from None
    if change.contract_id != contract.pk:
        raise Http404
    return change


@login_required
@require_GET
def personnel_document(request, pk: int, kind: str):
    """The generated 人员变更审批 (``approval``) or the uploaded signed approval (``signed``)."""
    return _document(request, lifecycle.change_document_open_for, pk, kind)


def _document(request, opener, pk: int, kind: str):
    try:
        stored, handle = opener(user=request.user, pk=pk, kind=kind)
    except NotFound:
        raise Http404 from None
    return file_response(stored=stored, handle=handle)


# --- continuation and settlement ----------------------------------------------------------------


class SuccessorForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Next provider starts on"), widget=DATE_WIDGET)
    name = forms.CharField(label=gettext_lazy("Next provider"), max_length=200, required=False,
                           widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    is_contractor = forms.BooleanField(
        label=gettext_lazy("The same contractor serves next year"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


@login_required
def settlement(request, pk: int):
    """第三条(二): the continuation after expiry, its day-based settlement and the next provider's start."""
    contract = _contract(request, pk)
    can_record = perms.can_score(request.user, contract)
    form = SuccessorForm(initial={"name": contract.successor_name, "starts_on": contract.successor_starts_on,
                                  "is_contractor": contract.successor_is_contractor})  # fmt: skip
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not can_record:
            raise Http404
        form = SuccessorForm(request.POST)
        if form.is_valid():
            try:
                lifecycle.successor_record(actor=request.user, contract=contract, **form.cleaned_data)
            except DomainError as exc:
                errors = _reasons(exc)
            else:
                messages.success(request, _("The next provider's start is recorded."))
                return redirect("contracts:settlement", pk=pk)
        else:
            errors = _form_reasons(form)
        status = 422
    contract.refresh_from_db()
    s = lifecycle.settlement_for(contract=contract)
    return render(request, "contracts/lifecycle/settlement.html", {
        **_nav(contract, "settlement"), "s": s, "form": form, "errors": errors, "can_record": can_record,
        "amount_upper": amount_upper(contract.amount), "year_days": lifecycle.year_days(contract),
    }, status=status)  # fmt: skip


# --- annual acceptance --------------------------------------------------------------------------


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=gettext_lazy("Review date"), widget=DATE_WIDGET)
    result = forms.ChoiceField(label=gettext_lazy("Conclusion"),
                               choices=[("pass", gettext_lazy("Pass")), ("fail", gettext_lazy("Fail"))])  # fmt: skip
    conclusion = forms.CharField(label=gettext_lazy("Review group's conclusion"),
                                 widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip
    failure_reasons = forms.CharField(label=gettext_lazy("Reasons for failing"), required=False,
                                      widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip
    rectification = forms.CharField(label=gettext_lazy("Rectification required"), required=False,
                                    widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip

    def experts(self, data) -> list[acceptance_services.ExpertIn]:
        return [acceptance_services.ExpertIn(data.get(f"expert_name_{i}", "")[:60], data.get(f"expert_opinion_{i}", "")[:2000])
                for i in range(1, EXPERT_ROWS + 1)]  # fmt: skip


class RectifyForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.CharField(
        label=gettext_lazy("Rectification report"), widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    document = forms.FileField(label=gettext_lazy("Supporting document (optional)"), required=False)


@login_required
def acceptance(request, pk: int):
    """第十条(三): the deadline, the year's facts, the review rounds; the client records reviews, the
    contractor reports rectification."""
    contract = _contract(request, pk)
    can_review = perms.can_review_acceptance(request.user, contract)
    can_rectify = perms.can_deliver(request.user, contract)
    errors: list[str] = []
    posted = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "review" and can_review:
                form = ReviewForm(request.POST)
                posted = request.POST
                if not form.is_valid():
                    errors = _form_reasons(form)
                else:
                    d = form.cleaned_data
                    acceptance_services.acceptance_record(
                        actor=request.user, contract=contract, reviewed_on=d["reviewed_on"],
                        experts=form.experts(request.POST), passed=d["result"] == "pass", conclusion=d["conclusion"],
                        failure_reasons=d["failure_reasons"], rectification=d["rectification"],
                    )  # fmt: skip
                    messages.success(request, _("The acceptance review is recorded."))
                    return redirect("contracts:acceptance", pk=pk)
            elif action == "rectify" and can_rectify:
                form = RectifyForm(request.POST, request.FILES)
                if not form.is_valid():
                    errors = _form_reasons(form)
                else:
                    review = _review_of(request, contract, form.cleaned_data["review"])
                    acceptance_services.acceptance_rectify(actor=request.user, review=review, report=form.cleaned_data["report"],
                                                 upload=form.cleaned_data["document"])  # fmt: skip
                    messages.success(request, _("The rectification is reported to the client."))
                    return redirect("contracts:acceptance", pk=pk)
            else:
                raise Http404
        except DomainError as exc:
            errors = _reasons(exc)
        status = 422
    contract.refresh_from_db()
    today = timezone.localdate()
    state = acceptance_services.acceptance_state_for(contract=contract, today=today)
    facts = acceptance_services.year_report_facts(contract=contract, today=today)
    return render(request, "contracts/lifecycle/acceptance.html", {
        **_nav(contract, "acceptance"), "state": state, "facts": facts, "errors": errors, "posted": posted,
        "can_review": can_review, "can_rectify": can_rectify, "today": today,
        "grade_label": Grade(facts.grade).label if facts.grade else "",
        "milestone_upper": amount_upper(state.milestone.amount) if state.milestone else "",
        "expert_rows": [(i, posted.get(f"expert_name_{i}", ""), posted.get(f"expert_opinion_{i}", ""))
                        for i in range(1, EXPERT_ROWS + 1)],
        "may_record": state.is_due and not state.awaiting_rectification,
    }, status=status)  # fmt: skip


def _review_of(request, contract: Contract, raw):
    try:
        review = acceptance_services.acceptance_review_get_for(user=request.user, pk=int(raw))
    except (NotFound, TypeError, ValueError):
        raise Http404 from None
    if review.contract_id != contract.pk:
        raise Http404
    return review


@login_required
@require_GET
def acceptance_report(request, pk: int):
    """The year report as of today, as DOCX."""
    contract = _contract(request, pk)
    body = acceptance_services.year_report_bytes(user=request.user, contract=contract)
    response = HttpResponse(body, content_type=lifecycle.DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote('年度考核报告-' + contract.number)}.docx"
    )
    return response


@login_required
@require_GET
def acceptance_document(request, pk: int, kind: str):
    """A review round's stored year report (``report``) or the contractor's rectification file."""
    return _document(request, acceptance_services.review_document_open_for, pk, kind)


# --- weights ------------------------------------------------------------------------------------


@login_required
def weights(request, pk: int):
    """附件7 第3条: the client edits the item weights and the three percentages (a new version each time);
    both parties see the version history and which months were scored with which version."""
    contract = _contract(request, pk)
    can_edit = perms.can_score(request.user, contract)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        rows = {}
        for key, value in request.POST.items():
            field, sep, code = key.partition("__")
            if sep and field in lifecycle.WEIGHT_FIELDS:
                rows.setdefault(code, {})[field] = value
        try:
            scheme = lifecycle.weights_edit(actor=request.user, contract=contract, rows=rows,
                                            reason=request.POST.get("reason", ""))  # fmt: skip
        except DomainError as exc:
            errors = _reasons(exc)
            status = 422
        else:
            messages.success(
                request, _("Weights version %(version)s is published.") % {"version": scheme.version}
            )
            return redirect("contracts:weights", pk=pk)
    history = lifecycle.scheme_history(contract=contract)
    current = history[0] if history else None
    # the form shows what was posted after a refusal, else the current version
    form_rows = [{"w": w, "pct_sum": _plain(w.pct_timeliness + w.pct_quality + w.pct_docs),
                  "values": [(f, request.POST.get(f"{f}__{w.item.code}", _plain(getattr(w, f))) if errors
                              else _plain(getattr(w, f))) for f in lifecycle.WEIGHT_FIELDS]}
                 for w in (current.weights if current else [])]  # fmt: skip
    return render(request, "contracts/lifecycle/weights.html", {
        **_nav(contract, "weights"), "history": history, "current": current, "form_rows": form_rows,
        "can_edit": can_edit, "errors": errors, "reason": request.POST.get("reason", "") if errors else "",
    }, status=status)  # fmt: skip


def _plain(value) -> str:
    return f"{value.normalize():f}"
