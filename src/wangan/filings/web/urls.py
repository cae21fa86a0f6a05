from django.urls import path

from wangan.filings.web import views

app_name = "filings"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/<slug:type_code>/", views.application_new, name="new"),
    path("review/", views.review_queue, name="queue"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.review_action, name="act"),
    path("<int:pk>/document/<slug:kind>.docx", views.application_document, name="document"),
]
