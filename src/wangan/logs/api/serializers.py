"""Input and output shapes of the log service API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangan.logs.choices import Level, SourceType
from wangan.logs.models import (
    Alert,
    AnalysisReport,
    AttackChain,
    CollectionTask,
    IngestBatch,
    LogEvent,
    LogSource,
)

_TYPES = ", ".join(SourceType.values)  # enum values listed in the help, not as schema enums (see below)
_LEVELS = ", ".join(Level.values)


class LogSourceOut(serializers.ModelSerializer):
    # plain strings with the values listed: a second "type"/"level" enum would collide in the schema
    type = serializers.CharField(help_text=_TYPES)

    class Meta:
        model = LogSource
        fields = ["id", "name", "host", "type", "criticality", "description", "is_active", "refused_batches",
                  "refused_lines", "last_refused_at", "last_refused_reason", "created_at"]  # fmt: skip


class LogSourceIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    host = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    type = serializers.CharField(default=SourceType.SYSLOG, help_text=_TYPES)
    criticality = serializers.IntegerField(min_value=1, max_value=5, default=3)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_type(self, value):
        return _check_type(value)


def _check_type(value: str) -> str:
    if value not in SourceType.values:
        raise serializers.ValidationError(_("Unknown source type; use one of: %(types)s.") % {"types": _TYPES})
    return value


class LogSourcePatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    host = serializers.CharField(max_length=255, required=False, allow_blank=True)
    type = serializers.CharField(required=False, help_text=_TYPES)
    criticality = serializers.IntegerField(min_value=1, max_value=5, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_type(self, value):
        return _check_type(value)


class LogBatchOut(serializers.ModelSerializer):
    source = serializers.IntegerField(source="source_id")
    scan = serializers.IntegerField(source="scan_id", allow_null=True)
    channel = serializers.CharField(help_text="upload, bulk, syslog")
    status = serializers.CharField(help_text="queued, processing, done, failed, refused")

    class Meta:
        model = IngestBatch
        fields = ["id", "source", "scan", "channel", "status", "sm3", "bytes", "lines", "accepted", "refused",
                  "reasons", "file_name", "first_event_at", "last_event_at", "error", "received_at", "processed_at"]  # fmt: skip


class LogUploadIn(serializers.Serializer):
    file = serializers.FileField()


class LogEventOut(serializers.ModelSerializer):
    source = serializers.IntegerField(source="source_id")

    class Meta:
        model = LogEvent
        fields = ["id", "source", "batch_id", "ts", "ts_inferred", "log_type", "host", "process", "pid", "user",
                  "target_user", "src_ip", "src_port", "action", "outcome", "category", "severity", "url",
                  "http_method", "status", "message", "raw", "file", "line"]  # fmt: skip


class LogAlertOut(serializers.ModelSerializer):
    source = serializers.IntegerField(source="source_id")
    level = serializers.CharField(help_text=_LEVELS)
    kind = serializers.CharField(help_text="sigma, correlation, behaviour, anomaly")

    class Meta:
        model = Alert
        fields = ["id", "scan_id", "batch_id", "source", "kind", "rule_id", "title", "level", "author", "tags",
                  "tactics", "techniques", "ts", "first_ts", "host", "src_ip", "user", "count", "score", "evidence",
                  "group", "description", "log_file", "log_line"]  # fmt: skip


class LogChainOut(serializers.ModelSerializer):
    max_level = serializers.CharField(help_text=_LEVELS)

    class Meta:
        model = AttackChain
        fields = ["id", "scan_id", "number", "start", "end", "max_level", "score", "progression", "tactics", "stages",
                  "src_ips", "users", "hosts", "steps"]  # fmt: skip


class LogRiskOut(serializers.Serializer):
    entity = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField()
    score = serializers.FloatField()
    alerts = serializers.IntegerField()
    max_level = serializers.CharField()
    tactics = serializers.ListField(child=serializers.CharField())
    first = serializers.DateTimeField(allow_null=True)
    last = serializers.DateTimeField(allow_null=True)
    evidence = serializers.ListField(child=serializers.DictField())


class LogRuleOut(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    default_level = serializers.CharField()
    author = serializers.CharField()
    kind = serializers.CharField()
    tactics = serializers.ListField(child=serializers.CharField())
    techniques = serializers.ListField(child=serializers.CharField())
    builtin = serializers.BooleanField()
    is_enabled = serializers.BooleanField()
    custom_pk = serializers.IntegerField(allow_null=True)


class LogOverrideIn(serializers.Serializer):
    is_enabled = serializers.BooleanField()
    level = serializers.CharField(required=False, default="", allow_blank=True, help_text="empty = the rule's own; " + _LEVELS)


class LogRuleUploadIn(serializers.Serializer):
    text = serializers.CharField(max_length=256 * 1024, trim_whitespace=False)


class LogRuleTestIn(serializers.Serializer):
    rule_id = serializers.CharField(max_length=200)
    lines = serializers.ListField(child=serializers.CharField(max_length=65536, trim_whitespace=False),
                                  min_length=1, max_length=200)  # fmt: skip


class LogRuleTestOut(serializers.Serializer):
    line = serializers.CharField()
    log_type = serializers.CharField()
    fields = serializers.DictField()
    matched = serializers.BooleanField()
    matched_rules = serializers.ListField(child=serializers.DictField())


class LogTaskOut(serializers.ModelSerializer):
    status = serializers.CharField(help_text="planned, collected, reported")

    class Meta:
        model = CollectionTask
        fields = ["id", "year", "quarter", "period_start", "period_end", "collect_due", "report_due",
                  "report_due_provisional", "status", "collected_at", "reported_at"]  # fmt: skip


class LogPlanIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2999)


class LogReportOut(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id", allow_null=True)
    file = serializers.IntegerField(source="file_id", allow_null=True)
    pdf_file = serializers.IntegerField(source="pdf_file_id", allow_null=True)
    pdf_error = serializers.CharField(help_text="why there is no PDF (no Chinese font), else empty")
    contract_task = serializers.IntegerField(source="contract_task_ref", allow_null=True,
                                             help_text="the contract task the report was handed in for")  # fmt: skip
    status = serializers.CharField(help_text="pending, done, failed")

    class Meta:
        model = AnalysisReport
        fields = ["id", "task", "period_start", "period_end", "status", "summary", "error", "file", "pdf_file",
                  "pdf_error", "contract_task", "contract_task_label", "attached_at", "created_at", "finished_at"]  # fmt: skip


class LogReportAttachIn(serializers.Serializer):
    task = serializers.IntegerField(help_text="id of an open log-analysis task (GET /api/v1/logs/contract-tasks/)")


class LogContractTaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    contract_id = serializers.IntegerField()
    label = serializers.CharField()
    due_on = serializers.DateField()


class LogReportIn(serializers.Serializer):
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    task = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if "task" not in attrs and not ("period_start" in attrs and "period_end" in attrs):
            raise serializers.ValidationError(_("Give a collection task, or both the start and the end of the period."))
        return attrs
