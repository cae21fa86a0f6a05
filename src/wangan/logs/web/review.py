"""Review pages (seed 004 附件3 §6 日志审查): overview, event search, authorized/unauthorized access,
privileged operations, faults, anomalies, alerts, attack chains and the "handle first" list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from wangan.logs import selectors
from wangan.logs.store import EventFilter
from wangan.logs.web.common import logs_page, query_without_page, window_from
from wangan.logs.web.forms import AlertFilterForm, EventSearchForm

PAGE = 50
REVIEW_TITLES = {
    "authorized": _("Authorized access"),
    "unauthorized": _("Unauthorized access"),
    "privileged": _("Privileged operations"),
    "faults": _("System faults and errors"),
}
REVIEW_HELP = {
    "authorized": _("Successful logins and sessions: check that every source and account is an authorized one."),
    "unauthorized": _("Failed logins and refused web requests (401/403): guessing, scanning, misuse."),
    "privileged": _("sudo, su and changes to accounts and groups."),
    "faults": _("Errors, crashes and server failures (error-level messages, HTTP 5xx)."),
}


@logs_page
def overview(request):
    window, form = window_from(request)
    user = request.user
    return render(request, "logs/overview.html", {
        "form": form, "window": window, "review": selectors.review_summary_for(user=user, window=window),
        "review_titles": REVIEW_TITLES, "levels_chart": selectors.alert_levels_for(user=user, window=window),
        "events_chart": selectors.events_per_day_for(user=user, window=window),
        "risks": selectors.risk_list_for(user=user, window=window, n=10),
        "rules": selectors.alert_rules_for(user=user, window=window, n=10),
        "chains": list(selectors.chain_list_for(user=user, window=window)[:5]),
        "batches": list(selectors.batch_list_for(user=user)[:8]),
        "new_templates": selectors.template_list_for(user=user, window=window).count(),
        "query": query_without_page(request),
    })  # fmt: skip


def _event_filter(form: EventSearchForm, window) -> EventFilter:
    d = form.cleaned_data if form.is_valid() else {}
    return EventFilter(since=window.since, until=window.until, source_id=d.get("source"), category=d.get("category") or "",
                       outcome=d.get("outcome") or "", host=d.get("host") or "", user=d.get("user") or "",
                       src_ip=d.get("src_ip") or "", text=d.get("q") or "")  # fmt: skip


@logs_page
def event_search(request):
    window, _wform = window_from(request)
    form = EventSearchForm(request.GET or None)
    qs = selectors.event_search_for(user=request.user, flt=_event_filter(form, window))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    if not form.is_bound:
        form = EventSearchForm(initial=_wform.initial)
    return render(request, "logs/event_search.html", {"form": form, "page": page, "query": query_without_page(request)})


@logs_page
def review(request, kind: str):
    if kind not in REVIEW_TITLES:
        selectors.review_q(kind)  # raises NotFound
    window, form = window_from(request)
    user = request.user
    qs = selectors.review_events_for(user=user, kind=kind, window=window)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    tops = {f: selectors.review_top_for(user=user, kind=kind, window=window, field=f, n=8)
            for f in ("user", "src_ip", "host", "action")}  # fmt: skip
    return render(request, "logs/review.html", {
        "kind": kind, "title": REVIEW_TITLES[kind], "help": REVIEW_HELP[kind], "form": form, "page": page,
        "tops": tops, "chart": selectors.events_per_day_for(user=user, window=window, kind=kind),
        "query": query_without_page(request), "review_titles": REVIEW_TITLES,
    })  # fmt: skip


@logs_page
def anomalies(request):
    window, form = window_from(request)
    templates = Paginator(selectors.template_list_for(user=request.user, window=window), PAGE).get_page(request.GET.get("page"))
    alerts = list(selectors.alert_list_for(user=request.user, window=window, kind="anomaly")[:50])
    return render(request, "logs/anomalies.html", {"form": form, "page": templates, "alerts": alerts,
                                                   "query": query_without_page(request), "review_titles": REVIEW_TITLES})  # fmt: skip


@logs_page
def alert_list(request):
    window, _wform = window_from(request, days=90)
    form = AlertFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    qs = selectors.alert_list_for(user=request.user, window=window, level=d.get("level") or "", kind=d.get("kind") or "",
                                  text=d.get("q") or "", src_ip=d.get("src_ip") or "")  # fmt: skip
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    if not form.is_bound:
        form = AlertFilterForm(initial=window_from(request, days=90)[1].initial)
    return render(request, "logs/alert_list.html", {"form": form, "page": page, "query": query_without_page(request)})


@logs_page
def alert_detail(request, pk: int):
    alert = selectors.alert_get_for(user=request.user, pk=pk)
    return render(request, "logs/alert_detail.html", {"alert": alert})


@logs_page
def chain_list(request):
    window, form = window_from(request, days=90)
    page = Paginator(selectors.chain_list_for(user=request.user, window=window), 20).get_page(request.GET.get("page"))
    return render(request, "logs/chain_list.html", {"form": form, "page": page, "query": query_without_page(request)})


@logs_page
def chain_detail(request, pk: int):
    chain = selectors.chain_get_for(user=request.user, pk=pk)
    steps = [s | {"at": parse_datetime(s["timestamp"]) if s.get("timestamp") else None} for s in chain.steps]
    return render(request, "logs/chain_detail.html", {"chain": chain, "steps": steps})


@logs_page
def risk_list(request):
    window, form = window_from(request, days=90)
    rows = selectors.risk_list_for(user=request.user, window=window, n=100)
    return render(request, "logs/risk_list.html", {"form": form, "rows": rows})
