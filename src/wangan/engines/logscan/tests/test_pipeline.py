from __future__ import annotations

import json
from datetime import datetime

import yaml

from wangan.engines.logscan import Alert, Pipeline, build_chains, load_rules, scan
from wangan.engines.logscan.cli import main
from wangan.engines.logscan.correlation import Correlator
from wangan.engines.logscan.parsers import LineParser
from wangan.engines.logscan.sigma import RuleSet
from wangan.engines.logscan.timeutil import CST

ATTACK = """\
Mar  3 02:10:01 web01 sshd[100]: Failed password for root from 203.0.113.7 port 40001 ssh2
Mar  3 02:10:02 web01 sshd[101]: Failed password for invalid user admin from 203.0.113.7 port 40002 ssh2
Mar  3 02:10:03 web01 sshd[102]: Failed password for invalid user test from 203.0.113.7 port 40003 ssh2
Mar  3 02:10:04 web01 sshd[103]: Failed password for invalid user oracle from 203.0.113.7 port 40004 ssh2
Mar  3 02:10:05 web01 sshd[104]: Failed password for invalid user guest from 203.0.113.7 port 40005 ssh2
Mar  3 02:11:00 web01 sshd[105]: Accepted password for zhangwei from 203.0.113.7 port 40006 ssh2
Mar  3 02:12:00 web01 sudo:  zhangwei : TTY=pts/0 ; PWD=/home/zhangwei ; USER=root ; COMMAND=/bin/bash
Mar  3 02:13:00 web01 useradd[300]: new user: name=sysbak, UID=0, GID=0, home=/root, shell=/bin/bash
Mar  3 02:14:00 web01 sudo:  zhangwei : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/rm -rf /var/log/auth.log
Mar  3 09:00:00 db01 sshd[200]: Accepted publickey for liuyang from 192.0.2.10 port 5000 ssh2
""".splitlines()
REF = datetime(2026, 3, 10, tzinfo=CST).timestamp()


def test_attack_chain_end_to_end():
    res = scan(ATTACK, reference_time=REF)
    titles = [a.title for a in res.alerts]
    for t in ("SSH Brute Force", "SSH Password Spraying", "SSH Login Success After Brute Force",
              "New User With UID 0 Created", "System Log Files Deleted", "Privileged Activity Outside Working Hours"):
        assert t in titles, t
    assert "SSH Authentication Failure" not in titles  # base rule, summarized by correlations
    chain = res.chains[0]
    assert chain.src_ips == ["203.0.113.7"] and "zhangwei" in chain.users
    assert chain.tactics[:2] == ["credential-access", "initial-access"]
    assert {"privilege-escalation", "persistence", "defense-evasion"} <= set(chain.tactics)
    assert [s.timestamp for s in chain.steps] == sorted(s.timestamp for s in chain.steps)
    assert all(s.author for s in chain.steps)
    top = res.risks[0]
    assert top.kind in ("host", "ip", "user") and top.max_level == "critical" and top.evidence
    assert {r.entity for r in res.risks[:3]} >= {"ip:203.0.113.7"}
    d = json.loads(json.dumps(res.to_dict(), default=str))
    assert d["chains"][0]["steps"][0]["author"]


def test_incremental_pipeline_matches_batch():
    p = Pipeline(load_rules(), reference_time=REF)
    got = []
    for line in ATTACK:
        got += p.feed_line(line, source="auth.log")
    assert [a.title for a in got] == [a.title for a in scan(ATTACK, reference_time=REF).alerts]


def _corr(rule_yaml: str, base_yaml: str):
    rs = RuleSet()
    for d in (base_yaml, rule_yaml):
        rs.add_doc(yaml.safe_load(d))
    rs.finalize()
    return rs, Correlator(rs.correlations, max_groups=3)


BASE = """
title: fail
id: fail
name: fail
logsource: {product: linux, service: sshd}
detection: {s: {event.outcome: failure}, condition: s}
"""


def test_event_count_window_and_bounded_state():
    rs, c = _corr("""
title: bf
id: bf
correlation: {type: event_count, rules: [fail], group-by: [source.ip], timespan: 60s, condition: {gte: 3}}
""", BASE)
    lp = LineParser()
    fired = []
    for sec, ip in [(0, "192.0.2.1"), (30, "192.0.2.1"), (100, "192.0.2.1"), (110, "192.0.2.1"), (120, "192.0.2.1")]:
        e = lp.parse(f"Mar  3 10:{sec // 60:02d}:{sec % 60:02d} h sshd[1]: Failed password for x from {ip} port 1 ssh2")
        for r in rs.match(e):
            fired += c.feed(r, e)
    assert len(fired) == 1 and fired[0].count == 3  # first two expired before the third in-window event
    for i in range(10):  # many sources: state stays bounded
        e = lp.parse(f"Mar  3 11:00:0{i} h sshd[1]: Failed password for x from 198.51.100.{i} port 1 ssh2")
        for r in rs.match(e):
            c.feed(r, e)
    assert c.group_count() <= 3 and c.evicted >= 7


