"""Safe file storage: every refusal stores nothing; reads stay inside the owner organization."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import struct
import tarfile
import zipfile

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wangan.accounts.models import Organization, User
from wangan.core import files as files_module
from wangan.core.errors import NotFound, ValidationFailed
from wangan.core.files import display_name, file_get_for, file_list_for, file_open_for_download, file_store
from wangan.core.models import AuditEvent, StoredFile
from wangan.core.requestctx import reset_ip, set_ip

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- builders ---------------------------------------------------------------------------------
def make_zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buf.getvalue()


def make_docx() -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def make_xlsx() -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def make_tar_gz(members: list[tarfile.TarInfo | tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tar.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                tar.addfile(info, io.BytesIO(member[1]))
    return buf.getvalue()


def patch_zip_headers(data: bytes, *, flags: int | None = None, file_size: int | None = None) -> bytes:
    """Rewrite the first entry's local and central headers, as a hostile tool would."""
    raw = bytearray(data)
    local, central = raw.find(b"PK\x03\x04"), raw.find(b"PK\x01\x02")
    if flags is not None:
        struct.pack_into("<H", raw, local + 6, flags)
        struct.pack_into("<H", raw, central + 8, flags)
    if file_size is not None:
        struct.pack_into("<L", raw, local + 22, file_size)
        struct.pack_into("<L", raw, central + 24, file_size)
    return bytes(raw)


def overlapping_zip() -> bytes:
    """Two central-directory entries pointing at the same bytes (a non-recursive zip bomb's trick)."""
    raw = bytearray(make_zip({"a.txt": b"a" * 100, "b.txt": b"b" * 100}))
    second = raw.find(b"PK\x01\x02", raw.find(b"PK\x01\x02") + 4)
    struct.pack_into("<L", raw, second + 42, 0)
    return bytes(raw)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- fixtures ---------------------------------------------------------------------------------
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


@pytest.fixture
def org(db):
    return Organization.objects.create(name="示例科技有限公司", type="enterprise", status="active")


@pytest.fixture
def other_org(db):
    return Organization.objects.create(name="另一家企业", type="enterprise", status="active")


@pytest.fixture
def user(org):
    return User.objects.create_user(
        username="zhang", password="x-Long-Pass-123", real_name="张三", organization=org
    )


@pytest.fixture
def outsider(other_org):
    return User.objects.create_user(
        username="li", password="x-Long-Pass-123", real_name="李四", organization=other_org
    )


@pytest.fixture
def system_admin(db):
    authority = Organization.objects.create(name="网信办", type="authority", status="active")
    return User.objects.create_user(
        username="sysadmin",
        password="x-Long-Pass-123",
        real_name="王五",
        organization=authority,
        platform_role="system_admin",
    )


def store(user, name: str, data: bytes, **kwargs) -> StoredFile:
    return file_store(uploaded_by=user, organization=user.organization, upload=upload(name, data), **kwargs)


# --- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\张三\\Desktop\\报告.pdf", "报告.pdf"),
        ("report\u202etxt.pdf", "reporttxt.pdf"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ('what"<is>|this?.pdf', "what__is__this_.pdf"),
        ("...", "file"),
        ("", "file"),
        (".hidden.txt", "hidden.txt"),
    ],
)
def test_display_name_keeps_only_a_safe_base_name(given, shown):
    assert display_name(given) == shown


