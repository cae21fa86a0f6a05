"""Safe file storage: check an upload (type, size, content, archive safety), store it under a random
name with its SM3 digest, and give it back only to its own organization — every download audited.

Nothing is ever extracted; archives are inspected so that what we keep is safe to hand on: a
consumer unpacking it later cannot be tricked into a zip bomb or into writing outside its folder.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import logging
import re
import struct
import tarfile
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from wangan.core.audit import audit_record
from wangan.core.errors import NotFound, ValidationFailed
from wangan.core.models import StoredFile

logger = logging.getLogger(__name__)

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
    "txt": "text/plain",
    "csv": "text/csv",
    "log": "text/plain",
    "gz": "application/gzip",
    "json": "application/json",
}
ALLOWED_EXTENSIONS = frozenset(CONTENT_TYPES)
TEXT_EXTENSIONS = frozenset({"txt", "csv", "log", "json"})
_ZIP_MAGIC = b"PK\x03\x04"
_GZ_MAGIC = b"\x1f\x8b\x08"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC: dict[str, bytes] = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "zip": _ZIP_MAGIC,
    "docx": _ZIP_MAGIC,
    "xlsx": _ZIP_MAGIC,
    "doc": _OLE_MAGIC,
    "xls": _OLE_MAGIC,
    "gz": _GZ_MAGIC,
}
# Office Open XML: the package manifest plus the main part of the application the extension claims.
_OFFICE_PART = {"docx": "word/", "xlsx": "xl/"}

CHUNK = 64 * 1024
# Deflate tops out near 1032:1; documents and real logs stay far below 200:1.  Entries under 10 MB
# are exempt (a repetitive log can be that compressible, and harmless); the byte budget still holds.
ARCHIVE_MAX_RATIO = 200
ARCHIVE_RATIO_FLOOR = 10 * 1024 * 1024
# An archive may hold archives (a .docx embedding a .xlsx) which may hold archives — no deeper.
ARCHIVE_MAX_DEPTH = 2
# A central directory entry is 46 bytes plus name and extra fields; 4 KB on average is already absurd,
# and bounding it keeps a 50 MB upload from making zipfile build a million entries in memory.
_ZIP_MAX_DIR_BYTES_PER_ENTRY = 4096

# Multipart framing around the file itself (boundaries, headers, the purpose field).
_MULTIPART_OVERHEAD = 64 * 1024

_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")


# --- names ------------------------------------------------------------------------------------
def display_name(name: str) -> str:
    """The client's file name reduced to a base name that is safe to show and to send back."""
    name = unicodedata.normalize("NFC", str(name or ""))
    # Either separator: a Windows client sends C:\Users\…\file.pdf, an attacker ../../file.pdf.
    name = re.split(r"[\\/]", name)[-1]
    # Control and format characters (NUL, newlines, U+202E right-to-left override) can disguise a name.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = "file"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 254 - len(ext)] + dot + ext if dot and len(ext) <= 16 else name[:255]
    return name


def _extension(name: str) -> str:
    parts = name.lower().split(".")
    if len(parts) < 2:
        return ""
    # logrotate's numbered copies (auth.log.1, access.log.12) are still text logs
    if parts[-1].isdigit() and len(parts) > 2 and parts[-2] in TEXT_EXTENSIONS:
        return parts[-2]
    return parts[-1]


def _storage_name(ext: str) -> str:
    # Sharded so no directory grows past 65,536 children; random so names reveal and collide nothing.
    key = uuid.uuid4().hex
    return f"{key[:2]}/{key[2:4]}/{key}.{ext}"


def _normalize_allowed(allowed: set[str] | None) -> frozenset[str]:
    if allowed is None:
        return ALLOWED_EXTENSIONS
    wanted = {ext.lower().lstrip(".") for ext in allowed}
    if wanted & {"jpg", "jpeg"}:
        wanted |= {"jpg", "jpeg"}
    # A caller may narrow the platform's list, never widen it.
    return ALLOWED_EXTENSIONS & wanted