def test_value_count_and_temporal():
    rs, c = _corr("""
title: spray
id: spray
correlation: {type: value_count, rules: [fail], group-by: [source.ip], timespan: 10m, condition: {field: user.name, gte: 3}}
""", BASE)
    lp = LineParser()
    out = []
    for u in ("a", "a", "b", "b", "c"):
        e = lp.parse(f"Mar  3 10:00:00 h sshd[1]: Failed password for {u} from 192.0.2.5 port 1 ssh2")
        for r in rs.match(e):
            out += c.feed(r, e)
    assert len(out) == 1 and out[0].count == 3 and out[0].src_ip == "192.0.2.5"


def test_new_source_ip_for_privileged_account():
    lines = [
        "Mar  3 10:00:00 h sshd[1]: Accepted publickey for root from 192.0.2.10 port 1 ssh2",
        "Mar  3 11:00:00 h sshd[2]: Accepted publickey for root from 192.0.2.10 port 1 ssh2",
        "Mar  3 12:00:00 h sshd[3]: Accepted password for root from 203.0.113.99 port 1 ssh2",
    ]
    res = scan(lines, reference_time=REF)
    new = [a for a in res.alerts if a.title == "New Source IP For Privileged Account"]
    assert len(new) == 1 and new[0].src_ip == "203.0.113.99"


def test_template_anomaly_after_learning():
    p = Pipeline(load_rules(), template_learning=50)
    for i in range(60):
        p.feed_line(f"custom-daemon job {i} finished in {i * 3} ms")
    out = p.feed_line("custom-daemon PANIC stack overflow at 0xdeadbeef restarting")
    assert any(a.kind == "anomaly" for a in out)
    assert len(p.miner.clusters) == 2


def test_parallel_equals_serial(tmp_path):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[5] / "bench" / "logscan"))
    import corpus
    f = tmp_path / "c.log"
    corpus.write(str(f), 60000, seed=11)
    rs = load_rules()
    a = scan([f], rules=rs, workers=1, template_mining=False)
    b = scan([f], rules=rs, workers=2, template_mining=False)
    from wangan.engines.logscan import pipeline
    # force chunking of this small file too
    orig = pipeline._split
    pipeline._split = lambda p, w, min_chunk=4 * 1024 * 1024: orig(p, w, min_chunk=256 * 1024)
    try:
        c = scan([f], rules=rs, workers=2, template_mining=False)
    finally:
        pipeline._split = orig
    assert a.stats["events"] == b.stats["events"] == c.stats["events"] == 60000
    assert a.by_rule() == b.by_rule()
    # chunks are replayed in file order by the parent: the result equals the serial scan exactly
    def key(res):
        return [(x.kind, x.rule_id, x.timestamp, x.first_ts, x.src_ip, x.user, x.host, x.count, x.event.lineno,
                 tuple(x.evidence), tuple(sorted(x.group.items())), round(x.score, 6)) for x in res.alerts]
    assert key(a) == key(c) and len(a.alerts) > 1000
    assert [ch.to_dict() for ch in a.chains] == [ch.to_dict() for ch in c.chains]
    assert [r.to_dict() for r in a.risks] == [r.to_dict() for r in c.risks]
    assert a.stats["read"] == c.stats["read"] and a.stats["by_log_type"] == c.stats["by_log_type"]


def test_cli_table_and_json(tmp_path, capsys):
    f = tmp_path / "auth.log"
    f.write_text("\n".join(ATTACK) + "\n")
    assert main(["scan", str(f), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "Attack chains" in out and "SSH Brute Force" in out and "author" in out
    assert main(["scan", str(f), "--format", "json", "--fail-on", "critical"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["stats"]["events"] == len(ATTACK) and d["alerts"][0]["author"]


def test_scan_restores_gc_settings():
    import gc
    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    scan(ATTACK, reference_time=REF)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_a_user_name_guessed_by_two_scanners_does_not_join_them_into_one_chain():
    # SigmaHQ's "login attempt for a non-existent user" names the guessed user: two scanners guessing
    # "admin" on web01 are two actors, "admin" only their target; a user who acts (logs in, sudo) links
    def alert(title, ts, ip, user, tactics, level="medium"):
        return Alert(kind="sigma", rule_id=title, title=title, level=level, author="t", tactics=tactics,
                     timestamp=REF + ts, host="web01", src_ip=ip, user=user)
    guess = ("reconnaissance", "credential-access")
    alerts = [alert("Invalid User", 60 * k + j, ip, "admin", guess)
              for k, ip in enumerate(("198.51.100.20", "198.51.100.30")) for j in range(3)]
    alerts += [alert("Login Success After Brute Force", 300, "198.51.100.30", "wangfang",
                     ("initial-access", "credential-access"), "critical"),
               alert("Sudo Root Shell", 360, None, "wangfang", ("privilege-escalation",))]
    chains = build_chains(alerts)
    assert sorted(c.src_ips for c in chains) == [["198.51.100.20"], ["198.51.100.30"]]
    (taken,) = [c for c in chains if c.src_ips == ["198.51.100.30"]]
    assert [s.title for s in taken.steps][-2:] == ["Login Success After Brute Force", "Sudo Root Shell"]
    assert taken.tactics == ["reconnaissance", "initial-access", "privilege-escalation"]
    # without a source address the user is all there is to link by (a distributed brute force on one account)
    alone = [alert("Distributed Brute Force", 0, None, "wangfang", ("credential-access",), "high"),
             alert("Sudo Root Shell", 60, None, "wangfang", ("privilege-escalation",))]
    assert [len(c.steps) for c in build_chains(alone)] == [2]
