"""Filing pages: the applicant's form, the reviewer's side-by-side view, queues and notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.core.errors import DomainError, NotFound
from wangan.filings import permissions as perms
from wangan.filings import selectors, services
from wangan.filings.choices import AssignmentRole, Status
from wangan.filings.models import Application
from wangan.filings.spec import REGISTRY
from wangan.filings.validation import parse_date
from wangan.filings.web import layout


def _app_or_404(request, pk: int) -> Application:
    try:
        return selectors.application_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def application_list(request):
    qs = selectors.application_list_for(user=request.user, type_code=request.GET.get("type", ""),
                                        status=request.GET.get("status", ""), text=request.GET.get("q", "").strip())  # fmt: skip
    qs = qs.filter(organization_id=request.user.organization_id)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    can_file = [t for t in REGISTRY.all() if request.user.organization.type in t.applicant_org_types
                and not request.user.platform_role]  # fmt: skip
    return render(request, "filings/application_list.html", {
        "page": page, "types": {t.code: t for t in REGISTRY.all()}, "can_file": can_file, "statuses": Status.choices,
        "has_queue": bool(perms.assigned_types(request.user)),
    })  # fmt: skip


@login_required
@require_POST
def application_new(request, type_code: str):
    try:
        app = services.application_create(actor=request.user, type_code=type_code)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("filings:list")
    return redirect("filings:detail", pk=app.pk)


def _problems_by_path(details) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in details or []:
        out.setdefault(d["path"], []).append(d["message"])
    return out


@login_required
def application_detail(request, pk: int):
    app = _app_or_404(request, pk)
    spec = services.spec_of(app)
    is_applicant = perms.is_applicant(request.user, app)
    editable_state = is_applicant and app.status in services.EDITABLE
    problems: dict[str, list[str]] = {}
    extra_rows: dict[str, int] = {}
    status = 200
    if request.method == "POST" and editable_state:
        response, problems, extra_rows = _handle_applicant_post(request, app, spec)
        if response is not None:
            return response
        app.refresh_from_db()
        status = 422 if problems else 200
    editable: set[str] | None = set()  # read-only
    if editable_state:
        editable = None if app.status == Status.DRAFT else set(app.returned_paths)  # None: everything
    sections = layout.build(spec, app.values, editable=editable, returned=set(app.returned_paths),
                            comments=app.field_comments, problems=problems, extra_rows=extra_rows)  # fmt: skip
    attachments = list(app.attachments.select_related("file"))
    slots = [{"spec": s, "files": [a for a in attachments if a.slot == s.key],
              "editable": editable_state and (editable is None or f"attachments.{s.key}" in editable),
              "returned": f"attachments.{s.key}" in app.returned_paths,
              "problems": problems.get(f"attachments.{s.key}", [])} for s in spec.attachments]  # fmt: skip
    stage = spec.stage(app.stage) if app.stage else None
    context = {
        "app": app, "spec": spec, "sections": sections, "slots": slots, "editable_state": editable_state,
        "is_applicant": is_applicant, "stage": stage, "log": list(app.log.select_related("file")),
        "commitments": [{"spec": c, "accepted": (app.commitments.get(c.key) or {}).get("version") == c.version}
                        for c in spec.commitments],  # fmt: skip
        "general_problems": [m for p, ms in problems.items() if p.startswith(("commitments", "rules")) or
                             not any(p.startswith(s.key) for s in spec.sections) and not p.startswith("attachments")
                             for m in ms],  # fmt: skip
        "problem_count": sum(len(v) for v in problems.values()),
        "review": _review_context(request.user, app, spec, stage),
        "progress_reports": list(app.progress_reports.all()),
    }
    return render(request, "filings/application_detail.html", context, status=status)


def _handle_applicant_post(request, app, spec):
    """One form for the whole page: what was typed is saved with every button, uploads included."""
    action = request.POST.get("action", "save")
    try:
        if action == "withdraw":
            services.application_withdraw(actor=request.user, application=app)
            messages.info(request, _("The application was withdrawn."))
            return redirect("filings:list"), {}, {}
        values = services.values_from_form(spec, request.POST)
        accept = [c.key for c in spec.commitments if request.POST.get(f"accept:{c.key}")]
        app, notes = services.application_save(actor=request.user, application=app, values=values, accept=accept)
        for note in notes:
            messages.info(request, note)
        if action.startswith("upload:"):
            slot = action.split(":", 1)[1]
            upload = request.FILES.get(f"file:{slot}")
            if upload is None:
                raise DomainError(_("Choose a file to upload."), code="FILE_REQUIRED")
            services.attachment_add(actor=request.user, application=app, slot=slot, upload=upload,
                                    document_date=parse_date(request.POST.get(f"document_date:{slot}")),
                                    valid_until=parse_date(request.POST.get(f"valid_until:{slot}")))  # fmt: skip
            messages.success(request, _("The file was added."))
            return redirect("filings:detail", pk=app.pk), {}, {}
        if action.startswith("remove:"):
            pk = action.split(":", 1)[1]
            att = app.attachments.filter(pk=int(pk) if pk.isdigit() else 0).first()
            if att is None:
                raise Http404
            services.attachment_remove(actor=request.user, attachment=att)
            return redirect("filings:detail", pk=app.pk), {}, {}
        if action.startswith("addrows:"):
            return None, {}, {action.split(":", 1)[1]: 5}
        if action == "submit":
            services.application_submit(actor=request.user, application=app)
            messages.success(request, _("The application was submitted."))
            return redirect("filings:detail", pk=app.pk), {}, {}
        messages.success(request, _("Draft saved."))
        return redirect("filings:detail", pk=app.pk), {}, {}
    except DomainError as exc:
        if exc.code == "APPLICATION_INCOMPLETE":
            messages.error(request, exc.message)
            return None, _problems_by_path(exc.details), {}
        return None, {"rules.error": [exc.message]}, {}


def _review_context(user, app: Application, spec, stage) -> dict:
    if stage is None:
        return {}
    roles = {r for r in AssignmentRole.values if perms.acts_at_current_stage(user, app, r)}
    ctx = {"roles": roles, "kind": stage.kind, "stage": stage}
    if stage.kind == "expert_panel":
        scores = list(app.expert_scores.filter(stage=stage.key).select_related("expert"))
        ctx["scores"] = scores
        ctx["my_score"] = next((s for s in scores if s.expert_id == user.pk), None)
    if stage.kind == "public_notice":
        ctx["objections"] = list(app.objections.select_related("raised_by"))
    ctx["paths"] = [(s.key, str(s.label), [(f"{s.key}.{i.key}", str(i.label)) for i in s.items]) for s in spec.sections]
    ctx["attachment_paths"] = [(f"attachments.{a.key}", str(a.label)) for a in spec.attachments]
    return ctx


@login_required
@require_POST
def review_action(request, pk: int, action: str):
    app = _app_or_404(request, pk)
    p = request.POST
    try:
        if action == "pass":
            services.review_pass(actor=request.user, application=app, comment=p.get("comment", ""),
                                 checklist=[int(x) for x in p.getlist("checklist") if x.isdigit()])  # fmt: skip
        elif action == "return":
            paths = p.getlist("paths")
            comments = {path: p.get(f"comment:{path}", "").strip() for path in paths if p.get(f"comment:{path}", "").strip()}
            services.review_return(actor=request.user, application=app, paths=paths, comments=comments,
                                   comment=p.get("comment", ""))  # fmt: skip
        elif action == "reject":
            services.review_reject(actor=request.user, application=app, reason=p.get("comment", ""))
        elif action == "letter":
            if "file" not in request.FILES:
                raise DomainError(_("Choose the letter to upload."), code="FILE_REQUIRED")
            services.letter_upload(actor=request.user, application=app, upload=request.FILES["file"],
                                   comment=p.get("comment", ""))  # fmt: skip
        elif action == "upload":
            if "file" not in request.FILES:
                raise DomainError(_("Choose the document to upload."), code="FILE_REQUIRED")
            services.applicant_upload(actor=request.user, application=app, upload=request.FILES["file"],
                                      comment=p.get("comment", ""))  # fmt: skip
        elif action == "score":
            score = p.get("score", "")
            if not score.isdigit():
                raise DomainError(_("A score is between 0 and 100."), code="SCORE_INVALID")
            services.expert_score_submit(actor=request.user, application=app, score=int(score),
                                         opinion=p.get("opinion", ""), recommend=p.get("recommend") == "1",
                                         no_conflict=p.get("no_conflict") == "1")  # fmt: skip
        elif action == "conclude":
            services.panel_conclude(actor=request.user, application=app, approve=p.get("decision") == "approve",
                                    comment=p.get("comment", ""))  # fmt: skip
        elif action == "object":
            services.objection_raise(actor=request.user, application=app, text=p.get("text", ""))
        elif action == "resolve":
            objection = app.objections.filter(pk=int(p.get("objection") or 0)).first()
            if objection is None:
                raise Http404
            services.objection_resolve(actor=request.user, objection=objection, upheld=p.get("upheld") == "1",
                                       note=p.get("note", ""))  # fmt: skip
        elif action == "notice_conclude":
            services.notice_conclude(actor=request.user, application=app, comment=p.get("comment", ""))
        elif action == "progress":
            services.progress_report_submit(actor=request.user, application=app, text=p.get("text", ""),
                                            upload=request.FILES.get("file"))  # fmt: skip
        elif action == "start_acceptance":
            services.acceptance_start(actor=request.user, application=app)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("filings:detail", pk=app.pk)


@login_required
def review_queue(request):
    qs = selectors.review_queue_for(user=request.user, type_code=request.GET.get("type", ""),
                                    text=request.GET.get("q", "").strip())  # fmt: skip
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    types = {t.code: t for t in REGISTRY.all()}
    rows = [{"app": a, "type": types.get(a.type_code), "stage": types[a.type_code].stage(a.stage) if a.stage else None}
            for a in page]  # fmt: skip
    return render(request, "filings/review_queue.html", {"page": page, "rows": rows, "types": types.values(),
                                                         "filters": request.GET})  # fmt: skip


@login_required
def notice_list(request):
    return render(request, "filings/notice_list.html", {"notices": selectors.public_notice_list(),
                                                        "types": {t.code: t for t in REGISTRY.all()}})  # fmt: skip


@login_required
def notice_detail(request, pk: int):
    try:
        app = selectors.public_notice_get(pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            services.objection_raise(actor=request.user, application=app, text=request.POST.get("text", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your objection was recorded; the coordinator will handle it."))
            return redirect("filings:notice", pk=app.pk)
    return render(request, "filings/notice_detail.html", {"app": app, "spec": services.spec_of(app)})


@login_required
def application_document(request, pk: int, kind: str):
    """The filled form (or the decision letter) as DOCX, laid out like the seed's form."""
    from wangan.core.audit import audit_record
    from wangan.filings import documents

    app = _app_or_404(request, pk)
    spec = services.spec_of(app)
    if kind == "form":
        opinions = {e.stage: e.comment for e in app.log.filter(action__in=["passed", "concluded"]) if e.comment}
        data = documents.application_docx(spec=spec, application=app, attachments=list(app.attachments.select_related("file")),
                                          organization_name=app.organization.name, opinions=opinions)  # fmt: skip
        name = f"{app.reference}.docx"
    elif kind == "decision" and app.decided_at:
        approved = app.status not in (Status.REJECTED, Status.NOT_ACCEPTED)
        last = app.log.filter(action__in=["approved", "rejected", "granted"]).order_by("-created_at").first()
        data = documents.decision_letter_docx(spec=spec, application=app, organization_name=app.organization.name,
                                              approved=approved, reasons=last.comment if last else "",
                                              issuer=str(spec.reviewing_body or _("Authority")), issued_at=app.decided_at)  # fmt: skip
        name = f"{app.reference}-decision.docx"
    else:
        raise Http404
    audit_record(action="application.document_downloaded", actor=request.user, obj=app, after={"kind": kind})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def assignment_list(request):
    """System admin: who reviews, scores or coordinates which stage."""
    if request.user.platform_role != "system_admin":
        raise Http404
    from django.contrib.auth import get_user_model

    from wangan.filings.models import StageAssignment

    if request.method == "POST":
        if request.POST.get("stage_pick"):
            code, _sep, key = request.POST["stage_pick"].partition("|")
            request.POST = request.POST.copy()
            request.POST["type_code"], request.POST["stage"] = code, key
        user = get_user_model().objects.filter(username=request.POST.get("username", "").strip()).first()
        try:
            if user is None:
                raise DomainError(_("No such login name."), code="USER_UNKNOWN")
            services.assignment_set(actor=request.user, user=user, type_code=request.POST.get("type_code", ""),
                                    stage=request.POST.get("stage", ""), role=request.POST.get("role", ""),
                                    assigned=request.POST.get("remove") != "1")  # fmt: skip
        except (DomainError, KeyError, StopIteration):
            messages.error(request, _("The assignment was not saved: check the login name, type, stage and role."))
        else:
            messages.success(request, _("Saved."))
        return redirect("filings:assignments")
    types = REGISTRY.all()
    rows = StageAssignment.objects.select_related("user", "user__organization").order_by("type_code", "stage", "role")
    stages = [(t.code, s.key, f"{t.short} · {s.label}") for t in types for s in t.all_stages()]
    labels = {(c, k): label for c, k, label in stages}
    return render(request, "filings/assignments.html", {
        "rows": [{"a": a, "label": labels.get((a.type_code, a.stage), a.stage)} for a in rows],
        "stages": stages, "roles": AssignmentRole.choices,
    })  # fmt: skip
