from django.urls import path

from wangan.core.web import calendar, files, views

app_name = "core"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("files/<int:pk>/download/", files.download, name="file_download"),
    path("calendar/", calendar.calendar_year, name="calendar"),
    path("robots.txt", views.robots, name="robots"),
]
