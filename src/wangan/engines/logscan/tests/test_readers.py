from __future__ import annotations

import gzip
import io
import zipfile
from itertools import pairwise

from wangan.engines.logscan.pipeline import Pipeline, scan
from wangan.engines.logscan.readers import ReadStats, iter_file_lines, iter_text_lines

LINE = "Mar  3 10:00:00 h sshd[1]: Failed password for root from 203.0.113.1 port 1 ssh2\n"


def lines(path, **kw):
    st = ReadStats()
    out = [line for _, line in iter_file_lines(path, st, **kw)]
    return out, st


def test_plain_gz_zip(tmp_path):
    (tmp_path / "a.log").write_text(LINE * 3)
    with gzip.open(tmp_path / "b.log.gz", "wt") as fh:
        fh.write(LINE * 4)
    with zipfile.ZipFile(tmp_path / "c.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x/auth.log", LINE * 2)
        z.writestr("y/secure", LINE)
    assert len(lines(tmp_path / "a.log")[0]) == 3
    assert len(lines(tmp_path / "b.log.gz")[0]) == 4
    out, st = lines(tmp_path / "c.zip")
    assert len(out) == 3 and st.files == 1


def test_truncated_gzip_is_counted(tmp_path):
    buf = gzip.compress((LINE * 2000).encode())
    (tmp_path / "t.gz").write_bytes(buf[: len(buf) // 2])
    out, st = lines(tmp_path / "t.gz")
    assert st.truncated_archives == 1 and 0 < len(out) < 2000


def test_long_line_capped(tmp_path):
    (tmp_path / "big.log").write_bytes(b"A" * (1024 * 1024) + b"\n" + LINE.encode())
    out, st = lines(tmp_path / "big.log", max_line=4096)
    assert st.truncated_lines == 1 and len(out[0]) == 4096 and out[1] == LINE.strip()


def test_binary_and_encodings(tmp_path):
    gbk = "Mar  3 10:00:00 h app: 用户登录失败".encode("gbk")
    data = b"\x00\x01\x02\xff\xfe garbage\n" + gbk + b"\n" + b"\xff\xfe\xfa bad\x80utf8 text here ok\n" + LINE.encode()
    (tmp_path / "mix.log").write_bytes(data)
    out, st = lines(tmp_path / "mix.log")
    assert st.binary_lines == 1 and st.decoded_gb18030 >= 1
    assert "用户登录失败" in out[0]
    assert out[-1] == LINE.strip()


def test_zip_bomb_limits(tmp_path):
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.log", b"x" * 50_000_000)  # ~50 KB compressed
        for i in range(30):
            z.writestr(f"e{i}.log", LINE)
    out, st = lines(p, max_bytes=1_000_000, max_entries=10)
    assert st.entry_limit_hits == 1 and st.size_limit_hits >= 1
    assert st.bytes <= 1_100_000


def test_zip_nested_archive_skipped(tmp_path):
    inner = io.BytesIO()
    with gzip.GzipFile(fileobj=inner, mode="wb") as g:
        g.write(b"x\n")
    p = tmp_path / "n.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("inner.gz", inner.getvalue())
    out, st = lines(p)
    assert out == [] and st.skipped_entries == 1


def test_corrupt_zip_and_missing_file(tmp_path):
    (tmp_path / "c.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _, st = lines(tmp_path / "c.zip")
    assert st.truncated_archives == 1
    _, st = lines(tmp_path / "nope.log")
    assert st.unreadable == 1


def test_byte_range_chunks_cover_file_exactly(tmp_path):
    body = "".join(f"line {i} " + "x" * (i % 37) + "\n" for i in range(5000))
    f = tmp_path / "r.log"
    f.write_text(body)
    size = f.stat().st_size
    bounds = [0, 1000, 1001, 20000, 50000, size]
    got = []
    for a, b in pairwise(bounds):
        got += [line for _, line in iter_file_lines(f, ReadStats(), start=a, end=b)]
    assert got == body.splitlines()


def test_text_lines_and_scan_stats(tmp_path):
    st = ReadStats()
    assert list(iter_text_lines([b"a\r\n", "b\n", "c\x00"], st)) == ["a", "b"]
    assert st.binary_lines == 1
    res = scan([tmp_path / "missing.log"], builtin=True)
    assert res.stats["read"]["unreadable"] == 1


def test_pipeline_survives_garbage(tmp_path):
    import os
    f = tmp_path / "g.log"
    f.write_bytes(os.urandom(200_000) + b"\n" + LINE.encode())
    p = Pipeline(template_mining=True)
    p.feed_path(f)
    assert p.events >= 1
