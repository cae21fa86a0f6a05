"""Running the engine over received lines and keeping what it produced.

Lines go through one :class:`~wangan.engines.logscan.Pipeline` (parse → normalize → Sigma →
correlation → behaviour → templates); each event is written through the :mod:`event store
<wangan.logs.store>` in chunks, so memory stays flat however large the input.  Results (alerts with
their evidence and rule author, attack chains, entity risks, templates) are written at the end in
one transaction.  Re-running a batch first removes what an interrupted run left, so a redelivered job
does the work once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wangan.engines.logscan import Alert as EngineAlert
from wangan.engines.logscan import AttackChain as EngineChain
from wangan.engines.logscan import EntityRisk as EngineRisk
from wangan.engines.logscan import Event, Pipeline, ReadStats, iter_file_lines, rate
from wangan.logs import conf, crossbatch
from wangan.logs.choices import LEVEL_RANK
from wangan.logs.models import (
    Alert,
    AttackChain,
    EntityRisk,
    IngestBatch,
    LogEvent,
    LogSource,
    LogTemplate,
    Scan,
)
from wangan.logs.rules import ruleset_for
from wangan.logs.store import BatchContext, event_store

# Source criticality 1–5 → multiplier of an alert's risk (3 is neutral).
CRITICALITY_FACTOR = {1: 0.5, 2: 0.75, 3: 1.0, 4: 1.5, 5: 2.0}
MAX_TEXT = 2000
PROGRESS_EVERY = 20_000

# Input problems the readers count, mapped to our refusal codes (lines not stored, or stored altered).
_READ_REASONS = {
    "binary_lines": "binary",
    "truncated_archives": "truncated_archive",
    "size_limit_hits": "size_limit",
    "entry_limit_hits": "entry_limit",
    "skipped_entries": "skipped_entries",
    "unreadable": "unreadable",
}
# Lines that were stored, but not exactly as sent: reported, not refused.
_READ_NOTES = ("truncated_lines", "decoded_gb18030", "decode_errors")


def criticality_map(*, source: LogSource) -> dict[str, float]:
    """Host → risk multiplier for the organization's sources; ``*`` is the batch's own source."""
    out = {"*": CRITICALITY_FACTOR.get(source.criticality, 1.0)}
    for host, crit in LogSource.objects.filter(organization_id=source.organization_id).exclude(host="").values_list(
        "host", "criticality"
    ):
        out[host] = CRITICALITY_FACTOR.get(crit, 1.0)
    return out


def new_pipeline(*, source: LogSource, reference: datetime | None = None) -> Pipeline:
    return Pipeline(
        ruleset_for(organization_id=source.organization_id),
        criticality=criticality_map(source=source),
        reference_time=(reference or timezone.now()).timestamp(),
    )


@dataclass
class Feed:
    """Counts kept while lines are fed: what was read, stored, refused and why."""

    lines: int = 0
    stored: int = 0
    refused: Counter = field(default_factory=Counter)
    first_ts: float | None = None
    last_ts: float | None = None
    alerts: list[EngineAlert] = field(default_factory=list)

    def see(self, ev: Event) -> None:
        ts = ev.timestamp
        if ts is not None:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts


def _events(pipe: Pipeline, items: Iterable[tuple[str | None, str]], feed: Feed, *, cap: int,
            on_progress: Callable[[int], None] | None = None,
            warm: Callable[[float], None] | None = None) -> Iterator[Event]:  # fmt: skip
    """Parse and detect every line; yield the events to store (up to ``cap``; the rest are counted).

    ``warm`` is called once with the first event time, before that event is fed (cross-batch warm-up).
    """
    parse_for = pipe.parser_for
    for source, line in items:
        feed.lines += 1
        ev = parse_for(source).parse(line, feed.lines)
        if warm is not None and ev.timestamp is not None:
            warm(ev.timestamp)
            warm = None
        new = pipe.feed(ev)
        if new:
            feed.alerts.extend(new)
        feed.see(ev)
        if on_progress is not None and feed.lines % PROGRESS_EVERY == 0:
            on_progress(feed.lines)
        if feed.stored >= cap:
            feed.refused["event_cap"] += 1
            continue
        feed.stored += 1
        yield ev


def _to_dt(ts: float | None) -> datetime | None:
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _jsonable(value: Any) -> Any:
    # no NUL in stored text (PostgreSQL rejects it in text and jsonb)
    return json.loads(json.dumps(value, default=str, ensure_ascii=False).replace("\\u0000", "\\ufffd"))


def _text(value: Any, n: int = MAX_TEXT) -> str:
    s = "" if value is None else str(value)[:n]
    return s.replace("\x00", "\ufffd") if "\x00" in s else s


def _alert_row(a: EngineAlert, *, scan: Scan, batch: IngestBatch | None) -> Alert:
    ev = a.event
    return Alert(
        organization_id=scan.organization_id, scan=scan, batch=batch, source_id=scan.source_id,
        kind=a.kind[:12], rule_id=_text(a.rule_id, 200), title=_text(a.title, 300), level=a.level,
        level_rank=LEVEL_RANK.get(a.level, 2), author=str(a.author or "unknown")[:300],
        tags=list(a.tags), tactics=list(a.tactics), techniques=list(a.techniques),
        ts=_to_dt(a.timestamp), first_ts=_to_dt(a.first_ts), host=_text(a.host, 255),
        src_ip=_text(a.src_ip, 255), user=_text(a.user, 255), count=max(1, int(a.count or 1)),
        score=round(float(a.score or 0.0), 3), evidence=[_text(e) for e in a.evidence[-10:]],
        group=_jsonable(a.group), description=_text(a.description),
        log_file=((ev.source or "") if ev is not None else "")[:255], log_line=(ev.lineno if ev is not None else 0) or 0,
    )  # fmt: skip


def _store_alerts(alerts: list[EngineAlert], *, scan: Scan, batch: IngestBatch | None) -> list[Alert]:
    rows = [_alert_row(a, scan=scan, batch=batch) for a in alerts]
    Alert.objects.bulk_create(rows, batch_size=1000)  # primary keys come back (PostgreSQL, SQLite ≥ 3.35)
    return rows


def _store_chains_and_risks(chains_in: list[EngineChain], risks_in: list[EngineRisk], *, scan: Scan,
                            alert_ids: dict[int, int] | None = None) -> None:  # fmt: skip
    """Replace the scan's chains and risks; ``alert_ids`` (id(engine alert) -> Alert pk) goes into each
    step, so that a later batch can tell which chains its own chains take over."""
    AttackChain.objects.filter(scan=scan).delete()
    EntityRisk.objects.filter(scan=scan).delete()
    chains = []
    for c in chains_in:
        d = c.to_dict()
        if alert_ids:
            for step, row in zip(c.steps, d["steps"], strict=True):
                row["alert_id"] = alert_ids.get(id(step.alert))
        chains.append(AttackChain(
            organization_id=scan.organization_id, scan=scan, number=c.id, start=_to_dt(c.start), end=_to_dt(c.end),
            max_level=c.max_level, level_rank=LEVEL_RANK.get(c.max_level, 2), score=round(c.score, 3),
            progression=c.progression, tactics=d["tactics"], stages=d["stages"], src_ips=_jsonable(d["source_ips"][:50]),
            users=_jsonable(d["users"][:50]), hosts=_jsonable(d["hosts"][:50]), steps=_jsonable(d["steps"][:200]),
        ))  # fmt: skip
    AttackChain.objects.bulk_create(chains, batch_size=500)
    risks = []
    for r in risks_in:
        risks.append(EntityRisk(
            organization_id=scan.organization_id, scan=scan, entity=_text(r.entity, 300), kind=r.kind[:10],
            value=_text(r.value, 290), score=round(r.score, 3), alerts=r.alerts, max_level=r.max_level,
            level_rank=LEVEL_RANK.get(r.max_level, 2), tactics=list(r.tactics), first=_to_dt(r.first),
            last=_to_dt(r.last), evidence=_jsonable(r.evidence), chain_numbers=list(r.chain_ids),
        ))  # fmt: skip
    EntityRisk.objects.bulk_create(risks, batch_size=500)
    scan.chain_count = len(chains)


def _fingerprint(template: str) -> str:
    return hashlib.new("sm3", template.encode("utf-8")).hexdigest()


def _store_templates(templates: list[dict], *, source: LogSource, at: datetime) -> int:
    """Upsert mined templates; returns how many were never seen on this source before."""
    if not templates:
        return 0
    rows = {(_fingerprint(t["template"])): t for t in templates[:200]}
    known = dict(
        LogTemplate.objects.filter(source=source, fingerprint__in=list(rows)).values_list("fingerprint", "pk")
    )
    new = []
    for fp, t in rows.items():
        if fp in known:
            LogTemplate.objects.filter(pk=known[fp]).update(count=F("count") + int(t["count"]), last_seen_at=at)
        else:
            new.append(LogTemplate(
                organization_id=source.organization_id, source=source, fingerprint=fp,
                template=_text(t["template"]), example=_text(t.get("example", "")),
                count=int(t["count"]), first_seen_at=at, last_seen_at=at,
            ))  # fmt: skip
    LogTemplate.objects.bulk_create(new)
    return len(new)


def _reasons(feed: Feed, stats: ReadStats | dict) -> tuple[dict[str, int], int]:
    """Refusal code → count, and how many lines were refused (not stored)."""
    d = stats.as_dict() if isinstance(stats, ReadStats) else stats
    out: Counter = Counter(feed.refused)
    refused = sum(feed.refused.values())
    for key, code in _READ_REASONS.items():
        n = int(d.get(key) or 0)
        if n:
            out[code] += n
            if key == "binary_lines":
                refused += n  # lines skipped by the reader
    for key in _READ_NOTES:
        n = int(d.get(key) or 0)
        if n:
            out[key] += n
    return dict(out), refused


def _reset(batch: IngestBatch) -> None:
    """Forget what an interrupted run of this batch stored (idempotent re-run)."""
    LogEvent.objects.filter(batch=batch).delete()
    Alert.objects.filter(batch=batch).delete()


@contextlib.contextmanager
def _local_path(name: str) -> Iterator[str]:
    """A local file path for a stored object (object stores get a temporary copy)."""
    try:
        yield default_storage.path(name)
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(prefix="wangan-log-", suffix=".bin") as tmp:
        with default_storage.open(name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                tmp.write(chunk)
        tmp.flush()
        yield tmp.name


def _file_items(path: str, display: str, stats: ReadStats) -> Iterator[tuple[str, str]]:
    for source, line in iter_file_lines(path, stats):
        if source == path:
            source = display
        elif source.startswith(path):
            source = display + source[len(path):]
        yield source, line


def bulk_items(path: str, display: str) -> Iterator[tuple[str, str]]:
    """Lines of a spooled bulk payload: ``{"raw": …}``/``{"line": …}`` objects give a raw log line, any
    other object is handed to the engine's JSON parser as it is."""
    with open(path, encoding="utf-8") as fh:
        for text in fh:
            text = text.rstrip("\n")
            if not text:
                continue
            try:
                obj = json.loads(text)
            except ValueError:  # checked on receipt; a spool is ours, but be safe
                continue
            raw = obj.get("raw") if isinstance(obj, dict) else None
            if raw is None and isinstance(obj, dict):
                raw = obj.get("line")
            yield display, raw if isinstance(raw, str) else text


