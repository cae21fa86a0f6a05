"""Accounts API: one view per operation, scoped through selectors, writes through services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from wangan.accounts import permissions as perms
from wangan.accounts import selectors, services
from wangan.accounts.api import serializers as s
from wangan.core.errors import NotFound
from wangan.core.middleware import client_ip
from wangan.core.notify import webhook_endpoint_create, webhook_endpoint_delete
from wangan.core.selectors import webhook_list_for


class MeApi(APIView):
    @extend_schema(responses=s.UserOut, summary="The calling user")
    def get(self, request):
        return Response(s.UserOut(request.user).data)


class OrganizationListApi(ListAPIView):
    serializer_class = s.OrganizationOut

    @extend_schema(summary="Organizations the caller may see")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.organization_list_for(
            user=self.request.user, status=self.request.query_params.get("status", ""),
            type=self.request.query_params.get("type", ""),
        ).order_by("name")  # fmt: skip


class OrganizationDetailApi(APIView):
    @extend_schema(responses=s.OrganizationOut, summary="One organization (404 if not visible)")
    def get(self, request, pk: int):
        return Response(s.OrganizationOut(selectors.organization_get_for(user=request.user, pk=pk)).data)


class UserListApi(ListAPIView):
    serializer_class = s.UserOut

    @extend_schema(summary="Users the caller may see")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.user_list_for(user=self.request.user).order_by("username")


class UserDetailApi(APIView):
    @extend_schema(responses=s.UserOut, summary="One user (404 if not visible)")
    def get(self, request, pk: int):
        return Response(s.UserOut(selectors.user_get_for(user=request.user, pk=pk)).data)


class TokenListCreateApi(APIView):
    @extend_schema(responses=s.TokenOut(many=True), summary="The caller's API tokens")
    def get(self, request):
        return Response(s.TokenOut(selectors.api_token_list_for(user=request.user), many=True).data)

    @extend_schema(
        request=s.TokenIn, responses={201: s.TokenCreatedOut}, summary="Create an API token (shown once)",
        examples=[OpenApiExample("read-only for 30 days", value={"name": "报表同步", "scopes": ["read"], "days": 30},
                                 request_only=True)],
    )  # fmt: skip
    def post(self, request):
        data = s.TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        token, raw = services.api_token_create(user=request.user, **data.validated_data)
        body = s.TokenOut(token).data | {"token": raw}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenRevokeApi(APIView):
    @extend_schema(request=None, responses=s.TokenOut, summary="Revoke one of the caller's tokens")
    def post(self, request, pk: int):
        token = selectors.api_token_get_for(user=request.user, pk=pk)
        return Response(s.TokenOut(services.api_token_revoke(actor=request.user, token=token)).data)


class RegistrationThrottle(AnonRateThrottle):
    rate = "20/hour"


class RegistrationApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegistrationThrottle]

    @extend_schema(
        request=s.RegistrationIn, responses={201: s.OrganizationOut},
        summary="Self-registration of an enterprise or provider (reviewed by the authority)",
    )  # fmt: skip
    def post(self, request):
        data = s.RegistrationIn(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.registration_submit(data=services.Registration(**data.validated_data), ip=client_ip(request))
        return Response(s.OrganizationOut(org).data, status=status.HTTP_201_CREATED)


class WebhookOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)


def _require_org_admin(user) -> None:
    if not perms.can_manage_users_of(user, user.organization):
        raise NotFound()


class WebhookListCreateApi(APIView):
    @extend_schema(responses=WebhookOut(many=True), summary="The organization's webhook endpoints (org admin)")
    def get(self, request):
        _require_org_admin(request.user)
        return Response(WebhookOut(webhook_list_for(user=request.user), many=True).data)

    @extend_schema(
        request=WebhookIn, responses={201: WebhookOut}, summary="Register a webhook endpoint; the secret is shown once",
        examples=[OpenApiExample("all events", value={"url": "https://soc.example.cn/wangan", "events": []},
                                 request_only=True)],
    )  # fmt: skip
    def post(self, request):
        _require_org_admin(request.user)
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = webhook_endpoint_create(
            actor=request.user, organization_id=request.user.organization_id, **data.validated_data
        )
        return Response(WebhookOut(endpoint).data | {"secret": secret}, status=status.HTTP_201_CREATED)


class WebhookDeleteApi(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Remove a webhook endpoint")
    def delete(self, request, pk: int):
        _require_org_admin(request.user)
        endpoint = webhook_list_for(user=request.user).filter(pk=pk).first()
        if endpoint is None:
            raise NotFound()
        webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)
