"""API for the contract's lifecycle: personnel changes, continuation and settlement, acceptance, weights,
service items."""

from django.urls import path

from wangan.contracts.api import items_views
from wangan.contracts.api import lifecycle_views as views

urlpatterns = [
    path("contracts/<int:pk>/personnel/", views.PersonnelApi.as_view(), name="contract-personnel"),
    path(
        "contracts/<int:pk>/personnel/changes/",
        views.PersonnelChangeFileApi.as_view(),
        name="contract-personnel-change-file",
    ),
    path(
        "contracts/personnel-changes/<int:pk>/decide/",
        views.PersonnelChangeDecideApi.as_view(),
        name="contract-personnel-change-decide",
    ),
    path(
        "contracts/personnel-changes/<int:pk>/withdraw/",
        views.PersonnelChangeWithdrawApi.as_view(),
        name="contract-personnel-change-withdraw",
    ),
    path(
        "contracts/personnel-changes/<int:pk>/<str:kind>/",
        views.PersonnelChangeDocumentApi.as_view(),
        name="contract-personnel-change-document",
    ),
    path("contracts/<int:pk>/settlement/", views.SettlementApi.as_view(), name="contract-settlement"),
    path("contracts/<int:pk>/settlement/successor/", views.SuccessorApi.as_view(), name="contract-successor"),
    path("contracts/<int:pk>/acceptance/", views.AcceptanceApi.as_view(), name="contract-acceptance"),
    path(
        "contracts/<int:pk>/acceptance/reviews/",
        views.AcceptanceReviewApi.as_view(),
        name="contract-acceptance-review",
    ),
    path(
        "contracts/<int:pk>/acceptance/report.docx",
        views.AcceptanceReportApi.as_view(),
        name="contract-acceptance-report",
    ),
    path(
        "contracts/acceptance-reviews/<int:pk>/rectify/",
        views.AcceptanceRectifyApi.as_view(),
        name="contract-acceptance-rectify",
    ),
    path(
        "contracts/acceptance-reviews/<int:pk>/<str:kind>/",
        views.AcceptanceDocumentApi.as_view(),
        name="contract-acceptance-document",
    ),
    path("contracts/<int:pk>/weights/", views.WeightsApi.as_view(), name="contract-weights"),
    path("contracts/<int:pk>/items/", items_views.ItemsApi.as_view(), name="contract-items"),
]
