"""Files API: upload, metadata, download — a permission matrix, and nothing changes on denial."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from wangan.accounts.models import Organization, User
from wangan.core.files import file_store
from wangan.core.models import AuditEvent, StoredFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def stored_bytes(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def make_user(username: str, org: Organization, **extra) -> User:
    return User.objects.create_user(
        username=username, password="x-Long-Pass-123", real_name=username, organization=org, **extra
    )


@pytest.fixture
def org(db):
    return Organization.objects.create(name="示例科技有限公司", type="enterprise", status="active")


@pytest.fixture
def user(org):
    return make_user("zhang", org)


@pytest.fixture
def colleague(org):
    return make_user("zhao", org)


@pytest.fixture
def outsider(db):
    return make_user("li", Organization.objects.create(name="另一家企业", type="enterprise", status="active"))


@pytest.fixture
def system_admin(db):
    authority = Organization.objects.create(name="网信办", type="authority", status="active")
    return make_user("sysadmin", authority, platform_role="system_admin")


@pytest.fixture
def stored(user):
    return file_store(
        uploaded_by=user, organization=user.organization, upload=SimpleUploadedFile("巡检报告.pdf", PDF)
    )


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def downloads() -> int:
    return AuditEvent.objects.filter(action="file.downloaded").count()


# --- upload -----------------------------------------------------------------------------------
def test_upload_stores_the_file_for_the_callers_organization(user, media):
    response = api(user).post(
        reverse("api:files-upload"),
        {"file": SimpleUploadedFile("..\\..\\报告.pdf", PDF), "purpose": "deliverable"},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "size", "sm3", "content_type", "purpose", "created_at"}
    assert body["name"] == "报告.pdf"
    assert body["size"] == len(PDF)
    assert body["sm3"] == hashlib.new("sm3", PDF).hexdigest()
    assert body["content_type"] == "application/pdf"
    row = StoredFile.objects.get(pk=body["id"])
    assert row.organization_id == user.organization_id and row.uploaded_by == user
    assert (media / row.storage_name).read_bytes() == PDF


def test_a_refused_upload_answers_422_with_its_code_and_stores_nothing(user, media):
    response = api(user).post(
        reverse("api:files-upload"), {"file": SimpleUploadedFile("invoice.pdf", PNG)}, format="multipart"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "FILE_CONTENT_MISMATCH"
    assert response.json()["message"]
    assert not StoredFile.objects.exists() and stored_bytes(media) == []


def test_an_oversized_body_is_refused_before_it_is_read(user, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b" " * (200 * 1024))

    response = api(user).post(reverse("api:files-upload"), {"file": big}, format="multipart")

    assert response.status_code == 422
    assert response.json()["code"] == "FILE_TOO_LARGE"
    assert not StoredFile.objects.exists() and stored_bytes(media) == []


def test_an_upload_without_a_file_is_a_validation_error(user):
    response = api(user).post(reverse("api:files-upload"), {"purpose": "x"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert "file" in response.json()["details"]


def test_an_anonymous_upload_is_refused_and_stores_nothing(db, media):
    response = api().post(
        reverse("api:files-upload"), {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 401
    assert not StoredFile.objects.exists() and stored_bytes(media) == []


def test_a_read_only_token_cannot_upload_but_can_download(user, stored, media):
    from wangan.accounts.services import api_token_create

    _token, raw = api_token_create(user=user, name="sync", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    refused = client.post(
        reverse("api:files-upload"), {"file": SimpleUploadedFile("b.pdf", PDF)}, format="multipart"
    )
    assert refused.status_code == 403
    assert StoredFile.objects.count() == 1 and len(stored_bytes(media)) == 1
    assert client.get(reverse("api:files-download", args=[stored.pk])).status_code == 200
    assert downloads() == 1


# --- metadata and download: permission matrix -------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "outsider", "system_admin"])
def test_metadata_of_a_file_is_hidden_from_everyone_outside_its_organization(request, stored, who):
    caller = None if who == "anonymous" else request.getfixturevalue(who)
    response = api(caller).get(reverse("api:files-detail", args=[stored.pk]))
    assert response.status_code == (401 if caller is None else 404)
    if caller is not None:
        assert response.json()["code"] == "NOT_FOUND"
        assert "sm3" not in response.json()


@pytest.mark.parametrize("who", ["user", "colleague"])
def test_metadata_is_readable_inside_the_organization(request, stored, who):
    response = api(request.getfixturevalue(who)).get(reverse("api:files-detail", args=[stored.pk]))
    assert response.status_code == 200
    assert response.json()["sm3"] == stored.sm3 and response.json()["name"] == "巡检报告.pdf"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "system_admin"])
def test_download_of_another_organizations_file_is_not_found_and_not_audited(request, stored, who):
    caller = None if who == "anonymous" else request.getfixturevalue(who)
    response = api(caller).get(
        reverse("api:files-download", args=[stored.pk]), HTTP_ACCEPT="application/octet-stream"
    )
    assert response.status_code == (401 if caller is None else 404)
    assert response["Content-Type"].startswith("application/json")
    assert downloads() == 0


def test_download_by_a_colleague_sends_the_bytes_and_audits_the_actor(stored, colleague):
    response = api(colleague).get(
        reverse("api:files-download", args=[stored.pk]), HTTP_ACCEPT="application/octet-stream"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action="file.downloaded")
    assert (event.actor_id, event.object_id, event.ip) == (colleague.pk, str(stored.pk), "127.0.0.1")


def test_a_missing_file_id_is_not_found(user):
    assert api(user).get(reverse("api:files-download", args=[999_999])).status_code == 404
    assert downloads() == 0


def test_head_on_download_is_not_allowed_so_nothing_is_audited(stored, user):
    assert api(user).head(reverse("api:files-download", args=[stored.pk])).status_code == 405
    assert downloads() == 0


# --- schema -----------------------------------------------------------------------------------
def test_the_schema_documents_the_file_endpoints_with_examples():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    upload = paths["/api/v1/files/"]["post"]
    assert upload["operationId"] == "files_upload"
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["responses"]["201"]["content"]["application/json"]["examples"]
    assert upload["responses"]["422"]["content"]["application/json"]["examples"]
    detail = paths["/api/v1/files/{id}/"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["examples"]
    download = paths["/api/v1/files/{id}/download/"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
    assert "404" in download["responses"]
