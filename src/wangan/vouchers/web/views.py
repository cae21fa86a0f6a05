"""Voucher pages for the three parties: enterprise, provider, the authority's programme staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.accounts.models import Organization
from wangan.core.audit import audit_record
from wangan.core.errors import DomainError, NotFound
from wangan.vouchers import permissions as perms
from wangan.vouchers import selectors, services
from wangan.vouchers.catalog import (
    CREDIT_SOURCES,
    ENTERPRISE_COMMITMENT,
    ENTERPRISE_COMMITMENT_VERSION,
    QUALIFICATION_KINDS,
    RND_KINDS,
    SERVICE_MODULES,
)
from wangan.vouchers.choices import CreditResult, VoucherStatus
from wangan.vouchers.eligibility import enterprise_eligibility
from wangan.vouchers.models import EnterpriseProfile, ParkArea, ServicePackage


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def home(request):
    """One page per party: the enterprise's eligibility and vouchers, the provider's package, the
    authority's dashboard."""
    user = request.user
    programme = services.programme_current()
    if request.method == "POST":
        return _home_post(request, programme)
    context = {"programme": programme, "modules": SERVICE_MODULES}
    org = user.organization
    if perms.is_programme_admin(user):
        context["kind"] = "authority"
        if programme:
            figures = selectors.dashboard_figures(programme=programme)
            context.update(figures)
            funnel = figures["funnel"]
            context["funnel_chart"] = {"kind": "bar", "labels": [str(x) for x in (_("Applied"), _("Matched"),
                                       _("Signed"), _("Deployed"), _("Completed"))],
                                       "values": [funnel[k] for k in ("applied", "matched", "signed", "deployed", "completed")]}  # fmt: skip
        context["packages"] = ServicePackage.objects.select_related("provider", "programme").order_by("-programme__year", "provider__name")[:100]
        context["sources"], context["results"] = CREDIT_SOURCES, CreditResult.choices
    elif org.type == "provider":
        context["kind"] = "provider"
        context["package"] = selectors.package_for_provider(user=user)
        context["is_admin"] = user.has_org_role("org_admin")
    elif org.type == "enterprise":
        context["kind"] = "enterprise"
        context["profile"] = EnterpriseProfile.objects.filter(organization=org).select_related("park_area").first()
        context["parks"] = ParkArea.objects.filter(is_active=True)
        context["eligibility"] = (enterprise_eligibility(organization=org, programme=programme, today=timezone.localdate())
                                  if programme else None)  # fmt: skip
        context["qualifications"] = org.voucher_quals.all()
        context["rnd"] = org.voucher_rnd.all()
        context["qualification_kinds"], context["rnd_kinds"] = QUALIFICATION_KINDS, RND_KINDS
        context["commitment"], context["commitment_version"] = ENTERPRISE_COMMITMENT, ENTERPRISE_COMMITMENT_VERSION
        context["is_admin"] = user.has_org_role("org_admin")
    else:
        context["kind"] = "other"
    context["vouchers"] = Paginator(selectors.voucher_list_for(user=user, status=request.GET.get("status", "")),
                                    25).get_page(request.GET.get("page"))  # fmt: skip
    context["statuses"] = VoucherStatus.choices
    return render(request, "vouchers/home.html", context)