def test_display_name_is_cut_to_255_keeping_the_extension():
    name = display_name("长" * 300 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")


# --- accepted ---------------------------------------------------------------------------------
def test_pdf_is_stored_under_a_random_sharded_name_with_its_sm3_digest(user, media):
    stored = store(user, "巡检报告.pdf", PDF, purpose="deliverable")

    assert stored.sm3 == hashlib.new("sm3", PDF).hexdigest()
    assert stored.size == len(PDF)
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "巡检报告.pdf"
    assert stored.organization == user.organization and stored.uploaded_by == user
    assert re.fullmatch(r"([0-9a-f]{2})/([0-9a-f]{2})/\1\2[0-9a-f]{28}\.pdf", stored.storage_name)
    assert (media / stored.storage_name).read_bytes() == PDF
    event = AuditEvent.objects.get(action="file.uploaded")
    assert event.actor_id == user.pk and event.object_id == str(stored.pk)
    assert event.after["sm3"] == stored.sm3


@pytest.mark.parametrize(
    "name",
    [
        "../../../../tmp/evil.pdf",
        "..\\..\\evil.pdf",
        "/etc/cron.d/evil.pdf",
        "C:\\evil.pdf",
        "evil.pdf\x00.txt",
    ],
)
def test_a_path_traversal_name_is_stored_safely_inside_media(user, media, tmp_path, name):
    stored = store(user, name, PDF)

    assert "/" not in stored.original_name and "\\" not in stored.original_name
    assert ".." not in stored.storage_name
    [written] = stored_bytes(media)
    assert written.resolve().is_relative_to(media.resolve())
    # nothing escaped next to the media folder either
    assert [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(media)] == []


ACCEPTED = [
    ("scan.png", PNG, "image/png"),
    ("photo.JPG", JPG, "image/jpeg"),
    ("photo.jpeg", JPG, "image/jpeg"),
    ("方案.docx", make_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("清单.xlsx", make_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("old.doc", OLE, "application/msword"),
    ("old.xls", OLE, "application/vnd.ms-excel"),
    ("bundle.zip", make_zip({"a/b.txt": b"hello", "a/": b""}), "application/zip"),
    ("stored.zip", make_zip({"x.txt": b"plain"}, compression=zipfile.ZIP_STORED), "application/zip"),
    ("access.log.gz", gzip.compress(b"GET / 200\n" * 1000, mtime=0), "application/gzip"),
    ("logs.tar.gz", make_tar_gz([("logs/a.log", b"line\n"), ("./logs/b.log", b"x")]), "application/gzip"),
    ("data.json", b'{"a": 1}', "application/json"),
    ("gbk.log", "网络安全事件日志：攻击已阻断\n".encode("gbk"), "text/plain"),
    ("gb18030.txt", "𠀀 扩展汉字".encode("gb18030"), "text/plain"),
    ("bom.csv", "\ufeff单位,得分\n示例,95\n".encode(), "text/csv"),
    ("auth.log.1", b"Nov 22 08:00:01 web1 sshd[1]: Accepted publickey for ops\n", "text/plain"),  # logrotate copy
]


# Named by the file name: ids built from the bytes would differ between xdist workers (gzip mtime).
@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_allowed_types_with_matching_content_are_stored(user, name, data, content_type):
    stored = store(user, name, data)
    assert stored.content_type == content_type
    assert stored.sm3 == hashlib.new("sm3", data).hexdigest()


def test_an_archive_may_hold_archives_two_levels_deep(user):
    level2 = make_zip({"deep.txt": b"ok"})
    level1 = make_zip({"inner.zip": level2, "note.txt": b"x"})
    stored = store(user, "outer.zip", make_zip({"middle.zip": level1}))
    assert stored.pk


def test_a_docx_embedding_a_spreadsheet_is_accepted(user):
    docx = make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": make_xlsx(),
        }
    )
    assert store(user, "report.docx", docx).pk


def test_a_narrower_allow_list_still_accepts_jpeg_spelled_either_way(user):
    assert store(user, "photo.jpeg", JPG, allowed={".JPG"}).content_type == "image/jpeg"


def test_a_large_upload_is_streamed_never_read_whole(user, media):
    class GuardedIO(io.BytesIO):
        def read(self, size=-1):
            if size is None or size < 0:
                assert len(self.getbuffer()) - self.tell() <= 128 * 1024, "read the whole upload at once"
            else:
                assert size <= 4 * 1024 * 1024
            return super().read(size)

    data = "".join(
        f"2025-06-30 12:{i // 60 % 60:02d}:{i % 60:02d} sshd[{i}]: Failed password for root from 203.0.113.{i % 256}\n"
        for i in range(60000)
    ).encode()
    archive = make_zip({"auth.log": data})
    for name, payload in (("big.log", data), ("big.zip", archive)):
        stored = file_store(
            uploaded_by=user, organization=user.organization, upload=File(GuardedIO(payload), name)
        )
        assert stored.sm3 == hashlib.new("sm3", payload).hexdigest()
        assert (media / stored.storage_name).stat().st_size == len(payload)


# --- refused: nothing stored ------------------------------------------------------------------
def assert_refused(user, media, name: str, data: bytes, code: str, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        store(user, name, data, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    assert not StoredFile.objects.exists()
    assert stored_bytes(media) == []
    assert not AuditEvent.objects.filter(action="file.uploaded").exists()
    return caught.value


def test_a_file_over_the_upload_limit_is_refused(user, media, settings):
    settings.UPLOAD_MAX_BYTES = 64
    error = assert_refused(user, media, "big.pdf", PDF + b" " * 100, "FILE_TOO_LARGE")
    assert "64" in error.message


def test_a_file_lying_about_its_size_is_refused_while_streaming(user, media, settings):
    settings.UPLOAD_MAX_BYTES = 64
    lying = SimpleUploadedFile("big.pdf", PDF + b" " * 100)
    lying.size = 10
    with pytest.raises(ValidationFailed) as caught:
        file_store(uploaded_by=user, organization=user.organization, upload=lying)
    assert caught.value.code == "FILE_TOO_LARGE"
    assert stored_bytes(media) == []


@pytest.mark.parametrize(
    ("name", "data", "kwargs"),
    [
        ("setup.exe", b"MZ\x90\x00", {}),
        ("page.html", b"<script>alert(1)</script>", {}),
        ("page.svg", b"<svg onload=alert(1)/>", {}),
        ("noextension", PDF, {}),
        ("report.pdf.exe", PDF, {}),
        ("report.pdf.1", PDF, {}),  # a numbered copy counts as text only for text types
        ("auth.1", b"x", {}),
        ("scan.png", PNG, {"allowed": {"pdf"}}),
        ("data.json", b"{}", {"allowed": {"pdf", "exe"}}),
    ],
)
def test_an_extension_outside_the_allow_list_is_refused(user, media, name, data, kwargs):
    assert_refused(user, media, name, data, "FILE_TYPE_NOT_ALLOWED", **kwargs)


def test_pdf_extension_with_png_content_is_refused_naming_what_it_is(user, media):
    error = assert_refused(user, media, "invoice.pdf", PNG, "FILE_CONTENT_MISMATCH")
    assert error.details == {"extension": "pdf", "detected": "image/png"}


MISMATCHED = [
    ("photo.jpg", PNG),
    ("scan.png", JPG),
    ("old.doc", PDF),
    ("plain.zip", PDF),
    ("plain.docx", make_zip({"a.txt": b"not an office document"})),
    ("sheet.docx", make_xlsx()),
    ("letter.xlsx", make_docx()),
    ("renamed.docx", OLE),
    ("fake.gz", b"not gzip at all"),
    ("binary.txt", b"hello\x00world"),
    ("image.log", PNG),
    ("invalid.csv", b"a,b\n\xff\xfe\xfa\n"),
    ("utf16.json", '{"a": 1}'.encode("utf-16")),
]


@pytest.mark.parametrize(("name", "data"), MISMATCHED, ids=[case[0] for case in MISMATCHED])
def test_content_that_does_not_match_the_extension_is_refused(user, media, name, data):
    assert_refused(user, media, name, data, "FILE_CONTENT_MISMATCH")


def test_an_empty_file_is_refused(user, media):
    assert_refused(user, media, "empty.txt", b"", "FILE_EMPTY")


def test_a_zip_bomb_unpacking_past_the_archive_limit_is_refused(user, media, settings):
    settings.ARCHIVE_MAX_BYTES = 1024 * 1024
    bomb = make_zip({"zeros.bin": b"\x00" * (2 * 1024 * 1024)})
    assert len(bomb) < 10 * 1024
    assert_refused(user, media, "bomb.zip", bomb, "ARCHIVE_TOO_LARGE")


def test_a_zip_bomb_whose_headers_understate_the_size_is_caught_by_counting_real_output(
    user, media, settings
):
    settings.ARCHIVE_MAX_BYTES = 1024 * 1024
    bomb = patch_zip_headers(make_zip({"zeros.bin": b"\x00" * (2 * 1024 * 1024)}), file_size=1000)
    assert_refused(user, media, "liar.zip", bomb, "ARCHIVE_TOO_LARGE")


def test_a_zip_whose_headers_disagree_with_its_content_is_refused(user, media):
    liar = patch_zip_headers(make_zip({"a.txt": b"a" * 5000}), file_size=10)
    assert_refused(user, media, "liar.zip", liar, "ARCHIVE_CORRUPT")


def test_an_absurd_compression_ratio_is_refused(user, media, monkeypatch):
    monkeypatch.setattr(files_module, "ARCHIVE_RATIO_FLOOR", 64 * 1024)
    bomb = make_zip({"zeros.bin": b"\x00" * (1024 * 1024)})
    assert_refused(user, media, "ratio.zip", bomb, "ARCHIVE_RATIO_TOO_HIGH")


def test_a_docx_that_is_a_zip_bomb_is_refused(user, media, settings):
    settings.ARCHIVE_MAX_BYTES = 1024 * 1024
    docx = make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b" " * (2 * 1024 * 1024) + b"</w:document>",
        }
    )
    assert_refused(user, media, "bomb.docx", docx, "ARCHIVE_TOO_LARGE")


def test_a_zip_with_too_many_entries_is_refused(user, media, settings):
    settings.ARCHIVE_MAX_FILES = 5
    many = make_zip({f"f{i}.txt": b"x" for i in range(6)})
    assert_refused(user, media, "many.zip", many, "ARCHIVE_TOO_MANY_FILES")


@pytest.mark.parametrize(
    "entry",
    [
        "../evil.txt",
        "/etc/x",
        "a/../../evil.txt",
        "..\\evil.txt",
        "dir\\file.txt",
        "C:/Windows/evil.dll",
        "c:evil",
    ],
)
def test_a_zip_slip_path_is_refused(user, media, entry):
    error = assert_refused(
        user, media, "slip.zip", make_zip({"ok.txt": b"ok", entry: b"pwned"}), "ARCHIVE_UNSAFE_PATH"
    )
    assert entry in error.message


def test_a_zip_slip_inside_a_docx_is_refused(user, media):
    docx = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "../../evil.sh": b"x"})
    assert_refused(user, media, "slip.docx", docx, "ARCHIVE_UNSAFE_PATH")


