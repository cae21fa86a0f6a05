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
from wangan.contracts import selectors, services
from wangan.contracts.amounts import amount_upper
from wangan.contracts.models import Contract, PenaltySuggestion, ScoringMonth
from wangan.contracts.scoresheet import render_docx, render_xlsx, title_of
from wangan.core.errors import NotFound


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


class ContractIn(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=300)
    contractor = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    signed_on = serializers.DateField()
    penalty_base = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    client_lead = serializers.CharField(max_length=100, required=False, default="")
    contractor_lead = serializers.CharField(max_length=100, required=False, default="")


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
                       "signed_on": "2026-03-03"})])  # fmt: skip
    def post(self, request):
        data = ContractIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        contractor = Organization.objects.filter(pk=v.pop("contractor"), type="provider").first()
        contract = services.contract_create(actor=request.user, contractor=contractor, **v)
        return Response(ContractOut(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailApi(APIView):
    @extend_schema(responses=ContractOut, summary="One contract (404 if the caller is not a party)")
    def get(self, request, pk: int):
        return Response(ContractOut(selectors.contract_get_for(user=request.user, pk=pk)).data)


class ScheduleApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="Generate the year schedule (once)")
    def post(self, request, pk: int):
        from wangan.incidents.services import special_months, special_periods_sync_calendar

        contract = selectors.contract_get_for(user=request.user, pk=pk)
        for year in {contract.service_start.year, contract.service_end.year}:
            special_periods_sync_calendar(year=year)
        tasks = services.schedule_generate(actor=request.user, contract=contract,
                                           special_months=special_months(contract=contract))  # fmt: skip
        return Response({"tasks": len(tasks)}, status=status.HTTP_201_CREATED)


class YearScoreApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Year score: mean of the closed months, with the grade")
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
        return Response(sheet_data(services.month_open(actor=request.user, contract=contract, year=year, month=month)))

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
        return Response(sheet_data(services.month_reopen(actor=request.user, sheet=sheet, reason=data.validated_data["reason"])))


class MonthExportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="运维工作评分表 as xlsx or docx")  # fmt: skip
    def get(self, request, pk: int, fmt: str):
        from django.http import HttpResponse

        sheet = selectors.month_get_for(user=request.user, pk=pk)
        data = selectors.score_sheet(sheet=sheet)
        if fmt == "xlsx":
            body, ctype = render_xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "docx":
            body, ctype = render_docx(data), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise NotFound()
        response = HttpResponse(body, content_type=ctype)
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title_of(data))}.{fmt}"
        return response


class TaskSubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        responses=OpenApiTypes.OBJECT, summary="Hand in a task's documents (contractor)")  # fmt: skip
    def post(self, request, pk: int):
        task = selectors.task_get_for(user=request.user, pk=pk)
        uploads = [(f.name, f) for f in request.FILES.getlist("files")]
        task = services.task_submit(actor=request.user, task=task, uploads=uploads)
        return Response({"id": task.pk, "status": task.status, "is_late": task.is_late})


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
        return Response(PenaltyOut(contract.penalties.all(), many=True).data)


class PenaltyDecideApi(APIView):
    @extend_schema(request=DecideIn, responses=PenaltyOut, summary="Confirm or dismiss a penalty, with reasons")
    def post(self, request, pk: int):
        row = selectors.penalty_get_for(user=request.user, pk=pk)
        data = DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(PenaltyOut(services.penalty_decide(actor=request.user, suggestion=row, **data.validated_data)).data)