# --- refusals ---------------------------------------------------------------------------------
def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(
        _("The file is larger than the %(limit)s limit.") % {"limit": filesizeformat(limit)},
        code="FILE_TOO_LARGE",
    )


def _mismatch(ext: str, head: bytes = b"") -> ValidationFailed:
    detected = filetype.guess_mime(head) if head else None
    return ValidationFailed(
        _("The file content does not match its extension “.%(ext)s”.") % {"ext": ext},
        code="FILE_CONTENT_MISMATCH",
        details={"extension": ext, "detected": detected},
    )


def _archive_corrupt() -> ValidationFailed:
    return ValidationFailed(
        _("The archive is damaged or malformed and cannot be checked."), code="ARCHIVE_CORRUPT"
    )


def _unsafe_path(path: str) -> ValidationFailed:
    return ValidationFailed(
        _(
            "The archive contains an unsafe path “%(path)s” (absolute, “..”, a drive letter, a backslash or a link)."
        )
        % {"path": path[:120]},
        code="ARCHIVE_UNSAFE_PATH",
    )


class _Budget:
    """What all archive levels of one upload may unpack to, together."""

    def __init__(self) -> None:
        self.max_bytes: int = settings.ARCHIVE_MAX_BYTES
        self.max_files: int = settings.ARCHIVE_MAX_FILES
        self.bytes = 0
        self.files = 0

    def add_files(self, count: int) -> None:
        self.files += count
        if self.files > self.max_files:
            raise ValidationFailed(
                _("The archive holds more than %(limit)d files.") % {"limit": self.max_files},
                code="ARCHIVE_TOO_MANY_FILES",
            )

    def check_bytes(self, total: int) -> None:
        if total > self.max_bytes:
            raise ValidationFailed(
                _("The archive unpacks to more than %(limit)s.") % {"limit": filesizeformat(self.max_bytes)},
                code="ARCHIVE_TOO_LARGE",
            )

    def add_bytes(self, count: int) -> None:
        self.bytes += count
        self.check_bytes(self.bytes)


def _check_member_name(name: str) -> None:
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in name.split("/")
    ):
        raise _unsafe_path(name)


def _nested_kind(head: bytes) -> str | None:
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_GZ_MAGIC):
        return "gz"
    return None


def _inspect_nested(kind: str, chunks: Iterator[bytes], first: bytes, *, budget: _Budget, depth: int) -> None:
    if depth + 1 > ARCHIVE_MAX_DEPTH:
        raise ValidationFailed(
            _("The archive nests archives more than %(limit)d levels deep.") % {"limit": ARCHIVE_MAX_DEPTH},
            code="ARCHIVE_TOO_DEEP",
        )
    # Spilled to disk past 1 MB; its size is already bounded by the budget the chunks were counted in.
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        spool.write(first)
        for chunk in chunks:
            spool.write(chunk)
        spool.seek(0)
        if kind == "zip":
            _inspect_zip(spool, budget=budget, depth=depth + 1)
        else:
            _inspect_gz(spool, budget=budget, depth=depth + 1)


# --- zip --------------------------------------------------------------------------------------
def _zip_directory(fh: IO[bytes]) -> tuple[int, int]:
    """Entry count and central-directory size from the end record (zip64 aware), before zipfile parses."""
    fh.seek(0, 2)
    size = fh.tell()
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise _archive_corrupt()
    _, _, _, _, entries, dir_size, _, _ = struct.unpack("<4s4H2LH", tail[pos : pos + 22])
    if entries == 0xFFFF or dir_size == 0xFFFFFFFF:
        locator = tail[pos - 20 : pos] if pos >= 20 else b""
        if len(locator) != 20 or not locator.startswith(b"PK\x06\x07"):
            raise _archive_corrupt()
        (record_at,) = struct.unpack("<Q", locator[8:16])
        fh.seek(record_at)
        record = fh.read(56)
        if len(record) != 56 or not record.startswith(b"PK\x06\x06"):
            raise _archive_corrupt()
        entries, dir_size = struct.unpack("<2Q", record[32:48])
    return entries, dir_size


