"""Log service API: one view per operation, scoped by selectors, writes through services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.accounts.permissions import Predicate
from wangan.core.errors import NotFound
from wangan.core.files import file_check_request_size, file_open_for_download, file_response
from wangan.logs import conf, selectors, services
from wangan.logs.api import serializers as s
from wangan.logs.errors import LogBackpressure
from wangan.logs.permissions import can_use_logs
from wangan.logs.rules import rule_test_lines
from wangan.logs.store import EventFilter

LogsPermission = Predicate.of(can_use_logs)

_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description='{"code": "…", "message": "…"}')


class _Base(APIView):
    permission_classes = [LogsPermission]


class _BaseList(ListAPIView):
    permission_classes = [LogsPermission]


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    dt = parse_datetime(raw)
    if dt is None:
        d = parse_date(raw)
        if d is None:
            return None
        dt = datetime.combine(d, datetime.min.time())
    return timezone.make_aware(dt) if timezone.is_naive(dt) else dt


def _window(params, default_days: int = 30) -> selectors.Window:
    since, until = _when(params.get("since")), _when(params.get("until"))
    now = timezone.now()
    return selectors.Window(since or now - timedelta(days=default_days), until or now + timedelta(minutes=1))


WINDOW_PARAMS = [
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="start (ISO 8601 date or time); default 30 days ago"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="end (exclusive); default now"),
]


# --- sources ------------------------------------------------------------------------------------
class SourceListCreateApi(_BaseList):
    serializer_class = s.LogSourceOut

    def get_queryset(self):
        return selectors.source_list_for(user=self.request.user)

    @extend_schema(summary="Log sources of the caller's organization")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.LogSourceIn, responses={201: s.LogSourceOut, 409: _ERROR}, summary="Register a log source",
                   examples=[OpenApiExample("web server", request_only=True,
                                            value={"name": "门户 web01", "host": "web01", "type": "linux_auth", "criticality": 4})])  # fmt: skip
    def post(self, request):
        data = s.LogSourceIn(data=request.data)
        data.is_valid(raise_exception=True)
        source = services.source_create(actor=request.user, **data.validated_data)
        return Response(s.LogSourceOut(source).data, status=status.HTTP_201_CREATED)


class SourceDetailApi(_Base):
    @extend_schema(responses={200: s.LogSourceOut, 404: _ERROR}, summary="One log source (404 if not visible)")
    def get(self, request, pk: int):
        return Response(s.LogSourceOut(selectors.source_get_for(user=request.user, pk=pk)).data)

    @extend_schema(request=s.LogSourcePatchIn, responses={200: s.LogSourceOut, 404: _ERROR}, summary="Change a log source",
                   examples=[OpenApiExample("raise criticality", request_only=True, value={"criticality": 5})])  # fmt: skip
    def patch(self, request, pk: int):
        source = selectors.source_get_for(user=request.user, pk=pk)
        data = s.LogSourcePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        source = services.source_update(actor=request.user, source=source, **data.validated_data)
        return Response(s.LogSourceOut(source).data)


class UploadApi(_Base):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.LogUploadIn}, responses={202: s.LogBatchOut, 422: _ERROR},
                   summary="Upload a log file (plain, .gz, .zip); the engine runs over it in the background. "
                           "A refused file is recorded as a refused batch (SM3, reason) and answered 422.")  # fmt: skip
    def post(self, request, pk: int):
        source = selectors.source_get_for(user=request.user, pk=pk)
        file_check_request_size(content_length=request.META.get("CONTENT_LENGTH"))
        data = s.LogUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.upload_receive(actor=request.user, source=source, upload=data.validated_data["file"])
        return Response(s.LogBatchOut(batch).data, status=status.HTTP_202_ACCEPTED)


class NdjsonParser(BaseParser):
    """Declares the bulk body type; the view reads the raw bytes itself (bounded)."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):  # pragma: no cover - never called
        return stream.read()


