"""Session policy: idle timeout, second factor where mandatory, expired passwords."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

_EXEMPT_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/register", "/accounts/agreement",
                    "/static/", "/healthz", "/i18n/", "/api/")  # fmt: skip
_SETUP_PREFIXES = ("/accounts/mfa", "/accounts/password")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path
        if user.is_authenticated and not path.startswith(_EXEMPT_PREFIXES) and "_auth_user_id" in request.session:
            now = time.time()
            last = request.session.get("last_seen", now)
            if now - last > settings.LOGIN_POLICY["idle"].total_seconds():
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?next={path}")
            request.session["last_seen"] = now
            if not path.startswith(_SETUP_PREFIXES):
                from wangan.accounts.services import password_expired

                if user.mfa_required and not user.has_mfa:
                    return redirect("accounts:mfa_enrol")
                if password_expired(user):
                    messages.warning(request, _("Your password has expired or is temporary: set a new one."))
                    return redirect("accounts:password_change")
        return self.get_response(request)
