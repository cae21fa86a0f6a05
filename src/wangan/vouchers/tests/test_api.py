"""The whole lifecycle through the API, with token auth; refusals come back with stable codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from wangan.accounts.services import api_token_create
from wangan.vouchers.tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user):
    _token, raw = api_token_create(user=user, name="t", scopes=["read", "write"])
    c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_lifecycle_through_the_api(enterprise, provider):
    ent, prov = _client(enterprise[1]), _client(provider[1])
    assert ent.get("/api/v1/vouchers/eligibility/").json()["eligible"] is True
    assert any(p["id"] == provider[2].pk for p in APIClient().get("/api/v1/vouchers/packages/").json()["results"])
    v = ent.post("/api/v1/vouchers/", {"accept_commitment": True}, format="json").json()
    again = ent.post("/api/v1/vouchers/", {"accept_commitment": True}, format="json")
    assert again.status_code == 422 and again.json()["code"] == "ALREADY_APPLIED"
    pk = v["id"]
    assert ent.post(f"/api/v1/vouchers/{pk}/choose/", {"package": provider[2].pk}, format="json").status_code == 200
    ent.post(f"/api/v1/vouchers/{pk}/confirm/")
    assert prov.post(f"/api/v1/vouchers/{pk}/confirm/").json()["status"] == "agreement"
    early = prov.post(f"/api/v1/vouchers/{pk}/report/", {"text": "x"}, format="multipart")
    assert early.status_code == 409 and early.json()["code"] == "NOT_IN_SERVICE"
    ent.post(f"/api/v1/vouchers/{pk}/sign/")
    signed = prov.post(f"/api/v1/vouchers/{pk}/sign/").json()
    assert signed["status"] == "signed" and signed["holder"] == "provider"
    assert all(ent.get(f"/api/v1/vouchers/{pk}/agreement/verify/").json()["signatures"].values())
    prov.post(f"/api/v1/vouchers/{pk}/manual/", {"file": SimpleUploadedFile("m.pdf", PDF)}, format="multipart")
    prov.post(f"/api/v1/vouchers/{pk}/report/", {"text": "部署完成"}, format="multipart")
    bad = ent.post(f"/api/v1/vouchers/{pk}/rate/", {"rating": 7}, format="json")
    assert bad.status_code == 400
    done = ent.post(f"/api/v1/vouchers/{pk}/rate/", {"rating": 4, "comment": "好"}, format="json").json()
    assert done["status"] == "completed" and done["rating"] == 4


def test_other_enterprises_get_404(enterprise, provider, programme):
    ent = _client(enterprise[1])
    pk = ent.post("/api/v1/vouchers/", {"accept_commitment": True}, format="json").json()["id"]
    _o, other = make_enterprise()
    assert _client(other).get(f"/api/v1/vouchers/{pk}/").status_code == 404
    assert _client(other).post(f"/api/v1/vouchers/{pk}/choose/", {"package": provider[2].pk}, format="json").status_code == 404