def test_a_symlink_entry_is_refused(user, media):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("innocent")
        link.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(link, "/etc/passwd")
    assert_refused(user, media, "link.zip", buf.getvalue(), "ARCHIVE_UNSAFE_PATH")


def test_a_local_header_name_differing_from_the_directory_is_refused(user, media):
    raw = bytearray(make_zip({"safe.txt": b"x"}))
    raw[30:38] = b"../e.txt"  # local copy of the 8-byte name; the central directory still says safe.txt
    assert_refused(user, media, "twonames.zip", bytes(raw), "ARCHIVE_UNSAFE_PATH")


def test_a_slip_in_a_nested_archive_is_refused(user, media):
    outer = make_zip({"inner.zip": make_zip({"../../evil.txt": b"x"})})
    assert_refused(user, media, "nested.zip", outer, "ARCHIVE_UNSAFE_PATH")


def test_archives_nested_too_deep_are_refused(user, media):
    data = make_zip({"core.txt": b"x"})
    for level in range(3):
        data = make_zip({f"level{level}.zip": data})
    assert_refused(user, media, "russian-doll.zip", data, "ARCHIVE_TOO_DEEP")


def test_an_encrypted_entry_is_refused(user, media):
    encrypted = patch_zip_headers(make_zip({"secret.txt": b"x" * 50}), flags=0x1)
    assert_refused(user, media, "locked.zip", encrypted, "ARCHIVE_ENCRYPTED")


