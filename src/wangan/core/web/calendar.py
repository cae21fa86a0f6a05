"""Working-day calendar page: the system admin checks a year and enters next year's schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from wangan.core import workcal
from wangan.core.errors import DomainError

MAX_CSV_BYTES = 256 * 1024


def _require_system_admin(user) -> None:
    if getattr(user, "platform_role", "") != "system_admin":
        raise PermissionDenied


@login_required
def calendar_year(request):
    _require_system_admin(request.user)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2004), 2100)
    problems: list[str] = []
    if request.method == "POST":
        problems = _handle_post(request, year)
        if not problems:
            return redirect(f"{request.path}?year={year}")
    days = [d for d in workcal.year_days(year) if not d.is_standard]
    return render(request, "core/calendar.html", {
        "year": year, "status": workcal.year_status(year), "days": days, "problems": problems,
        "years": range(timezone.localdate().year - 1, timezone.localdate().year + 3),
    }, status=422 if problems else 200)  # fmt: skip


def _handle_post(request, year: int) -> list[str]:
    try:
        if "csv" in request.FILES:
            upload = request.FILES["csv"]
            if upload.size > MAX_CSV_BYTES:
                return [_("The file is larger than 256 KB; a year's schedule is a few dozen rows.")]
            entries = workcal.calendar_csv_parse(data=upload.read())
            summary = workcal.calendar_year_import(actor=request.user, year=year, rows=entries)
            messages.success(request, _("Schedule of %(year)s imported: %(a)d added, %(c)d changed, %(r)d removed.")
                             % {"year": year, "a": summary.added, "c": summary.changed, "r": summary.removed})  # fmt: skip
        else:
            day = parse_date(request.POST.get("date", ""))
            if day is None:
                return [_("Enter a date as YYYY-MM-DD.")]
            workcal.calendar_day_set(actor=request.user, date=day, is_working=request.POST.get("is_working") == "1",
                                     name=request.POST.get("name", ""))  # fmt: skip
            messages.success(request, _("Saved."))
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, list) else []
        return [exc.message, *[str(d) for d in details]]
    return []
