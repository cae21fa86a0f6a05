"""Setup pages: log sources and uploads, received batches, rules, the collection plan and reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.core.errors import DomainError
from wangan.core.files import file_open_for_download, file_response
from wangan.logs import selectors, services
from wangan.logs.choices import REFUSAL_LABELS, BatchStatus, Level, ReportStatus
from wangan.logs.rules import rule_test_lines
from wangan.logs.web.common import logs_page
from wangan.logs.web.forms import (
    PlanForm,
    ReportAttachForm,
    ReportForm,
    RuleTestForm,
    RuleUploadForm,
    SourceForm,
    UploadForm,
)

_ACTIVE = (BatchStatus.QUEUED, BatchStatus.PROCESSING)


# --- sources ------------------------------------------------------------------------------------
@logs_page
def source_list(request):
    form = SourceForm(request.POST or None, initial={"criticality": 3, "is_active": True})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                d = form.cleaned_data
                source = services.source_create(actor=request.user, name=d["name"], host=d["host"], type=d["type"],
                                                criticality=d["criticality"], description=d["description"])  # fmt: skip
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Log source created."))
                return redirect("logs:source_detail", pk=source.pk)
        status = 422
    sources = selectors.source_list_for(user=request.user)
    volumes = {v["source_id"]: v for v in selectors.source_volumes_for(user=request.user)}
    rows = [(s, volumes.get(s.pk)) for s in sources]
    return render(request, "logs/source_list.html", {"rows": rows, "form": form}, status=status)


@logs_page
def source_detail(request, pk: int):
    source = selectors.source_get_for(user=request.user, pk=pk)
    form = SourceForm(instance=source)
    upload_form = UploadForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "update":
            form = SourceForm(request.POST, instance=selectors.source_get_for(user=request.user, pk=pk))
            if form.is_valid():
                try:
                    services.source_update(actor=request.user, source=source, **{f: form.cleaned_data[f] for f in form.changed_data})
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Log source saved."))
                    return redirect("logs:source_detail", pk=pk)
            status = 422
        elif action == "upload":
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    batch = services.upload_receive(actor=request.user, source=source, upload=upload_form.cleaned_data["file"])
                except DomainError as exc:
                    upload_form.add_error("file", exc.message)
                else:
                    messages.success(request, _("File received; the analysis runs in the background."))
                    return redirect("logs:batch_detail", pk=batch.pk)
            status = 422
        source.refresh_from_db()
    batches = Paginator(selectors.batch_list_for(user=request.user, source_id=source.pk), 20).get_page(request.GET.get("page"))
    return render(request, "logs/source_detail.html", {
        "source": source, "form": form, "upload_form": upload_form, "page": batches,
        "bulk_url": request.build_absolute_uri(f"/api/v1/logs/sources/{source.pk}/bulk/"),
        "refusal_labels": REFUSAL_LABELS,
    }, status=status)  # fmt: skip


# --- batches ------------------------------------------------------------------------------------
def _batch_context(request, pk: int) -> dict:
    batch = selectors.batch_get_for(user=request.user, pk=pk)
    job = selectors.job_progress_for(user=request.user, job_id=batch.scan.job_id_ref if batch.scan else None)
    reasons = [(REFUSAL_LABELS.get(code, code), n) for code, n in (batch.reasons or {}).items()]
    return {"batch": batch, "job": job, "reasons": reasons, "active": batch.status in _ACTIVE}


@logs_page
def batch_detail(request, pk: int):
    ctx = _batch_context(request, pk)
    batch = ctx["batch"]
    if batch.scan_id and not ctx["active"]:
        ctx["alerts"] = list(selectors.alert_list_for(user=request.user, scan_id=batch.scan_id).filter(batch=batch)[:50])
        ctx["chains"] = list(selectors.chain_list_for(user=request.user, scan_id=batch.scan_id)[:10])
        ctx["risks"] = list(batch.scan.risks.order_by("-score")[:10])
    return render(request, "logs/batch_detail.html", ctx)


@logs_page
def batch_progress(request, pk: int):
    """HTMX partial polled while a batch is processed; a finished batch asks for a full reload."""
    ctx = _batch_context(request, pk)
    response = render(request, "logs/_partials/batch_progress.html", ctx)
    if not ctx["active"] and request.htmx:
        response["HX-Refresh"] = "true"
    return response


# --- rules --------------------------------------------------------------------------------------
@logs_page
def rule_list(request):
    upload_form = RuleUploadForm()
    status = 200
    if request.method == "POST":
        upload_form = RuleUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                created = services.custom_rule_upload(actor=request.user, text=upload_form.cleaned_data["text"])
            except DomainError as exc:
                upload_form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(n)d rule(s) added.") % {"n": len(created)})
                return redirect("logs:rule_list")
        status = 422
    rules = selectors.rule_list_for(user=request.user)
    return render(request, "logs/rule_list.html", {"rules": rules, "upload_form": upload_form, "levels": Level.choices},
                  status=status)  # fmt: skip


@logs_page
@require_POST
def rule_override(request):
    rule_id = request.POST.get("rule_id", "")
    try:
        services.rule_override_set(actor=request.user, rule_id=rule_id, is_enabled=request.POST.get("is_enabled") == "on",
                                   level=request.POST.get("level", ""))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rule settings saved."))
    return redirect("logs:rule_list")


@logs_page
@require_POST
def rule_delete(request, pk: int):
    rule = selectors.custom_rule_get_for(user=request.user, pk=pk)
    services.custom_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule removed."))
    return redirect("logs:rule_list")


@logs_page
def rule_test(request):
    rules = selectors.rule_list_for(user=request.user)
    form = RuleTestForm(request.POST or None, rules=rules, initial={"rule_id": request.GET.get("rule", "")})
    verdicts = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            verdicts = rule_test_lines(organization_id=request.user.organization_id, rule_id=form.cleaned_data["rule_id"],
                                       lines=form.cleaned_data["lines"])  # fmt: skip
        else:
            status = 422
    rule = next((r for r in rules if r.id == (form.data.get("rule_id") if form.is_bound else request.GET.get("rule"))), None)
    return render(request, "logs/rule_test.html", {"form": form, "verdicts": verdicts, "rule": rule}, status=status)


# --- collection plan and reports -----------------------------------------------------------------
@logs_page
def plan(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year
    form = PlanForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.collection_plan_for_year(organization=request.user.organization, year=form.cleaned_data["year"],
                                                  actor=request.user)  # fmt: skip
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Quarterly collection tasks created."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
        return render(request, "logs/plan.html", {"form": form, "tasks": [], "year": year}, status=422)
    tasks = selectors.collection_task_list_for(user=request.user, year=year).prefetch_related("reports")
    return render(request, "logs/plan.html", {"form": form, "tasks": tasks, "year": year})


@logs_page
@require_POST
def task_collected(request, pk: int):
    task = selectors.collection_task_get_for(user=request.user, pk=pk)
    try:
        services.collection_task_mark_collected(actor=request.user, task=task)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Collection recorded; the report is due in 5 working days."))
    return redirect(f"{reverse('logs:plan')}?year={task.year}")


@logs_page
@require_POST
def task_report(request, pk: int):
    task = selectors.collection_task_get_for(user=request.user, pk=pk)
    try:
        services.report_request(actor=request.user, period_start=task.period_start, period_end=task.period_end, task=task)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('logs:plan')}?year={task.year}")
    messages.success(request, _("The report is being generated."))
    return redirect("logs:report_list")


@logs_page
def report_list(request):
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_request(actor=request.user, period_start=form.cleaned_data["period_start"],
                                        period_end=form.cleaned_data["period_end"])  # fmt: skip
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The report is being generated."))
                return redirect("logs:report_list")
        status = 422
    return _report_page(request, form=form, status=status)


def _report_page(request, *, form=None, attach_form=None, status: int = 200):
    reports = Paginator(selectors.report_list_for(user=request.user), 20).get_page(request.GET.get("page"))
    pending = any(r.status == ReportStatus.PENDING for r in reports)
    choices = selectors.contract_task_choices_for(user=request.user)
    template = "logs/_partials/report_table.html" if request.htmx and request.method == "GET" else "logs/report_list.html"
    return render(request, template, {
        "form": form or ReportForm(), "page": reports, "pending": pending, "task_choices": choices,
        "attach_form": attach_form or ReportAttachForm(choices=choices),
    }, status=status)  # fmt: skip


@logs_page
@require_POST
def report_attach(request, pk: int):
    """Hand a finished report in for one of the contract's log-analysis tasks (the provider's side)."""
    report = selectors.report_get_for(user=request.user, pk=pk)
    form = ReportAttachForm(request.POST, choices=selectors.contract_task_choices_for(user=request.user))
    if form.is_valid():
        try:
            services.report_attach_to_task(actor=request.user, report=report, task_id=form.cleaned_data["task"])
        except DomainError as exc:
            form.add_error("task", exc.message)
        else:
            messages.success(request, _("The report was handed in for the contract task."))
            return redirect("logs:report_list")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _report_page(request, attach_form=form, status=422)


@logs_page
def report_download(request, pk: int, kind: str = "docx"):
    report = selectors.report_get_for(user=request.user, pk=pk)
    file_id = report.pdf_file_id if kind == "pdf" else report.file_id
    if file_id is None:
        raise Http404
    stored, handle = file_open_for_download(user=request.user, pk=file_id)
    return file_response(stored=stored, handle=handle)
