"""API of the contract's lifecycle: one view per operation, scoped through selectors, writes through
``contracts.lifecycle``.  Refusals use the project's error format (``{"code", "message", "details"}``)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.contracts import acceptance, lifecycle, selectors, services
from wangan.contracts.models import AcceptanceReview, Personnel, PersonnelChange
from wangan.core.files import file_response

# --- serializers --------------------------------------------------------------------------------


class PersonnelMemberOut(serializers.ModelSerializer):
    class Meta:
        model = Personnel
        fields = [
            "id",
            "name",
            "project_role",
            "title",
            "qualifications",
            "is_active",
            "joined_on",
            "left_on",
        ]


class PersonnelChangeOut(serializers.ModelSerializer):
    leaving = PersonnelMemberOut(read_only=True)
    joined = PersonnelMemberOut(read_only=True)
    approval_document = serializers.SerializerMethodField()

    class Meta:
        model = PersonnelChange
        fields = ["id", "status", "leaving", "joining_name", "joining_role", "joining_title", "joining_qualifications",
                  "joined", "reason", "filed_on", "effective_on", "decided_at", "decision_reason", "applied_on",
                  "approval_document"]  # fmt: skip

    def get_approval_document(self, obj) -> str | None:
        return f"/api/v1/contracts/personnel-changes/{obj.pk}/approval/" if obj.approval_document_id else None


class PersonnelChangeIn(serializers.Serializer):
    leaving = serializers.IntegerField(required=False, allow_null=True)
    joining_name = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    joining_role = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    joining_title = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    joining_qualifications = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True
    )
    reason = serializers.CharField(max_length=2000)
    effective_on = serializers.DateField()


class PersonnelDecideIn(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    document = serializers.FileField(required=False, allow_null=True)


class ContractSuccessorIn(serializers.Serializer):
    starts_on = serializers.DateField()
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    is_contractor = serializers.BooleanField(required=False, default=False)


class AcceptanceExpertIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    opinion = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AcceptanceReviewIn(serializers.Serializer):
    reviewed_on = serializers.DateField()
    passed = serializers.BooleanField()
    experts = AcceptanceExpertIn(many=True)
    conclusion = serializers.CharField(max_length=4000)
    failure_reasons = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    rectification = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)


class AcceptanceReviewOut(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceReview
        fields = ["id", "round", "status", "reviewed_on", "experts", "conclusion", "is_passed", "failure_reasons",
                  "rectification", "rectification_report", "rectified_at", "recorded_at"]  # fmt: skip


class AcceptanceRectifyIn(serializers.Serializer):
    report = serializers.CharField(max_length=4000)
    document = serializers.FileField(required=False, allow_null=True)


def _settlement(contract) -> dict | None:
    s = lifecycle.settlement_for(contract=contract)
    if s is None:
        return None
    return {"started_on": s.started_on, "through": s.through, "is_final": s.is_final, "days": s.days,
            "year_days": s.year_days, "amount": str(s.amount), "amount_upper": s.amount_upper,
            "payable": str(s.payable), "payable_upper": s.payable_upper, "formula": s.formula}  # fmt: skip


def _milestone(m) -> dict | None:
    if m is None:
        return None
    return {"seq": m.seq, "percent": str(m.percent), "amount": str(m.amount), "released_on": m.released_on}


# --- personnel --------------------------------------------------------------------------------


class PersonnelApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="The team (current and former) and its change requests"
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        people = list(contract.personnel.all())
        changes = lifecycle.personnel_change_list_for(user=request.user, contract=contract)
        return Response({"active": PersonnelMemberOut([p for p in people if p.is_active], many=True).data,
                         "former": PersonnelMemberOut([p for p in people if not p.is_active], many=True).data,
                         "changes": PersonnelChangeOut(changes, many=True).data})  # fmt: skip


class PersonnelChangeFileApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=PersonnelChangeIn, responses={201: PersonnelChangeOut},
                   summary="Request a personnel change (contractor; at least 10 days ahead, 第九条(二))",
                   examples=[OpenApiExample("replacement", request_only=True, value={
                       "leaving": 7, "joining_name": "测试工程师乙", "joining_role": "运维组",
                       "joining_qualifications": "CISP", "reason": "原工程师调岗", "effective_on": "2026-06-15"})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = PersonnelChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        change = lifecycle.personnel_change_file(
            actor=request.user, contract=contract, reason=v["reason"], effective_on=v["effective_on"],
            leaving_id=v.get("leaving"), joining=services.PersonIn(name=v["joining_name"], project_role=v["joining_role"],
                                                                   title=v["joining_title"],
                                                                   qualifications=v["joining_qualifications"]),
        )  # fmt: skip
        return Response(PersonnelChangeOut(change).data, status=status.HTTP_201_CREATED)


class PersonnelChangeDecideApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=PersonnelDecideIn, responses=PersonnelChangeOut,
                   summary="Approve or reject a personnel change (client; reasons required to reject)")  # fmt: skip
    def post(self, request, pk: int):
        change = lifecycle.personnel_change_get_for(user=request.user, pk=pk)
        data = PersonnelDecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        change = lifecycle.personnel_change_decide(actor=request.user, change=change, approve=v["approve"],
                                                   reason=v["reason"], upload=v.get("document"))  # fmt: skip
        return Response(PersonnelChangeOut(change).data)


class PersonnelChangeWithdrawApi(APIView):
    @extend_schema(
        request=None, responses=PersonnelChangeOut, summary="Withdraw a pending personnel change (contractor)"
    )
    def post(self, request, pk: int):
        change = lifecycle.personnel_change_get_for(user=request.user, pk=pk)
        return Response(
            PersonnelChangeOut(lifecycle.personnel_change_withdraw(actor=request.user, change=change)).data
        )


class PersonnelChangeDocumentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="The written approval (approval, DOCX) or the signed copy (signed)")  # fmt: skip
    def get(self, request, pk: int, kind: str):
        stored, handle = lifecycle.change_document_open_for(user=request.user, pk=pk, kind=kind)
        return file_response(stored=stored, handle=handle)


# --- continuation and settlement ----------------------------------------------------------------


class SettlementApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="Continuation after expiry and its day-based settlement"
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response({"status": contract.status, "service_end": contract.service_end,
                         "successor": {"starts_on": contract.successor_starts_on, "name": contract.successor_name,
                                       "is_contractor": contract.successor_is_contractor},
                         "settlement": _settlement(contract)})  # fmt: skip


class SuccessorApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ContractSuccessorIn, responses=OpenApiTypes.OBJECT,
                   summary="Record the next provider's start (client); ends the continuation from that day",
                   examples=[OpenApiExample("successor", request_only=True, value={
                       "starts_on": "2027-03-23", "name": "测试安全服务有限公司", "is_contractor": False})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = ContractSuccessorIn(data=request.data)
        data.is_valid(raise_exception=True)
        contract = lifecycle.successor_record(actor=request.user, contract=contract, **data.validated_data)
        return Response({"status": contract.status, "settlement": _settlement(contract)})


# --- acceptance ---------------------------------------------------------------------------------


class AcceptanceApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="Acceptance deadline, review rounds, year figures, 30 % payment",
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        state = acceptance.acceptance_state_for(contract=contract)
        facts = acceptance.year_report_facts(contract=contract)
        return Response({
            "status": contract.status, "deadline": state.deadline, "is_overdue": state.is_overdue,
            "milestone": _milestone(state.milestone), "reviews": AcceptanceReviewOut(state.reviews, many=True).data,
            "year": {"score": str(facts.score) if facts.score is not None else None, "grade": facts.grade,
                     "months": {f"{y}-{m:02d}": str(t) if t is not None else None for y, m, t in facts.months},
                     "tasks": facts.tasks, "incidents": facts.incidents,
                     "penalties_confirmed": len(facts.penalties), "penalties_total": str(facts.penalties_total)},
        })  # fmt: skip


class AcceptanceReviewApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=AcceptanceReviewIn, responses={201: AcceptanceReviewOut},
                   summary="Record an expert review (client); a pass releases the 30 % and accepts the contract",
                   examples=[OpenApiExample("pass", request_only=True, value={
                       "reviewed_on": "2027-03-20", "passed": True, "conclusion": "同意通过验收",
                       "experts": [{"name": "测试专家甲", "opinion": "服务符合合同约定"}]})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = AcceptanceReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        experts = [acceptance.ExpertIn(e["name"], e["opinion"]) for e in v.pop("experts")]
        review = acceptance.acceptance_record(actor=request.user, contract=contract, experts=experts, **v)
        return Response(AcceptanceReviewOut(review).data, status=status.HTTP_201_CREATED)


class AcceptanceRectifyApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=AcceptanceRectifyIn,
        responses=AcceptanceReviewOut,
        summary="Report the rectification of a failed round (contractor)",
    )
    def post(self, request, pk: int):
        review = acceptance.acceptance_review_get_for(user=request.user, pk=pk)
        data = AcceptanceRectifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = acceptance.acceptance_rectify(actor=request.user, review=review, report=data.validated_data["report"],
                                              upload=data.validated_data.get("document"))  # fmt: skip
        return Response(AcceptanceReviewOut(review).data)


class AcceptanceReportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="The year report as of today (DOCX)")  # fmt: skip
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        response = HttpResponse(acceptance.year_report_bytes(user=request.user, contract=contract),
                                content_type=lifecycle.DOCX)  # fmt: skip
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote('年度考核报告-' + contract.number)}.docx"
        )
        return response


class AcceptanceDocumentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="A round's year report as reviewed (report) or the rectification file (rectification)")  # fmt: skip
    def get(self, request, pk: int, kind: str):
        stored, handle = acceptance.review_document_open_for(user=request.user, pk=pk, kind=kind)
        return file_response(stored=stored, handle=handle)


# --- weights ------------------------------------------------------------------------------------


class SchemeWeightRowIn(serializers.Serializer):
    weight = serializers.DecimalField(max_digits=7, decimal_places=3, required=False)
    pct_timeliness = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    pct_quality = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    pct_docs = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class SchemeWeightsIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    items = serializers.DictField(child=SchemeWeightRowIn())


def _history(contract) -> list[dict]:
    return [{"version": v.scheme.version, "created_at": v.scheme.created_at, "reason": v.scheme.reason,
             "months": v.months, "total": str(v.total),
             "weights": [{"code": w.item.code, "name": w.item.name, "weight": str(w.weight),
                          "pct_timeliness": str(w.pct_timeliness), "pct_quality": str(w.pct_quality),
                          "pct_docs": str(w.pct_docs)} for w in v.weights]}
            for v in lifecycle.scheme_history(contract=contract)]  # fmt: skip


class WeightsApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="Weights versions, newest first, with the months scored with each",
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response({"versions": _history(contract)})

    @extend_schema(request=SchemeWeightsIn, responses={201: OpenApiTypes.OBJECT},
                   summary="Publish a new weights version (client); weights add up to 100, each row's three percentages to 100",
                   examples=[OpenApiExample("fix 附件7 2)", request_only=True, value={
                       "reason": "修正脆弱性检查百分比", "items": {"vulnerability_check": {"pct_timeliness": "40"}}})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = SchemeWeightsIn(data=request.data)
        data.is_valid(raise_exception=True)
        rows = {
            code: {k: str(v) for k, v in row.items()} for code, row in data.validated_data["items"].items()
        }
        scheme = lifecycle.weights_edit(actor=request.user, contract=contract, rows=rows,
                                        reason=data.validated_data["reason"])  # fmt: skip
        return Response(
            {"version": scheme.version, "versions": _history(contract)}, status=status.HTTP_201_CREATED
        )
