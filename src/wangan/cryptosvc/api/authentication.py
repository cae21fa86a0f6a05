"""DRF authentication of applications by the HMAC-SM3 request signature (see ``requestauth``)."""

from __future__ import annotations

import hmac as std_hmac
import time

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication
from rest_framework.permissions import BasePermission

from wangan.cryptosvc import requestauth, services
from wangan.cryptosvc.errors import AppDisabled, PayloadTooLarge, auth_failed
from wangan.cryptosvc.models import Application
from wangan.cryptosvc.operations import MAX_BODY_BYTES


class AppPrincipal:
    """``request.user`` of an application call: authenticated, but no person and no platform role."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    platform_role = ""
    pk = None

    def __init__(self, application: Application) -> None:
        self.application = application
        self.organization = application.organization
        self.organization_id = application.organization_id
        self.username = f"app:{application.app_key}"

    def has_org_role(self, *roles: str) -> bool:
        return False

    def __str__(self) -> str:
        return self.username


class AppHmacAuthentication(authentication.BaseAuthentication):
    """Checks, in order: headers, body size, timestamp window, application, signature, nonce.

    The nonce is recorded only after the signature holds, so nobody can fill the nonce store
    without the secret."""

    def authenticate(self, request):
        meta = request.META
        app_key = meta.get("HTTP_X_WANGAN_APP", "")
        timestamp = meta.get("HTTP_X_WANGAN_TIMESTAMP", "")
        nonce = meta.get("HTTP_X_WANGAN_NONCE", "")
        signature = meta.get("HTTP_X_WANGAN_SIGNATURE", "")
        if not (app_key or timestamp or nonce or signature):
            raise auth_failed("AUTH_HEADERS_MISSING")
        if (not timestamp.isdigit() or len(timestamp) > 12 or not requestauth.NONCE_RE.match(nonce)
                or len(signature) != 64 or len(app_key) > 40):  # fmt: skip
            raise auth_failed("AUTH_HEADERS_MISSING")
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        if abs(time.time() - int(timestamp)) > requestauth.MAX_SKEW_SECONDS:
            raise auth_failed("TIMESTAMP_STALE")
        app = Application.objects.select_related("zone", "organization").filter(app_key=app_key).first()
        if app is None:
            raise auth_failed("APP_UNKNOWN")
        body = request._request.body  # cached by Django; the parsers read it again afterwards
        expected = requestauth.compute_signature(
            secret=services.application_secret(app), method=request.method, path=request.get_full_path(),
            timestamp=timestamp, nonce=nonce, body=body,
        )  # fmt: skip
        if not std_hmac.compare_digest(expected, signature.lower()):
            raise auth_failed("SIGNATURE_INVALID")
        if not app.is_active:
            raise AppDisabled()
        services.nonce_register(application=app, nonce=nonce, now=timezone.now())
        return AppPrincipal(app), app

    def authenticate_header(self, request):
        return requestauth.SCHEME


class IsApplication(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Application)


class AppHmacScheme(OpenApiAuthenticationExtension):
    """Documents the application signature in the OpenAPI schema."""

    target_class = "wangan.cryptosvc.api.authentication.AppHmacAuthentication"
    name = "AppHmacSm3"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": requestauth.HEADER_SIGNATURE,
            "description": (
                "HMAC-SM3 application signature. Send X-Wangan-App, X-Wangan-Timestamp (Unix seconds, ±5 min), "
                "X-Wangan-Nonce (16-64 chars, single use) and X-Wangan-Signature = hex HMAC-SM3(secret, "
                "'WANGAN-HMAC-SM3\\nMETHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nhex(SM3(body))')."
            ),
        }  # fmt: skip
