from django.urls import path

from wangan.logs.web import manage, review

app_name = "logs"
urlpatterns = [
    path("", review.overview, name="overview"),
    path("events/", review.event_search, name="events"),
    path("review/anomalies/", review.anomalies, name="anomalies"),
    path("review/<slug:kind>/", review.review, name="review"),
    path("alerts/", review.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", review.alert_detail, name="alert_detail"),
    path("chains/", review.chain_list, name="chain_list"),
    path("chains/<int:pk>/", review.chain_detail, name="chain_detail"),
    path("risks/", review.risk_list, name="risk_list"),
    path("sources/", manage.source_list, name="source_list"),
    path("sources/<int:pk>/", manage.source_detail, name="source_detail"),
    path("batches/<int:pk>/", manage.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", manage.batch_progress, name="batch_progress"),
    path("rules/", manage.rule_list, name="rule_list"),
    path("rules/override/", manage.rule_override, name="rule_override"),
    path("rules/test/", manage.rule_test, name="rule_test"),
    path("rules/<int:pk>/delete/", manage.rule_delete, name="rule_delete"),
    path("plan/", manage.plan, name="plan"),
    path("plan/tasks/<int:pk>/collected/", manage.task_collected, name="task_collected"),
    path("plan/tasks/<int:pk>/report/", manage.task_report, name="task_report"),
    path("reports/", manage.report_list, name="report_list"),
    path("reports/<int:pk>/download/", manage.report_download, name="report_download"),
    path("reports/<int:pk>/download/pdf/", manage.report_download, {"kind": "pdf"}, name="report_download_pdf"),
    path("reports/<int:pk>/attach/", manage.report_attach, name="report_attach"),
]
