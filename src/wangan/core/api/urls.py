from django.urls import path

from wangan.core.api import files, views

urlpatterns = [
    path("notifications/", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<int:pk>/read/", views.NotificationReadApi.as_view(), name="notification-read"),
    path("audit/events/", views.AuditEventListApi.as_view(), name="audit-list"),
    path("files/", files.FileUploadApi.as_view(), name="files-upload"),
    path("files/<int:pk>/", files.FileDetailApi.as_view(), name="files-detail"),
    path("files/<int:pk>/download/", files.FileDownloadApi.as_view(), name="files-download"),
]
