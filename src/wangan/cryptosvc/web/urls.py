from django.urls import path

from wangan.cryptosvc.web import views

app_name = "cryptosvc"
urlpatterns = [
    path("", views.key_management, name="keys"),
    path("applications/", views.application_register, name="application_register"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
    path("keys/<int:pk>/<slug:action>/", views.key_action, name="key_action"),
    path("usage/", views.usage, name="usage"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
]