class BulkApi(_Base):
    parser_classes = [NdjsonParser, JSONParser]

    @extend_schema(
        request={"application/x-ndjson": OpenApiTypes.STR},
        responses={202: s.LogBatchOut, 413: _ERROR, 429: _ERROR},
        summary="Send log events as JSON lines (Authorization: Bearer wg_…). Each line is a JSON object: "
                "{\"raw\": \"<log line>\"} or structured fields for the JSON parser. Lines that are not JSON "
                "objects or are too long are refused and counted. 413 above the size limit; 429 with "
                "Retry-After when too much waits (back-pressure); refusals are counted on the source.",
        examples=[OpenApiExample("two lines", request_only=True, media_type="application/x-ndjson",
                                 value='{"raw": "Mar  3 10:00:01 web01 sshd[100]: Failed password for root from 203.0.113.7 port 40221 ssh2"}\n'
                                       '{"@timestamp": "2026-03-03T10:00:02+08:00", "host": "web01", "message": "login ok", "user": "alice"}\n')],
    )  # fmt: skip
    def post(self, request, pk: int):
        source = selectors.source_get_for(user=request.user, pk=pk)
        limit = conf.get("WANGAN_LOG_BULK_MAX_BYTES")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        try:
            if declared > limit:
                services.bulk_refuse_too_large(source=source, declared=declared)
            stream = request.stream
            body = stream.read(limit + 1) if stream is not None else b""
            batch = services.bulk_receive(actor=request.user, source=source, body=body)
        except LogBackpressure as exc:
            response = Response({"code": exc.code, "message": exc.message, "details": exc.details},
                                status=status.HTTP_429_TOO_MANY_REQUESTS)  # fmt: skip
            response["Retry-After"] = str(exc.retry_after)
            return response
        return Response(s.LogBatchOut(batch).data, status=status.HTTP_202_ACCEPTED)


# --- batches and events ---------------------------------------------------------------------------
class BatchListApi(_BaseList):
    serializer_class = s.LogBatchOut

    @extend_schema(summary="Received batches (integrity records: SM3, counts, refusals)",
                   parameters=[OpenApiParameter("source", int), OpenApiParameter("status", str)])  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        source = p.get("source")
        return selectors.batch_list_for(user=self.request.user, source_id=int(source) if (source or "").isdigit() else None,
                                        status=p.get("status", ""))  # fmt: skip


class BatchDetailApi(_Base):
    @extend_schema(responses={200: s.LogBatchOut, 404: _ERROR}, summary="One batch")
    def get(self, request, pk: int):
        return Response(s.LogBatchOut(selectors.batch_get_for(user=request.user, pk=pk)).data)


def event_filter_from(params) -> EventFilter:
    def num(name):
        v = params.get(name, "")
        return int(v) if v.isdigit() else None

    since, until = _when(params.get("since")), _when(params.get("until"))
    return EventFilter(
        since=since, until=until, source_id=num("source"), batch_id=num("batch"),
        category=params.get("category", "")[:20], outcome=params.get("outcome", "")[:10], host=params.get("host", "")[:255],
        user=params.get("user", "")[:255], src_ip=params.get("src_ip", "")[:255], action=params.get("action", "")[:100],
        log_type=params.get("log_type", "")[:20], text=params.get("q", "")[:200], min_status=num("min_status"),
    )  # fmt: skip


class EventListApi(_BaseList):
    serializer_class = s.LogEventOut

    @extend_schema(summary="Search stored events (newest first)", parameters=[
        *WINDOW_PARAMS, OpenApiParameter("source", int), OpenApiParameter("batch", int),
        OpenApiParameter("category", str, description="authentication, privileged, iam, session, web, fault, …"),
        OpenApiParameter("outcome", str, enum=["success", "failure"]), OpenApiParameter("host", str),
        OpenApiParameter("user", str), OpenApiParameter("src_ip", str), OpenApiParameter("action", str),
        OpenApiParameter("log_type", str), OpenApiParameter("min_status", int), OpenApiParameter("q", str),
        OpenApiParameter("review", str, enum=list(selectors.REVIEW_KINDS)),
    ])  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        flt = event_filter_from(p)
        review = p.get("review", "")
        if review:
            return selectors.review_events_for(user=self.request.user, kind=review, window=_window(p), flt=flt)
        return selectors.event_search_for(user=self.request.user, flt=flt)


# --- findings ------------------------------------------------------------------------------------
class AlertListApi(_BaseList):
    serializer_class = s.LogAlertOut

    @extend_schema(summary="Alerts with evidence and the rule's author", parameters=[
        *WINDOW_PARAMS, OpenApiParameter("kind", str, enum=["sigma", "correlation", "behaviour", "anomaly"]),
        OpenApiParameter("level", str), OpenApiParameter("src_ip", str), OpenApiParameter("host", str),
        OpenApiParameter("rule_id", str), OpenApiParameter("scan", int),
    ])  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        scan = p.get("scan", "")
        return selectors.alert_list_for(
            user=self.request.user, window=_window(p, 90), kind=p.get("kind", ""), level=p.get("level", ""),
            src_ip=p.get("src_ip", ""), host=p.get("host", ""), rule_id=p.get("rule_id", ""),
            scan_id=int(scan) if scan.isdigit() else None,
        )  # fmt: skip


