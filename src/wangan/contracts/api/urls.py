from django.urls import path

from wangan.contracts.api import lifecycle_urls, views

urlpatterns = [
    path("contracts/", views.ContractListCreateApi.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", views.ContractDetailApi.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/schedule/", views.ScheduleApi.as_view(), name="contract-schedule"),
    path("contracts/<int:pk>/tasks/", views.TaskListApi.as_view(), name="contract-tasks"),
    path("contracts/<int:pk>/year-score/", views.YearScoreApi.as_view(), name="contract-year-score"),
    path(
        "contracts/<int:pk>/months/<int:year>/<int:month>/", views.MonthApi.as_view(), name="contract-month"
    ),
    path("contracts/<int:pk>/penalties/", views.PenaltyListApi.as_view(), name="contract-penalties"),
    path(
        "contracts/<int:pk>/penalties/raise/", views.PenaltyRaiseApi.as_view(), name="contract-penalty-raise"
    ),
    path("contracts/<int:pk>/penalties/scan/", views.PenaltyScanApi.as_view(), name="contract-penalty-scan"),
    path("contracts/months/<int:pk>/close/", views.MonthCloseApi.as_view(), name="contract-month-close"),
    path("contracts/months/<int:pk>/reopen/", views.MonthReopenApi.as_view(), name="contract-month-reopen"),
    path(
        "contracts/months/<int:pk>/export.<str:fmt>",
        views.MonthExportApi.as_view(),
        name="contract-month-export",
    ),
    path("contracts/tasks/<int:pk>/", views.TaskDetailApi.as_view(), name="contract-task"),
    path("contracts/tasks/<int:pk>/submit/", views.TaskSubmitApi.as_view(), name="contract-task-submit"),
    path("contracts/tasks/<int:pk>/accept/", views.TaskAcceptApi.as_view(), name="contract-task-accept"),
    path("contracts/tasks/<int:pk>/return/", views.TaskReturnApi.as_view(), name="contract-task-return"),
    path(
        "contracts/tasks/<int:pk>/documents/<int:index>.docx",
        views.TaskDocumentApi.as_view(),
        name="contract-task-document",
    ),
    path(
        "contracts/deliverables/<int:pk>/download/",
        views.DeliverableDownloadApi.as_view(),
        name="contract-deliverable-download",
    ),
    path(
        "contracts/penalties/<int:pk>/decide/",
        views.PenaltyDecideApi.as_view(),
        name="contract-penalty-decide",
    ),
]
urlpatterns += lifecycle_urls.urlpatterns
