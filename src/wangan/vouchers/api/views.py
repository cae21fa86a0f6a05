"""Vouchers API for the three parties: one view per operation, scoped by selectors."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.core.errors import NotFound
from wangan.vouchers import selectors, services
from wangan.vouchers.eligibility import enterprise_eligibility
from wangan.vouchers.models import ServicePackage, Voucher


class VoucherOut(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name")
    provider = serializers.CharField(source="provider.name", default=None)
    agreement_sm3 = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = ["id", "code", "status", "holder", "enterprise", "provider", "package", "issued_at", "expires_at",
                  "enterprise_confirmed_at", "provider_confirmed_at", "signed_at", "manual_sent_at",
                  "onsite_requested_at", "onsite_due_at", "onsite_done_at", "reported_at", "completed_at", "rating",
                  "rating_comment", "service_ends_on", "agreement_sm3"]  # fmt: skip

    def get_agreement_sm3(self, obj) -> str | None:
        agreement = getattr(obj, "agreement", None)
        return agreement.sm3 if agreement else None


class PackageOut(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name")

    class Meta:
        model = ServicePackage
        fields = ["id", "provider", "title", "service_standards", "service_procedures", "contact", "published_at"]


class ApplyIn(serializers.Serializer):
    accept_commitment = serializers.BooleanField()


class ChooseIn(serializers.Serializer):
    package = serializers.IntegerField()


class ReportIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    file = serializers.FileField(required=False)


class RateIn(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ManualIn(serializers.Serializer):
    file = serializers.FileField()


class EligibilityApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The caller's enterprise eligibility with every unmet condition")
    def get(self, request):
        from django.utils import timezone

        programme = services.programme_current()
        if programme is None:
            return Response({"eligible": False, "reasons": ["no programme year is open"], "met": []})
        result = enterprise_eligibility(organization=request.user.organization, programme=programme,
                                        today=timezone.localdate())  # fmt: skip
        return Response({"eligible": result.eligible, "reasons": result.reasons, "met": result.met})


class VoucherListApplyApi(ListAPIView):
    serializer_class = VoucherOut

    @extend_schema(summary="Vouchers the caller may see")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.voucher_list_for(user=self.request.user, status=self.request.query_params.get("status", ""))

    @extend_schema(request=ApplyIn, responses={201: VoucherOut}, summary="Apply: accept the 企业承诺书, get a code",
                   examples=[OpenApiExample("apply", value={"accept_commitment": True}, request_only=True)])  # fmt: skip
    def post(self, request):
        data = ApplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = services.voucher_apply(actor=request.user, accept_commitment=data.validated_data["accept_commitment"])
        return Response(VoucherOut(v).data, status=status.HTTP_201_CREATED)


class VoucherDetailApi(APIView):
    @extend_schema(responses=VoucherOut, summary="One voucher (404 if not visible)")
    def get(self, request, pk: int):
        return Response(VoucherOut(selectors.voucher_get_for(user=request.user, pk=pk)).data)


class _Action(APIView):
    """A voucher operation: fetch through the selector, validate, call one service, return the voucher."""

    input_class: type[serializers.Serializer] | None = None

    perform = None  # each operation sets perform(request, voucher, data) -> Voucher

    def post(self, request, pk: int):
        voucher = selectors.voucher_get_for(user=request.user, pk=pk)
        data = {}
        if self.input_class is not None:
            form = self.input_class(data=request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
        return Response(VoucherOut(self.perform(request, voucher, data)).data)


class ChooseApi(_Action):
    input_class = ChooseIn

    @extend_schema(request=ChooseIn, responses=VoucherOut, summary="Enterprise picks one published package")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        package = selectors.package_public_list(programme=voucher.programme).filter(pk=data["package"]).first()
        if package is None:
            raise NotFound()
        return services.voucher_choose_provider(actor=request.user, voucher=voucher, package=package)


class ConfirmApi(_Action):
    @extend_schema(request=None, responses=VoucherOut, summary="Either side confirms the match")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_confirm(actor=request.user, voucher=voucher)


class SignApi(_Action):
    @extend_schema(request=None, responses=VoucherOut, summary="An administrator signs the agreement (SM3-bound)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_sign(actor=request.user, voucher=voucher)


class ManualApi(_Action):
    input_class = ManualIn
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ManualIn}, responses=VoucherOut, summary="Provider sends the manual")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_send_manual(actor=request.user, voucher=voucher, upload=data["file"])


class OnsiteApi(_Action):
    @extend_schema(request=None, responses=VoucherOut, summary="Enterprise asks for on-site installation (5 working days)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_request_onsite(actor=request.user, voucher=voucher)


class OnsiteDoneApi(_Action):
    @extend_schema(request=None, responses=VoucherOut, summary="Provider records the on-site installation")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_onsite_done(actor=request.user, voucher=voucher)


class ReportApi(_Action):
    input_class = ReportIn
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ReportIn}, responses=VoucherOut, summary="Provider's completion report")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_report(actor=request.user, voucher=voucher, text=data["text"], upload=data.get("file"))


class RateApi(_Action):
    input_class = RateIn

    @extend_schema(request=RateIn, responses=VoucherOut, summary="Enterprise confirms the result and rates 1–5")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, voucher, data):
        return services.voucher_confirm_completion(actor=request.user, voucher=voucher, rating=data["rating"],
                                                   comment=data["comment"])  # fmt: skip


class AgreementVerifyApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Does the stored agreement still match its signatures?")
    def get(self, request, pk: int):
        voucher = selectors.voucher_get_for(user=request.user, pk=pk)
        agreement = getattr(voucher, "agreement", None)
        if agreement is None:
            raise NotFound()
        return Response(services.agreement_verify(agreement))


class PackageListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PackageOut

    @extend_schema(summary="Published packages with their standards and procedures (public)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.package_public_list(programme=services.programme_current())
