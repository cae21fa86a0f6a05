"""The C scanners of the compiled parser (``_scan3164``, ``_scan_access``) must decide
exactly like the regexes they replace: same groups, same end, same rejections.  They are
plain functions in both modes, so this runs compiled and as source."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from wangan.engines.logscan import parsers as P

SYSLOG = [
    "Mar  1 08:00:01 web01 sshd[1234]: Failed password for root from 192.0.2.7 port 52144 ssh2",
    "Mar 11 23:59:59 db-2 sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls",
    "Dec 31 23:59:59 h CRON[7]: (root) CMD (run-parts /etc/cron.hourly)",
    "Jan  1 00:00:00 h p: ",
    "Jan  1 00:00:00 2026 h p: x",  # a year after the stamp: not this layout
    "Jan  1 00:00:00 h p[]: x",
    "Jan  1 00:00:00 h p[12]x: y",
    "Jan  1 00:00:00 h p[١٢]: Unicode digits",
    "Jan ١ 00:00:00 h p: Unicode digit in the day",
    "Feb 28 12:00:00 host kernel: [ 1.0] message: with: colons",
]
ACCESS = [
    '192.0.2.1 - - [01/Mar/2026:08:00:01 +0800] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"',
    '2001:db8::1 - bob [01/Mar/2026:08:00:01 -0000] "POST /a?b=\\"c\\" HTTP/1.1" 404 - "r" "u"',
    '192.0.2.1 - - [01/Mar/2026:08:00:01] "GET / HTTP/1.0" - -',
    '192.0.2.1 - - [01/Mar/2026:08:00:01 +08] "GET / HTTP/1.0" 200 1',
    '192.0.2.1 - - [01/Mar/2026:08:00:01 +0800] "GET / HTTP/1.0" 2000 1',
    '192.0.2.1 - - [01/Mar/2026:08:00:01 +0800] "unterminated \\',
    'vhost 192.0.2.1 - - [01/Mar/2026:08:00:01 +0800] "GET / HTTP/1.0" 200 1',
    '192.0.2.1\t- - [01/Mar/2026:08:00:01 +0800] "GET / HTTP/1.0" 200 1',
    '192.0.2.1 - - [٠١/Mar/2026:08:00:01 +0800] "GET /\u3000 HTTP/1.0" 200 ١٢',
]
ALPHABET = " \t:[]\"\\/+-0123456789١٢AZaz.\u3000\n"


def _ref3164(line):
    m = P._FAST3164.match(line)
    return None if m is None else m.groups()


def _ref_access(line):
    m = P._ACCESS_FAST.match(line)
    return None if m is None else m.groups() + (m.end(),)


def _mutations(lines, n, seed):
    rnd = random.Random(seed)
    for _ in range(n):
        s = list(rnd.choice(lines))
        for _ in range(rnd.randint(1, 3)):
            op, i = rnd.random(), rnd.randrange(len(s) + 1)
            c = rnd.choice(ALPHABET)
            if op < 0.4 and i < len(s):
                s[i] = c
            elif op < 0.7:
                s.insert(i, c)
            elif i < len(s):
                del s[i]
        yield "".join(s)


def test_scanners_agree_with_the_regexes_on_known_lines():
    for line in SYSLOG + ACCESS:
        assert P._scan3164(line) == _ref3164(line), line
        assert P._scan_access(line) == _ref_access(line), line
    assert P._scan3164(SYSLOG[0]) is not None and P._scan_access(ACCESS[0]) is not None
    assert P._scan3164(SYSLOG[4]) is None and P._scan_access(ACCESS[6]) is None


def test_scanners_agree_with_the_regexes_on_mutated_lines():
    matched = 0
    for line in _mutations(SYSLOG + ACCESS, 30000, 11):
        got3164, got_access = P._scan3164(line), P._scan_access(line)
        assert got3164 == _ref3164(line), line
        assert got_access == _ref_access(line), line
        matched += (got3164 is not None) + (got_access is not None)
    assert matched > 5000  # the mutations keep many lines matching: both branches are exercised


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET + "Mar", max_size=60), st.sampled_from(SYSLOG + ACCESS), st.integers(0, 120))
def test_scanners_agree_with_the_regexes_on_spliced_text(noise, line, at):
    s = line[:at] + noise + line[at:]
    assert P._scan3164(s) == _ref3164(s)
    assert P._scan_access(s) == _ref_access(s)


SSHD = [
    "Failed password for root from 192.0.2.7 port 52144 ssh2",
    "Failed password for invalid user admin from 198.51.100.3 port 4022 ssh2",
    "Failed password for illegal user x from 198.51.100.3 port 4022 [preauth]",
    "Failed publickey for bob from 2001:db8::5 port 22 ssh2 [preauth]",
    "Failed password for invalid user  from 192.0.2.1 port 1",
    "Failed password for invalid user from 192.0.2.1 port 1",
    "Failed password for root from host: port 22",
    "Failed password for root from 192.0.2.7 port 22 ssh2\n",
    "Failed none for root from 192.0.2.7 port ١٢ ssh2",
    "Accepted password for alice from 192.0.2.9 port 50000 ssh2",
    "Accepted publickey for alice from 192.0.2.9 port 50000 ssh2: RSA SHA256:abc",
    "Accepted publickey for alice from 192.0.2.9 port 50000: x",
    "Accepted password for  from 192.0.2.9 port 1 ssh2x",
    "Invalid user oracle from 203.0.113.4 port 40000",
    "Illegal user oracle from 203.0.113.4 port 40000 [preauth]",
    "Invalid user  from 203.0.113.4 port 40000 [preauth]\n",
    "Invalid user a b from 203.0.113.4 port 40000",
]


def test_sshd_scanners_agree_with_the_fast_regexes():
    pairs = [(P._scan_failed, P._R_FAILED_FAST), (P._scan_accepted, P._R_ACCEPTED_FAST),
             (P._scan_invalid, P._R_INVALID_FAST)]
    matched = 0
    for line in SSHD + list(_mutations(SSHD, 30000, 5)):
        for scan, rx in pairs:
            got = scan(line)
            assert got == P._groups(rx, line), (line, rx.pattern)
            matched += got is not None
    assert matched > 3000  # both outcomes are exercised


def test_field_at_follows_the_declared_field_order():
    """Sigma field tests and correlation keys read fields by number (``event.field_at``)."""
    from wangan.engines.logscan.event import _FIELDS, Event, field_at

    ev = Event(**{name: f"v{i}" for i, name in enumerate(_FIELDS)})
    assert [field_at(ev, i) for i in range(len(_FIELDS))] == [f"v{i}" for i in range(len(_FIELDS))]


AUDIT = [
    "pid=1020 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"ubuntu\" exe=\"/usr/sbin/sshd\" "
    "hostname=? addr=203.0.113.51 terminal=sshd res=failed'",
    'argc=3 a0="ls" a1=2d6c61 a2="-" key=(null) proctitle=6C73002D6C61',
    "a=\"unterminated b=1 c='x' d= e=-f g-h_i=é=j ١=٢ k='' l=\"\"",
    "x==y =z w= =",
]


def test_kv_scanner_agrees_with_findall():
    for line in AUDIT + list(_mutations(AUDIT, 30000, 17)):
        assert P._kv_pairs(line) == P._KV.findall(line), line


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab_-=\"' \t١é.\n", max_size=50))
def test_kv_scanner_agrees_with_findall_on_random_text(text):
    assert P._kv_pairs(text) == P._KV.findall(text)