def _home_post(request, programme):
    user, p = request.user, request.POST
    action = p.get("action", "")
    try:
        if action == "profile":
            services.profile_save(actor=user, park_area_id=_int(p.get("park_area")),
                                  is_independent_legal_person=p.get("independent") == "1",
                                  legal_person_kind=p.get("legal_person_kind") or "enterprise",
                                  innovation_score=_int(p.get("innovation_score")))  # fmt: skip
        elif action == "qualification":
            start, end = parse_date(p.get("valid_from") or ""), parse_date(p.get("valid_until") or "")
            if not start or not end:
                raise DomainError(_("Enter both validity dates."), code="DATE_REQUIRED")
            services.qualification_add(actor=user, kind=p.get("kind", ""), number=p.get("number", ""),
                                       valid_from=start, valid_until=end)  # fmt: skip
        elif action == "rnd":
            end = parse_date(p.get("valid_until") or "")
            if not end:
                raise DomainError(_("Enter the validity date."), code="DATE_REQUIRED")
            services.rnd_add(actor=user, kind=p.get("kind", ""), name=p.get("name", ""), valid_until=end)
        elif action == "apply":
            v = services.voucher_apply(actor=user, accept_commitment=p.get("accept") == "1")
            messages.success(request, _("Your voucher code is %(code)s.") % {"code": v.code})
            return redirect("vouchers:detail", pk=v.pk)
        elif action == "package":
            services.package_save(actor=user, title=p.get("title", ""), service_standards=p.get("standards", ""),
                                  service_procedures=p.get("procedures", ""), contact=p.get("contact", ""))  # fmt: skip
        elif action == "publish":
            package = selectors.package_for_provider(user=user)
            if package is None:
                raise DomainError(_("Save the package first."), code="PACKAGE_MISSING")
            services.package_publish(actor=user, package=package)
        elif action == "programme":
            year = timezone.localdate().year
            start, end = parse_date(p.get("opens_on") or ""), parse_date(p.get("closes_on") or "")
            if not start or not end:
                raise DomainError(_("Enter both dates."), code="DATE_REQUIRED")
            services.programme_open(actor=user, year=_int(p.get("year")) or year, opens_on=start, closes_on=end)
        elif action == "credit":
            org = Organization.objects.filter(pk=_int(p.get("organization")), type="enterprise").first()
            day = parse_date(p.get("checked_on") or "")
            if org is None or day is None:
                raise DomainError(_("Choose the enterprise and the date of the check."), code="CREDIT_INVALID")
            services.credit_check_record(actor=user, organization=org, source=p.get("source", ""), checked_on=day,
                                         result=p.get("result", ""), evidence=p.get("evidence", ""))  # fmt: skip
        elif action == "credit_csv":
            upload = request.FILES.get("csv")
            if upload is None or upload.size > 2 * 1024 * 1024:
                raise DomainError(_("Choose a CSV file of at most 2 MB."), code="CSV_INVALID")
            n = services.credit_import_csv(actor=user, data=upload.read())
            messages.success(request, _("%(n)d credit checks imported.") % {"n": n})
            return redirect("vouchers:home")
        elif action in ("suspend", "reinstate"):
            package = ServicePackage.objects.filter(pk=_int(p.get("package"))).first()
            if package is None:
                raise Http404
            services.package_suspend(actor=user, package=package, reason=p.get("reason", ""),
                                     suspended=action == "suspend")  # fmt: skip
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
        for detail in exc.details or []:
            messages.error(request, str(detail))
    else:
        messages.success(request, _("Saved."))
    return redirect("vouchers:home")


def _voucher_or_404(request, pk: int):
    try:
        return selectors.voucher_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def detail(request, pk: int):
    v = _voucher_or_404(request, pk)
    agreement = getattr(v, "agreement", None)
    context = {
        "v": v, "agreement": agreement,
        "verify": services.agreement_verify(agreement) if agreement else None,
        "signatures": list(agreement.signatures.all()) if agreement else [],
        "is_enterprise": perms.is_enterprise_side(request.user, v),
        "is_provider": perms.is_provider_side(request.user, v),
        "can_sign": perms.can_sign_for(request.user),
        "packages": selectors.package_public_list(programme=v.programme) if v.status in ("issued", "matching") else [],
    }  # fmt: skip
    return render(request, "vouchers/detail.html", context)


