"""Correlation across the batches of one source (uploads and HTTP bulk requests).

Each batch runs through its own engine pipeline, so on its own a brute force split over two uploads
would be missed: the second upload starts counting failures from zero.  Two things make the
batches of a source behave like one stream (the syslog receiver gets this from its long-lived
pipeline):

* **warm-up** — before the batch's first timed event, the source's stored events of the preceding
  *correlation horizon* (twice the longest nesting of correlation timespans: brute force 5 min
  inside success-after-brute-force 30 min gives 70 min) are parsed again from their raw line,
  given their stored time and fed to the pipeline.  Their alerts were stored with their own batch
  and are discarded; what remains is the correlation, behaviour and parser state, so counts and
  sequences continue across the boundary.  Successful logins and privilege use of the preceding
  30 days feed the behaviour baseline ("new source address for a privileged account");
* **chains** — the batch's alerts are linked with the source's stored alerts within the chain window
  (24 h) before and after them.  A chain that takes in alerts of an earlier batch is stored with this
  batch and replaces the earlier batch's chain that held them.

Both are bounded (``REPLAY_MAX`` events, ``BASELINE_MAX`` logins, ``CONTEXT_MAX`` alerts) and need
the earlier batches stored first: batches of one source are analysed one at a time in the order
received (``batchqueue``).  They assume a source's batches arrive roughly in time order, as rotated
logs and bulk shippers send them; an old file uploaded late is still correlated with the stored
events around its own time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from wangan.engines.logscan import Alert as EngineAlert
from wangan.engines.logscan import AttackChain as EngineChain
from wangan.engines.logscan import EntityRisk as EngineRisk
from wangan.engines.logscan import Pipeline, RuleSet, build_chains, rate
from wangan.logs.choices import BatchStatus, Channel
from wangan.logs.models import Alert, AttackChain, IngestBatch, LogEvent, Scan

CHANNELS = (Channel.UPLOAD, Channel.BULK)
MIN_HORIZON = 10 * 60.0
MAX_HORIZON = 24 * 3600.0
REPLAY_MAX = 200_000  # stored events re-fed before a batch
BASELINE = timedelta(days=30)
BASELINE_MAX = 20_000  # successful logins / privilege use fed to the behaviour baseline
# The engine's behaviour detector looks at these actions (successful ones) only.
BEHAVIOUR_ACTIONS = ("ssh_login", "sudo", "su", "su_session_opened", "sudo_session_opened")
CHAIN_WINDOW = 86400.0  # the engine's default: alerts of one entity within a day belong together
CONTEXT_MAX = 50_000  # stored alerts linked with a batch's alerts


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def correlation_horizon(rules: RuleSet) -> float:
    """How far back a batch's correlations can reach: twice the longest chain of nested timespans."""
    by_ref = {}
    for c in rules.correlations:
        by_ref[c.id] = c
        if c.name:
            by_ref[str(c.name)] = c

    def reach(c, depth: int = 0) -> float:
        if depth > 8:  # a correlation referring to itself: stop
            return c.timespan
        inner = [reach(by_ref[r], depth + 1) for r in c.rules if r in by_ref and by_ref[r] is not c]
        return c.timespan + max(inner, default=0.0)

    longest = max((reach(c) for c in rules.correlations), default=0.0)
    # twice: a group that fired just before the horizon cleared its count in the real stream
    return min(MAX_HORIZON, max(MIN_HORIZON, 2 * longest))


def _earlier_batches(*, batch: IngestBatch, since: datetime, until: datetime) -> list[int]:
    """Finished upload/bulk batches of the batch's source holding events in [since, until]."""
    return list(
        IngestBatch.objects.filter(source_id=batch.source_id, channel__in=CHANNELS, status=BatchStatus.DONE,
                                   first_event_at__lte=until, last_event_at__gte=since)
        .exclude(pk=batch.pk).values_list("pk", flat=True)
    )  # fmt: skip


@dataclass
class Context:
    """The stored past of a batch's source, fed to the batch's pipeline before its own lines."""

    batch: IngestBatch
    pipe: Pipeline
    parser_name: str
    warmed: bool = False
    replayed: int = 0
    baseline: int = 0

    def warm(self, first_ts: float | None) -> None:
        """Replay the source's stored events that precede ``first_ts`` (once, before the first feed)."""
        if self.warmed:
            return
        self.warmed = True
        anchor = first_ts if first_ts is not None else self.batch.received_at.timestamp()
        horizon = correlation_horizon(self.pipe.rules)
        since, until = _dt(anchor - horizon), _dt(anchor)
        pipe = self.pipe
        miner, pipe.miner = pipe.miner, None  # templates are learnt per batch (LogTemplate keeps the history)
        try:
            if pipe.behaviour is not None:
                self._baseline(since=since)
            ids = _earlier_batches(batch=self.batch, since=since, until=until)
            if ids:
                self._replay(ids, since=since, until=until)
        finally:
            pipe.miner = miner
        # Only state stays: the alerts were stored with their own batches, the counts are theirs.
        pipe.alerts.clear()
        pipe.alerts_dropped = 0
        pipe.events = pipe.unknown = 0
        pipe.counts.clear()
        pipe.rule_hits.clear()

    def _events(self, qs):
        parser = self.pipe.parser_for(
            self.parser_name
        )  # same parser as the batch: its per-process state carries over
        for raw, line, ts, inferred in qs.values_list("raw", "line", "ts", "ts_inferred").iterator(
            chunk_size=2000
        ):
            ev = parser.parse(raw, line)
            ev.timestamp = None if inferred else ts.timestamp()  # the stored time, as inferred at the time
            yield ev

    def _replay(self, batch_ids: list[int], *, since: datetime, until: datetime) -> None:
        qs = LogEvent.objects.filter(batch_id__in=batch_ids, ts__gte=since, ts__lte=until)
        newest = list(qs.order_by("-ts").values_list("ts", flat=True)[REPLAY_MAX - 1 : REPLAY_MAX])
        if newest:
            qs = qs.filter(ts__gte=newest[0])  # the most recent REPLAY_MAX events
        feed = self.pipe.feed
        for ev in self._events(qs.order_by("ts", "batch_id", "id")):
            feed(ev)
            self.replayed += 1

    def _baseline(self, *, since: datetime) -> None:
        ids = _earlier_batches(batch=self.batch, since=since - BASELINE, until=since)
        if not ids:
            return
        qs = LogEvent.objects.filter(batch_id__in=ids, ts__gte=since - BASELINE, ts__lt=since,
                                     action__in=BEHAVIOUR_ACTIONS, outcome="success")  # fmt: skip
        newest = list(qs.order_by("-ts").values_list("ts", flat=True)[BASELINE_MAX - 1 : BASELINE_MAX])
        if newest:
            qs = qs.filter(ts__gte=newest[0])
        feed = self.pipe.behaviour.feed
        for ev in self._events(qs.order_by("ts", "batch_id", "id")):
            feed(ev)
            self.baseline += 1


