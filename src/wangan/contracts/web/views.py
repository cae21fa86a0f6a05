"""Contract pages: the list, recording a contract, the contract at a glance (the hub linking the other
pages through ``_tabs.html``) and the monthly scoring form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.contracts import permissions as perms
from wangan.contracts import selectors, services, taskflow
from wangan.contracts.amounts import amount_upper, money
from wangan.contracts.errors import ContractInvalid
from wangan.contracts.scoresheet import render_docx, render_xlsx
from wangan.core.errors import DomainError, NotFound

PERSONNEL_ROWS = 5  # blank team rows on the create form (附件1 项目主要人员名单)


def _contract(request, pk):
    try:
        return selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _errors(exc: DomainError) -> list[str]:
    return [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]


@login_required
def contract_list(request):
    contracts = list(selectors.contract_list_for(user=request.user)[:200])
    years = selectors.year_scores(contracts=contracts)
    rows = [(c, years[c.pk], selectors.grade_label(years[c.pk].grade)) for c in contracts]
    return render(
        request, "contracts/list.html", {"rows": rows, "can_create": perms.can_create_contract(request.user)}
    )


@login_required
def amount_preview(request):
    """HTMX: the Chinese upper-case form of the amount being typed (第五条: 大写)."""
    try:
        text = amount_upper(money(request.GET.get("amount", "").replace(",", "").strip()))
    except (ArithmeticError, ValueError, DomainError):
        text = ""
    return render(request, "contracts/_amount_upper.html", {"text": text})


def _personnel(post) -> list[services.PersonIn]:
    people = []
    for i in range(PERSONNEL_ROWS):
        name = post.get(f"p{i}_name", "").strip()
        if name:
            people.append(services.PersonIn(name=name[:60], project_role=post.get(f"p{i}_role", "").strip()[:60],
                                            title=post.get(f"p{i}_title", "").strip()[:60],
                                            qualifications=post.get(f"p{i}_qual", "").strip()[:300]))  # fmt: skip
    return people


@login_required
def contract_create(request):
    """The authority records a signed contract; amounts, bond and dates are derived by the service."""
    if not perms.can_create_contract(request.user):
        raise Http404
    contractors = selectors.contractor_choices_for(user=request.user)
    errors: list[str] = []
    p = request.POST
    if request.method == "POST":
        problems = []
        try:
            signed_on = parse_date(p.get("signed_on", "").strip())
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            signed_on = None
        if signed_on is None:
            problems.append(_("Enter the signing date (YYYY-MM-DD)."))
        base_raw = p.get("penalty_base", "").replace(",", "").strip()
        penalty_base = None
        if base_raw:
            try:
                penalty_base = money(base_raw)
            except ArithmeticError:
                problems.append(_("The penalty base must be a number."))
        raw_contractor = p.get("contractor", "")
        contractor = contractors.filter(pk=int(raw_contractor)).first() if raw_contractor.isdigit() else None
        try:
            if problems:
                raise ContractInvalid("; ".join(problems), details=problems)
            contract = services.contract_create(
                actor=request.user, number=p.get("number", ""), name=p.get("name", ""), contractor=contractor,
                amount=p.get("amount", "").replace(",", "").strip(), signed_on=signed_on,
                client_lead=p.get("client_lead", "").strip(), client_lead_phone=p.get("client_lead_phone", "").strip(),
                contractor_lead=p.get("contractor_lead", "").strip(),
                contractor_lead_phone=p.get("contractor_lead_phone", "").strip(), penalty_base=penalty_base,
                personnel=_personnel(p),
            )  # fmt: skip
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Contract %(number)s recorded: %(upper)s.")
                             % {"number": contract.number, "upper": amount_upper(contract.amount)})  # fmt: skip
            return redirect("contracts:detail", pk=contract.pk)
    try:
        preview = amount_upper(money(p.get("amount", "").replace(",", "").strip())) if p.get("amount") else ""
    except (ArithmeticError, ValueError, DomainError):
        preview = ""
    rows = [{k: p.get(f"p{i}_{k}", "") for k in ("name", "role", "title", "qual")} | {"i": i}
            for i in range(PERSONNEL_ROWS)]  # fmt: skip
    return render(request, "contracts/create.html", {"contractors": contractors, "errors": errors, "posted": p,
                                                     "people": rows, "amount_upper": preview},
                  status=422 if errors else 200)  # fmt: skip


@login_required
@require_POST
def schedule_generate(request, pk: int):
    contract = _contract(request, pk)
    try:
        tasks = taskflow.schedule_generate_for(actor=request.user, contract=contract)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contracts:detail", pk=pk)
    messages.success(request, _("The year schedule has %(count)s tasks.") % {"count": len(tasks)})
    return redirect("contracts:schedule", pk=pk)


@login_required
def contract_detail(request, pk: int):
    contract = _contract(request, pk)
    context = selectors.contract_overview(contract=contract)
    today = timezone.localdate()
    context.update({"contract": contract, "amount_upper": amount_upper(contract.amount), "today": today,
                    "milestones": contract.milestones.all(), "personnel": contract.personnel.filter(is_active=True),
                    "can_score": perms.can_score(request.user, contract), "tab": "overview",
                    "penalty_base": services.penalty_base_of(contract),
                    "formulas": {p.pk: services.penalty_formula(p) for p in context["penalties"]}})  # fmt: skip
    return render(request, "contracts/detail.html", context)


@login_required
def month_form(request, pk: int, year: int, month: int):
    """GET shows the sheet; POST saves the scores (422 with reasons), or closes/reopens the month."""
    contract = _contract(request, pk)
    if not perms.can_score(request.user, contract):
        raise Http404
    status_code = 200
    try:
        sheet = services.month_open(actor=request.user, contract=contract, year=year, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contracts:detail", pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "close":
                services.month_close(actor=request.user, sheet=sheet)
                messages.success(request, _("The month is closed."))
            elif action == "reopen":
                services.month_reopen(actor=request.user, sheet=sheet, reason=request.POST.get("reason", ""))
                messages.success(request, _("The month is reopened."))
            else:
                services.month_score(actor=request.user, sheet=sheet, entries=_entries(request.POST, sheet))
                messages.success(request, _("Scores saved."))
            return redirect("contracts:month", pk=pk, year=year, month=month)
        except DomainError as exc:
            errors = _errors(exc)
            status_code = 422
    sheet.refresh_from_db()
    data = selectors.score_sheet(sheet=sheet)
    rows = []
    for r in data.rows:  # a refused form shows what was typed, so it can be corrected
        if errors:
            values = [request.POST.get(f"{k}_{r.item_id}", "") for k in ("t", "q", "d", "n")]
        else:
            values = [f"{v.normalize():f}" for v in r.scores] + [r.note] if r.scores else ["", "", "", ""]
        rows.append((r, values))
    return render(request, "contracts/month.html", {"contract": contract, "sheet": sheet, "data": data, "rows": rows,
                                                    "grade_label": selectors.grade_label(data.grade), "tab": "scoring",
                                                    "can_score": True, "errors": errors, "posted": request.POST},
                  status=status_code)  # fmt: skip


def _entries(post, sheet) -> list[services.ScoreIn]:
    out = []
    scheduled = services.scheduled_item_ids(sheet.contract, sheet.year, sheet.month)
    for item_id in sorted(scheduled):
        raw = [post.get(f"{k}_{item_id}", "").strip() for k in ("t", "q", "d")]
        if not any(raw):
            continue
        try:
            values = [Decimal(v) if v else Decimal(0) for v in raw]
        except InvalidOperation:
            raise DomainError(_("Scores must be numbers."), code="SCORE_INVALID") from None
        if not all(v.is_finite() for v in values):  # "NaN" and "Infinity" parse but compare with nothing
            raise DomainError(_("Scores must be numbers."), code="SCORE_INVALID")
        out.append(services.ScoreIn(item_id, *values, note=post.get(f"n_{item_id}", "")))
    return out


@login_required
def month_export(request, pk: int, fmt: str):
    try:
        sheet = selectors.month_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    data = selectors.score_sheet(sheet=sheet)
    if fmt == "xlsx":
        body, ctype = render_xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "docx":
        body, ctype = (
            render_docx(data),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = (
        f'attachment; filename="scoresheet-{sheet.year}-{sheet.month:02d}.{fmt}"'
    )
    return response
