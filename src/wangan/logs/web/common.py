"""What every log page shares: the access check, the time window, 404 for objects out of reach."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone

from wangan.core.errors import NotFound
from wangan.logs import selectors
from wangan.logs.permissions import can_use_logs
from wangan.logs.web.forms import WindowForm

DEFAULT_DAYS = 30


def logs_page(view):
    """Signed in, allowed to use the log service; a selector's NotFound becomes a 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_use_logs(request.user):
            raise DjangoPermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def window_from(request, days: int = DEFAULT_DAYS) -> tuple[selectors.Window, WindowForm]:
    """The page's [since, until) from ``since``/``until`` dates (end inclusive).

    By default the ``days`` up to the newest stored event: logs are often analysed after the fact (a
    quarter's collection), so "the last 30 days" of the calendar could well be empty.
    """
    form = WindowForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
    tz = timezone.get_current_timezone()
    now = timezone.now() if since and until else (selectors.latest_event_at_for(user=request.user) or timezone.now())
    start = timezone.make_aware(datetime.combine(since, time.min), tz) if since else now - timedelta(days=days)
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), tz) if until else now + timedelta(minutes=1)
    if not form.is_bound:
        form = WindowForm(initial={"since": timezone.localtime(start).date(), "until": timezone.localtime(now).date()})
    return selectors.Window(start, end), form


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
