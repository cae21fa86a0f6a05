from django.urls import path

from wangan.accounts.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("organizations/", views.OrganizationListApi.as_view(), name="organization-list"),
    path("organizations/<int:pk>/", views.OrganizationDetailApi.as_view(), name="organization-detail"),
    path("users/", views.UserListApi.as_view(), name="user-list"),
    path("users/<int:pk>/", views.UserDetailApi.as_view(), name="user-detail"),
    path("tokens/", views.TokenListCreateApi.as_view(), name="token-list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeApi.as_view(), name="token-revoke"),
    path("webhooks/", views.WebhookListCreateApi.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", views.WebhookDeleteApi.as_view(), name="webhook-delete"),
    path("registrations/", views.RegistrationApi.as_view(), name="registration"),
]
