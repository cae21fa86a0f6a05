"""Notifications: in-app inbox, e-mail through Django's mail backend, signed webhooks.

Everything leaves after commit, through jobs, so a failing mail server never fails a request and a
retried job sends nothing twice (inbox rows and webhook deliveries are unique per key).
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import ValidationFailed
from wangan.core.jobs import job_enqueue
from wangan.core.models import Notification, WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "X-Wangan-Signature"


def notify(
    *,
    recipients: Iterable,
    verb: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a message in each recipient's inbox (once per ``dedupe_key``) and queue the e-mails."""
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user, verb=verb, title=title[:200], body=body, link=link, dedupe_key=dedupe_key
                    )
                )
        except IntegrityError:
            continue  # already delivered under this key
    mail_ids = [n.pk for n in created if email and n.recipient.email]
    if mail_ids:
        job_enqueue(task="core.notification_mail", kwargs={"notification_ids": mail_ids})
    return created


def notification_mail_send(*, notification_ids: list[int]) -> int:
    """Send the e-mail copy of each notification not yet mailed."""
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        link = f"{settings.SITE_URL}{n.link}" if n.link else ""
        send_mail(
            subject=f"[网安服务平台] {n.title}",
            message=f"{n.body}\n\n{link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.recipient.email],
        )
        sent += 1
    return sent


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def webhook_sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SM3 over ``timestamp.body``; receivers recompute it and check the timestamp is fresh."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, "sm3").hexdigest()
    return f"t={timestamp},sm3={mac}"


def webhook_endpoint_create(*, actor, organization_id: int, url: str, events: list[str] | None = None):
    """Register an endpoint; returns it with its signing secret (shown to the caller once)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise ValidationFailed(_("The webhook address must be an http(s) URL."), code="WEBHOOK_URL_INVALID")
    secret = secrets.token_hex(32)
    endpoint = WebhookEndpoint.objects.create(
        organization_id=organization_id, url=url, secret=secret, events=sorted(set(events or []))
    )
    audit_record(action="webhook.created", actor=actor, obj=endpoint, after={"url": url, "events": endpoint.events})
    return endpoint, secret


def webhook_endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    audit_record(action="webhook.deleted", actor=actor, obj=endpoint, before={"url": endpoint.url})
    endpoint.delete()


def webhook_emit(*, organization_id: int, event: str, data: dict) -> list[WebhookDelivery]:
    """Queue one signed delivery of ``event`` to each active endpoint of the organization."""
    event_id = uuid.uuid4().hex
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(organization_id=organization_id, is_active=True):
        if endpoint.events and event not in endpoint.events:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, event_id=event_id, payload={"id": event_id, "event": event, "data": data}
        )
        deliveries.append(delivery)
        job_enqueue(task="core.webhook_deliver", kwargs={"delivery_id": delivery.pk})
    return deliveries


def webhook_deliver(*, delivery_id: int, timeout: float = 10.0) -> bool:
    """POST the payload; a 2xx marks it delivered.  Raises on failure so the task retries."""
    import urllib.request

    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status == "delivered":
        return True
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    ts = int(time.time())
    req = urllib.request.Request(  # noqa: S310 - endpoints are http(s) URLs validated on entry
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: webhook_sign(delivery.endpoint.secret, ts, body),
            "X-Wangan-Event": delivery.event,
            "X-Wangan-Delivery": delivery.event_id,
        },
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
        status = resp.status
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="delivered" if 200 <= status < 300 else "failed", response_status=status, delivered_at=timezone.now()
    )
    return 200 <= status < 300


def webhook_verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """For receivers (and tests): check a signature header and its freshness."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - ts) > tolerance:
        return False
    expected = webhook_sign(secret, ts, body)
    return hmac.compare_digest(expected, header)