def batch_process(*, batch: IngestBatch, progress: Callable[[int], None] | None = None) -> Scan:
    """Run the engine over a received upload or bulk batch and keep its events and results."""
    scan = batch.scan
    source = batch.source
    _reset(batch)
    Scan.objects.filter(pk=scan.pk).update(status="running", started_at=timezone.now())
    IngestBatch.objects.filter(pk=batch.pk).update(status="processing")
    pipe = new_pipeline(source=source, reference=batch.received_at)
    feed = Feed()
    ctx = BatchContext(organization_id=batch.organization_id, source_id=source.pk, batch_id=batch.pk,
                       fallback_ts=batch.received_at, default_host=source.host)  # fmt: skip
    cap = conf.get("WANGAN_LOG_MAX_EVENTS_PER_BATCH")
    display = batch.file_name or f"batch-{batch.pk}"
    past = crossbatch.Context(batch=batch, pipe=pipe, parser_name=display)
    if batch.file_id:
        name = batch.file.storage_name
        size = max(1, batch.file.size)
        report = (lambda _n: progress(min(99, int(100 * pipe.read_stats.bytes / size)))) if progress else None
        with _local_path(name) as path:
            event_store().write(ctx, _events(pipe, _file_items(path, display, pipe.read_stats), feed, cap=cap,
                                             on_progress=report, warm=past.warm))  # fmt: skip
    elif batch.spool_name:
        total = max(1, batch.lines)
        report = (lambda n: progress(min(99, int(100 * n / total)))) if progress else None
        with _local_path(batch.spool_name) as path:
            event_store().write(ctx, _events(pipe, bulk_items(path, display), feed, cap=cap, on_progress=report,
                                             warm=past.warm))  # fmt: skip
    result = pipe.result()
    linked = crossbatch.link(batch=batch, alerts=result.alerts, criticality=pipe.criticality)
    reasons, refused = _reasons(feed, pipe.read_stats)
    with transaction.atomic():
        rows = _store_alerts(result.alerts, scan=scan, batch=batch)
        alert_n = len(rows)
        ids = {id(a): row.pk for a, row in zip(result.alerts, rows, strict=True)}
        _store_chains_and_risks(linked.chains, linked.risks, scan=scan, alert_ids={**linked.stored_ids, **ids})
        taken = {linked.stored_ids[id(s.alert)] for c in linked.chains for s in c.steps if id(s.alert) in linked.stored_ids}
        crossbatch.supersede(batch=batch, scan=scan, linked=linked, taken=taken)
        _store_templates(result.templates, source=source, at=batch.received_at)
        stats = dict(result.stats) | {"cross_batch": {"replayed_events": past.replayed, "baseline_events": past.baseline,
                                                       "linked_alerts": len(linked.stored_ids)}}
        IngestBatch.objects.filter(pk=batch.pk).update(
            status="done", lines=_received_lines(batch, feed, pipe.read_stats),
            accepted=feed.stored, refused=batch.refused + refused if batch.spool_name else refused,
            reasons=_merge(batch.reasons if batch.spool_name else {}, reasons),
            read_stats=_jsonable(pipe.read_stats.as_dict()), first_event_at=_to_dt(feed.first_ts),
            last_event_at=_to_dt(feed.last_ts), processed_at=timezone.now(),
        )  # fmt: skip
        Scan.objects.filter(pk=scan.pk).update(
            status="done", stats=_jsonable(stats), rules=_jsonable(_rules_summary(result.rules)),
            events=feed.lines, alert_count=alert_n, chain_count=len(linked.chains), finished_at=timezone.now(),
        )  # fmt: skip
    if batch.spool_name:
        with contextlib.suppress(OSError):
            default_storage.delete(batch.spool_name)
    scan.refresh_from_db()
    return scan


