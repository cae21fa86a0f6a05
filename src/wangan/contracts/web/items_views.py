"""The contract's service items page: the client's reviewers change the months of the twice-a-year items and
the deliverable documents each item asks for (``contracts.items``); the contractor reads; anyone else 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangan.contracts import items as item_services
from wangan.contracts import permissions as perms
from wangan.contracts import selectors
from wangan.contracts.choices import SERVING_STATUSES
from wangan.contracts.models import Contract
from wangan.core.errors import DomainError, NotFound


def _contract(request, pk: int) -> Contract:
    try:
        return selectors.contract_get_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _reasons(exc: DomainError) -> list[str]:
    return [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]


def _posted_rows(post, rows) -> dict[str, item_services.ItemIn]:
    """Every row as the form posts it: two month selects for a twice-a-year item, one document per line."""
    out = {}
    for row in rows:
        code = row.item.code
        months = post.getlist(f"months__{code}") if row.is_months_editable else None
        raw = post.get(f"deliverables__{code}")
        # blank lines are layout, not empty names (the API refuses empty names)
        deliverables = [line for line in raw.splitlines() if line.strip()] if raw is not None else None
        out[code] = item_services.ItemIn(months=months, deliverables=deliverables)
    return out


@login_required
def items(request, pk: int):
    """附件3's items as this contract has them; the client edits, both parties see the plan."""
    contract = _contract(request, pk)
    can_edit = perms.can_score(request.user, contract) and contract.status in SERVING_STATUSES
    errors: list[str] = []
    status = 200
    rows = item_services.item_rows_for(contract=contract)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            result = item_services.items_edit(actor=request.user, contract=contract,
                                              rows=_posted_rows(request.POST, rows),
                                              note=request.POST.get("note", "")[:500])  # fmt: skip
        except DomainError as exc:
            errors = _reasons(exc)
            status = 422
        else:
            names = {r.item.code: r.item.name for r in rows}
            messages.success(request, _("Service items saved: %(items)s; %(moved)s task(s) moved, %(retitled)s "
                                        "open task(s) given the new document names.")
                             % {"items": "、".join(names[c] for c in result.changed), "moved": len(result.moved),
                                "retitled": result.retitled})  # fmt: skip
            return redirect("contracts:items", pk=pk)
    form_rows = []
    for row in rows:
        code = row.item.code
        if errors:  # show what was posted after a refusal
            months = request.POST.getlist(f"months__{code}")
            docs = request.POST.get(f"deliverables__{code}", "")
        else:
            months = [str(k) for k, _label, _locked in row.months]
            docs = "\n".join(row.item.deliverables)
        form_rows.append({"row": row, "months": (months + ["", ""])[:2], "docs": docs})
    return render(request, "contracts/items.html", {
        "contract": contract, "active_tab": "items", "form_rows": form_rows, "month_labels": item_services.month_labels(contract),
        "can_edit": can_edit, "errors": errors, "note": request.POST.get("note", "") if errors else "",
        "max_docs": item_services.MAX_DELIVERABLES, "max_length": item_services.MAX_DELIVERABLE_LENGTH,
    }, status=status)  # fmt: skip
