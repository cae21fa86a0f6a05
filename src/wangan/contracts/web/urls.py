from django.urls import path

from wangan.contracts.web import lifecycle_urls, penalties, tasks, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("amount-upper/", views.amount_preview, name="amount_upper"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/schedule/", tasks.schedule, name="schedule"),
    path("<int:pk>/schedule/generate/", views.schedule_generate, name="schedule_generate"),
    path("<int:pk>/tasks/request/", tasks.task_request, name="task_request"),
    path("<int:pk>/penalties/", penalties.penalties, name="penalties"),
    path("<int:pk>/months/<int:year>/<int:month>/", views.month_form, name="month"),
    path("months/<int:pk>/export.<str:fmt>", views.month_export, name="month_export"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/documents/<int:index>.docx", tasks.task_document, name="task_document"),
    path("deliverables/<int:pk>/", tasks.deliverable_download, name="deliverable"),
]
urlpatterns += lifecycle_urls.urlpatterns
