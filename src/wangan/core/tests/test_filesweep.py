"""The orphan sweep removes bytes whose upload was rolled back, and nothing else."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from wangan.accounts.models import Organization, User
from wangan.core.files import file_store
from wangan.core.filesweep import files_sweep_orphans
from wangan.core.models import AuditEvent, StoredFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def user(db):
    org = Organization.objects.create(name="示例科技有限公司", type="enterprise", status="active")
    return User.objects.create_user(
        username="zhou", password="x-Long-Pass-123", real_name="周一", organization=org
    )


def _store(user, name="a.pdf"):
    return file_store(uploaded_by=user, organization=user.organization,
                      upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"))  # fmt: skip


def _age(root, storage_name, hours):
    path = root / storage_name
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_upload_is_swept_after_grace_kept_rows_stay(user, media):
    kept = _store(user, "kept.pdf")
    with pytest.raises(Rollback), transaction.atomic():
        lost = _store(user, "lost.pdf")
        lost_name = lost.storage_name
        raise Rollback
    assert not StoredFile.objects.filter(storage_name=lost_name).exists()
    assert (media / lost_name).exists()  # the bytes outlived their row
    spool = media / "logs-spool" / "x.jsonl"  # another app's file in the same storage: never ours
    spool.parent.mkdir(parents=True)
    spool.write_bytes(b"{}\n")

    fresh = files_sweep_orphans()
    assert fresh.removed == 0 and fresh.orphans == []  # within the grace period: maybe still in flight

    for name in (kept.storage_name, lost_name):
        _age(media, name, 30)
    result = files_sweep_orphans(grace=timedelta(hours=24))
    assert result.examined == 2
    assert result.orphans == [lost_name] and result.removed == 1 and result.bytes_freed == len(PDF)
    assert not (media / lost_name).exists()
    assert (media / kept.storage_name).exists() and spool.exists()
    event = AuditEvent.objects.filter(action="file.orphans_swept").get()
    assert event.after["removed"] == 1 and event.after["names"] == [lost_name]

    again = files_sweep_orphans(grace=timedelta(hours=24))
    assert again.removed == 0 and AuditEvent.objects.filter(action="file.orphans_swept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_command_dry_run_lists_and_keeps(user, media):
    with pytest.raises(Rollback), transaction.atomic():
        name = _store(user).storage_name
        raise Rollback
    _age(media, name, 48)
    out = StringIO()
    call_command("files", "sweep", "--dry-run", stdout=out)
    assert name in out.getvalue() and (media / name).exists()
    out = StringIO()
    call_command("files", "sweep", "--grace-hours", "1", stdout=out)
    assert name in out.getvalue() and not (media / name).exists()


def test_empty_storage_is_fine(db, media):
    assert files_sweep_orphans().examined == 0