def test_overlapping_entries_are_refused(user, media):
    assert_refused(user, media, "overlap.zip", overlapping_zip(), "ARCHIVE_CORRUPT")


def test_a_zip_with_an_unsupported_compression_method_is_refused(user, media):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("a.txt", b"x" * 100)
    assert_refused(user, media, "bz.zip", buf.getvalue(), "ARCHIVE_UNSUPPORTED_METHOD")


def test_a_truncated_zip_is_refused(user, media):
    assert_refused(user, media, "cut.zip", make_zip({"a.txt": b"abc" * 1000})[:-30], "ARCHIVE_CORRUPT")


def test_a_gz_unpacking_past_the_archive_limit_is_refused(user, media, settings):
    settings.ARCHIVE_MAX_BYTES = 1024 * 1024
    assert_refused(
        user, media, "bomb.log.gz", gzip.compress(b"\x00" * (2 * 1024 * 1024)), "ARCHIVE_TOO_LARGE"
    )


def test_a_truncated_gz_is_refused(user, media):
    assert_refused(user, media, "cut.gz", gzip.compress(b"line\n" * 10000)[:-20], "ARCHIVE_CORRUPT")


def test_a_tar_gz_with_a_traversal_path_is_refused(user, media):
    assert_refused(
        user, media, "slip.tar.gz", make_tar_gz([("../../etc/cron.d/x", b"x")]), "ARCHIVE_UNSAFE_PATH"
    )


