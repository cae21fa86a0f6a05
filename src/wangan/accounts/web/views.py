"""Account pages: login with second factor, registration, users and organizations, tokens."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangan.accounts import permissions as perms
from wangan.accounts import selectors, services
from wangan.accounts.choices import OrgStatus, OrgType
from wangan.accounts.models import Organization, User
from wangan.accounts.web import forms
from wangan.core.errors import DomainError, NotFound
from wangan.core.middleware import client_ip

_PENDING = "wangan_pending_user"
_BACKEND = "wangan.accounts.backends.PolicyBackend"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _finish_login(request, user: User, method: str):
    request.session.pop(_PENDING, None)
    login(request, user, backend=_BACKEND)
    services.login_complete(user=user, ip=client_ip(request), method=method)
    if user.language:
        request.session["_language"] = user.language
    return redirect(_next_url(request))


def login_view(request):
    """First factor; users with (mandatory or chosen) TOTP continue to the second step."""
    if request.user.is_authenticated:
        return redirect("home")
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except services.LoginRefused as exc:
            form.add_error(None, exc.message)
        else:
            if user.has_mfa or user.mfa_required:
                request.session.cycle_key()
                request.session[_PENDING] = user.pk
                target = "accounts:mfa_verify" if user.has_mfa else "accounts:mfa_enrol"
                nxt = _next_url(request)
                return redirect(f"{_reverse(target)}?next={nxt}")
            return _finish_login(request, user, "password")
    status = 401 if form.non_field_errors() else 200
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)}, status=status)


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _pending_user(request) -> User | None:
    if request.user.is_authenticated:
        return request.user
    pk = request.session.get(_PENDING)
    return User.objects.select_related("organization").filter(pk=pk, is_active=True).first() if pk else None


def mfa_verify(request):
    user = _pending_user(request)
    if user is None or not user.has_mfa or request.user.is_authenticated:
        return redirect("accounts:login")
    form = forms.TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except services.LoginRefused as exc:
            form.add_error("code", exc.message)
            if exc.code == "ACCOUNT_LOCKED":
                request.session.pop(_PENDING, None)
        else:
            return _finish_login(request, user, "password+totp")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


def mfa_enrol(request):
    """Set up TOTP: show the QR code, confirm with the first code."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if user.has_mfa:
        messages.info(request, _("A second factor is already set up."))
        return redirect("home")
    if request.method == "GET" or not user.totp_secret:
        services.totp_enrol_begin(user=user)
    form = forms.TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except services.LoginRefused as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Your authenticator app is set up."))
            if request.user.is_authenticated:
                return redirect("home")
            return _finish_login(request, user, "password+totp")
    uri = services.totp_provisioning_uri(user)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#212529")
    return render(
        request, "accounts/mfa_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": user.totp_secret, "next": _next_url(request)},
    )  # fmt: skip


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user, old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )  # fmt: skip
        except DomainError as exc:
            field = "old_password" if exc.code == "PASSWORD_WRONG" else "new_password"
            form.add_error(field, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form}, status=422 if form.errors else 200)


def agreement(request):
    return render(request, "accounts/agreement.html", {"version": services.AGREEMENT_VERSION})


def register(request):
    """Self-registration for enterprises and providers (seed 000 §五(一))."""
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.Registration(
            org_type=d["org_type"], org_name=d["org_name"].strip(), credit_code=d["credit_code"],
            address=d["address"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
            username=d["username"], real_name=d["real_name"], phone=d["phone"], email=d["email"],
            password=d["password"], agreement_version=request.POST.get("agreement_version", ""),
            accepted=d["accepted"],
        )  # fmt: skip
        try:
            services.registration_submit(data=data, ip=client_ip(request))
        except DomainError as exc:
            for field, message in (exc.details or {}).items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "accounts/register_done.html", {"org_name": data.org_name})
    return render(
        request, "accounts/register.html", {"form": form, "agreement_version": services.AGREEMENT_VERSION},
        status=422 if form.errors else 200,
    )  # fmt: skip


# --- organizations ---------------------------------------------------------------------------
@login_required
def organization_list(request):
    qs = selectors.organization_list_for(
        user=request.user, status=request.GET.get("status", ""), type=request.GET.get("type", ""),
        text=request.GET.get("q", "").strip(),
    ).order_by("name")  # fmt: skip
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "accounts/_partials/organization_table.html" if request.htmx else "accounts/organization_list.html"
    return render(request, template, {"page": page, "statuses": OrgStatus.choices, "types": OrgType.choices,
                                      "filters": request.GET})  # fmt: skip


