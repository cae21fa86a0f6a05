"""Streaming pipeline: read -> parse/normalize -> Sigma match -> correlate ->
behaviour -> template anomalies -> attack chains -> risk.

``scan(inputs)`` handles paths and in-memory lines (multiprocessing for
files with ``workers > 1``: workers read, parse and match byte ranges, the
parent replays their matches in file order, so the result equals a serial
scan -- except template anomalies, mined per range); :class:`Pipeline` is the
incremental API (``feed_line`` / ``feed`` / ``feed_block``) a long-running
service can use.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import multiprocessing as mp
import operator
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

import cython  # pure-Python mode declarations (no-ops when this runs as source)

from .alerts import Alert, alert_from_rule
from .chains import AttackChain, build_chains
from .correlation import BehaviourDetector, Correlator
from .drain import DrainMiner
from .event import Event, event_from_tuple, event_to_tuple
from .parsers import LineParser
from .readers import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    DEFAULT_MAX_LINE,
    ReadStats,
    iter_file_blocks,
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
        # worker mode (parallel scan): matches that need the parent are collected as records
        self._records: list[tuple] | None = None
        self._rule_flags: list[tuple[bool, bool]] | None = None  # per rule index: (alerts, feeds correlator)
        self._need: list[bool] | None = None  # per rule index: a match needs the parent (worker mode)

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

    @cython.locals(ev=Event)
    def feed(self, ev: Event) -> list[Alert]:
        """Process one normalized event; returns the alerts it produced."""
        self.events += 1
        self.counts[ev.log_type] += 1
        out: list[Alert] = []
        anomaly = None
        if ev.log_type == "unknown":
            self.unknown += 1
            anomaly = self._template(ev, self.events)
            if anomaly is not None:
                out.append(anomaly)
        matched = self.rules.match(ev)
        if matched:
            self.rule_hits.update([r.id for r in matched])
            if self._records is not None:
                self._record(ev, matched, anomaly)
                return []
            self._matched(ev, matched, out)  # keeps ``out``
        elif anomaly is not None:
            if self._records is not None:
                self._record(ev, (), anomaly)
                return []
            self._keep(out)
        return out

    @cython.locals(ev=Event)
    def _template(self, ev: Event, n_events: int) -> Alert | None:
        if self.miner is not None and ev.raw.strip():
            cl, new = self.miner.add(ev.raw, ev.timestamp)
            if new and n_events > self.template_learning and cl is not None:
                return self._anomaly(ev, cl.id, cl.template)
        return None

    def _flags(self) -> list[tuple[bool, bool]]:
        flags = self._rule_flags
        if flags is None or len(flags) != len(self.rules.rules):
            corr = self.correlator or Correlator(self.rules.correlations)
            flags = self._rule_flags = [(r.generate and r.severity >= self.min_level, corr.consumes(r))
                                        for r in self.rules.rules]
        return flags

    @cython.locals(corr=Correlator)
    def _matched(self, ev: Event, matched: list[SigmaRule], out: list[Alert]) -> None:
        """Alerts, correlation and behaviour for one event's matching rules (in rule order),
        appended to ``out``."""
        flags = self._flags()
        corr = self.correlator
        beh = self.behaviour if ev.action in _BEHAVIOUR_ACTIONS else None
        full = len(self.alerts) >= self.max_alerts  # every alert of this event would be dropped
        for r in matched:
            alerting, consumed = flags[r.index]
            if alerting:
                if full:
                    self.alerts_dropped += 1  # counted as _keep would, without building it
                else:
                    out.append(alert_from_rule(r, ev))
            if consumed and corr is not None:
                a = corr.feed(r, ev)
                if a:
                    out.extend(a)
            if beh is not None:
                # BehaviourDetector.feed is idempotent for one event: only the first call can alert
                out.extend(beh.feed(ev))
                beh = None
        if out:
            self._keep(out)

    @cython.locals(ev=Event)
    def _record(self, ev: Event, matched, anomaly: Alert | None) -> None:
        """Worker mode: keep what the parent needs to continue exactly as a serial scan."""
        need = self._need
        if need is None or len(need) != len(self.rules.rules):
            need = self._need = [a or c for a, c in self._flags()]
        idx = tuple([r.index for r in matched])
        if anomaly is not None or ev.action in _BEHAVIOUR_ACTIONS or any(map(need.__getitem__, idx)):
            a = None if anomaly is None else (anomaly.rule_id, anomaly.group["template"])
            self._records.append((event_to_tuple(ev), idx, a))  # type: ignore[union-attr]

    @cython.locals(ev=Event)
    def feed_block(self, lines: list[str], source: str | None = None, lineno: int = 1) -> None:
        """Process consecutive lines of one source (``lineno`` = number of the first);
        same results as :meth:`feed_line` for each line in turn, but parsing, counting and
        the literal prefilter work a block at a time."""
        if not lines:
            return
        parser = self.parser_for(source)
        evs = parser.parse_block(lines, lineno)
        counted = Counter(map(_LOG_TYPE, evs))
        parser.counts.update(counted)
        self.counts.update(counted)
        base = self.events
        self.events += len(evs)
        n_unknown = counted.get("unknown", 0)
        self.unknown += n_unknown
        matches = self.rules.match_block(evs, lines)
        if matches:
            self.rule_hits.update([r.id for _, m in matches for r in m])
        anomalies: dict[int, Alert] = {}
        if n_unknown and self.miner is not None:
            for i, ev in enumerate(evs):
                if ev.log_type == "unknown":
                    a = self._template(ev, base + i + 1)
                    if a is not None:
                        anomalies[i] = a
        if anomalies:
            mi = dict(matches)
            order = sorted(set(mi) | set(anomalies))
            items = [(i, mi.get(i, ())) for i in order]
        else:
            items = matches
        records = self._records
        if records is not None:
            if anomalies:
                for i, m in items:
                    self._record(evs[i], m, anomalies.get(i))
                return
            # worker mode, no anomalies: _record inlined (this loop runs for ~half the lines)
            need = self._need
            if need is None or len(need) != len(self.rules.rules):
                need = self._need = [a or c for a, c in self._flags()]
            need_item = need.__getitem__
            append = records.append
            for i, m in items:
                ev = evs[i]
                idx = tuple([r.index for r in m])
                if ev.action in _BEHAVIOUR_ACTIONS or any(map(need_item, idx)):
                    append((event_to_tuple(ev), idx, None))
            return
        for i, m in items:
            ev = evs[i]
            a = anomalies.get(i) if anomalies else None
            if a is not None:
                out = [a]
                if m:
                    self._matched(ev, m, out)
                else:
                    self._keep(out)
            else:
                self._matched(ev, m, [])

    def _keep(self, alerts: list[Alert]) -> None:
        room = self.max_alerts - len(self.alerts)
        if room >= len(alerts):
            self.alerts.extend(alerts)
        else:
            self.alerts.extend(alerts[:max(room, 0)])
            self.alerts_dropped += len(alerts) - max(room, 0)

    @cython.locals(ev=Event)
    def _anomaly(self, ev: Event, cluster_id: int | str, template: str) -> Alert:
        rid = cluster_id if isinstance(cluster_id, str) else f"wangan-template-{cluster_id}"
        return Alert(kind="anomaly", rule_id=rid, rule_name="new_log_template",
                     title="New Log Template", level="low", author=ANOMALY_AUTHOR, tags=(), timestamp=ev.timestamp,
                     first_ts=ev.timestamp, host=ev.host, src_ip=ev.src_ip, user=ev.user, event=ev,
                     evidence=[ev.raw[:2000]], group={"template": template},
                     description="A log line of a shape not seen during the learning period.")

    # ---------------------------------------------------------------- files
    def feed_path(self, path: str | os.PathLike, *, max_line: int = DEFAULT_MAX_LINE,
                  max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES,
                  start: int = 0, end: int | None = None) -> None:
        path = os.fspath(path)
        if start == 0:
            with contextlib.suppress(OSError):
                self.clock.set_reference(os.path.getmtime(path))
        n = 1
        for source, block in iter_file_blocks(path, self.read_stats, max_line=max_line, max_bytes=max_bytes,
                                              max_entries=max_entries, start=start, end=end):
            self.feed_block(block, source, n)
            n += len(block)

    def feed_lines(self, lines: Iterable[str | bytes], source: str | None = None,
                   max_line: int = DEFAULT_MAX_LINE) -> None:
        n = 1
        for block in _chunks(iter_text_lines(lines, self.read_stats, max_line), 2048):
            self.feed_block(block, source, n)
            n += len(block)

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
_LOG_TYPE = operator.attrgetter("log_type")
_BEHAVIOUR_ACTIONS = frozenset({"ssh_login", "sudo", "su", "su_session_opened", "sudo_session_opened"})


def _chunks(it: Iterable[str], n: int) -> Iterable[list[str]]:
    block: list[str] = []
    for x in it:
        block.append(x)
        if len(block) >= n:
            yield block
            block = []
    if block:
        yield block


@contextlib.contextmanager
def relaxed_gc(factor: int = 50):
    """Fewer cyclic-GC passes while a batch scan runs: the engine allocates millions of
    short-lived acyclic objects (events, match lists) and keeps up to ``max_alerts``
    alerts, which young-generation passes would otherwise rescan again and again.
    Objects that exist at entry are frozen (not scanned) until exit -- unless the
    application froze objects itself (a pre-fork server), which is left alone; thresholds
    are restored on exit, so cycles are still collected, just in larger batches."""
    with _GC_LOCK:
        _GC_STATE["depth"] += 1
        if _GC_STATE["depth"] == 1:  # first of possibly concurrent scans changes the settings
            _GC_STATE["old"] = gc.get_threshold()
            _GC_STATE["froze"] = gc.get_freeze_count() == 0
            if _GC_STATE["froze"]:
                gc.freeze()
            old = _GC_STATE["old"]
            gc.set_threshold(max(old[0], 1) * factor, *old[1:])
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["depth"] -= 1
            if _GC_STATE["depth"] == 0:  # the last one restores them
                gc.set_threshold(*_GC_STATE["old"])
                if _GC_STATE["froze"]:
                    gc.unfreeze()


@contextlib.contextmanager
def _gc_paused():
    """No cyclic GC for a bounded piece of work that only creates acyclic objects
    (unmarshalled records, events, alerts); restores the previous state."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_GC_LOCK = threading.Lock()
