"""Cross-cutting HTTP concerns: client address for audit rows, security headers."""

from __future__ import annotations

from django.conf import settings

from wangan.core import requestctx


def client_ip(request) -> str | None:
    # Behind nginx the proxy sets X-Real-IP; directly, REMOTE_ADDR is the peer.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = requestctx.set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            requestctx.reset_ip(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (Django 5.2 has none built in) and a no-store default for pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith(settings.STATIC_URL):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
