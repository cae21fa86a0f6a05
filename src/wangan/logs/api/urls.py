from django.urls import path

from wangan.logs.api import views

urlpatterns = [
    path("logs/sources/", views.SourceListCreateApi.as_view(), name="logs-sources"),
    path("logs/sources/<int:pk>/", views.SourceDetailApi.as_view(), name="logs-source"),
    path("logs/sources/<int:pk>/uploads/", views.UploadApi.as_view(), name="logs-upload"),
    path("logs/sources/<int:pk>/bulk/", views.BulkApi.as_view(), name="logs-bulk"),
    path("logs/batches/", views.BatchListApi.as_view(), name="logs-batches"),
    path("logs/batches/<int:pk>/", views.BatchDetailApi.as_view(), name="logs-batch"),
    path("logs/events/", views.EventListApi.as_view(), name="logs-events"),
    path("logs/alerts/", views.AlertListApi.as_view(), name="logs-alerts"),
    path("logs/chains/", views.ChainListApi.as_view(), name="logs-chains"),
    path("logs/chains/<int:pk>/", views.ChainDetailApi.as_view(), name="logs-chain"),
    path("logs/risks/", views.RiskListApi.as_view(), name="logs-risks"),
    path("logs/rules/", views.RuleListApi.as_view(), name="logs-rules"),
    path("logs/rules/test/", views.RuleTestApi.as_view(), name="logs-rule-test"),
    path("logs/rules/<str:rule_id>/override/", views.RuleOverrideApi.as_view(), name="logs-rule-override"),
    path("logs/collection-tasks/", views.TaskListApi.as_view(), name="logs-tasks"),
    path("logs/collection-tasks/plan/", views.PlanApi.as_view(), name="logs-plan"),
    path("logs/collection-tasks/<int:pk>/collected/", views.TaskCollectedApi.as_view(), name="logs-task-collected"),
    path("logs/reports/", views.ReportListCreateApi.as_view(), name="logs-reports"),
    path("logs/reports/<int:pk>/download/", views.ReportDownloadApi.as_view(), name="logs-report-download"),
    path("logs/reports/<int:pk>/download/pdf/", views.ReportPdfDownloadApi.as_view(), name="logs-report-download-pdf"),
    path("logs/reports/<int:pk>/attach/", views.ReportAttachApi.as_view(), name="logs-report-attach"),
    path("logs/contract-tasks/", views.ContractTaskListApi.as_view(), name="logs-contract-tasks"),
]
