"""重保 periods, the on-site duty roster (应急值班表) with its coverage, and availability per month."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.core.errors import DomainError
from wangan.incidents import documents, selectors, services
from wangan.incidents.models import SpecialPeriod
from wangan.incidents.web.common import contract_for, incidents_page, refuse, roles
from wangan.incidents.web.forms import CheckInForm, CheckOutForm, PeriodDeclareForm, ShiftForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@incidents_page
def period_list(request, pk: int):
    """A year's 重保 periods: the statutory holidays from the calendar and the authority's own."""
    contract = contract_for(request, pk)
    year = _year(request, timezone.localdate().year)
    if not SpecialPeriod.objects.filter(source="calendar", starts_on__year=year).exists():
        # the calendar periods are derived data (idempotent): filled in the first time a year is shown
        services.special_periods_sync_calendar(year=year)
    form = PeriodDeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.special_period_declare(
                    actor=request.user, contract=contract, **form.cleaned_data
                )
            except DomainError as exc:
                status = refuse(form, exc)
            else:
                messages.success(request, _("Special period declared."))
                return redirect(f"{request.path}?year={row.starts_on.year}")
        else:
            status = 422
    years = sorted({contract.service_start.year, contract.service_end.year, year})
    return render(request, "incidents/period_list.html", {
        "contract": contract, "periods": list(selectors.special_period_list_for(contract=contract, year=year)),
        "year": year, "years": years, "form": form, "tab": "periods", **roles(request.user, contract),
    }, status=status)  # fmt: skip


def _people(contract):
    return list(contract.personnel.filter(is_active=True))


@incidents_page
def roster(request, pk: int, period_pk: int):
    """The period's shifts, attendance and coverage; the contractor plans shifts, either party signs in/out."""
    contract = contract_for(request, pk)
    period = selectors.special_period_get_for(contract=contract, pk=period_pk)
    shift_form = ShiftForm(None, people=_people(contract))
    check_in = CheckInForm(auto_id="ci_%s")
    check_out = CheckOutForm(auto_id="co_%s")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_shift":
                shift_form = ShiftForm(request.POST, people=_people(contract))
                form = shift_form
                if form.is_valid():
                    d = form.cleaned_data
                    person = contract.personnel.filter(pk=d.pop("person")).first()
                    services.shift_save(
                        actor=request.user, contract=contract, special_period=period, person=person, **d
                    )
                    messages.success(request, _("Shift added."))
                    return redirect("incidents:roster", pk=pk, period_pk=period_pk)
            elif action == "check_in":
                check_in = form = CheckInForm(request.POST, auto_id="ci_%s")
                if form.is_valid():
                    shift = selectors.shift_get_for(user=request.user, pk=form.cleaned_data["shift"])
                    if shift.contract_id != contract.pk or shift.special_period_id != period.pk:
                        raise Http404
                    services.attendance_check_in(actor=request.user, shift=shift, at=form.cleaned_data["at"],
                                                 note=form.cleaned_data["note"])  # fmt: skip
                    messages.success(request, _("Check-in recorded."))
                    return redirect("incidents:roster", pk=pk, period_pk=period_pk)
            elif action == "check_out":
                check_out = form = CheckOutForm(request.POST, auto_id="co_%s")
                if form.is_valid():
                    row = selectors.attendance_get_for(user=request.user, pk=form.cleaned_data["attendance"])
                    if row.shift.contract_id != contract.pk or row.shift.special_period_id != period.pk:
                        raise Http404
                    services.attendance_check_out(
                        actor=request.user, attendance=row, at=form.cleaned_data["at"]
                    )
                    messages.success(request, _("Check-out recorded."))
                    return redirect("incidents:roster", pk=pk, period_pk=period_pk)
            else:
                raise Http404
            status = 422
        except DomainError as exc:
            status = refuse(form, exc)
    cov = selectors.roster_coverage(contract=contract, period=period)
    now = timezone.now()
    return render(request, "incidents/roster.html", {
        "contract": contract, "period": period, "cov": cov, "shift_form": shift_form, "check_in": check_in,
        "check_out": check_out, "is_current": cov.start <= now < cov.end, "hours": range(24), "tab": "periods",
        **roles(request.user, contract),
    }, status=status)  # fmt: skip


@incidents_page
def shift_edit(request, pk: int):
    shift = selectors.shift_get_for(user=request.user, pk=pk)
    contract = shift.contract
    if not roles(request.user, contract)["is_contractor"]:
        raise Http404
    initial = {"person": shift.person_id, "starts_at": timezone.localtime(shift.starts_at),
               "ends_at": timezone.localtime(shift.ends_at), "post": shift.post, "phone": shift.phone}  # fmt: skip
    form = ShiftForm(request.POST or None, initial=initial, people=_people(contract))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            person = contract.personnel.filter(pk=d.pop("person")).first()
            try:
                services.shift_save(actor=request.user, contract=contract, special_period=shift.special_period,
                                    shift=shift, person=person, **d)  # fmt: skip
            except DomainError as exc:
                status = refuse(form, exc)
            else:
                messages.success(request, _("Shift saved."))
                return redirect("incidents:roster", pk=contract.pk, period_pk=shift.special_period_id)
        else:
            status = 422
    return render(request, "incidents/shift_form.html", {
        "contract": contract, "shift": shift, "form": form, "tab": "periods", **roles(request.user, contract),
    }, status=status)  # fmt: skip


@require_POST
@incidents_page
def shift_delete(request, pk: int):
    shift = selectors.shift_get_for(user=request.user, pk=pk)
    try:
        services.shift_delete(actor=request.user, shift=shift)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shift deleted."))
    return redirect("incidents:roster", pk=shift.contract_id, period_pk=shift.special_period_id)


@incidents_page
def roster_export(request, pk: int, period_pk: int):
    """The 应急值班表 of the period as XLSX."""
    contract = contract_for(request, pk)
    period = selectors.special_period_get_for(contract=contract, pk=period_pk)
    cov = selectors.roster_coverage(contract=contract, period=period, with_grid=False)
    response = HttpResponse(documents.render_roster_xlsx(contract, cov), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(documents.roster_title(contract, cov))}.xlsx"
    )
    return response


@incidents_page
def availability_page(request, pk: int):
    """Availability per service month (附件5 1, 附件6 1) and the outage patterns of 附件6 2–3."""
    contract = contract_for(request, pk)
    table = selectors.availability_table(contract=contract)
    rows = [(r, selectors.availability_formula(r.shown)) for r in table.rows]
    return render(request, "incidents/availability.html", {
        "contract": contract, "table": table, "rows": rows, "tab": "availability", **roles(request.user, contract),
    })  # fmt: skip
