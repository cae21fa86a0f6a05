"""Contract pages: the list, the contract at a glance and the monthly scoring form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.contracts import permissions as perms
from wangan.contracts import selectors, services
from wangan.contracts.amounts import amount_upper
from wangan.contracts.scoresheet import render_docx, render_xlsx
from wangan.core.errors import DomainError, NotFound


def _contract(request, pk):
    try:
        return selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def contract_list(request):
    return render(request, "contracts/list.html", {"contracts": selectors.contract_list_for(user=request.user)[:200]})


@login_required
def contract_detail(request, pk: int):
    contract = _contract(request, pk)
    context = selectors.contract_overview(contract=contract)
    today = timezone.localdate()
    context.update({"contract": contract, "amount_upper": amount_upper(contract.amount), "today": today,
                    "milestones": contract.milestones.all(), "personnel": contract.personnel.all(),
                    "can_score": perms.can_score(request.user, contract),
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
            errors = [str(d) for d in exc.details] if isinstance(exc.details, list) else [exc.message]
            status_code = 422
    sheet.refresh_from_db()
    data = selectors.score_sheet(sheet=sheet)
    return render(request, "contracts/month.html", {"contract": contract, "sheet": sheet, "data": data,
                                                    "errors": errors, "posted": request.POST}, status=status_code)  # fmt: skip


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
        body, ctype = render_docx(data), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="scoresheet-{sheet.year}-{sheet.month:02d}.{fmt}"'
    return response
