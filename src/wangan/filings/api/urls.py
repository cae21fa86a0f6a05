from django.urls import path

from wangan.filings.api import views

urlpatterns = [
    path("filings/types/", views.TypeListApi.as_view(), name="filing-types"),
    path("filings/applications/", views.ApplicationListCreateApi.as_view(), name="filing-list"),
    path("filings/applications/<int:pk>/", views.ApplicationDetailApi.as_view(), name="filing-detail"),
    path("filings/applications/<int:pk>/submit/", views.ApplicationSubmitApi.as_view(), name="filing-submit"),
    path("filings/applications/<int:pk>/attachments/", views.AttachmentCreateApi.as_view(), name="filing-attach"),
    path("filings/applications/<int:pk>/review/", views.ReviewApi.as_view(), name="filing-review"),
    path("filings/applications/<int:pk>/score/", views.ScoreApi.as_view(), name="filing-score"),
    path("filings/review-queue/", views.ReviewQueueApi.as_view(), name="filing-queue"),
]
