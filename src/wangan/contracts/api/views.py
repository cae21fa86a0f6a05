"""Contracts API: one view per operation, scoped through selectors, writes through services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.accounts.models import Organization
from wangan.contracts import catalog, documents, selectors, services, taskflow
from wangan.contracts.amounts import amount_upper
from wangan.contracts.models import Contract, Deliverable, PenaltySuggestion, ScoringMonth, Task
from wangan.contracts.scoresheet import render_docx, render_xlsx, title_of
from wangan.core.errors import NotFound
from wangan.core.files import file_response


class ContractOut(serializers.ModelSerializer):
    client = serializers.CharField(source="client.name")
    contractor = serializers.CharField(source="contractor.name")
    amount_upper = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    penalty_base = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "number", "name", "client", "contractor", "amount", "amount_upper", "signed_on",
                  "service_start", "service_end", "status", "bond_amount", "bond_due_on", "bond_due_is_provisional",
                  "client_lead", "contractor_lead", "confidentiality_until", "penalty_base", "milestones"]  # fmt: skip

    def get_amount_upper(self, obj) -> str:
        return amount_upper(obj.amount)

    def get_penalty_base(self, obj) -> str:
        return str(services.penalty_base_of(obj))

    def get_milestones(self, obj) -> list[dict]:
        return [{"seq": m.seq, "condition": m.condition, "percent": str(m.percent), "amount": str(m.amount),
                 "amount_upper": amount_upper(m.amount, prefix="")} for m in obj.milestones.all()]  # fmt: skip


class PersonIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    project_role = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    title = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    qualifications = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class ContractIn(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=300)
    contractor = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    signed_on = serializers.DateField()
    penalty_base = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    client_lead = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    client_lead_phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    contractor_lead = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    contractor_lead_phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    personnel = PersonIn(many=True, required=False, default=list)


class ScoreRowIn(serializers.Serializer):
    item = serializers.IntegerField()
    timeliness = serializers.DecimalField(max_digits=7, decimal_places=3)
    quality = serializers.DecimalField(max_digits=7, decimal_places=3)
    docs = serializers.DecimalField(max_digits=7, decimal_places=3)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ScoresIn(serializers.Serializer):
    entries = ScoreRowIn(many=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DecideIn(serializers.Serializer):
    confirm = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


def sheet_data(sheet: ScoringMonth) -> dict:
    s = selectors.score_sheet(sheet=sheet)
    return {
        "id": sheet.pk, "year": s.year, "month": s.month, "status": s.status, "scheme_version": s.scheme_version,
        "total": str(s.total) if s.total is not None else None, "grade": s.grade,
        "raw_earned": str(s.raw_earned), "raw_full": str(s.raw_full),
        "rows": [{"item": r.item_id, "name": r.name, "scheduled": r.scheduled,
                  "percent": [str(p) for p in r.pct], "max": [str(m) for m in r.maxima],
                  "scores": [str(x) for x in r.scores] if r.scores else None} for r in s.rows],
    }  # fmt: skip


class ContractListCreateApi(ListAPIView):
    serializer_class = ContractOut

    @extend_schema(summary="Contracts the caller is a party to")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.contract_list_for(user=self.request.user).prefetch_related("milestones")

    @extend_schema(request=ContractIn, responses={201: ContractOut}, summary="Record a signed contract (authority)",
                   examples=[OpenApiExample("seed 004", request_only=True, value={
                       "number": "HT-2026-004", "name": "安全运维", "contractor": 12, "amount": "1719600.00",
                       "signed_on": "2026-03-03", "penalty_base": None,
                       "personnel": [{"name": "示例工程师", "project_role": "项目经理", "qualifications": "CISP"}]})])  # fmt: skip
    def post(self, request):
        data = ContractIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        contractor = Organization.objects.filter(pk=v.pop("contractor"), type="provider").first()
        v["personnel"] = [services.PersonIn(**p) for p in v.get("personnel", [])]
        contract = services.contract_create(actor=request.user, contractor=contractor, **v)
        return Response(ContractOut(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailApi(APIView):
    @extend_schema(responses=ContractOut, summary="One contract (404 if the caller is not a party)")
    def get(self, request, pk: int):
        return Response(ContractOut(selectors.contract_get_for(user=request.user, pk=pk)).data)


class ScheduleApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="Generate the year schedule (once)")
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        tasks = taskflow.schedule_generate_for(actor=request.user, contract=contract)
        return Response({"tasks": len(tasks)}, status=status.HTTP_201_CREATED)


class YearScoreApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="Year score: mean of the closed months, with the grade"
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        y = selectors.year_scores(contracts=[contract])[contract.pk]
        return Response({"score": str(y.score) if y.score is not None else None, "grade": y.grade,
                         "months": {f"{a}-{b:02d}": str(t) for (a, b), t in y.months.items()}})  # fmt: skip


class MonthApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The month's score sheet (opened on first use)")
    def get(self, request, pk: int, year: int, month: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response(
            sheet_data(services.month_open(actor=request.user, contract=contract, year=year, month=month))
        )

    @extend_schema(request=ScoresIn, responses=OpenApiTypes.OBJECT, summary="Save item scores (all or none)",
                   examples=[OpenApiExample("inspection", request_only=True, value={"entries": [
                       {"item": 1, "timeliness": "2", "quality": "4.5", "docs": "3"}]})])  # fmt: skip
    def post(self, request, pk: int, year: int, month: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = ScoresIn(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.month_open(actor=request.user, contract=contract, year=year, month=month)
        entries = [services.ScoreIn(e["item"], e["timeliness"], e["quality"], e["docs"], e["note"])
                   for e in data.validated_data["entries"]]  # fmt: skip
        return Response(sheet_data(services.month_score(actor=request.user, sheet=sheet, entries=entries)))


class MonthCloseApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="Close a fully scored month")
    def post(self, request, pk: int):
        sheet = selectors.month_get_for(user=request.user, pk=pk)
        return Response(sheet_data(services.month_close(actor=request.user, sheet=sheet)))


class MonthReopenApi(APIView):
    @extend_schema(request=ReasonIn, responses=OpenApiTypes.OBJECT, summary="Reopen a closed month (audited)")
    def post(self, request, pk: int):
        sheet = selectors.month_get_for(user=request.user, pk=pk)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            sheet_data(
                services.month_reopen(actor=request.user, sheet=sheet, reason=data.validated_data["reason"])
            )
        )


class MonthExportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="运维工作评分表 as xlsx or docx")  # fmt: skip
    def get(self, request, pk: int, fmt: str):
        from django.http import HttpResponse

        sheet = selectors.month_get_for(user=request.user, pk=pk)
        data = selectors.score_sheet(sheet=sheet)
        if fmt == "xlsx":
            body, ctype = (
                render_xlsx(data),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif fmt == "docx":
            body, ctype = (
                render_docx(data),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        else:
            raise NotFound()
        response = HttpResponse(body, content_type=ctype)
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title_of(data))}.{fmt}"
        return response


class DocumentOut(serializers.ModelSerializer):
    name = serializers.CharField(source="file.original_name")
    size = serializers.IntegerField(source="file.size")
    sm3 = serializers.CharField(source="file.sm3")

    class Meta:
        model = Deliverable
        fields = ["id", "title", "name", "size", "sm3", "submitted_at"]


class TaskOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", default=None)
    item_name = serializers.CharField(source="item.name", default=None)
    is_overdue = serializers.BooleanField(default=False)
    documents = DocumentOut(many=True, read_only=True)

    class Meta:
        model = Task
        fields = ["id", "kind", "item", "item_name", "title", "year", "month", "due_on", "due_is_provisional",
                  "deliverables", "status", "submitted_at", "is_late", "is_overdue", "accepted_at", "documents"]  # fmt: skip


class TaskRequestIn(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    due_on = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class TaskListApi(ListAPIView):
    serializer_class = TaskOut

    @extend_schema(summary="A contract's tasks in schedule order; filters: status, item (code or progress_report), "
                           "late=1 (handed in late or open past due)")  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        contract = selectors.contract_get_for(user=self.request.user, pk=self.kwargs["pk"])
        q = self.request.query_params
        return selectors.task_list_for(user=self.request.user, contract=contract, status=q.get("status", ""),
                                       item=q.get("item", ""), late=q.get("late") == "1")  # fmt: skip

    @extend_schema(request=TaskRequestIn, responses={201: TaskOut}, summary="Request on-demand work (authority)",
                   examples=[OpenApiExample("self-inspection", request_only=True,
                                            value={"item": "self_inspection", "due_on": "2026-06-30"})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = TaskRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = services.task_request(actor=request.user, contract=contract, item_code=v["item"], due_on=v["due_on"],
                                     title=v["title"])  # fmt: skip
        return Response(TaskOut(task).data, status=status.HTTP_201_CREATED)


def _task_out(request, pk: int) -> dict:
    contract = selectors.task_get_for(user=request.user, pk=pk).contract
    return TaskOut(selectors.task_list_for(user=request.user, contract=contract).get(pk=pk)).data


class TaskDetailApi(APIView):
    @extend_schema(responses=TaskOut, summary="One task with its handed-in documents (404 if not a party)")
    def get(self, request, pk: int):
        return Response(_task_out(request, pk))


class TaskSubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "doc_0": {"type": "string", "format": "binary", "description": "the task's first named document"},
            "doc_1": {"type": "string", "format": "binary", "description": "the second, if the item names two"},
            "doc_extra": {"type": "string", "format": "binary",
                          "description": "optional attachment of a task whose item names no document"}}}},
        responses=TaskOut, summary="Hand in a task's documents (contractor): one file per named document",
        description="``doc_<i>`` carries the document ``deliverables[i]`` of the task; all are required.",
    )  # fmt: skip
    def post(self, request, pk: int):
        task = selectors.task_get_for(user=request.user, pk=pk)
        files = {i: request.FILES.get(f"doc_{i}") for i in range(len(task.deliverables))}
        if not task.deliverables:
            files[taskflow.EXTRA_DOCUMENT] = request.FILES.get(f"doc_{taskflow.EXTRA_DOCUMENT}")
        taskflow.task_hand_in(actor=request.user, task=task, files=files)
        return Response(_task_out(request, pk))


class TaskAcceptApi(APIView):
    @extend_schema(request=None, responses=TaskOut, summary="Accept a handed-in task (authority)")
    def post(self, request, pk: int):
        taskflow.task_accept_for(actor=request.user, task=selectors.task_get_for(user=request.user, pk=pk))
        return Response(_task_out(request, pk))


class TaskReturnApi(APIView):
    @extend_schema(request=ReasonIn, responses=TaskOut, summary="Return a handed-in task for rework, with the reason",
                   examples=[OpenApiExample("return", request_only=True, value={"reason": "缺少端口变更记录"})])  # fmt: skip
    def post(self, request, pk: int):
        task = selectors.task_get_for(user=request.user, pk=pk)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        taskflow.task_return_for(actor=request.user, task=task, reason=data.validated_data["reason"])
        return Response(_task_out(request, pk))


class _BinaryApi(APIView):
    http_method_names = ["get", "options"]  # no HEAD: a download is audited

    def perform_content_negotiation(self, request, force=False):
        # a client asking for the document's type still gets its errors, as JSON
        return super().perform_content_negotiation(request, force=True)


class TaskDocumentApi(_BinaryApi):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="A named document of the task as a pre-filled DOCX to complete and hand in")  # fmt: skip
    def get(self, request, pk: int, index: int):
        from django.http import HttpResponse

        task = selectors.task_get_for(user=request.user, pk=pk)
        if not 0 <= index < len(task.deliverables):
            raise NotFound()
        response = HttpResponse(
            documents.deliverable_docx(user=request.user, task=task, index=index),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = documents.content_disposition(
            documents.document_filename(task, task.deliverables[index])
        )
        return response


class DeliverableDownloadApi(_BinaryApi):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="A handed-in document (either party; audited)")  # fmt: skip
    def get(self, request, pk: int):
        row = selectors.deliverable_get_for(user=request.user, pk=pk)
        stored, handle = taskflow.deliverable_open(user=request.user, deliverable=row)
        return file_response(stored=stored, handle=handle)


class PenaltyOut(serializers.ModelSerializer):
    formula = serializers.SerializerMethodField()

    class Meta:
        model = PenaltySuggestion
        fields = ["id", "code", "severity", "percent", "base", "amount", "formula", "evidence", "status", "is_system",
                  "decision_reason", "decided_at"]  # fmt: skip

    def get_formula(self, obj) -> str:
        return services.penalty_formula(obj)


class PenaltyListApi(APIView):
    @extend_schema(responses=PenaltyOut(many=True), summary="Penalties suggested or decided on a contract")
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response(
            PenaltyOut(selectors.penalty_list_for(user=request.user, contract=contract), many=True).data
        )


class RaiseIn(serializers.Serializer):
    code = serializers.ChoiceField(choices=[v.code for v in catalog.VIOLATIONS])
    evidence = serializers.CharField(max_length=5000)


class PenaltyRaiseApi(APIView):
    @extend_schema(request=RaiseIn, responses={201: PenaltyOut}, summary="Raise a 附件5/附件6 row (authority)",
                   examples=[OpenApiExample("unattended", request_only=True,
                                            value={"code": "G9", "evidence": "现场无人值守 1.5 小时"})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = RaiseIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.penalty_raise(actor=request.user, contract=contract, **data.validated_data)
        return Response(PenaltyOut(row).data, status=status.HTTP_201_CREATED)


class PenaltyScanApi(APIView):
    @extend_schema(request=None, responses=PenaltyOut(many=True), summary="Run the penalty scan now (authority); "
                   "returns the new suggestions")  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response(
            PenaltyOut(taskflow.penalty_scan_for(actor=request.user, contract=contract), many=True).data
        )


class PenaltyDecideApi(APIView):
    @extend_schema(
        request=DecideIn, responses=PenaltyOut, summary="Confirm or dismiss a penalty, with reasons"
    )
    def post(self, request, pk: int):
        row = selectors.penalty_get_for(user=request.user, pk=pk)
        data = DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            PenaltyOut(
                services.penalty_decide(actor=request.user, suggestion=row, **data.validated_data)
            ).data
        )
