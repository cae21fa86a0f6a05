from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CryptoSvcConfig(AppConfig):
    name = "wangan.cryptosvc"
    label = "cryptosvc"
    verbose_name = _("National-crypto services")
