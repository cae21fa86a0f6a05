"""Streaming pipeline: read -> parse/normalize -> Sigma match -> correlate ->
behaviour -> template anomalies -> attack chains -> risk.

``scan(inputs)`` handles paths and in-memory lines (multiprocessing for
files with ``workers > 1``); :class:`Pipeline` is the incremental API
(``feed_line`` / ``feed``) a long-running service can use.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from .alerts import Alert, alert_from_rule
from .chains import AttackChain, build_chains
from .correlation import BehaviourDetector, Correlator
from .drain import DrainMiner
from .event import Event
from .parsers import LineParser
from .readers import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    DEFAULT_MAX_LINE,
    ReadStats,
    iter_file_lines,
    iter_text_lines,
)
from .risk import EntityRisk, rate
from .sigma import LEVELS, RuleSet, SigmaRule, load_rules
from .timeutil import Clock

ANOMALY_AUTHOR = "Wangan logscan team"


@dataclass
class ScanResult:
    alerts: list[Alert]
    chains: list[AttackChain]
    risks: list[EntityRisk]
    stats: dict[str, Any]
    templates: list[dict] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)

    def by_rule(self) -> Counter:
        return Counter(a.title for a in self.alerts)

    def to_dict(self, with_events: bool = False, max_alerts: int | None = None) -> dict[str, Any]:
        al = self.alerts if max_alerts is None else self.alerts[:max_alerts]
        return {"stats": self.stats, "rules": self.rules,
                "alerts": [a.to_dict(with_events) for a in al],
                "chains": [c.to_dict() for c in self.chains],
                "risks": [r.to_dict() for r in self.risks],
                "templates": self.templates[:200]}


class Pipeline:
    """Incremental detection pipeline (not thread-safe; one per stream/worker)."""

    def __init__(self, rules: RuleSet | None = None, *, rule_paths: Iterable[str | os.PathLike] | None = None,
                 builtin: bool = True, tz: tzinfo | None = None, reference_time: float | None = None,
                 correlate: bool = True, behaviour: bool = True, template_mining: bool = True,
                 template_learning: int = 1000, max_alerts: int = 100000, min_level: str = "low",
                 criticality: Mapping[str, float] | Callable[[str | None], float] | None = None,
                 work_hours: tuple[int, int] = (8, 20)):
        self.rules = rules if rules is not None else load_rules(rule_paths, builtin=builtin)
        self.clock = Clock(tz, reference_time)
        self.correlator = Correlator(self.rules.correlations) if correlate else None
        self.behaviour = BehaviourDetector(tz=self.clock.tz, work_hours=work_hours) if behaviour else None
        self.miner = DrainMiner() if template_mining else None
        self.template_learning = template_learning
        self.max_alerts = max_alerts
        self.min_level = LEVELS.get(min_level, 1)
        self.criticality = criticality
        self.alerts: list[Alert] = []
        self.read_stats = ReadStats()
        self.counts: Counter = Counter()  # events by log_type
        self.rule_hits: Counter = Counter()
        self.events = 0
        self.unknown = 0
        self.alerts_dropped = 0
        self._parsers: dict[str | None, LineParser] = {}
        self._t0 = time.perf_counter()
        self._base_matches: list[tuple[int, Event]] | None = None  # worker mode: collect instead of correlating

    # ---------------------------------------------------------------- input
    def parser_for(self, source: str | None) -> LineParser:
        p = self._parsers.get(source)
        if p is None:
            if len(self._parsers) > 1000:
                self._parsers.clear()
            p = self._parsers[source] = LineParser(self.clock, source)
        return p

    def feed_line(self, line: str, source: str | None = None, lineno: int = 0) -> list[Alert]:
        ev = self.parser_for(source).parse(line, lineno)
        return self.feed(ev)

    def feed(self, ev: Event) -> list[Alert]:
        """Process one normalized event; returns the alerts it produced."""
        self.events += 1
        self.counts[ev.log_type] += 1
        out: list[Alert] = []
        if ev.log_type == "unknown":
            self.unknown += 1
            if self.miner is not None and ev.raw.strip():
                cl, new = self.miner.add(ev.raw, ev.timestamp)
                if new and self.events > self.template_learning and cl is not None:
                    out.append(self._anomaly(ev, cl))
        matched = self.rules.match(ev)
        if matched:
            base = self._base_matches
            for r in matched:
                self.rule_hits[r.id] += 1
                if base is not None:
                    base.append((r.index, ev))
                    if r.generate and r.severity >= self.min_level:
                        out.append(alert_from_rule(r, ev))
                    continue
                if r.generate and r.severity >= self.min_level:
                    out.append(alert_from_rule(r, ev))
                out.extend(self._post(r, ev))
        if out:
            self._keep(out)
        return out

    def _post(self, r: SigmaRule, ev: Event) -> list[Alert]:
        out: list[Alert] = []
        if self.correlator is not None:
            out.extend(self.correlator.feed(r, ev))
        if self.behaviour is not None:
            out.extend(self.behaviour.feed(ev))
        return out

    def _keep(self, alerts: list[Alert]) -> None:
        room = self.max_alerts - len(self.alerts)
        if room >= len(alerts):
            self.alerts.extend(alerts)
        else:
            self.alerts.extend(alerts[:max(room, 0)])
            self.alerts_dropped += len(alerts) - max(room, 0)

    def _anomaly(self, ev: Event, cl) -> Alert:
        return Alert(kind="anomaly", rule_id=f"wangan-template-{cl.id}", rule_name="new_log_template",
                     title="New Log Template", level="low", author=ANOMALY_AUTHOR, tags=(), timestamp=ev.timestamp,
                     first_ts=ev.timestamp, host=ev.host, src_ip=ev.src_ip, user=ev.user, event=ev,
                     evidence=[ev.raw[:2000]], group={"template": cl.template},
                     description="A log line of a shape not seen during the learning period.")

    # ---------------------------------------------------------------- files
    def feed_path(self, path: str | os.PathLike, *, max_line: int = DEFAULT_MAX_LINE,
                  max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES,
                  start: int = 0, end: int | None = None) -> None:
        path = os.fspath(path)
        if start == 0:
            with contextlib.suppress(OSError):
                self.clock.set_reference(os.path.getmtime(path))
        feed = self.feed
        lines = iter_file_lines(path, self.read_stats, max_line=max_line, max_bytes=max_bytes,
                                max_entries=max_entries, start=start, end=end)
        for n, (source, line) in enumerate(lines, 1):
            feed(self.parser_for(source).parse(line, n))

    def feed_lines(self, lines: Iterable[str | bytes], source: str | None = None,
                   max_line: int = DEFAULT_MAX_LINE) -> None:
        parser = self.parser_for(source)
        feed = self.feed
        for n, line in enumerate(iter_text_lines(lines, self.read_stats, max_line), 1):
            feed(parser.parse(line, n))

    # ---------------------------------------------------------------- result
    def stats(self) -> dict[str, Any]:
        el = time.perf_counter() - self._t0
        return {
            "events": self.events, "unknown_lines": self.unknown, "by_log_type": dict(self.counts),
            "alerts": len(self.alerts), "alerts_dropped": self.alerts_dropped,
            "rule_hits": sum(self.rule_hits.values()), "read": self.read_stats.as_dict(),
            "correlation_groups": self.correlator.group_count() if self.correlator else 0,
            "templates": len(self.miner.clusters) if self.miner else 0,
            "elapsed_s": round(el, 3), "events_per_s": round(self.events / el) if el > 0 else None,
            "prefilter": self.rules.backend, "rules": len(self.rules.rules),
            "correlation_rules": len(self.rules.correlations),
        }

    def result(self, *, chain_window: float = 86400.0, top: int = 50) -> ScanResult:
        alerts = sorted(self.alerts, key=lambda a: (a.timestamp if a.timestamp is not None else 0.0))
        chains = build_chains(alerts, window=chain_window)
        risks = rate(alerts, chains, criticality=self.criticality, top=top)
        for c in chains:
            c.score = sum(s.alert.score for s in c.steps)
        chains.sort(key=lambda c: (-c.progression, -c.score))
        for i, c in enumerate(chains, 1):
            c.id = i
        return ScanResult(alerts=alerts, chains=chains, risks=risks, stats=self.stats(),
                          templates=self.miner.templates() if self.miner else [],
                          rules=self.rules.report.as_dict())


# --------------------------------------------------------------------------- scan()
_WORKER: dict[str, Any] = {}


def _worker_init(rules: RuleSet | None, kwargs: dict) -> None:
    _WORKER["rules"] = rules
    _WORKER["kwargs"] = kwargs


def _worker_task(task: tuple) -> dict:
    path, start, end, mtime = task
    kw = dict(_WORKER["kwargs"])
    p = Pipeline(_WORKER["rules"], correlate=False, behaviour=False, reference_time=mtime, **kw)
    p._base_matches = []
    p.feed_path(path, start=start, end=end)
    st = p.stats()
    corr = Correlator(p.rules.correlations)
    need = {r.index for r in p.rules.rules if corr.consumes(r)}
    base = [(i, ev) for i, ev in p._base_matches if i in need or ev.action in _BEHAVIOUR_ACTIONS]
    return {"alerts": p.alerts, "base": base,
            "stats": st, "read": p.read_stats, "hits": p.rule_hits, "counts": p.counts,
            "unknown": p.unknown, "events": p.events, "dropped": p.alerts_dropped,
            "templates": p.miner.templates() if p.miner else []}


_BEHAVIOUR_ACTIONS = frozenset({"ssh_login", "sudo", "su", "su_session_opened", "sudo_session_opened"})


def _split(path: str, workers: int, min_chunk: int = 4 * 1024 * 1024) -> list[tuple[str, int, int | None, float]]:
    try:
        size = os.path.getsize(path)
        mtime = os.path.getmtime(path)
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        return [(path, 0, None, time.time())]
    if magic[:2] == b"\x1f\x8b" or magic == b"PK\x03\x04" or size < min_chunk * 2 or workers <= 1:
        return [(path, 0, None, mtime)]
    n = min(workers * 2, max(1, size // min_chunk))
    step = size // n
    bounds = [i * step for i in range(n)] + [size]
    return [(path, bounds[i], bounds[i + 1], mtime) for i in range(n)]


def scan(inputs: Iterable[str | os.PathLike | bytes] | str | os.PathLike, rules: RuleSet | Iterable[str] | str | None = None,
         *, builtin: bool = True, workers: int = 1, tz: tzinfo | None = None, reference_time: float | None = None,
         criticality: Mapping[str, float] | None = None, min_level: str = "low",
         template_mining: bool = True, max_alerts: int = 100000, top: int = 50,
         work_hours: tuple[int, int] = (8, 20)) -> ScanResult:
    """Scan files (plain/.gz/.zip) or in-memory lines.

    ``inputs``: a path, a list of paths, or an iterable of log lines (``str``
    or ``bytes``; anything that is not an existing path is treated as a line
    when the iterable isn't made of paths).  ``rules``: a :class:`RuleSet`, or
    rule file/directory paths added to the built-in pack.
    """
    if isinstance(rules, RuleSet):
        rs = rules
    else:
        rp = [rules] if isinstance(rules, (str, os.PathLike)) else rules
        rs = load_rules(rp, builtin=builtin)
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    kwargs = {"tz": tz, "template_mining": template_mining, "max_alerts": max_alerts, "min_level": min_level,
              "criticality": criticality, "work_hours": work_hours}
    pipe = Pipeline(rs, reference_time=reference_time, **kwargs)
    items = list(inputs) if not isinstance(inputs, Iterable) or isinstance(inputs, (list, tuple)) else inputs
    # decide: paths or lines
    if isinstance(items, (list, tuple)) and items and all(isinstance(x, (os.PathLike,)) or
                                                          (isinstance(x, str) and "\n" not in x and len(x) < 4096
                                                           and os.path.exists(x)) for x in items):
        paths = [os.fspath(x) for x in items]
        if workers > 1:
            _scan_parallel(pipe, rs, paths, workers, kwargs)
        else:
            for pth in paths:
                if reference_time is None:
                    with contextlib.suppress(OSError):
                        pipe.clock.set_reference(os.path.getmtime(pth))
                pipe.feed_path(pth)
    else:
        pipe.feed_lines(items)
    return pipe.result(top=top)


def _scan_parallel(pipe: Pipeline, rs: RuleSet, paths: list[str], workers: int, kwargs: dict) -> None:
    tasks = [t for p in paths for t in _split(p, workers)]
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        ctx = mp.get_context()
    base: list[tuple[int, Event]] = []
    with ctx.Pool(workers, initializer=_worker_init, initargs=(rs, kwargs)) as pool:
        for res in pool.imap_unordered(_worker_task, tasks):
            pipe._keep(res["alerts"])
            base.extend(res["base"])
            pipe.read_stats.merge(res["read"])
            pipe.rule_hits.update(res["hits"])
            pipe.counts.update(res["counts"])
            pipe.unknown += res["unknown"]
            pipe.events += res["events"]
            pipe.alerts_dropped += res["dropped"]
            if pipe.miner is not None:
                for t in res["templates"]:
                    pipe.miner.clusters.append(_TemplateStub(t))
    base.sort(key=lambda x: (x[1].timestamp if x[1].timestamp is not None else 0.0, x[1].source or "", x[1].lineno))
    extra: list[Alert] = []
    for idx, ev in base:
        extra.extend(pipe._post(rs.rules[idx], ev))
    pipe._keep(extra)


class _TemplateStub:
    """Template summary coming back from a worker."""

    def __init__(self, d: dict):
        self.id = d["id"]
        self.template = d["template"]
        self.size = d["count"]
        self.example = d["example"]
