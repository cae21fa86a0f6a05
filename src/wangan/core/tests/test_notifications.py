"""Inbox scoping, e-mail and signed webhooks delivered to a real HTTP server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rest_framework.test import APIClient

from wangan.core import notify as notify_mod
from wangan.core.models import Job, Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_notifications_of_others_are_not_found(client, enterprise_user, other_enterprise_user):
    (mine,) = notify_mod.notify(recipients=[enterprise_user], verb="t", title="mine")
    (theirs,) = notify_mod.notify(recipients=[other_enterprise_user], verb="t", title="theirs")
    client.force_login(enterprise_user)
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    page = client.get("/inbox/").content.decode()
    assert "mine" in page and "theirs" not in page
    api = APIClient()
    api.force_authenticate(enterprise_user)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert [n["title"] for n in api.get("/api/v1/notifications/").json()["results"]] == ["mine"]
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"]


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.received
    server.shutdown()


def test_webhook_is_signed_and_delivered_once(enterprise_user, receiver):
    url, received = receiver
    endpoint = WebhookEndpoint.objects.create(organization=enterprise_user.organization, url=url, secret="s3cret")
    (delivery,) = notify_mod.webhook_emit(organization_id=enterprise_user.organization_id, event="voucher.signed",
                                          data={"voucher": "CTP-0001"})  # fmt: skip
    from wangan.core.tasks import webhook_deliver_task

    job = Job.objects.get(task="core.webhook_deliver")
    webhook_deliver_task.run(job.pk)
    webhook_deliver_task.run(job.pk)
    assert len(received) == 1
    headers, body = received[0]
    assert json.loads(body)["data"] == {"voucher": "CTP-0001"}
    assert notify_mod.webhook_verify(endpoint.secret, headers[notify_mod.SIGNATURE_HEADER], body)
    assert not notify_mod.webhook_verify("wrong", headers[notify_mod.SIGNATURE_HEADER], body)
    assert not notify_mod.webhook_verify(endpoint.secret, headers[notify_mod.SIGNATURE_HEADER], body + b" ")
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.response_status == 204