class ChainListApi(_BaseList):
    serializer_class = s.LogChainOut

    @extend_schema(summary="Attack chains, most advanced first", parameters=WINDOW_PARAMS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.chain_list_for(user=self.request.user, window=_window(self.request.query_params, 90))


class ChainDetailApi(_Base):
    @extend_schema(responses={200: s.LogChainOut, 404: _ERROR}, summary="One attack chain with its timeline")
    def get(self, request, pk: int):
        return Response(s.LogChainOut(selectors.chain_get_for(user=request.user, pk=pk)).data)


class RiskListApi(_Base):
    @extend_schema(responses=s.LogRiskOut(many=True), parameters=WINDOW_PARAMS,
                   summary="The ranked “handle first” list: entities by risk, with evidence")  # fmt: skip
    def get(self, request):
        rows = selectors.risk_list_for(user=request.user, window=_window(request.query_params, 90))
        return Response(s.LogRiskOut(rows, many=True).data)


# --- rules ---------------------------------------------------------------------------------------
class RuleListApi(_Base):
    @extend_schema(responses=s.LogRuleOut(many=True), summary="Built-in and uploaded rules with the organization's overrides")
    def get(self, request):
        return Response(s.LogRuleOut(selectors.rule_list_for(user=request.user), many=True).data)

    @extend_schema(request=s.LogRuleUploadIn, responses={201: s.LogRuleOut(many=True), 409: _ERROR, 422: _ERROR},
                   summary="Upload a Sigma rule file (checked by the engine's loader)",
                   examples=[OpenApiExample("one rule", request_only=True, value={"text": "title: Test\nid: 5b1d…\n…"})])  # fmt: skip
    def post(self, request):
        data = s.LogRuleUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.custom_rule_upload(actor=request.user, text=data.validated_data["text"])
        ids = {c.rule_id for c in created}
        rows = [r for r in selectors.rule_list_for(user=request.user) if r.id in ids]
        return Response(s.LogRuleOut(rows, many=True).data, status=status.HTTP_201_CREATED)


class RuleOverrideApi(_Base):
    @extend_schema(request=s.LogOverrideIn, responses={200: s.LogRuleOut, 404: _ERROR},
                   summary="Enable/disable a rule or override its level for the organization",
                   examples=[OpenApiExample("disable", request_only=True, value={"is_enabled": False}),
                             OpenApiExample("raise level", request_only=True, value={"is_enabled": True, "level": "high"})])  # fmt: skip
    def put(self, request, rule_id: str):
        data = s.LogOverrideIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.rule_override_set(actor=request.user, rule_id=rule_id, **data.validated_data)
        row = next(r for r in selectors.rule_list_for(user=request.user) if r.id == rule_id)
        return Response(s.LogRuleOut(row).data)


class RuleTestApi(_Base):
    @extend_schema(request=s.LogRuleTestIn, responses=s.LogRuleTestOut(many=True),
                   summary="Test a rule against sample lines: how each line is normalized and which rules match",
                   examples=[OpenApiExample("ssh failure", request_only=True, value={
                       "rule_id": "786198a7-855a-544e-8465-329ed5628dcc",
                       "lines": ["Mar  3 10:00:01 web01 sshd[100]: Failed password for root from 203.0.113.7 port 40221 ssh2"]})])  # fmt: skip
    def post(self, request):
        data = s.LogRuleTestIn(data=request.data)
        data.is_valid(raise_exception=True)
        rid = data.validated_data["rule_id"]
        if not any(r.id == rid for r in selectors.rule_list_for(user=request.user)):
            raise NotFound(code="RULE_NOT_FOUND")
        verdicts = rule_test_lines(organization_id=request.user.organization_id, rule_id=rid,
                                   lines=data.validated_data["lines"])  # fmt: skip
        return Response(s.LogRuleTestOut(verdicts, many=True).data)


# --- collection plan and reports -----------------------------------------------------------------
class TaskListApi(_Base):
    @extend_schema(responses=s.LogTaskOut(many=True), parameters=[OpenApiParameter("year", int)],
                   summary="Quarterly collection tasks (seed 004 附件3 §6)")  # fmt: skip
    def get(self, request):
        year = request.query_params.get("year", "")
        qs = selectors.collection_task_list_for(user=request.user, year=int(year) if year.isdigit() else None)
        return Response(s.LogTaskOut(qs, many=True).data)


class PlanApi(_Base):
    @extend_schema(request=s.LogPlanIn, responses={201: s.LogTaskOut(many=True)},
                   summary="Create the year's four quarterly collection tasks (idempotent)",
                   examples=[OpenApiExample("2026", request_only=True, value={"year": 2026})])  # fmt: skip
    def post(self, request):
        data = s.LogPlanIn(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = services.collection_plan_for_year(organization=request.user.organization,
                                                  year=data.validated_data["year"], actor=request.user)  # fmt: skip
        return Response(s.LogTaskOut(tasks, many=True).data, status=status.HTTP_201_CREATED)


class TaskCollectedApi(_Base):
    @extend_schema(request=None, responses={200: s.LogTaskOut, 409: _ERROR},
                   summary="Mark a quarter's logs collected; the report is due 5 working days later")  # fmt: skip
    def post(self, request, pk: int):
        task = selectors.collection_task_get_for(user=request.user, pk=pk)
        return Response(s.LogTaskOut(services.collection_task_mark_collected(actor=request.user, task=task)).data)


class ReportListCreateApi(_BaseList):
    serializer_class = s.LogReportOut

    def get_queryset(self):
        return selectors.report_list_for(user=self.request.user)

    @extend_schema(summary="《日志分析和审计报告》 of the organization")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.LogReportIn, responses={202: s.LogReportOut, 422: _ERROR},
                   summary="Generate the report for a period or a collection task (background job)",
                   examples=[OpenApiExample("a quarter", request_only=True, value={"period_start": "2026-01-01", "period_end": "2026-03-31"}),
                             OpenApiExample("a task", request_only=True, value={"task": 1})])  # fmt: skip
    def post(self, request):
        data = s.LogReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = selectors.collection_task_get_for(user=request.user, pk=v["task"]) if "task" in v else None
        report = services.report_request(actor=request.user, period_start=v.get("period_start") or task.period_start,
                                         period_end=v.get("period_end") or task.period_end, task=task)  # fmt: skip
        return Response(s.LogReportOut(report).data, status=status.HTTP_202_ACCEPTED)


class ReportDownloadApi(_Base):
    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
                              404: _ERROR}, summary="Download a generated report as DOCX (audited)")  # fmt: skip
    def get(self, request, pk: int):
        report = selectors.report_get_for(user=request.user, pk=pk)
        if report.file_id is None:
            raise NotFound(code="REPORT_NOT_READY")
        stored, handle = file_open_for_download(user=request.user, pk=report.file_id)
        return file_response(stored=stored, handle=handle)


