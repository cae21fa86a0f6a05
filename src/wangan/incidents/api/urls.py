from django.urls import path

from wangan.incidents.api import views

urlpatterns = [
    path(
        "incidents/contracts/<int:pk>/incidents/", views.IncidentListCreateApi.as_view(), name="incident-list"
    ),
    path("incidents/<int:pk>/", views.IncidentDetailApi.as_view(), name="incident-detail"),
    path(
        "incidents/contracts/<int:pk>/requests/",
        views.RequestListCreateApi.as_view(),
        name="incident-request-list",
    ),
    path("incidents/requests/<int:pk>/", views.RequestDetailApi.as_view(), name="incident-request-detail"),
    path(
        "incidents/requests/<int:pk>/respond/",
        views.RequestRespondApi.as_view(),
        name="incident-request-respond",
    ),
    path(
        "incidents/requests/<int:pk>/recover/",
        views.RequestRecoverApi.as_view(),
        name="incident-request-recover",
    ),
    path(
        "incidents/requests/<int:pk>/report.docx",
        views.RequestReportApi.as_view(),
        name="incident-request-report",
    ),
    path(
        "incidents/contracts/<int:pk>/special-periods/",
        views.PeriodListDeclareApi.as_view(),
        name="incident-period-list",
    ),
    path(
        "incidents/contracts/<int:pk>/special-periods/<int:period_pk>/shifts/",
        views.ShiftListCreateApi.as_view(),
        name="incident-shift-list",
    ),
    path(
        "incidents/contracts/<int:pk>/special-periods/<int:period_pk>/coverage/",
        views.CoverageApi.as_view(),
        name="incident-coverage",
    ),
    path("incidents/shifts/<int:pk>/", views.ShiftDetailApi.as_view(), name="incident-shift-detail"),
    path(
        "incidents/shifts/<int:pk>/check-in/", views.ShiftCheckInApi.as_view(), name="incident-shift-check-in"
    ),
    path(
        "incidents/attendance/<int:pk>/check-out/",
        views.AttendanceCheckOutApi.as_view(),
        name="incident-attendance-check-out",
    ),
    path(
        "incidents/contracts/<int:pk>/availability/",
        views.AvailabilityApi.as_view(),
        name="incident-availability",
    ),
]
