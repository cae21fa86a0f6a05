from django.urls import path

from wangan.incidents.web import duty, views

app_name = "incidents"
urlpatterns = [
    path("", views.index, name="index"),
    path("contracts/<int:pk>/", views.register, name="register"),
    path("contracts/<int:pk>/new/", views.incident_create, name="incident_create"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("contracts/<int:pk>/requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/clock/", views.request_clock, name="request_clock"),
    path("requests/<int:pk>/report.docx", views.request_report, name="request_report"),
    path("contracts/<int:pk>/periods/", duty.period_list, name="period_list"),
    path("contracts/<int:pk>/periods/<int:period_pk>/roster/", duty.roster, name="roster"),
    path("contracts/<int:pk>/periods/<int:period_pk>/roster.xlsx", duty.roster_export, name="roster_export"),
    path("shifts/<int:pk>/edit/", duty.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/delete/", duty.shift_delete, name="shift_delete"),
    path("contracts/<int:pk>/availability/", duty.availability_page, name="availability"),
]