def _zip_layout(fh: IO[bytes], infos: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, int]]:
    """Each entry with the offset of its data, in file order; entries must not share bytes."""
    layout = []
    end_of_previous = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        # Overlapping entries are how non-recursive zip bombs multiply a few kilobytes.
        if info.header_offset < end_of_previous:
            raise _archive_corrupt()
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) != 30 or not header.startswith(_ZIP_MAGIC):
            raise _archive_corrupt()
        name_len, extra_len = struct.unpack("<2H", header[26:30])
        local_name = fh.read(name_len).decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        # Extractors differ in which copy of the name they trust; both copies must say the same.
        if local_name != info.orig_filename:
            raise _unsafe_path(local_name)
        start = info.header_offset + 30 + name_len + extra_len
        end_of_previous = start + info.compress_size
        layout.append((info, start))
    return layout


def _zip_entry_chunks(
    fh: IO[bytes], info: zipfile.ZipInfo, start: int, *, budget: _Budget
) -> Iterator[bytes]:
    """Decompress one entry from its raw bytes, counting the real output: header sizes may lie."""
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise ValidationFailed(
            _("The archive uses a compression method other than deflate, which cannot be checked."),
            code="ARCHIVE_UNSUPPORTED_METHOD",
        )
    position, remaining, produced, crc = start, info.compress_size, 0, 0

    def emit(data: bytes) -> bytes:
        nonlocal produced, crc
        produced += len(data)
        crc = zlib.crc32(data, crc)
        budget.add_bytes(len(data))
        if produced > ARCHIVE_RATIO_FLOOR and produced > ARCHIVE_MAX_RATIO * max(info.compress_size, 1):
            raise _ratio_too_high()
        return data

    while remaining > 0:
        fh.seek(position)  # the consumer may have used the handle in between
        data = fh.read(min(CHUNK, remaining))
        if not data:
            raise _archive_corrupt()
        position += len(data)
        remaining -= len(data)
        if inflater is None:
            yield emit(data)
            continue
        try:
            out = inflater.decompress(data, CHUNK)
            while True:
                if out:
                    yield emit(out)
                if not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        except zlib.error as exc:
            raise _archive_corrupt() from exc
    if (inflater is not None and not inflater.eof) or produced != info.file_size or crc != info.CRC:
        raise _archive_corrupt()


def _ratio_too_high() -> ValidationFailed:
    return ValidationFailed(
        _("The archive is compressed suspiciously well (a possible zip bomb) and was refused."),
        code="ARCHIVE_RATIO_TOO_HIGH",
    )


def _inspect_zip(fh: IO[bytes], *, budget: _Budget, depth: int = 0, office: str = "") -> None:
    entries, dir_size = _zip_directory(fh)
    budget.add_files(entries)
    if dir_size > max(entries, 1) * _ZIP_MAX_DIR_BYTES_PER_ENTRY:
        raise _archive_corrupt()
    try:
        infos = zipfile.ZipFile(fh).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _archive_corrupt() from exc
    if len(infos) != entries:
        raise _archive_corrupt()
    budget.check_bytes(budget.bytes + sum(i.file_size for i in infos))
    seen: set[str] = set()
    for info in infos:
        _check_member_name(info.filename)
        # Unix mode in the high word: a symlink entry points wherever its content says.
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise _unsafe_path(info.filename)
        if info.filename in seen:
            raise _archive_corrupt()
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise ValidationFailed(
                _(
                    "The archive contains encrypted entries, which cannot be checked; upload it without a password."
                ),
                code="ARCHIVE_ENCRYPTED",
            )
        if info.file_size > ARCHIVE_RATIO_FLOOR and info.file_size > ARCHIVE_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise _ratio_too_high()
    if office and not (
        "[Content_Types].xml" in seen and any(n.startswith(_OFFICE_PART[office]) for n in seen)
    ):
        raise _mismatch(office)
    for info, start in _zip_layout(fh, infos):
        chunks = _zip_entry_chunks(fh, info, start, budget=budget)
        first = b""
        for chunk in chunks:  # enough bytes to recognise a nested archive, however the output was split
            first += chunk
            if len(first) >= len(_ZIP_MAGIC):
                break
        kind = _nested_kind(first)
        if kind:
            _inspect_nested(kind, chunks, first, budget=budget, depth=depth)
        else:
            for _chunk in chunks:
                pass


