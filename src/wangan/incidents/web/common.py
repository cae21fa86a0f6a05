"""What every incident page shares: sign-in, 404 for what the caller may not see, refusals as form errors."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from wangan.contracts import permissions as cperms
from wangan.contracts.selectors import contract_get_for
from wangan.core.errors import DomainError, NotFound


def incidents_page(view):
    """Signed in; a selector's NotFound (another tenant's object, a wrong id) becomes a 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def contract_for(request, pk: int):
    return contract_get_for(user=request.user, pk=pk)


def refuse(form, exc: DomainError) -> int:
    """Put a service's refusal on the form (every reason) and return the status to answer with."""
    reasons = (
        [str(d) for d in exc.details] if isinstance(exc.details, list) and exc.details else [exc.message]
    )
    for reason in reasons:
        form.add_error(None, reason)
    return exc.status if exc.status >= 400 else 422


def roles(user, contract) -> dict:
    """What the caller may do on the contract's pages (buttons shown; the services decide)."""
    client, contractor = cperms.can_score(user, contract), cperms.can_deliver(user, contract)
    return {"is_client": client, "is_contractor": contractor, "can_record": client or contractor}
