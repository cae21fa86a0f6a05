"""API of the contract's service items: read by both parties, changed by the client's reviewers through
``contracts.items``.  Refusals use the project's error format (``{"code", "message", "details"}``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.contracts import items, selectors


class ItemRowIn(serializers.Serializer):
    # ranges, counts and names are the service's rules (reported together, in the domain error format)
    months = serializers.ListField(child=serializers.IntegerField(), required=False)
    deliverables = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=1000), required=False
    )


class ItemsEditIn(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    items = serializers.DictField(child=ItemRowIn())


def _rows(contract) -> list[dict]:
    return [{"code": r.item.code, "seq": r.item.seq, "name": r.item.name, "frequency": r.item.frequency,
             "months": [k for k, _label, _locked in r.months],
             "calendar_months": [label for _k, label, _locked in r.months],
             "locked_months": [k for k, _label, locked in r.months if locked],
             "months_editable": r.is_months_editable, "deliverables": list(r.item.deliverables),
             "template_note": r.template_note}
            for r in items.item_rows_for(contract=contract)]  # fmt: skip


class ItemsApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="The contract's service items: service months (1 = month of the start), documents asked for",
    )
    def get(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        return Response({"items": _rows(contract)})

    @extend_schema(request=ItemsEditIn, responses={200: OpenApiTypes.OBJECT},
                   summary="Change twice-a-year months and document names (client); scheduled open tasks follow",
                   examples=[OpenApiExample("move the second check, rename the report", request_only=True, value={
                       "note": "第二次检查顺延一个月", "items": {"vulnerability_check": {
                           "months": [3, 10], "deliverables": ["《脆弱性检查报告》", "漏洞复测记录"]}}})])  # fmt: skip
    def post(self, request, pk: int):
        contract = selectors.contract_get_for(user=request.user, pk=pk)
        data = ItemsEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        rows = {code: items.ItemIn(months=row.get("months"), deliverables=row.get("deliverables"))
                for code, row in data.validated_data["items"].items()}  # fmt: skip
        result = items.items_edit(
            actor=request.user, contract=contract, rows=rows, note=data.validated_data["note"]
        )
        return Response({"changed": result.changed, "moved": result.moved, "tasks_retitled": result.retitled,
                         "scores_removed": result.scores_removed, "items": _rows(contract)})  # fmt: skip
