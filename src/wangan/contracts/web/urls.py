from django.urls import path

from wangan.contracts.web import lifecycle_urls, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/months/<int:year>/<int:month>/", views.month_form, name="month"),
    path("months/<int:pk>/export.<str:fmt>", views.month_export, name="month_export"),
]
urlpatterns += lifecycle_urls.urlpatterns