def _org_or_404(request, pk: int) -> Organization:
    try:
        return selectors.organization_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def organization_detail(request, pk: int):
    org = _org_or_404(request, pk)
    users = selectors.user_list_for(user=request.user).filter(organization=org) if perms.can_manage_users_of(
        request.user, org) or request.user.organization_id == org.pk else User.objects.none()  # fmt: skip
    review_form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and review_form.is_valid():
        decision = review_form.cleaned_data["decision"]
        try:
            services.organization_review(actor=request.user, organization=org, approve=decision == "approve",
                                         comment=review_form.cleaned_data["comment"])  # fmt: skip
        except DomainError as exc:
            review_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("accounts:organization_detail", pk=org.pk)
    return render(request, "accounts/organization_detail.html", {
        "org": org, "users": users, "review_form": review_form,
        "can_review": org.status == OrgStatus.PENDING and perms.can_review_registrations(request.user),
        "can_manage": perms.can_manage_users_of(request.user, org),
    }, status=422 if review_form.errors else 200)  # fmt: skip


# --- users -----------------------------------------------------------------------------------
@login_required
def user_list(request):
    if not (perms.is_system_admin(request.user) or perms.is_security_admin(request.user)
            or request.user.has_org_role("org_admin")):  # fmt: skip
        raise Http404
    qs = selectors.user_list_for(user=request.user, text=request.GET.get("q", "").strip()).order_by("username")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "accounts/_partials/user_table.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"page": page, "filters": request.GET})


@login_required
def user_create(request, org_pk: int):
    org = _org_or_404(request, org_pk)
    if not perms.can_manage_users_of(request.user, org):
        raise Http404
    form = forms.UserCreateForm(request.POST or None)
    if not perms.is_system_admin(request.user) or org.type != OrgType.AUTHORITY:
        del form.fields["platform_role"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, temporary = services.user_create(
                actor=request.user, organization=org, username=d["username"], real_name=d["real_name"],
                email=d["email"], phone=d["phone"], roles=d["roles"] or (["staff"] if not d.get("platform_role") else []),
                platform_role=d.get("platform_role", ""),
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "accounts/user_created.html", {"new_user": user, "temporary": temporary})
    return render(request, "accounts/user_form.html", {"form": form, "org": org}, status=422 if form.errors else 200)


@login_required
def user_detail(request, pk: int):
    try:
        target = selectors.user_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    can_manage = perms.can_manage_users_of(request.user, target.organization) and target.pk != request.user.pk
    form = forms.RolesForm(request.POST or None, initial={
        "roles": [r for r in target.role_codes if r != target.platform_role], "platform_role": target.platform_role,
    })  # fmt: skip
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            services.user_set_roles(actor=request.user, user=target, roles=form.cleaned_data["roles"],
                                    platform_role=form.cleaned_data.get("platform_role") or "")  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Roles saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", {
        "target": target, "form": form, "can_manage": can_manage,
        "is_security_admin": perms.is_security_admin(request.user),
    }, status=422 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def user_action(request, pk: int, action: str):
    try:
        target = selectors.user_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    try:
        if action == "unlock":
            services.login_unlock(actor=request.user, username=target.username)
            messages.success(request, _("The account was unlocked."))
        elif action == "reset_mfa":
            services.totp_reset(actor=request.user, user=target)
            messages.success(request, _("The second factor was reset; the user sets it up at next login."))
        elif action in ("activate", "deactivate"):
            services.user_set_active(actor=request.user, user=target, is_active=action == "activate")
            messages.success(request, _("Saved."))
        elif action == "reset_password":
            temporary = services.user_reset_password(actor=request.user, user=target)
            return render(request, "accounts/user_created.html", {"new_user": target, "temporary": temporary})
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
def lock_list(request):
    if not perms.is_security_admin(request.user):
        raise Http404
    return render(request, "accounts/lock_list.html", {"locks": selectors.login_lock_list_for(user=request.user)})


@login_required
@require_POST
def lock_release(request):
    try:
        services.login_unlock(actor=request.user, username=request.POST.get("username", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account was unlocked."))
    return redirect("accounts:lock_list")


# --- API tokens ------------------------------------------------------------------------------
@login_required
def token_list(request):
    form = forms.TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = forms.TokenForm()
    return render(request, "accounts/token_list.html", {
        "tokens": selectors.api_token_list_for(user=request.user), "form": form, "created": created,
    }, status=422 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = selectors.api_token_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")