@login_required
@require_POST
def act(request, pk: int, action: str):
    v = _voucher_or_404(request, pk)
    user, p = request.user, request.POST
    try:
        if action == "choose":
            package = selectors.package_public_list(programme=v.programme).filter(pk=_int(p.get("package"))).first()
            if package is None:
                raise DomainError(_("Choose a published package."), code="PACKAGE_UNAVAILABLE")
            services.voucher_choose_provider(actor=user, voucher=v, package=package)
        elif action == "confirm":
            services.voucher_confirm(actor=user, voucher=v)
        elif action == "sign":
            services.voucher_sign(actor=user, voucher=v)
        elif action == "manual":
            if "file" not in request.FILES:
                raise DomainError(_("Choose the manual file."), code="FILE_REQUIRED")
            services.voucher_send_manual(actor=user, voucher=v, upload=request.FILES["file"])
        elif action == "onsite":
            services.voucher_request_onsite(actor=user, voucher=v)
        elif action == "onsite_done":
            services.voucher_onsite_done(actor=user, voucher=v)
        elif action == "report":
            services.voucher_report(actor=user, voucher=v, text=p.get("text", ""), upload=request.FILES.get("file"))
        elif action == "rate":
            services.voucher_confirm_completion(actor=user, voucher=v, rating=_int(p.get("rating")) or 0,
                                                comment=p.get("comment", ""))  # fmt: skip
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("vouchers:detail", pk=v.pk)


@login_required
def document(request, pk: int, kind: str):
    """The agreement (DOCX or PDF) or the provider's manual, for the two parties and the authority."""
    from django.core.files.storage import default_storage

    v = _voucher_or_404(request, pk)
    agreement = getattr(v, "agreement", None)
    stored = {"docx": agreement.docx if agreement else None, "pdf": agreement.pdf if agreement else None,
              "manual": v.manual, "report": v.report_file}.get(kind)  # fmt: skip
    if stored is None:
        raise Http404
    audit_record(action="voucher.document_downloaded", actor=request.user, obj=v, after={"kind": kind, "sm3": stored.sm3})
    response = FileResponse(default_storage.open(stored.storage_name, "rb"), as_attachment=True,
                            filename=stored.original_name, content_type=stored.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


def packages(request):
    """Public: every published package with its service standards and procedures (§四(三)2)."""
    programme = services.programme_current()
    return render(request, "vouchers/packages.html", {
        "packages": selectors.package_public_list(programme=programme) if programme else [], "programme": programme,
        "modules": SERVICE_MODULES,
    })  # fmt: skip


@login_required
def export(request):
    """The authority's XLSX export of the programme year."""
    from io import BytesIO

    from openpyxl import Workbook

    if not perms.is_programme_admin(request.user):
        raise Http404
    programme = services.programme_current()
    wb = Workbook()
    ws = wb.active
    ws.title = "创通票"
    ws.append(["编码", "企业", "服务机构", "状态", "申领时间", "签约时间", "手册发送", "上门申请", "上门期限", "上门完成",
               "完成报告", "确认时间", "满意度", "评价"])  # fmt: skip
    qs = selectors.voucher_list_for(user=request.user).filter(programme=programme) if programme else []

    def fmt(d):
        return timezone.localtime(d).strftime("%Y-%m-%d %H:%M") if d else ""

    for v in qs.iterator(chunk_size=2000) if programme else []:
        ws.append([v.code, v.enterprise.name, v.provider.name if v.provider else "", v.get_status_display(),
                   fmt(v.issued_at), fmt(v.signed_at), fmt(v.manual_sent_at), fmt(v.onsite_requested_at),
                   fmt(v.onsite_due_at), fmt(v.onsite_done_at), fmt(v.reported_at), fmt(v.completed_at),
                   v.rating or "", v.rating_comment])  # fmt: skip
    out = BytesIO()
    wb.save(out)
    audit_record(action="voucher.exported", actor=request.user, object_type="voucher_programme",
                 object_id=programme.pk if programme else "")  # fmt: skip
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="vouchers-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
