"""Pages of the shared kernel: home dashboard, health check, inbox, audit viewer."""

from __future__ import annotations

import csv
import shutil
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangan.core import selectors
from wangan.core.audit import audit_record
from wangan.core.errors import NotFound
from wangan.core.notify import notification_mark_read


@never_cache
def healthz(request):
    """For load balancers: database, broker and disk; 503 when one is down."""
    checks: dict[str, dict] = {}
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "down" to a load balancer
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    checks["broker"] = _broker_check()
    usage = shutil.disk_usage(settings.DATA_DIR)
    checks["disk"] = {"ok": usage.free > 512 * 1024 * 1024, "free_bytes": usage.free}
    ok = all(c["ok"] for c in checks.values())
    # The scheduler is reported, not gating: a load balancer must not drop a healthy web node
    # because the (separate) worker stopped.
    beat = settings.DATA_DIR / "heartbeat"
    if beat.exists():
        age = time.time() - float(beat.read_text() or 0)
        checks["scheduler"] = {"ok": age < 300, "last_beat_seconds_ago": round(age)}
    body = {"status": "ok" if ok else "degraded", "checks": checks, "ms": round((time.monotonic() - started) * 1000)}
    return JsonResponse(body, status=200 if ok else 503)


def _broker_check() -> dict:
    from wangan.celery import app

    if settings.EMBEDDED_BROKER:
        spool = settings.DATA_DIR / "broker" / "in"
        return {"ok": spool.is_dir(), "transport": "filesystem"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": app.conf.broker_url.split(":", 1)[0]}
    except Exception as exc:  # unreachable broker
        return {"ok": False, "error": type(exc).__name__}


@login_required
def inbox(request):
    qs = selectors.notification_list_for(user=request.user, unread_only=request.GET.get("unread") == "1")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "core/_partials/inbox_list.html" if request.htmx else "core/inbox.html"
    return render(request, template, {"page": page, "unread_only": request.GET.get("unread") == "1"})


@login_required
@require_POST
def inbox_read(request, pk: int | None = None):
    if pk is not None:
        try:
            note = selectors.notification_get_for(user=request.user, pk=pk)
        except NotFound:
            return not_found(request)
        notification_mark_read(user=request.user, ids=[note.pk])
        if note.link and request.POST.get("follow"):
            return redirect(note.link)
    else:
        notification_mark_read(user=request.user)
    return redirect("core:inbox")


def _audit_filters(request) -> dict:
    def day(name: str) -> datetime | None:
        value = parse_date(request.GET.get(name) or "")
        if value is None:
            return None
        return timezone.make_aware(datetime.combine(value, datetime.min.time()))

    until = day("until")
    return {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "object_type": request.GET.get("object_type", "").strip(),
        "object_id": request.GET.get("object_id", "").strip(),
        "outcome": request.GET.get("outcome", "").strip(),
        "since": day("since"),
        "until": until + timedelta(days=1) if until else None,
        "text": request.GET.get("q", "").strip(),
    }


def _require_audit_admin(user) -> None:
    if getattr(user, "platform_role", "") != "audit_admin":
        raise PermissionDenied


@login_required
def audit_list(request):
    _require_audit_admin(request.user)
    qs = selectors.audit_event_list_for(user=request.user, **_audit_filters(request))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_partials/audit_table.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {"page": page, "query": query.urlencode(), "filters": request.GET})


class _Echo:
    def write(self, value):
        return value


@login_required
def audit_export(request):
    """CSV export of the filtered trail; the export itself is audited."""
    _require_audit_admin(request.user)
    filters = _audit_filters(request)
    qs = selectors.audit_event_list_for(user=request.user, **filters)
    audit_record(action="audit.exported", actor=request.user, object_type="audit",
                 after={k: str(v) for k, v in filters.items() if v})  # fmt: skip
    writer = csv.writer(_Echo())
    header = ["seq", "at", "actor", "organization", "role", "action", "object_type", "object_id", "object",
              "before", "after", "ip", "outcome", "hash"]  # fmt: skip

    def rows():
        yield "\ufeff"  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
        yield writer.writerow(header)
        for e in qs.iterator(chunk_size=2000):
            yield writer.writerow([e.seq, e.at.isoformat(), e.actor_name, e.organization_name, e.role, e.action,
                                   e.object_type, e.object_id, e.object_repr, e.before, e.after, e.ip, e.outcome,
                                   e.hash])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404, "message": _("Not found.")}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403, "message": _("You may not open this page.")}, status=403)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
