"""Filing pages: one form keeps what was typed across uploads and refusals; reviewers act per stage."""

import pytest
from django.urls import reverse

from wangan.filings import services
from wangan.filings.choices import Status
from wangan.filings.models import Application
from wangan.filings.tests.conftest import PDF

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {"f:basic:name": "示例园区", "f:basic:revenue": "5", "f:basic:note": "无", "present:people:contacts": "1",
            "t:people:contacts:0:name": "甲", "t:people:contacts:0:phone": "13800000000",
            "t:people:contacts:1:name": "乙", "t:people:contacts:1:phone": "13800000001"}  # fmt: skip
    data.update(extra)
    return data


def test_upload_keeps_what_was_typed_and_submit_lists_problems(client, park_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(park_user)
    response = client.post(reverse("filings:new", args=["test_flow"]))
    app = Application.objects.get(organization=park_user.organization)
    url = reverse("filings:detail", args=[app.pk])
    assert response["Location"] == url
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post(url, _form(**{"action": "upload:plan", "file:plan": upload}))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.values["basic"]["name"] == "示例园区" and app.attachments.count() == 1
    response = client.post(url, _form(**{"action": "submit", "f:basic:revenue": "2"}))
    assert response.status_code == 422
    page = response.content.decode()
    assert "revenue 2 &lt; 3" in page or "revenue 2 < 3" in page
    assert 'value="2"' in page  # typed value shown again
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.values["basic"]["revenue"] == "2"


def test_other_applicants_get_404(client, park_user, make_user):
    from wangan.accounts.tests.factories import OrganizationFactory

    app = services.application_create(actor=park_user, type_code="test_flow")
    intruder = make_user(organization=OrganizationFactory(type="park"))
    client.force_login(intruder)
    url = reverse("filings:detail", args=[app.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(action="save")).status_code == 404
    assert client.get(reverse("filings:document", args=[app.pk, "form"])).status_code == 404
    app.refresh_from_db()
    assert app.values == {}


def test_reviewer_sees_the_form_side_by_side_and_acts_only_at_own_stage(client, park_user, staff):
    from wangan.filings.tests.test_workflow import _ready

    app = services.application_submit(actor=park_user, application=_ready(park_user))
    first = staff["first:reviewer"][0]
    client.force_login(staff["final:reviewer"][0])
    page = client.get(reverse("filings:detail", args=[app.pk]))
    assert page.status_code == 200 and b'data-testid="review-panel"' not in page.content
    client.post(reverse("filings:act", args=[app.pk, "pass"]), {"comment": "x", "checklist": ["0"]})
    app.refresh_from_db()
    assert app.stage == "first"
    client.force_login(first)
    page = client.get(reverse("filings:detail", args=[app.pk]))
    assert b'data-testid="review-panel"' in page.content and "示例园区" in page.content.decode()
    client.post(reverse("filings:act", args=[app.pk, "return"]),
                {"paths": ["basic.name"], "comment:basic.name": "名称有误", "comment": "请更正"})  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.RETURNED and app.field_comments == {"basic.name": "名称有误"}


def test_review_queue_and_documents(client, park_user, staff):
    from wangan.filings.tests.test_workflow import _ready

    app = services.application_submit(actor=park_user, application=_ready(park_user))
    client.force_login(staff["first:reviewer"][0])
    queue = client.get(reverse("filings:queue"))
    assert app.reference in queue.content.decode()
    doc = client.get(reverse("filings:document", args=[app.pk, "form"]))
    assert doc.status_code == 200 and doc.content[:2] == b"PK"


def test_api_draft_submit_and_review(park_user, staff, make_user):
    from rest_framework.test import APIClient

    from wangan.accounts.tests.factories import OrganizationFactory
    from wangan.filings.tests.conftest import GOOD_VALUES

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(park_user)
    created = api.post("/api/v1/filings/applications/", {"type_code": "test_flow"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    saved = api.patch(f"/api/v1/filings/applications/{pk}/", {"values": GOOD_VALUES, "accept": ["promise"]},
                      format="json")  # fmt: skip
    assert saved.status_code == 200
    refused = api.post(f"/api/v1/filings/applications/{pk}/submit/")
    assert refused.status_code == 422 and refused.json()["code"] == "APPLICATION_INCOMPLETE"
    assert {d["path"] for d in refused.json()["details"]} == {"attachments.plan", "attachments.reports"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wangan.filings.tests.conftest import PDF

    for slot, n in (("plan", 1), ("reports", 2)):
        for i in range(n):
            r = api.post(f"/api/v1/filings/applications/{pk}/attachments/",
                         {"slot": slot, "file": SimpleUploadedFile(f"{slot}{i}.pdf", PDF), "document_date": "2024-05-01"},
                         format="multipart")  # fmt: skip
            assert r.status_code == 201, r.content
    assert api.post(f"/api/v1/filings/applications/{pk}/submit/").json()["status"] == "in_review"
    outsider = APIClient()
    outsider.force_authenticate(make_user(organization=OrganizationFactory(type="park")))
    assert outsider.get(f"/api/v1/filings/applications/{pk}/").status_code == 404
    wrong = APIClient()
    wrong.force_authenticate(staff["final:reviewer"][0])
    assert wrong.post(f"/api/v1/filings/applications/{pk}/review/", {"action": "pass"}, format="json").status_code == 403
    reviewer = APIClient()
    reviewer.force_authenticate(staff["first:reviewer"][0])
    assert [a["id"] for a in reviewer.get("/api/v1/filings/review-queue/").json()["results"]] == [pk]
    passed = reviewer.post(f"/api/v1/filings/applications/{pk}/review/", {"action": "pass", "checklist": [0]},
                           format="json")  # fmt: skip
    assert passed.status_code == 200 and passed.json()["stage"] == "letter"


def test_queue_and_list_query_counts_do_not_grow(client, park_user, staff, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wangan.accounts.tests.factories import OrganizationFactory
    from wangan.filings.tests.test_workflow import _ready

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    services.application_submit(actor=park_user, application=_ready(park_user))
    client.force_login(staff["first:reviewer"][0])
    small = count(reverse("filings:queue"))
    for _ in range(6):
        other = make_user(organization=OrganizationFactory(type="park"))
        services.application_submit(actor=other, application=_ready(other))
    assert count(reverse("filings:queue")) == small <= 10
    client.force_login(park_user)
    assert count(reverse("filings:list")) <= 12
