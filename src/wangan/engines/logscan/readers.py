"""Bounded, streaming line readers for plain, gzip and zip log files.

Every reader yields ``str`` lines and never holds more than ``max_line``
bytes of one line in memory.  Bad input is counted in a :class:`ReadStats`
instead of raising: binary garbage, truncated gzip streams, over-long lines,
undecodable bytes (UTF-8 first, then GB18030 which covers GBK/GB2312, then
UTF-8 with replacement), zip bombs (limits on total uncompressed bytes and on
the number of archive entries).
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

DEFAULT_MAX_LINE = 64 * 1024  # bytes kept of one line; the rest is skipped
DEFAULT_MAX_BYTES = 4 * 1024**3  # uncompressed bytes read from one input
DEFAULT_MAX_ENTRIES = 1000  # zip entries
DEFAULT_MAX_RATIO = 200  # uncompressed/compressed ratio above which an archive is a bomb
BLOCK_SIZE = 1 << 20  # plain files are read and decoded this many bytes at a time

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class ReadStats:
    files: int = 0
    lines: int = 0
    bytes: int = 0
    truncated_lines: int = 0  # longer than max_line, cut
    binary_lines: int = 0  # NUL / mostly control bytes, skipped
    decoded_gb18030: int = 0  # not UTF-8 but valid GB18030/GBK
    decode_errors: int = 0  # neither; decoded with U+FFFD replacement
    truncated_archives: int = 0  # gzip/zip stream ended early or was corrupt
    size_limit_hits: int = 0  # max_bytes reached (zip bomb or just huge)
    entry_limit_hits: int = 0
    skipped_entries: int = 0  # zip entries skipped (directories, nested archives, limits)
    unreadable: int = 0  # OSError opening/reading
    errors: list[str] = field(default_factory=list)

    def note(self, msg: str) -> None:
        if len(self.errors) < 100:
            self.errors.append(msg)

    def merge(self, other: ReadStats) -> None:
        for k, v in other.__dict__.items():
            if k == "errors":
                for e in v:
                    self.note(e)
            else:
                setattr(self, k, getattr(self, k) + v)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


_CTRL = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\r", b"").replace(b"\n", b"").replace(b"\x1b", b"")
_CTRL_TABLE = bytes.maketrans(b"", b"")


def decode_line(b: bytes, stats: ReadStats) -> str | None:
    """bytes (without newline) -> str, or None when the line looks binary."""
    if b"\x00" in b:
        stats.binary_lines += 1
        return None
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # lots of control bytes -> binary garbage rather than a legacy encoding
    n = len(b)
    if n and len(b.translate(None, _CTRL)) < n * 0.9:
        stats.binary_lines += 1
        return None
    try:
        s = b.decode("gb18030")
        stats.decoded_gb18030 += 1
        return s
    except UnicodeDecodeError:
        stats.decode_errors += 1
        return b.decode("utf-8", "replace")


def iter_binary_lines(
    f: io.BufferedIOBase | io.RawIOBase | gzip.GzipFile | zipfile.ZipExtFile,
    stats: ReadStats,
    max_line: int = DEFAULT_MAX_LINE,
    budget: list[int] | None = None,
    end: int | None = None,
) -> Iterator[bytes]:
    """Yield lines (without line terminators) using bounded ``readline``.

    ``budget`` is a one-element list with the remaining byte allowance shared
    across the entries of one input; ``end`` stops after that many bytes were
    consumed (used to split a plain file into chunks).
    """
    readline = f.readline
    consumed = 0
    limit = max_line + 1
    while True:
        try:
            b = readline(limit)
        except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as e:
            stats.truncated_archives += 1
            stats.note(f"truncated/corrupt compressed stream: {e}")
            return
        except OSError as e:
            stats.unreadable += 1
            stats.note(f"read error: {e}")
            return
        if not b:
            return
        n = len(b)
        consumed += n
        if b[-1:] != b"\n":
            if n >= limit:
                # over-long line: keep the head, skip to the next newline
                stats.truncated_lines += 1
                while True:
                    try:
                        rest = readline(limit)
                    except (EOFError, zlib.error, OSError, gzip.BadGzipFile, zipfile.BadZipFile) as e:
                        stats.truncated_archives += 1
                        stats.note(f"truncated/corrupt compressed stream: {e}")
                        rest = b""
                    consumed += len(rest)
                    if not rest or rest[-1:] == b"\n":
                        break
                    if budget is not None and consumed > budget[0]:
                        break
                b = b[:max_line]
        else:
            b = b[:-1]
        if b[-1:] == b"\r":
            b = b[:-1]
        if budget is not None and consumed > budget[0]:
            stats.size_limit_hits += 1
            stats.note("uncompressed size limit reached; rest of input ignored")
            return
        stats.bytes += n
        yield b
        if end is not None and consumed >= end:
            return
    # (budget is decremented by the caller)


def _sniff(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head == ZIP_MAGIC:
        return "zip"
    return "plain"


def iter_file_lines(
    path: str | os.PathLike,
    stats: ReadStats | None = None,
    *,
    max_line: int = DEFAULT_MAX_LINE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    start: int = 0,
    end: int | None = None,
) -> Iterator[tuple[str, str]]:
    """Yield ``(source_name, line)`` from a plain, .gz or .zip file.

    For plain files ``start``/``end`` select a byte range; a range that does
    not start at 0 begins after the first newline at or after ``start``.
    """
    for source, block in iter_file_blocks(path, stats, max_line=max_line, max_bytes=max_bytes,
                                          max_entries=max_entries, start=start, end=end):
        for line in block:
            yield source, line


def iter_file_blocks(
    path: str | os.PathLike,
    stats: ReadStats | None = None,
    *,
    max_line: int = DEFAULT_MAX_LINE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    start: int = 0,
    end: int | None = None,
    block_size: int = BLOCK_SIZE,
) -> Iterator[tuple[str, list[str]]]:
    """Like :func:`iter_file_lines` but yields ``(source_name, [line, ...])``
    blocks (same lines, same statistics); plain files are read and decoded a
    block at a time, which is several times cheaper per line than ``readline``.
    """
    stats = stats if stats is not None else ReadStats()
    path = os.fspath(path)
    try:
        kind = _sniff(path)
        size = os.path.getsize(path)
    except OSError as e:
        stats.unreadable += 1
        stats.note(f"{path}: {e}")
        return
    stats.files += 1
    budget = [max_bytes]
    try:
        if kind == "plain":
            with open(path, "rb", buffering=0) as fh:
                if start:
                    fh.seek(start - 1)
                    if fh.read(1) != b"\n":
                        _skip_partial_line(fh)  # partial line belongs to the previous chunk
                span = None if end is None else max(0, end - fh.tell())
                if span == 0 and end is not None:
                    return
                for block in _iter_plain_blocks(fh, stats, max_line, budget, span, block_size):
                    if block:
                        yield path, block
        elif kind == "gzip":
            # a gzip bomb is bounded by max_bytes and by a ratio to the file size
            budget[0] = min(max_bytes, max(size * DEFAULT_MAX_RATIO, 64 * 1024 * 1024))
            with gzip.open(path, "rb") as gz:
                yield from _batched(path, _decoded(iter_binary_lines(gz, stats, max_line, budget), stats))
        else:
            yield from _batched_named(_iter_zip(path, stats, max_line, budget, max_entries, size))
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile) as e:
        stats.truncated_archives += 1
        stats.note(f"{path}: {e}")


def _skip_partial_line(fh) -> None:
    while True:
        b = fh.read(65536)
        if not b:
            return
        k = b.find(b"\n")
        if k >= 0:
            fh.seek(k + 1 - len(b), os.SEEK_CUR)
            return


def _decoded(lines: Iterable[bytes], stats: ReadStats) -> Iterator[str]:
    for b in lines:
        s = decode_line(b, stats)
        if s is not None:
            stats.lines += 1
            yield s


def _batched(name: str, lines: Iterable[str], n: int = 2048) -> Iterator[tuple[str, list[str]]]:
    block: list[str] = []
    for s in lines:
        block.append(s)
        if len(block) >= n:
            yield name, block
            block = []
    if block:
        yield name, block


def _batched_named(items: Iterable[tuple[str, str]], n: int = 2048) -> Iterator[tuple[str, list[str]]]:
    name = None
    block: list[str] = []
    for src, s in items:
        if src != name or len(block) >= n:
            if block:
                yield name, block  # type: ignore[misc]
            name, block = src, []
        block.append(s)
    if block:
        yield name, block  # type: ignore[misc]


def _iter_plain_blocks(fh, stats: ReadStats, max_line: int, budget: list[int], span: int | None,
                       block_size: int) -> Iterator[list[str]]:
    """Block-wise equivalent of ``iter_binary_lines`` + ``decode_line`` for an
    uncompressed file: identical lines, byte/line counters, truncation of
    over-long lines, budget and ``span`` (chunk end) handling."""
    limit = max_line + 1
    consumed = 0
    carry = b""
    long_head: bytes | None = None  # first ``limit`` bytes of an over-long line being skipped
    long_len = 0
    read = fh.read
    while True:
        try:
            chunk = read(block_size)
        except OSError as e:
            stats.unreadable += 1
            stats.note(f"read error: {e}")
            return
        if long_head is not None:
            k = chunk.find(b"\n") if chunk else -1
            if chunk and k < 0:
                long_len += len(chunk)
                continue
            if chunk:
                long_len += k + 1
                chunk = chunk[k + 1:]
            # the over-long line is complete (newline or EOF): emit its head
            stats.truncated_lines += 1
            b = long_head[:max_line]
            long_head = None
            consumed += long_len
            if b[-1:] == b"\r":
                b = b[:-1]
            if consumed > budget[0]:
                stats.size_limit_hits += 1
                stats.note("uncompressed size limit reached; rest of input ignored")
                return
            stats.bytes += limit
            s = decode_line(b, stats)
            if s is not None:
                stats.lines += 1
                yield [s]
            if span is not None and consumed >= span:
                return
            if not chunk:
                if k < 0:  # EOF
                    return
                continue
        if not chunk:
            if carry:  # last line without a newline (shorter than limit, else it'd be a long line)
                n = len(carry)
                consumed += n
                b = carry[:-1] if carry[-1:] == b"\r" else carry
                if consumed > budget[0]:
                    stats.size_limit_hits += 1
                    stats.note("uncompressed size limit reached; rest of input ignored")
                    return
                stats.bytes += n
                s = decode_line(b, stats)
                if s is not None:
                    stats.lines += 1
                    yield [s]
            return
        data = carry + chunk if carry else chunk
        nl = data.rfind(b"\n")
        if nl < 0:
            carry = data
            if len(carry) >= limit:
                long_head, long_len, carry = carry[:limit], len(carry), b""
            continue
        complete = data[:nl]
        carry = data[nl + 1:]
        size = nl + 1
        out = None  # the block's lines when it can be decoded in one go
        if ((span is None or consumed + size < span) and consumed + size <= budget[0]
                and b"\x00" not in complete):
            try:
                text = complete.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                out = text.split("\n")
                # no over-long line: for ASCII text, characters are bytes (no bytes split needed)
                if nl >= limit and (max(map(len, out)) if text.isascii()
                                    else max(map(len, complete.split(b"\n")))) >= limit:
                    out = None
        if out is not None:
            if "\r" in text:
                out = [x[:-1] if x[-1:] == "\r" else x for x in out]
            consumed += size
            stats.bytes += size
            stats.lines += len(out)
            yield out
        else:
            out = []
            for b in complete.split(b"\n"):
                n = len(b)
                consumed += n + 1
                if n >= limit:
                    stats.truncated_lines += 1
                    b = b[:max_line]
                    n = limit
                else:
                    n += 1
                if b[-1:] == b"\r":
                    b = b[:-1]
                if consumed > budget[0]:
                    stats.size_limit_hits += 1
                    stats.note("uncompressed size limit reached; rest of input ignored")
                    if out:
                        yield out
                    return
                stats.bytes += n
                s = decode_line(b, stats)
                if s is not None:
                    stats.lines += 1
                    out.append(s)
                if span is not None and consumed >= span:
                    if out:
                        yield out
                    return
            yield out
        if len(carry) >= limit:
            long_head, long_len, carry = carry[:limit], len(carry), b""


def _iter_zip(path, stats, max_line, budget, max_entries, size) -> Iterator[tuple[str, str]]:
    budget[0] = min(budget[0], max(size * DEFAULT_MAX_RATIO, 64 * 1024 * 1024))
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            stats.entry_limit_hits += 1
            stats.skipped_entries += len(infos) - max_entries
            stats.note(f"{path}: {len(infos)} entries, only first {max_entries} read")
            infos = infos[:max_entries]
        for info in infos:
            if info.is_dir():
                continue
            if budget[0] <= 0:
                stats.skipped_entries += 1
                continue
            name = f"{path}!{info.filename}"
            try:
                with zf.open(info) as raw:
                    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
                    if head.startswith(GZIP_MAGIC) or head == ZIP_MAGIC:
                        stats.skipped_entries += 1
                        stats.note(f"{name}: nested archive skipped")
                        continue
                    before = stats.bytes
                    for b in iter_binary_lines(raw, stats, max_line, budget):
                        s = decode_line(b, stats)
                        if s is not None:
                            stats.lines += 1
                            yield name, s
                    budget[0] -= stats.bytes - before
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as e:
                stats.truncated_archives += 1
                stats.note(f"{name}: {e}")


def iter_text_lines(lines: Iterable[str | bytes], stats: ReadStats, max_line: int = DEFAULT_MAX_LINE) -> Iterator[str]:
    """Normalize an in-memory iterable of lines (str or bytes) with the same limits."""
    for x in lines:
        if isinstance(x, (bytes, bytearray)):
            b = bytes(x).rstrip(b"\r\n")
            if len(b) > max_line:
                stats.truncated_lines += 1
                b = b[:max_line]
            stats.bytes += len(b)
            s = decode_line(b, stats)
            if s is None:
                continue
        else:
            s = x.rstrip("\r\n") if x[-1:] in ("\n", "\r") else x
            if len(s) > max_line:
                stats.truncated_lines += 1
                s = s[:max_line]
            if "\x00" in s:
                stats.binary_lines += 1
                continue
            stats.bytes += len(s)
        stats.lines += 1
        yield s
