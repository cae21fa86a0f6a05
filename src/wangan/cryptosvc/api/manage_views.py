"""Management API of the crypto service (session or API token): applications, keys, usage,
certificates.  Reads go through scoped selectors; what the caller may not see answers 404."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.accounts.models import Organization
from wangan.core.errors import NotFound
from wangan.cryptosvc import certificates, selectors, services
from wangan.cryptosvc.api import serializers as s
from wangan.cryptosvc.permissions import can_manage, is_org_viewer

TAG = ["crypto management"]


def _require_manager(user) -> None:
    if not can_manage(user):
        raise NotFound()


def _require_viewer(user) -> None:
    if not (can_manage(user) or is_org_viewer(user)):
        raise NotFound()


def _valid(serializer_class, data) -> dict:
    data = serializer_class(data=data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _organization(pk: int) -> Organization:
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


class ApplicationListCreateApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoApplicationOut(many=True), summary="Crypto applications the caller may see",
                   parameters=[OpenApiParameter("zone", str, enum=["internet", "extranet"])])  # fmt: skip
    def get(self, request):
        _require_viewer(request.user)
        apps = selectors.application_list_for(user=request.user, zone=request.query_params.get("zone", ""))
        return Response(s.CryptoApplicationOut(apps, many=True).data)

    @extend_schema(
        tags=TAG, request=s.CryptoApplicationIn, responses={201: s.CryptoApplicationOut},
        summary="Register an application in a zone (security admin); the secret is shown once",
        examples=[OpenApiExample("电商系统", request_only=True,
                                 value={"organization_id": 1, "zone": "internet", "name": "电商系统",
                                        "daily_quota": 100000})],
    )  # fmt: skip
    def post(self, request):
        _require_manager(request.user)
        v = _valid(s.CryptoApplicationIn, request.data)
        app, secret = services.application_register(
            actor=request.user, organization=_organization(v["organization_id"]), zone=services.zone_get(v["zone"]),
            name=v["name"], daily_quota=v["daily_quota"],
        )  # fmt: skip
        return Response(s.CryptoApplicationOut(app).data | {"secret": secret}, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoApplicationOut, summary="One application (404 if not visible)")
    def get(self, request, pk: int):
        return Response(s.CryptoApplicationOut(selectors.application_get_for(user=request.user, pk=pk)).data)

    @extend_schema(tags=TAG, request=s.CryptoApplicationPatch, responses=s.CryptoApplicationOut,
                   summary="Enable/disable or change the daily quota (security admin)",
                   examples=[OpenApiExample("disable", value={"is_active": False}, request_only=True)])  # fmt: skip
    def patch(self, request, pk: int):
        _require_manager(request.user)
        app = selectors.application_get_for(user=request.user, pk=pk)
        v = _valid(s.CryptoApplicationPatch, request.data)
        app = services.application_update(actor=request.user, application=app, **v)
        return Response(s.CryptoApplicationOut(selectors.application_get_for(user=request.user, pk=app.pk)).data)


class ApplicationCredentialsRotateApi(APIView):
    @extend_schema(tags=TAG, request=None, responses=OpenApiResponse(description='{"app_key", "secret"}'),
                   summary="Issue a new secret (shown once); the old one stops working")  # fmt: skip
    def post(self, request, pk: int):
        _require_manager(request.user)
        app = selectors.application_get_for(user=request.user, pk=pk)
        secret = services.application_credentials_rotate(actor=request.user, application=app)
        return Response({"app_key": app.app_key, "secret": secret})


class KeyListCreateApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoKeyOut(many=True), summary="Keys (all versions) of an application")
    def get(self, request, pk: int):
        _require_manager(request.user)
        app = selectors.application_get_for(user=request.user, pk=pk)
        return Response(s.CryptoKeyOut(selectors.key_list_for(user=request.user, application=app), many=True).data)

    @extend_schema(tags=TAG, request=s.CryptoKeyIn, responses={201: s.CryptoKeyOut}, summary="New key for an application",
                   examples=[OpenApiExample("signing key", value={"purpose": "sign"}, request_only=True)])  # fmt: skip
    def post(self, request, pk: int):
        _require_manager(request.user)
        app = selectors.application_get_for(user=request.user, pk=pk)
        key = services.key_create(actor=request.user, application=app, purpose=_valid(s.CryptoKeyIn, request.data)["purpose"])
        return Response(s.CryptoKeyOut(key).data, status=status.HTTP_201_CREATED)


class _KeyActionApi(APIView):
    action_name = ""

    def act(self, request, key):
        raise NotImplementedError

    def post(self, request, pk: int):
        _require_manager(request.user)
        key = selectors.key_get_for(user=request.user, pk=pk)
        return Response(s.CryptoKeyOut(self.act(request, key)).data)


class KeyRotateApi(_KeyActionApi):
    @extend_schema(tags=TAG, request=None, responses=s.CryptoKeyOut,
                   summary="Rotate: a new active version; the old one is retired and still verifies/decrypts")  # fmt: skip
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, key):
        return services.key_rotate(actor=request.user, key=key)


class KeyDisableApi(_KeyActionApi):
    @extend_schema(tags=TAG, request=None, responses=s.CryptoKeyOut, summary="Disable a key version (refused for everything)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, key):
        return services.key_disable(actor=request.user, key=key)


class KeyEnableApi(_KeyActionApi):
    @extend_schema(tags=TAG, request=None, responses=s.CryptoKeyOut, summary="Re-enable a disabled key version")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, key):
        return services.key_enable(actor=request.user, key=key)


class KeyDestroyApi(_KeyActionApi):
    @extend_schema(tags=TAG, request=None, responses=s.CryptoKeyOut,
                   summary="Destroy a disabled key version: its material is erased for good")  # fmt: skip
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, key):
        return services.key_destroy(actor=request.user, key=key)


class UsageMonthlyApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoUsageOut(many=True),
                   summary="Monthly usage per application and zone (contract scoring, seed 004 附件7)",
                   parameters=[OpenApiParameter("month", str, description="YYYY-MM; default this month"),
                               OpenApiParameter("zone", str, enum=["internet", "extranet"])])  # fmt: skip
    def get(self, request):
        _require_viewer(request.user)
        month = request.query_params.get("month") or timezone.localdate().strftime("%Y-%m")
        rows = selectors.usage_monthly_for(user=request.user, month=month, zone=request.query_params.get("zone", ""))
        return Response(s.CryptoUsageOut(rows, many=True).data)


class CertificateListIssueApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoCertificateOut(many=True), summary="Certificates the caller may see")
    def get(self, request):
        _require_viewer(request.user)
        return Response(s.CryptoCertificateOut(selectors.certificate_list_for(user=request.user), many=True).data)

    @extend_schema(
        tags=TAG, request=s.CryptoCertificateIn, responses={201: s.CryptoCertificateOut},
        summary="Issue a 国密 OV SSL server certificate from a CSR or a generated key (security admin)",
        examples=[OpenApiExample("generated key", request_only=True, value={
            "organization_id": 2, "dns_names": ["www.example.cn", "example.cn"], "organizational_unit": "信息中心"})],
    )  # fmt: skip
    def post(self, request):
        _require_manager(request.user)
        v = _valid(s.CryptoCertificateIn, request.data)
        cert, key_pem = certificates.certificate_issue_ov(
            actor=request.user, organization=_organization(v["organization_id"]), dns_names=v["dns_names"],
            unit=v["organizational_unit"], csr=v.get("csr"),
        )  # fmt: skip
        body = s.CryptoCertificateOut(cert).data | ({"private_key_pem": key_pem} if key_pem else {})
        return Response(body, status=status.HTTP_201_CREATED)


class CertificateTlcpPairApi(APIView):
    @extend_schema(tags=TAG, request=s.CryptoCertificateIn, responses={201: OpenApiResponse(
        description='{"pair_id", "sign": certificate, "enc": certificate, "sign_key_pem"?, "enc_key_pem"}')},
        summary="Issue a TLCP signing + encryption certificate pair (security admin)")  # fmt: skip
    def post(self, request):
        _require_manager(request.user)
        v = _valid(s.CryptoCertificateIn, request.data)
        pair = certificates.certificate_issue_tlcp_pair(
            actor=request.user, organization=_organization(v["organization_id"]), dns_names=v["dns_names"],
            unit=v["organizational_unit"], sign_csr=v.get("csr"),
        )  # fmt: skip
        body = {"pair_id": pair["pair_id"], "sign": s.CryptoCertificateOut(pair["sign"]).data,
                "enc": s.CryptoCertificateOut(pair["enc"]).data, "enc_key_pem": pair["enc_key_pem"]}  # fmt: skip
        if pair["sign_key_pem"]:
            body["sign_key_pem"] = pair["sign_key_pem"]
        return Response(body, status=status.HTTP_201_CREATED)


class CertificateDetailApi(APIView):
    @extend_schema(tags=TAG, responses=s.CryptoCertificateOut, summary="One certificate (404 if not visible)")
    def get(self, request, pk: int):
        return Response(s.CryptoCertificateOut(selectors.certificate_get_for(user=request.user, pk=pk)).data)


class CertificateRevokeApi(APIView):
    @extend_schema(tags=TAG, request=s.CryptoRevokeIn, responses=s.CryptoCertificateOut, summary="Revoke (listed in the CRL)",
                   examples=[OpenApiExample("key compromise", value={"reason": "key_compromise"}, request_only=True)])  # fmt: skip
    def post(self, request, pk: int):
        _require_manager(request.user)
        cert = selectors.certificate_get_for(user=request.user, pk=pk)
        cert = certificates.certificate_revoke(actor=request.user, certificate=cert,
                                               reason=_valid(s.CryptoRevokeIn, request.data)["reason"])  # fmt: skip
        return Response(s.CryptoCertificateOut(cert).data)


class CaChainApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={(200, "application/x-pem-file"): OpenApiTypes.STR},
                   summary="The platform CA chain (issuing CA, root), PEM — public")  # fmt: skip
    def get(self, request):
        return HttpResponse(certificates.ca_chain_pem(), content_type="application/x-pem-file")


class CrlApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={(200, "application/pkix-crl"): OpenApiTypes.BINARY},
                   summary="Current CRL of the issuing CA (DER) — public")  # fmt: skip
    def get(self, request):
        return HttpResponse(certificates.crl_current(), content_type="application/pkix-crl")
