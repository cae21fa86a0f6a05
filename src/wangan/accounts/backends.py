"""Authentication backend: sessions only resolve users; credentials go through services.

``login_check_password`` applies the lockout policy, so Django's ``authenticate`` (used by
nothing in our views) is routed there too rather than bypassing it.
"""

from django.contrib.auth.backends import BaseBackend

from wangan.accounts.models import User


class PolicyBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from wangan.accounts.services import LoginRefused, login_check_password

        try:
            user = login_check_password(username=username or "", password=password or "")
        except LoginRefused:
            return None
        if user.mfa_required or user.has_mfa:
            return None  # a second factor is needed: only the login views complete such a login
        return user

    def get_user(self, user_id):
        user = User.objects.select_related("organization").prefetch_related("org_roles").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