_GC_STATE: dict[str, Any] = {"depth": 0, "old": None, "froze": False}


def _worker_init(rules: RuleSet | None, kwargs: dict) -> None:
    _WORKER["rules"] = rules
    _WORKER["kwargs"] = kwargs
    gc.freeze()  # a forked worker: what it inherited is never garbage


def _worker_task(task: tuple) -> dict:
    """Read, parse and match one byte range; everything after matching (alerts,
    correlation, behaviour) is left to the parent, which replays the records in file
    order so that the result equals a serial scan."""
    path, start, end, mtime = task
    p = Pipeline(_WORKER["rules"], correlate=False, behaviour=False, reference_time=mtime, **_WORKER["kwargs"])
    p._records = []
    with _gc_paused():  # one byte range: bounded, acyclic allocations
        p.feed_path(path, start=start, end=end)
        records = marshal.dumps(p._records)
    return {"records": records, "read": p.read_stats, "hits": p.rule_hits, "counts": p.counts,
            "unknown": p.unknown, "events": p.events,
            "templates": p.miner.templates() if p.miner else []}


def _split(path: str, workers: int, min_chunk: int = 4 * 1024 * 1024) -> list[tuple[str, int, int | None, float]]:
    """Byte ranges of a plain file for the workers: at least 4 per worker so that the
    parent can replay finished chunks while later ones are still being parsed."""
    try:
        size = os.path.getsize(path)
        mtime = os.path.getmtime(path)
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        return [(path, 0, None, time.time())]
    if magic[:2] == b"\x1f\x8b" or magic == b"PK\x03\x04" or size < min_chunk * 2 or workers <= 1:
        return [(path, 0, None, mtime)]
    n = max(min(workers * 4, size // min_chunk), min(size // (16 * 1024 * 1024), 4096))
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
    with relaxed_gc():
        return _scan(rs, inputs, workers, reference_time, top, kwargs)


def _scan(rs: RuleSet, inputs, workers: int, reference_time: float | None, top: int, kwargs: dict) -> ScanResult:
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


@cython.locals(ev=Event)
def _scan_parallel(pipe: Pipeline, rs: RuleSet, paths: list[str], workers: int, kwargs: dict) -> None:
    tasks = [t for p in paths for t in _split(p, workers)]
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        ctx = mp.get_context()
    lines_before: dict[str, int] = {}  # per file: events of the chunks already replayed
    rules = rs.rules
    with ctx.Pool(workers, initializer=_worker_init, initargs=(rs, kwargs)) as pool:
        # imap keeps task order: chunk k is replayed while workers parse chunks k+1...
        for task, res in zip(tasks, pool.imap(_worker_task, tasks), strict=True):
            path = task[0]
            offset = lines_before.get(path, 0)
            lines_before[path] = offset + res["events"]
            if task[1]:  # a later chunk of a file already counted
                res["read"].files = 0
            pipe.read_stats.merge(res["read"])
            pipe.rule_hits.update(res["hits"])
            pipe.counts.update(res["counts"])
            pipe.unknown += res["unknown"]
            pipe.events += res["events"]
            if pipe.miner is not None:
                for t in res["templates"]:
                    pipe.miner.clusters.append(_TemplateStub(t))
            with _gc_paused():
                # records were marshalled by our own worker process from the same code
                for fields, idx, anomaly in marshal.loads(res["records"]):  # noqa: S302
                    ev = event_from_tuple(fields)  # == Event(*fields)
                    ev.lineno += offset
                    out = [] if anomaly is None else [pipe._anomaly(ev, anomaly[0], anomaly[1])]
                    if idx:
                        pipe._matched(ev, [rules[i] for i in idx], out)
                    elif out:
                        pipe._keep(out)


class _TemplateStub:
    """Template summary coming back from a worker."""

    def __init__(self, d: dict):
        self.id = d["id"]
        self.template = d["template"]
        self.size = d["count"]
        self.example = d["example"]