def test_a_tar_gz_with_a_symlink_is_refused(user, media):
    link = tarfile.TarInfo("logs")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc"
    assert_refused(user, media, "link.tar.gz", make_tar_gz([link]), "ARCHIVE_UNSAFE_PATH")


def test_a_gz_holding_a_zip_bomb_is_refused(user, media, settings):
    settings.ARCHIVE_MAX_BYTES = 1024 * 1024
    inner = make_zip({"zeros.bin": b"\x00" * (2 * 1024 * 1024)})
    assert_refused(user, media, "wrapped.zip.gz", gzip.compress(inner), "ARCHIVE_TOO_LARGE")


def test_a_purpose_longer_than_the_column_is_refused(user, media):
    assert_refused(user, media, "a.pdf", PDF, "FILE_PURPOSE_TOO_LONG", purpose="x" * 65)


def test_bytes_are_removed_when_the_database_write_fails(user, media, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(files_module, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        store(user, "a.pdf", PDF)
    assert not StoredFile.objects.exists()
    assert stored_bytes(media) == []


# --- reads ------------------------------------------------------------------------------------
def test_selectors_return_only_the_users_own_organization(user, outsider):
    mine = store(user, "mine.pdf", PDF, purpose="deliverable")
    theirs = store(outsider, "theirs.pdf", PDF)

    assert list(file_list_for(user=user)) == [mine]
    assert list(file_list_for(user=user, purpose="other")) == []
    assert file_get_for(user=user, pk=mine.pk) == mine
    with pytest.raises(NotFound):
        file_get_for(user=user, pk=theirs.pk)
    with pytest.raises(NotFound):
        file_get_for(user=user, pk=999_999)


def test_the_system_admin_cannot_read_another_organizations_file(user, system_admin):
    business = store(user, "contract.pdf", PDF)
    assert list(file_list_for(user=system_admin)) == []
    with pytest.raises(NotFound):
        file_get_for(user=system_admin, pk=business.pk)
    with pytest.raises(NotFound):
        file_open_for_download(user=system_admin, pk=business.pk)
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()


def test_an_anonymous_user_sees_no_file(user):
    from django.contrib.auth.models import AnonymousUser

    stored = store(user, "a.pdf", PDF)
    assert list(file_list_for(user=AnonymousUser())) == []
    with pytest.raises(NotFound):
        file_get_for(user=AnonymousUser(), pk=stored.pk)


def test_download_is_audited_with_the_actor_and_address(user):
    stored = store(user, "a.pdf", PDF)
    token = set_ip("198.51.100.23")
    try:
        got, handle = file_open_for_download(user=user, pk=stored.pk)
        with handle:
            assert handle.read() == PDF
    finally:
        reset_ip(token)
    assert got == stored
    event = AuditEvent.objects.get(action="file.downloaded")
    assert (event.actor_id, event.ip, event.object_id) == (user.pk, "198.51.100.23", str(stored.pk))
    assert event.organization_id_ref == user.organization_id


def test_missing_bytes_are_not_found_and_not_audited_as_downloaded(user, media):
    stored = store(user, "a.pdf", PDF)
    (media / stored.storage_name).unlink()
    with pytest.raises(NotFound) as caught:
        file_open_for_download(user=user, pk=stored.pk)
    assert caught.value.code == "FILE_CONTENT_MISSING"
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()


# --- web download -----------------------------------------------------------------------------
def test_web_download_sends_an_attachment_and_audits_it(client, user):
    stored = store(user, "巡检报告.pdf", PDF)
    client.force_login(user)

    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%B7%A1%E6%A3%80%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="file.downloaded")
    assert (event.actor_id, event.ip) == (user.pk, "127.0.0.1")


def test_web_download_of_another_organizations_file_is_404_and_not_audited(client, user, outsider):
    theirs = store(outsider, "theirs.pdf", PDF)
    client.force_login(user)

    response = client.get(reverse("core:file_download", args=[theirs.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()


def test_web_download_needs_a_login(client, user):
    stored = store(user, "a.pdf", PDF)
    response = client.get(reverse("core:file_download", args=[stored.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()


def test_web_head_request_is_refused_rather_than_audited_as_a_download(client, user):
    stored = store(user, "a.pdf", PDF)
    client.force_login(user)
    assert client.head(reverse("core:file_download", args=[stored.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()