def _received_lines(batch: IngestBatch, feed: Feed, stats: ReadStats) -> int:
    if batch.spool_name:
        return max(batch.lines, feed.lines + batch.refused)  # refused-at-receipt lines were never spooled
    return feed.lines + stats.binary_lines  # the reader skips binary lines before we see them


def _merge(a: dict, b: dict) -> dict:
    out = Counter(a)
    out.update(b)
    return dict(out)


def _rules_summary(rules: dict) -> dict:
    unsupported = rules.get("unsupported") or []
    return {"files": rules.get("files"), "rules": rules.get("rules"), "correlations": rules.get("correlations"),
            "unsupported": len(unsupported), "unsupported_examples": unsupported[:20]}  # fmt: skip


def batch_fail(*, batch: IngestBatch, error: str) -> None:
    IngestBatch.objects.filter(pk=batch.pk).update(status="failed", error=error[:2000], processed_at=timezone.now())
    if batch.scan_id:
        Scan.objects.filter(pk=batch.scan_id).update(status="failed", error=error[:2000], finished_at=timezone.now())


# --- continuous collection (syslog receiver) -------------------------------------------------
class StreamSession:
    """One long-running collection stream (e.g. a syslog receiver): one pipeline, so correlation and
    chains span batches; one scan that holds its alerts, refreshed chains and risks."""

    def __init__(self, *, source: LogSource, channel: str):
        self.source = source
        self.channel = channel
        self.pipe = new_pipeline(source=source)
        self.scan = Scan.objects.create(organization_id=source.organization_id, source=source, channel=channel,
                                        status="running", started_at=timezone.now())  # fmt: skip
        self.lines = 0

    def store(self, lines: list[str], *, refused: dict[str, int] | None = None, received_bytes: int | None = None) -> IngestBatch:
        """Write one flushed batch: integrity record, events, alerts (scored), in one go."""
        digest = hashlib.new("sm3")
        size = 0
        for line in lines:
            b = line.encode("utf-8", "surrogateescape")
            digest.update(b + b"\n")
            size += len(b) + 1
        refused = {k: v for k, v in (refused or {}).items() if v}
        now = timezone.now()
        batch = IngestBatch.objects.create(
            organization_id=self.source.organization_id, source=self.source, scan=self.scan, channel=self.channel,
            status="processing", sm3=digest.hexdigest(), bytes=received_bytes if received_bytes is not None else size,
            lines=len(lines) + sum(refused.values()), refused=sum(refused.values()), reasons=refused,
        )  # fmt: skip
        feed = Feed()
        ctx = BatchContext(organization_id=batch.organization_id, source_id=self.source.pk, batch_id=batch.pk,
                           fallback_ts=now, default_host=self.source.host)  # fmt: skip
        self.pipe.clock.set_reference(now.timestamp())
        event_store().write(ctx, _events(self.pipe, ((self.channel, ln) for ln in lines), feed, cap=len(lines) + 1))
        rate(feed.alerts, None, criticality=criticality_map(source=self.source))
        with transaction.atomic():
            n = len(_store_alerts(feed.alerts, scan=self.scan, batch=batch))
            IngestBatch.objects.filter(pk=batch.pk).update(
                status="done", accepted=feed.stored, first_event_at=_to_dt(feed.first_ts),
                last_event_at=_to_dt(feed.last_ts), processed_at=timezone.now(),
            )  # fmt: skip
            Scan.objects.filter(pk=self.scan.pk).update(events=F("events") + feed.lines,
                                                        alert_count=F("alert_count") + n)  # fmt: skip
        self.lines += feed.lines
        batch.refresh_from_db()
        return batch

    def analyse(self) -> Scan:
        """Refresh the session's chains, risks and templates from everything the pipeline has seen."""
        result = self.pipe.result()
        with transaction.atomic():
            _store_chains_and_risks(result.chains, result.risks, scan=self.scan)
            _store_templates(result.templates, source=self.source, at=timezone.now())
            Scan.objects.filter(pk=self.scan.pk).update(
                stats=_jsonable(result.stats), rules=_jsonable(_rules_summary(result.rules)),
                chain_count=len(result.chains),
            )  # fmt: skip
        self.scan.refresh_from_db()
        return self.scan

    def close(self) -> Scan:
        self.analyse()
        Scan.objects.filter(pk=self.scan.pk).update(status="done", finished_at=timezone.now())
        self.scan.refresh_from_db()
        return self.scan
