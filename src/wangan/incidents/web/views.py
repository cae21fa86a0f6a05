"""Incident register, incident form (附件4 class shown after save), emergency / O&M requests with the
2-hour clock and the 应急响应报告."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangan.contracts.selectors import contract_list_for
from wangan.core.errors import DomainError
from wangan.incidents import documents, selectors, services
from wangan.incidents.models import Incident
from wangan.incidents.web.common import contract_for, incidents_page, refuse, roles
from wangan.incidents.web.forms import (
    AUTO,
    IncidentFilterForm,
    IncidentForm,
    LinkIncidentForm,
    RequestRaiseForm,
    RequestStepForm,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@incidents_page
def index(request):
    """Entry point: the contracts the caller is a party to, with their incident pages."""
    return render(request, "incidents/index.html", {"contracts": contract_list_for(user=request.user)[:200]})


@incidents_page
def register(request, pk: int):
    contract = contract_for(request, pk)
    form = IncidentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    incidents = list(selectors.incident_list_for(user=request.user, contract=contract, filters=filters)[:500])
    return render(request, "incidents/register.html", {
        "contract": contract, "form": form, "incidents": incidents, "tab": "register",
        "termination": selectors.termination_status(contract=contract), **roles(request.user, contract),
    })  # fmt: skip


def _incident_initial(incident: Incident) -> dict:
    data = {f: getattr(incident, f) for f in services.INCIDENT_FIELDS}
    # a detected period stays "detect" so that moving the start time re-detects it
    data["period_level"] = (
        AUTO if incident.special_period_id or not incident.period_level else incident.period_level
    )
    return data


def _incident_form(request, contract, incident: Incident | None):
    form = IncidentForm(request.POST or None, initial=_incident_initial(incident) if incident else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.incident_save(actor=request.user, contract=contract, incident=incident,
                                             **form.service_data())  # fmt: skip
            except DomainError as exc:
                status = refuse(form, exc)
            else:
                messages.success(
                    request, _("Incident saved: %(level)s.") % {"level": row.get_level_display()}
                )
                return redirect("incidents:incident_detail", pk=row.pk)
        else:
            status = 422
    return render(request, "incidents/incident_form.html", {
        "contract": contract, "form": form, "incident": incident, "tab": "register", **roles(request.user, contract),
    }, status=status)  # fmt: skip


@incidents_page
def incident_create(request, pk: int):
    contract = contract_for(request, pk)
    if not roles(request.user, contract)["can_record"]:
        raise Http404
    return _incident_form(request, contract, None)


@incidents_page
def incident_edit(request, pk: int):
    incident = selectors.incident_get_for(user=request.user, pk=pk)
    if not roles(request.user, incident.contract)["can_record"]:
        raise Http404
    return _incident_form(request, incident.contract, incident)


@incidents_page
def incident_detail(request, pk: int):
    incident = selectors.incident_get_for(user=request.user, pk=pk)
    contract = incident.contract
    return render(request, "incidents/incident_detail.html", {
        "contract": contract, "incident": incident, "tab": "register", "requests": list(incident.requests.all()),
        **roles(request.user, contract),
    })  # fmt: skip


# --- requests ---------------------------------------------------------------------------------------


def _contract_incidents(contract):
    return list(Incident.objects.filter(contract=contract).only("pk", "title")[:200])


@incidents_page
def request_list(request, pk: int):
    """The contract's requests with their clocks; the client raises new ones here."""
    contract = contract_for(request, pk)
    form = RequestRaiseForm(request.POST or None, incidents=_contract_incidents(contract))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            incident = (
                Incident.objects.filter(contract=contract, pk=d["incident"]).first()
                if d["incident"]
                else None
            )
            try:
                req = services.request_raise(actor=request.user, contract=contract, description=d["description"],
                                             is_emergency=d["is_emergency"], raised_at=d["raised_at"], incident=incident)  # fmt: skip
            except DomainError as exc:
                status = refuse(form, exc)
            else:
                messages.success(request, _("Request raised."))
                return redirect("incidents:request_detail", pk=req.pk)
        else:
            status = 422
    rows = [
        (r, selectors.request_clock(request=r))
        for r in selectors.request_list_for(user=request.user, contract=contract)[:300]
    ]
    return render(request, "incidents/request_list.html", {
        "contract": contract, "rows": rows, "form": form, "tab": "requests", **roles(request.user, contract),
    }, status=status)  # fmt: skip


@incidents_page
def request_detail(request, pk: int):
    req = selectors.request_get_for(user=request.user, pk=pk)
    contract = req.contract
    incidents = _contract_incidents(contract)
    step = RequestStepForm(request.POST or None)
    link = LinkIncidentForm(request.POST or None, incidents=incidents, initial={"incident": req.incident_id})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form = link if action == "link" else step
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "respond":
                    services.request_respond(actor=request.user, request=req, at=d["at"], note=d["note"])
                    messages.success(request, _("Response recorded."))
                elif action == "recover":
                    services.request_recover(actor=request.user, request=req, at=d["at"], note=d["note"])
                    messages.success(request, _("Recovery recorded."))
                elif action == "link":
                    incident = (
                        Incident.objects.filter(contract=contract, pk=d["incident"]).first()
                        if d["incident"]
                        else None
                    )
                    services.request_link_incident(actor=request.user, request=req, incident=incident)
                    messages.success(request, _("Incident linked."))
                else:
                    raise Http404
            except DomainError as exc:
                status = refuse(form, exc)
            else:
                return redirect("incidents:request_detail", pk=req.pk)
        else:
            status = 422
        req = selectors.request_get_for(user=request.user, pk=pk)
    return render(request, "incidents/request_detail.html", {
        "contract": contract, "req": req, "clock": selectors.request_clock(request=req), "step": step, "link": link,
        "tab": "requests", **roles(request.user, contract),
    }, status=status)  # fmt: skip


@incidents_page
def request_clock(request, pk: int):
    """The clock partial, polled by the request page (HTMX) so the remaining time stays current."""
    req = selectors.request_get_for(user=request.user, pk=pk)
    return render(
        request, "incidents/_partials/clock.html", {"req": req, "clock": selectors.request_clock(request=req)}
    )


@incidents_page
def request_report(request, pk: int):
    """The 应急响应报告 of one request (DOCX)."""
    req = selectors.request_get_for(user=request.user, pk=pk)
    body = documents.render_report_docx(req, selectors.request_clock(request=req))
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(documents.report_title(req))}.docx"
    )
    return response
