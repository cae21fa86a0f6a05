"""Crypto service pages: key management (security admin only — everybody else gets 404),
monthly usage and certificates (security admin; an organization admin sees their own)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.accounts.choices import OrgStatus
from wangan.accounts.models import Organization
from wangan.core.errors import DomainError, NotFound
from wangan.cryptosvc import certificates, selectors, services
from wangan.cryptosvc.choices import KeyPurpose, RevocationReason, ZoneCode
from wangan.cryptosvc.permissions import can_manage, is_org_viewer


def _manager_only(request) -> None:
    if not can_manage(request.user):
        raise Http404


def _viewer_only(request) -> None:
    if not (can_manage(request.user) or is_org_viewer(request.user)):
        raise Http404


def _keys_context(request, **extra) -> dict:
    apps = list(selectors.application_list_for(user=request.user))
    keys = list(selectors.key_list_for(user=request.user))
    by_app: dict[int, list] = {}
    for key in keys:
        by_app.setdefault(key.application_id, []).append(key)
    zones = [(code, label, [(a, by_app.get(a.pk, [])) for a in apps if a.zone.code == code])
             for code, label in ZoneCode.choices]  # fmt: skip
    return {
        "zones": zones, "purposes": KeyPurpose.choices, "zone_choices": ZoneCode.choices,
        "organizations": Organization.objects.filter(status=OrgStatus.ACTIVE).order_by("name"), **extra,
    }  # fmt: skip


@login_required
def key_management(request):
    _manager_only(request)
    return render(request, "cryptosvc/keys.html", _keys_context(request))


@login_required
@require_POST
def application_register(request):
    _manager_only(request)
    try:
        org = Organization.objects.filter(pk=int(request.POST.get("organization") or 0)).first()
        if org is None:
            raise NotFound()
        app, secret = services.application_register(
            actor=request.user, organization=org, zone=services.zone_get(request.POST.get("zone", "")),
            name=request.POST.get("name", ""), daily_quota=int(request.POST.get("daily_quota") or 100_000),
        )  # fmt: skip
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "") or _("Check the form."))
        return render(request, "cryptosvc/keys.html", _keys_context(request), status=422)
    return render(request, "cryptosvc/keys.html", _keys_context(request, shown_secret=(app, secret)))


@login_required
@require_POST
def application_action(request, pk: int, action: str):
    _manager_only(request)
    try:
        app = selectors.application_get_for(user=request.user, pk=pk)
        if action == "credentials":
            secret = services.application_credentials_rotate(actor=request.user, application=app)
            return render(request, "cryptosvc/keys.html", _keys_context(request, shown_secret=(app, secret)))
        if action in ("enable", "disable"):
            services.application_update(actor=request.user, application=app, is_active=action == "enable")
        elif action == "new-key":
            services.key_create(actor=request.user, application=app, purpose=request.POST.get("purpose", ""))
        else:
            raise Http404
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cryptosvc:keys")


_KEY_ACTIONS = {
    "rotate": services.key_rotate, "disable": services.key_disable, "enable": services.key_enable,
    "destroy": services.key_destroy,
}  # fmt: skip


@login_required
@require_POST
def key_action(request, pk: int, action: str):
    _manager_only(request)
    if action not in _KEY_ACTIONS:
        raise Http404
    try:
        key = selectors.key_get_for(user=request.user, pk=pk)
        _KEY_ACTIONS[action](actor=request.user, key=key)
        messages.success(request, _("Done: %(key)s.") % {"key": key.key_id})
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cryptosvc:keys")


@login_required
def usage(request):
    _viewer_only(request)
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        rows = selectors.usage_monthly_for(user=request.user, month=month)
        totals = selectors.usage_zone_totals_for(user=request.user, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
        rows, totals = [], []
    return render(request, "cryptosvc/usage.html", {"month": month, "rows": rows, "totals": totals,
                                                    "can_manage_keys": can_manage(request.user)})  # fmt: skip


@login_required
def certificate_list(request):
    _viewer_only(request)
    context = {
        "certificates": selectors.certificate_list_for(user=request.user)[:200],
        "can_manage": can_manage(request.user), "reasons": RevocationReason.choices,
        "organizations": Organization.objects.filter(status=OrgStatus.ACTIVE).order_by("name")
        if can_manage(request.user) else [],
    }  # fmt: skip
    status = 200
    if request.method == "POST":
        _manager_only(request)
        try:
            org = Organization.objects.filter(pk=int(request.POST.get("organization") or 0)).first()
            if org is None:
                raise NotFound()
            names = request.POST.get("dns_names", "").replace(",", " ").split()
            cert, key_pem = certificates.certificate_issue_ov(
                actor=request.user, organization=org, dns_names=names, unit=request.POST.get("unit", ""),
                csr=request.POST.get("csr") or None,
            )  # fmt: skip
            context["issued"], context["key_pem"] = cert, key_pem
            context["certificates"] = selectors.certificate_list_for(user=request.user)[:200]
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "") or _("Check the form."))
            status = 422
    return render(request, "cryptosvc/certificates.html", context, status=status)


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    _manager_only(request)
    try:
        cert = selectors.certificate_get_for(user=request.user, pk=pk)
        certificates.certificate_revoke(actor=request.user, certificate=cert,
                                        reason=request.POST.get("reason", RevocationReason.UNSPECIFIED))  # fmt: skip
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cryptosvc:certificates")


