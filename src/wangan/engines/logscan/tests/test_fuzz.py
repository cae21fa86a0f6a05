from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wangan.engines.logscan import Pipeline, load_rules
from wangan.engines.logscan.parsers import LineParser
from wangan.engines.logscan.readers import ReadStats, decode_line

RULES = load_rules()

PREFIXES = ["Mar  3 10:00:00 h sshd[1]: ", "<34>1 2026-03-03T10:00:00Z h app 1 - - ", "type=SYSCALL msg=audit(1.2:3): ",
            '192.0.2.1 - - [03/Mar/2026:10:00:00 +0000] "', "2026/03/03 10:00:00 [error] 1#0: ", "[Tue Sep 30 14:25:44 2014] [",
            "{", "Mar  3 10:00:00 h sudo: ", "Mar  3 10:00:00 h su: ", "2026-03-03T10:00:00+08:00 h useradd[1]: new user: "]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.text(max_size=300))
def test_parsers_never_crash(prefix, tail):
    lp = LineParser()
    ev = lp.parse(prefix + tail)
    assert ev.raw == prefix + tail
    RULES.match(ev)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_bytes_never_crash(data):
    st_ = ReadStats()
    s = decode_line(data, st_)
    if s is not None:
        ev = LineParser().parse(s)
        RULES.match(ev)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=3000))
def test_garbage_files_never_crash(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("fz")
    (d / "a.log").write_bytes(data)
    (d / "b.gz").write_bytes(gzip.compress(data)[: max(1, len(data) // 2)])
    (d / "c.zip").write_bytes(b"PK\x03\x04" + data)
    p = Pipeline(RULES)
    for n in ("a.log", "b.gz", "c.zip"):
        p.feed_path(d / n)
    p.result()