# --- gzip -------------------------------------------------------------------------------------
class _CountingReader:
    """Reads decompressed bytes, replaying what was already peeked, and charging them to the budget."""

    def __init__(self, source: IO[bytes], head: bytes, budget: _Budget) -> None:
        self.source, self.head, self.budget = source, head, budget

    def read(self, size: int = CHUNK) -> bytes:
        if size is None or size < 0:
            size = CHUNK
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
            return data  # already charged when peeked
        data = self.source.read(min(size, CHUNK))
        self.budget.add_bytes(len(data))
        return data


def _inspect_gz(fh: IO[bytes], *, budget: _Budget, depth: int = 0) -> None:
    fh.seek(0)
    try:
        with gzip.GzipFile(fileobj=fh, mode="rb") as stream:
            head = stream.read(512)
            budget.add_bytes(len(head))
            budget.add_files(1)
            reader = _CountingReader(stream, head, budget)
            kind = _nested_kind(head)
            if kind:
                _inspect_nested(kind, iter(lambda: reader.read(CHUNK), b""), b"", budget=budget, depth=depth)
                return
            if len(head) >= 262 and head[257:262] == b"ustar":
                _inspect_tar(reader, budget=budget)
            while reader.read(CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise _archive_corrupt() from exc


def _inspect_tar(reader: _CountingReader, *, budget: _Budget) -> None:
    # Stream mode: members are read in order, never seeked, never extracted.
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            for member in tar:
                budget.add_files(1)
                _check_member_name(member.name.removeprefix("./") or ".")
                if not (member.isfile() or member.isdir()):  # links, devices, fifos
                    raise _unsafe_path(member.name)
    except tarfile.TarError as exc:
        raise _archive_corrupt() from exc


# --- the upload -------------------------------------------------------------------------------
def _scan(upload: File, *, ext: str, limit: int) -> tuple[str, int]:
    """One streaming pass: SM3 digest, real size, and for text types the encoding and NUL checks."""
    digest = hashlib.new("sm3")
    size = 0
    decoders = (
        [codecs.getincrementaldecoder("utf-8")(), codecs.getincrementaldecoder("gb18030")()]
        if ext in TEXT_EXTENSIONS
        else []
    )
    for chunk in upload.chunks(CHUNK):
        size += len(chunk)
        if size > limit:  # the declared size can be wrong for a File that is not an upload
            raise _too_large(limit)
        digest.update(chunk)
        if ext in TEXT_EXTENSIONS:
            if b"\x00" in chunk:
                raise _not_text()
            decoders = [d for d in decoders if _decodes(d, chunk)]
            if not decoders:
                raise _not_text()
    if ext in TEXT_EXTENSIONS and not any(_decodes(d, b"", final=True) for d in decoders):
        raise _not_text()
    return digest.hexdigest(), size


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _not_text() -> ValidationFailed:
    return ValidationFailed(
        _("The file is not plain text: it must be UTF-8 or GB18030 text without binary data."),
        code="FILE_CONTENT_MISMATCH",
    )


def _read_head(upload: File, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def file_check_request_size(*, content_length: str | int | None) -> None:
    """Refuse a request body too big to hold an acceptable file, before anything reads it."""
    try:
        declared = int(content_length or 0)
    except (TypeError, ValueError):
        return  # malformed lengths are the HTTP layer's business
    limit: int = settings.UPLOAD_MAX_BYTES
    if declared > limit + _MULTIPART_OVERHEAD:
        raise _too_large(limit)


def file_store(
    *,
    uploaded_by,
    organization,
    upload: File,
    purpose: str = "",
    allowed: set[str] | None = None,
) -> StoredFile:
    """Check an upload and keep it under a random name; any refusal stores nothing."""
    name = display_name(getattr(upload, "name", "") or "")
    ext = _extension(name)
    permitted = _normalize_allowed(allowed)
    if ext not in permitted:
        raise ValidationFailed(
            _("Files of type “%(ext)s” are not accepted here; allowed types: %(allowed)s.")
            % {"ext": ext or _("(none)"), "allowed": ", ".join(sorted(permitted))},
            code="FILE_TYPE_NOT_ALLOWED",
        )
    if len(purpose) > StoredFile._meta.get_field("purpose").max_length:
        raise ValidationFailed(_("The purpose is too long."), code="FILE_PURPOSE_TOO_LONG")
    limit: int = settings.UPLOAD_MAX_BYTES
    if (upload.size or 0) > limit:
        raise _too_large(limit)
    if not upload.size:
        raise ValidationFailed(_("The file is empty."), code="FILE_EMPTY")

    head = _read_head(upload)
    magic = _MAGIC.get(ext)
    if magic is not None and not head.startswith(magic):
        raise _mismatch(ext, head)
    sm3, size = _scan(upload, ext=ext, limit=limit)
    if ext in ("zip", "docx", "xlsx"):
        _inspect_zip(upload, budget=_Budget(), office=ext if ext in _OFFICE_PART else "")
    elif ext == "gz":
        _inspect_gz(upload, budget=_Budget())
    upload.seek(0)

    # Bytes first, row second: a committed row always has its bytes; a failed row takes them back.
    storage_name = default_storage.save(_storage_name(ext), upload, max_length=255)
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                organization=organization,
                uploaded_by=uploaded_by,
                original_name=name,
                storage_name=storage_name,
                content_type=CONTENT_TYPES[ext],
                size=size,
                sm3=sm3,
                purpose=purpose,
            )
            audit_record(
                action="file.uploaded",
                actor=uploaded_by,
                obj=stored,
                after={
                    "name": name,
                    "size": size,
                    "sm3": sm3,
                    "purpose": purpose,
                    "organization_id": stored.organization_id,
                },
            )
    except BaseException:
        try:
            default_storage.delete(storage_name)
        except Exception:  # keep the original error; an orphan is logged for the operator
            logger.exception("could not remove %s after a failed upload", storage_name)
        raise
    return stored


# --- reads ------------------------------------------------------------------------------------
def file_list_for(*, user, purpose: str = "") -> QuerySet[StoredFile]:
    """Files of the user's own organization — platform roles included: business files stay with their owner."""
    if not getattr(user, "is_authenticated", False):
        return StoredFile.objects.none()
    qs = StoredFile.objects.filter(organization_id=user.organization_id)
    return qs.filter(purpose=purpose) if purpose else qs


def file_get_for(*, user, pk: int) -> StoredFile:
    """One file of the user's organization; anybody else's looks like it does not exist."""
    stored = file_list_for(user=user).filter(pk=pk).first()
    if stored is None:
        raise NotFound(_("The file does not exist."))
    return stored


def file_open_for_download(*, user, pk: int) -> tuple[StoredFile, File]:
    """Open a file of the user's organization for reading and audit the download."""
    stored = file_get_for(user=user, pk=pk)
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:
        logger.error("stored file %s has no bytes at %s", stored.pk, stored.storage_name)
        raise NotFound(_("The file's content is missing."), code="FILE_CONTENT_MISSING") from exc
    try:
        audit_record(
            action="file.downloaded", actor=user, obj=stored, after={"sm3": stored.sm3, "size": stored.size}
        )
    except BaseException:
        handle.close()
        raise
    return stored, handle


def file_response(*, stored: StoredFile, handle: File) -> FileResponse:
    """The attachment response the web page and the API both send."""
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    # Never let a browser reinterpret an upload as HTML or script.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
