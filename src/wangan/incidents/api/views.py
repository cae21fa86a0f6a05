"""Incidents API: one view per operation, scoped through selectors, every write through the services."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.contracts.selectors import contract_get_for
from wangan.incidents import documents, selectors, services
from wangan.incidents.api.serializers import (
    AttendanceOut,
    CheckInIn,
    CheckOutIn,
    IncidentFilterIn,
    IncidentIn,
    IncidentOut,
    PeriodIn,
    PeriodOut,
    RequestIn,
    RequestOut,
    ShiftIn,
    ShiftOut,
    StepIn,
    availability_data,
    coverage_data,
)
from wangan.incidents.errors import RequestInvalid
from wangan.incidents.models import Incident


def _valid(serializer_class, data, **kwargs):
    s = serializer_class(data=data, **kwargs)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _incident_of(contract, pk):
    return Incident.objects.filter(contract=contract, pk=pk).first() if pk else None


# --- incidents --------------------------------------------------------------------------------------


class IncidentListCreateApi(APIView):
    @extend_schema(parameters=[IncidentFilterIn], responses=IncidentOut(many=True),
                   summary="Incidents of a contract (filters: level A/B/none, kind, special any/major, since/until)")  # fmt: skip
    def get(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        filters = _valid(IncidentFilterIn, request.query_params)
        qs = selectors.incident_list_for(user=request.user, contract=contract, filters=filters)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(IncidentOut(page, many=True).data)

    @extend_schema(request=IncidentIn, responses={201: IncidentOut}, summary="Record an incident; its 附件4 class is computed",
                   examples=[OpenApiExample("outage", request_only=True, value={
                       "title": "门户网站中断", "kind": "outage", "started_at": "2026-05-10T08:00:00+08:00",
                       "ended_at": "2026-05-10T13:00:00+08:00", "people_affected": 150})])  # fmt: skip
    def post(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        data = _valid(IncidentIn, request.data)
        row = services.incident_save(actor=request.user, contract=contract, **data)
        return Response(IncidentOut(row).data, status=status.HTTP_201_CREATED)


class IncidentDetailApi(APIView):
    @extend_schema(responses=IncidentOut, summary="One incident (404 if the caller is not a party)")
    def get(self, request, pk: int):
        return Response(IncidentOut(selectors.incident_get_for(user=request.user, pk=pk)).data)

    @extend_schema(
        request=IncidentIn, responses=IncidentOut, summary="Correct an incident; it is classified again"
    )
    def patch(self, request, pk: int):
        incident = selectors.incident_get_for(user=request.user, pk=pk)
        data = _valid(IncidentIn, request.data, partial=True)
        row = services.incident_save(
            actor=request.user, contract=incident.contract, incident=incident, **data
        )
        return Response(IncidentOut(row).data)


# --- requests ---------------------------------------------------------------------------------------


class RequestListCreateApi(APIView):
    @extend_schema(
        responses=RequestOut(many=True), summary="Emergency and O&M requests of a contract, with their clocks"
    )
    def get(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        qs = selectors.request_list_for(user=request.user, contract=contract)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RequestOut(page, many=True).data)

    @extend_schema(request=RequestIn, responses={201: RequestOut}, summary="Raise a request (client); an emergency starts the 2-hour clock",
                   examples=[OpenApiExample("emergency", request_only=True, value={"description": "网站无法访问", "is_emergency": True})])  # fmt: skip
    def post(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        data = _valid(RequestIn, request.data)
        incident_id = data.pop("incident", None)
        incident = _incident_of(contract, incident_id)
        if incident_id and incident is None:
            raise RequestInvalid(_("No such incident on this contract."))
        req = services.request_raise(actor=request.user, contract=contract, incident=incident, **data)
        return Response(RequestOut(req).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    @extend_schema(
        responses=RequestOut, summary="One request with its clock (due time, remaining or overdue minutes)"
    )
    def get(self, request, pk: int):
        return Response(RequestOut(selectors.request_get_for(user=request.user, pk=pk)).data)


class RequestRespondApi(APIView):
    @extend_schema(
        request=StepIn, responses=RequestOut, summary="Record the response (contractor); stops the clock"
    )
    def post(self, request, pk: int):
        req = selectors.request_get_for(user=request.user, pk=pk)
        data = _valid(StepIn, request.data)
        return Response(RequestOut(services.request_respond(actor=request.user, request=req, **data)).data)


class RequestRecoverApi(APIView):
    @extend_schema(
        request=StepIn, responses=RequestOut, summary="Record the recovery (contractor), after the response"
    )
    def post(self, request, pk: int):
        req = selectors.request_get_for(user=request.user, pk=pk)
        data = _valid(StepIn, request.data)
        return Response(RequestOut(services.request_recover(actor=request.user, request=req, **data)).data)


class RequestReportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="应急响应报告 of one request (DOCX)")  # fmt: skip
    def get(self, request, pk: int):
        req = selectors.request_get_for(user=request.user, pk=pk)
        body = documents.render_report_docx(req, selectors.request_clock(request=req))
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(documents.report_title(req))}.docx"
        )
        return response


# --- special periods, roster, coverage ----------------------------------------------------------------


class PeriodListDeclareApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, description="calendar year (default: this year)")],
                   responses=PeriodOut(many=True), summary="A year's special periods of a contract (statutory and declared)")  # fmt: skip
    def get(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        try:
            year = int(request.query_params.get("year", timezone.localdate().year))
        except ValueError:
            year = timezone.localdate().year
        services.special_periods_sync_calendar(year=year)
        return Response(
            PeriodOut(selectors.special_period_list_for(contract=contract, year=year), many=True).data
        )

    @extend_schema(request=PeriodIn, responses={201: PeriodOut}, summary="Declare a special period (authority)",
                   examples=[OpenApiExample("两会", request_only=True, value={
                       "name": "两会", "starts_on": "2027-03-04", "ends_on": "2027-03-11", "level": "major"})])  # fmt: skip
    def post(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        data = _valid(PeriodIn, request.data)
        row = services.special_period_declare(actor=request.user, contract=contract, **data)
        return Response(PeriodOut(row).data, status=status.HTTP_201_CREATED)


class ShiftListCreateApi(APIView):
    @extend_schema(responses=ShiftOut(many=True), summary="Shifts of a period's duty roster")
    def get(self, request, pk: int, period_pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        period = selectors.special_period_get_for(contract=contract, pk=period_pk)
        return Response(
            ShiftOut(
                selectors.shift_list_for(user=request.user, contract=contract, period=period), many=True
            ).data
        )

    @extend_schema(request=ShiftIn, responses={201: ShiftOut}, summary="Plan a shift (contractor)",
                   examples=[OpenApiExample("shift", request_only=True, value={
                       "person": 1, "starts_at": "2026-10-01T00:00:00+08:00", "ends_at": "2026-10-01T12:00:00+08:00",
                       "post": "机房值守"})])  # fmt: skip
    def post(self, request, pk: int, period_pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        period = selectors.special_period_get_for(contract=contract, pk=period_pk)
        data = _valid(ShiftIn, request.data)
        data["person"] = contract.personnel.filter(pk=data["person"]).first()
        row = services.shift_save(actor=request.user, contract=contract, special_period=period, **data)
        return Response(ShiftOut(row).data, status=status.HTTP_201_CREATED)


class ShiftDetailApi(APIView):
    @extend_schema(responses=ShiftOut, summary="One shift")
    def get(self, request, pk: int):
        return Response(ShiftOut(selectors.shift_get_for(user=request.user, pk=pk)).data)

    @extend_schema(request=ShiftIn, responses=ShiftOut, summary="Change a shift (contractor)")
    def patch(self, request, pk: int):
        shift = selectors.shift_get_for(user=request.user, pk=pk)
        data = _valid(ShiftIn, request.data, partial=True)
        if "person" in data:
            data["person"] = shift.contract.personnel.filter(pk=data["person"]).first()
        row = services.shift_save(actor=request.user, contract=shift.contract, special_period=shift.special_period,
                                  shift=shift, **data)  # fmt: skip
        return Response(ShiftOut(row).data)

    @extend_schema(responses={204: None}, summary="Delete a shift without attendance (contractor)")
    def delete(self, request, pk: int):
        shift = selectors.shift_get_for(user=request.user, pk=pk)
        services.shift_delete(actor=request.user, shift=shift)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShiftCheckInApi(APIView):
    @extend_schema(
        request=CheckInIn,
        responses={201: AttendanceOut},
        summary="Check the shift's person in (either party)",
    )
    def post(self, request, pk: int):
        shift = selectors.shift_get_for(user=request.user, pk=pk)
        data = _valid(CheckInIn, request.data)
        row = services.attendance_check_in(actor=request.user, shift=shift, **data)
        return Response(AttendanceOut(row).data, status=status.HTTP_201_CREATED)


class AttendanceCheckOutApi(APIView):
    @extend_schema(request=CheckOutIn, responses=AttendanceOut, summary="Check out (either party)")
    def post(self, request, pk: int):
        row = selectors.attendance_get_for(user=request.user, pk=pk)
        data = _valid(CheckOutIn, request.data)
        return Response(
            AttendanceOut(services.attendance_check_out(actor=request.user, attendance=row, **data)).data
        )


class CoverageApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="Coverage of a period's roster: gaps in the plan, unattended gaps with their 附件5/附件6 rows")  # fmt: skip
    def get(self, request, pk: int, period_pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        period = selectors.special_period_get_for(contract=contract, pk=period_pk)
        return Response(
            coverage_data(selectors.roster_coverage(contract=contract, period=period, with_grid=False))
        )


class AvailabilityApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="Availability of the 12 service months with the formula, outages ≥ 2 h and bad weeks")  # fmt: skip
    def get(self, request, pk: int):
        contract = contract_get_for(user=request.user, pk=pk)
        return Response(availability_data(selectors.availability_table(contract=contract)))
