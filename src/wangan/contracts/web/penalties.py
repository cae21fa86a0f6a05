"""The penalties page: suggested, confirmed and dismissed rows with their formula and evidence, the
authority's decisions, the scan on demand and the manual raise of a 附件5/附件6 row."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangan.contracts import catalog, selectors, services, taskflow
from wangan.contracts import permissions as perms
from wangan.contracts.amounts import percent_of
from wangan.contracts.choices import SuggestionStatus
from wangan.core.errors import DomainError, NotFound


def _context(request, contract, errors=()):
    rows = list(selectors.penalty_list_for(user=request.user, contract=contract))
    base = services.penalty_base_of(contract)
    texts = {v.code: v.text for v in catalog.VIOLATIONS}
    catalogue = [(v, percent_of(base, v.percent)) for v in catalog.VIOLATIONS]
    return {
        "contract": contract, "tab": "penalties", "errors": list(errors), "base": base,
        "rows": [(r, services.penalty_formula(r), texts.get(r.code, "")) for r in rows],
        "totals": selectors.penalty_totals(rows), "can_score": perms.can_score(request.user, contract),
        "major": [c for c in catalogue if c[0].severity == "major"],
        "general": [c for c in catalogue if c[0].severity == "general"],
        "suggested": SuggestionStatus.SUGGESTED, "posted": request.POST,
    }  # fmt: skip


@login_required
def penalties(request, pk: int):
    """GET lists; POST ``action`` = scan, raise (code + evidence) or decide (penalty, confirm/dismiss,
    reason) — authority only; a refusal re-renders the page with its reasons and changes nothing."""
    try:
        contract = selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if request.method != "POST":
        return render(request, "contracts/penalties.html", _context(request, contract))
    p = request.POST
    action = p.get("action", "")
    try:
        if action == "scan":
            made = taskflow.penalty_scan_for(actor=request.user, contract=contract)
            messages.success(request, _("Scan done: %(count)s new suggestion(s).") % {"count": len(made)})
        elif action == "raise":
            row = services.penalty_raise(actor=request.user, contract=contract, code=p.get("code", ""),
                                         evidence=p.get("evidence", ""))  # fmt: skip
            messages.success(request, _("Violation %(code)s raised: %(formula)s.")
                             % {"code": row.code, "formula": services.penalty_formula(row)})  # fmt: skip
        elif action in ("confirm", "dismiss"):
            try:
                row = selectors.penalty_get_for(user=request.user, pk=int(p.get("penalty", "")))
            except (NotFound, ValueError):
                raise DomainError(_("Choose a penalty of this contract."), code="PENALTY_UNKNOWN") from None
            if row.contract_id != contract.pk:
                raise DomainError(_("Choose a penalty of this contract."), code="PENALTY_UNKNOWN")
            services.penalty_decide(actor=request.user, suggestion=row, confirm=action == "confirm",
                                    reason=p.get("reason", ""))  # fmt: skip
            messages.success(request, _("Decision recorded."))
        else:
            raise DomainError(_("Unknown action."), code="UNKNOWN_ACTION")
    except DomainError as exc:
        errors = (
            [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]
        )
        return render(
            request, "contracts/penalties.html", _context(request, contract, errors), status=exc.status
        )
    return redirect("contracts:penalties", pk=pk)
