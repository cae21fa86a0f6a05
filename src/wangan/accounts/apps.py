from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wangan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The one signal we allow (STYLE.md): auth events feed the audit trail.
        from wangan.accounts import auth_audit  # noqa: F401
