"""Pages for the contract's lifecycle: personnel changes, continuation and settlement, acceptance, weights,
service items."""

from django.urls import path

from wangan.contracts.web import items_views
from wangan.contracts.web import lifecycle_views as views

urlpatterns = [
    path("<int:pk>/personnel/", views.personnel, name="personnel"),
    path("personnel-changes/<int:pk>/<str:kind>/", views.personnel_document, name="personnel_document"),
    path("<int:pk>/settlement/", views.settlement, name="settlement"),
    path("<int:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("<int:pk>/acceptance/report.docx", views.acceptance_report, name="acceptance_report"),
    path("acceptance-reviews/<int:pk>/<str:kind>/", views.acceptance_document, name="acceptance_document"),
    path("<int:pk>/weights/", views.weights, name="weights"),
    path("<int:pk>/items/", items_views.items, name="items"),
]
