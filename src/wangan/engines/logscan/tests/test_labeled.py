"""Detection quality on third-party labelled data (skipped when ../shared is absent)."""

from __future__ import annotations

import configparser
import json
import re

from wangan.engines.logscan.parsers import LineParser

from .conftest import shared_dir


def _failjson_cases(path):
    cases = []
    meta = None
    with open(path, encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("# failJSON:"):
                meta = json.loads(line.split(":", 1)[1])
                continue
            if line.startswith("#") or not line.strip():
                continue
            if meta is not None:
                cases.append((meta, line))
        meta = None
    return cases


def _expected(meta):
    c = meta.get("constraint", "")
    if "!= 'aggressive'" in c:  # labels for fail2ban's normal mode only: we judge the aggressive-mode labels
        return None
    return bool(meta.get("match"))


def test_sshd_fail2ban_labels_recall_precision_ip():
    cases = _failjson_cases(shared_dir("fail2ban-labeled") / "sshd")
    assert len(cases) > 100
    lp = LineParser()
    tp = fp = fn = tn = ip_ok = 0
    for meta, line in cases:
        ev = lp.parse(line)
        exp = _expected(meta)
        if exp is None:
            continue
        got = ev.outcome == "failure" and ev.src_ip is not None
        if got and exp:
            tp += 1
            ip_ok += ev.src_ip == meta.get("host")
        elif got:
            fp += 1
        elif exp:
            fn += 1
        else:
            tn += 1
    recall = tp / (tp + fn)
    precision = tp / (tp + fp)
    print(f"sshd fail2ban labels: tp={tp} fp={fp} fn={fn} tn={tn} recall={recall:.3f} precision={precision:.3f} "
          f"ip_accuracy={ip_ok / tp:.3f}")
    assert recall >= 0.90
    assert precision >= 0.85
    assert ip_ok / tp >= 0.97


def test_pam_generic_labels():
    cases = _failjson_cases(shared_dir("fail2ban-labeled") / "pam-generic")
    lp = LineParser()
    hits = [(m, lp.parse(line)) for m, line in cases if m.get("match")]
    ok = sum(1 for m, e in hits if e.outcome == "failure" and e.src_ip == m.get("host"))
    assert ok / len(hits) >= 0.8


def test_web_auth_labels():
    d = shared_dir("fail2ban-labeled")
    lp = LineParser()
    for name in ("nginx-http-auth", "apache-auth"):
        cases = [(m, line) for m, line in _failjson_cases(d / name) if m.get("match")]
        ok = sum(1 for m, line in cases if lp.parse(line).src_ip == m.get("host"))
        assert ok / len(cases) >= 0.7, name


def _wazuh_logs(path):
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(path, encoding="utf-8")
    for sec in cp.sections():
        for k, v in cp.items(sec):
            if k.startswith("log "):
                yield sec, v.strip()


def test_wazuh_cases_parse_into_expected_families():
    d = shared_dir("wazuh-ruleset-tests")
    lp = LineParser()
    expect = {"sshd.ini": {"syslog"}, "auditd.ini": {"auditd"}, "nginx.ini": {"web_error", "web_access"},
              "apache.ini": {"web_error", "web_access"}, "sudo.ini": {"syslog"}, "su.ini": {"syslog"},
              "pam.ini": {"syslog"}, "syslog.ini": {"syslog"}}
    for name, fams in expect.items():
        logs = list(_wazuh_logs(d / name))
        ok = sum(1 for _, line in logs if lp.parse(line).log_type in fams)
        assert ok / len(logs) >= 0.8, (name, ok, len(logs))
    sudo = [lp.parse(line) for _, line in _wazuh_logs(d / "sudo.ini")]
    assert sum(e.action == "sudo" for e in sudo) / len(sudo) >= 0.7
    ssh = [lp.parse(line) for s, line in _wazuh_logs(d / "sshd.ini") if re.search(r"authentication fail|invalid user|illegal user|brute|password|not allowed|attempt", s, re.I)]
    assert sum(e.outcome == "failure" for e in ssh) / len(ssh) >= 0.75