class ReportPdfDownloadApi(_Base):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _ERROR},
                   summary="Download a generated report as PDF (audited); 404 REPORT_PDF_MISSING when no Chinese "
                           "font was available (the report's pdf_error says why)")  # fmt: skip
    def get(self, request, pk: int):
        report = selectors.report_get_for(user=request.user, pk=pk)
        if report.pdf_file_id is None:
            raise NotFound(report.pdf_error, code="REPORT_PDF_MISSING" if report.pdf_error else "REPORT_NOT_READY")
        stored, handle = file_open_for_download(user=request.user, pk=report.pdf_file_id)
        return file_response(stored=stored, handle=handle)


class ReportAttachApi(_Base):
    @extend_schema(request=s.LogReportAttachIn, responses={200: s.LogReportOut, 404: _ERROR, 409: _ERROR, 422: _ERROR},
                   summary="Hand the report in for a contract's open log-analysis task (the contractor's side); "
                           "the DOCX and PDF become the task's deliverables",
                   examples=[OpenApiExample("task", request_only=True, value={"task": 42})])  # fmt: skip
    def post(self, request, pk: int):
        report = selectors.report_get_for(user=request.user, pk=pk)
        data = s.LogReportAttachIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_attach_to_task(actor=request.user, report=report, task_id=data.validated_data["task"])
        return Response(s.LogReportOut(report).data)


class ContractTaskListApi(_Base):
    @extend_schema(responses=s.LogContractTaskOut(many=True),
                   summary="Open log-analysis tasks of the contracts the caller's organization carries out")  # fmt: skip
    def get(self, request):
        return Response(s.LogContractTaskOut(selectors.contract_task_choices_for(user=request.user), many=True).data)