@dataclass
class Linked:
    """Chains and risks of a batch, its alerts linked with the source's stored ones."""

    chains: list[EngineChain]
    risks: list[EngineRisk]
    stored_ids: dict[int, int] = field(
        default_factory=dict
    )  # id(engine alert) -> Alert.pk, for stored alerts
    window: tuple[datetime, datetime] | None = None


def _engine_alert(row: Alert) -> EngineAlert:
    return EngineAlert(
        kind=row.kind, rule_id=row.rule_id, title=row.title, level=row.level, author=row.author, tags=tuple(row.tags),
        tactics=tuple(row.tactics), techniques=tuple(row.techniques), timestamp=_ts(row.ts), first_ts=_ts(row.first_ts),
        host=row.host or None, src_ip=row.src_ip or None, user=row.user or None, count=row.count,
        evidence=list(row.evidence), group=dict(row.group), score=row.score, description=row.description,
    )  # fmt: skip


def link(*, batch: IngestBatch, alerts: list[EngineAlert], criticality, top: int = 50) -> Linked:
    """Build the batch's chains over its alerts and the source's stored alerts around them, and rate
    the batch's alerts (a step that completes a chain started earlier raises their risk)."""
    times = [a.timestamp for a in alerts if a.timestamp is not None]
    context: list[EngineAlert] = []
    stored: dict[int, int] = {}
    window = None
    if times:
        window = (_dt(min(times) - CHAIN_WINDOW), _dt(max(times) + CHAIN_WINDOW))
        source_alerts = Alert.objects.filter(source_id=batch.source_id, batch__channel__in=CHANNELS).exclude(
            batch_id=batch.pk
        )
        rows = list(
            source_alerts.filter(ts__gte=window[0], ts__lte=window[1]).order_by("-ts", "-id")[:CONTEXT_MAX]
        )
        # An earlier chain reaching into the window comes whole: continued, it must keep its older steps.
        earlier = (AttackChain.objects.filter(scan__source_id=batch.source_id, scan__channel__in=CHANNELS)
                   .exclude(scan_id=batch.scan_id).filter(Q(end__gte=window[0]) | Q(end__isnull=True))
                   .filter(Q(start__lte=window[1]) | Q(start__isnull=True)).values_list("steps", flat=True))  # fmt: skip
        wanted = {s.get("alert_id") for steps in earlier for s in steps} - {None} - {r.pk for r in rows}
        if wanted:
            rows += list(source_alerts.filter(pk__in=wanted)[: max(0, CONTEXT_MAX - len(rows))])
        for row in rows:
            a = _engine_alert(row)
            context.append(a)
            stored[id(a)] = row.pk
    mine = {id(a) for a in alerts}
    chains = [c for c in build_chains(context + list(alerts), window=CHAIN_WINDOW)
              if any(id(s.alert) in mine for s in c.steps)]  # fmt: skip
    risks = rate(list(alerts), chains, criticality=criticality, top=top)
    for c in chains:
        c.score = sum(s.alert.score for s in c.steps)
    chains.sort(key=lambda c: (-c.progression, -c.score))
    for i, c in enumerate(chains, 1):
        c.id = i
    return Linked(chains=chains, risks=risks, stored_ids=stored, window=window)


def supersede(*, batch: IngestBatch, scan: Scan, linked: Linked, taken: set[int]) -> int:
    """Delete the earlier batches' chains whose alerts (``taken``: Alert pks) now belong to this batch's
    chains; returns how many.  Their scans' chain counts follow."""
    if not taken or linked.window is None:
        return 0
    since, until = linked.window
    candidates = (AttackChain.objects.filter(scan__source_id=batch.source_id, scan__channel__in=CHANNELS)
                  .exclude(scan=scan).filter(Q(end__gte=since) | Q(end__isnull=True), Q(start__lte=until) | Q(start__isnull=True))
                  .only("pk", "scan_id", "steps"))  # fmt: skip
    gone = [c for c in candidates if any(s.get("alert_id") in taken for s in c.steps)]
    if not gone:
        return 0
    AttackChain.objects.filter(pk__in=[c.pk for c in gone]).delete()
    for scan_id in {c.scan_id for c in gone}:
        Scan.objects.filter(pk=scan_id).update(
            chain_count=AttackChain.objects.filter(scan_id=scan_id).count()
        )
    return len(gone)
