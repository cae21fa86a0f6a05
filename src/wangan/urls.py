from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from wangan.core.web import views as core_views
from wangan.reports.web import dashboards

api_v1 = [
    path("", include("wangan.accounts.api.urls")),
    path("", include("wangan.core.api.urls")),
    path("", include("wangan.filings.api.urls")),
    path("", include("wangan.vouchers.api.urls")),
    path("", include("wangan.cryptosvc.api.urls")),
    path("", include("wangan.logs.api.urls")),
    path("", include("wangan.contracts.api.urls")),
    path("", include("wangan.incidents.api.urls")),
]

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("wangan.accounts.web.urls")),
    path("filings/", include("wangan.filings.web.urls")),
    path("vouchers/", include("wangan.vouchers.web.urls")),
    path("crypto/", include("wangan.cryptosvc.web.urls")),
    path("logs/", include("wangan.logs.web.urls")),
    path("contracts/", include("wangan.contracts.web.urls")),
    path("incidents/", include("wangan.incidents.web.urls")),
    path("", include("wangan.core.web.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

handler404 = "wangan.core.web.views.not_found"
handler403 = "wangan.core.web.views.forbidden"
