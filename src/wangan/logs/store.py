"""Where normalized events live: one interface, two implementations.

Everything that writes, searches or purges events goes through :func:`event_store`:

* embedded (SQLite): :class:`DatabaseEventStore`, rows of ``LogEvent``, retention by chunked DELETE;
* distributed (PostgreSQL): :class:`PartitionedEventStore`, the same table partitioned by month on
  the event time (migration ``0003``); partitions are created ahead by the periodic job and on
  demand before an insert, and retention drops whole partitions instead of deleting rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from django.db import connections, transaction
from django.db.models import Q, QuerySet

from wangan.engines.logscan import Event
from wangan.logs import partitions
from wangan.logs.models import LogEvent

RAW_MAX = 4000
MESSAGE_MAX = 2000
WRITE_CHUNK = 5000


@dataclass(frozen=True)
class EventFilter:
    """Search criteria; empty values mean "any"."""

    since: datetime | None = None
    until: datetime | None = None
    source_id: int | None = None
    batch_id: int | None = None
    category: str = ""
    categories: tuple[str, ...] = ()
    outcome: str = ""
    host: str = ""
    user: str = ""
    src_ip: str = ""
    action: str = ""
    log_type: str = ""
    text: str = ""
    min_status: int | None = None


@dataclass(frozen=True)
class BatchContext:
    """Which organization, source and batch the events belong to, and the time used when a line has none."""

    organization_id: int
    source_id: int
    batch_id: int
    fallback_ts: datetime
    default_host: str = ""


class EventStore(Protocol):
    def write(self, ctx: BatchContext, events: Iterable[Event]) -> int: ...

    def search(self, *, organization_id: int, flt: EventFilter) -> QuerySet[LogEvent]: ...

    def purge(self, *, before: datetime, limit: int = 50_000) -> int: ...

    def prepare(self, *, now: datetime) -> list[str]: ...


def _cut(value, n: int) -> str:
    if value is None:
        return ""
    s = str(value)[:n]
    # PostgreSQL text cannot hold NUL; a JSON bulk line can smuggle one in as \u0000.
    return s.replace("\x00", "\ufffd") if "\x00" in s else s


_COLUMNS = ("organization_id", "source_id", "batch_id", "ts", "ts_inferred", "log_type", "host", "process", "pid", "user",
            "target_user", "src_ip", "src_port", "action", "outcome", "category", "severity", "url", "http_method",
            "status", "message", "raw", "file", "line")  # fmt: skip


_TS_MIN = 0.0
_TS_MAX = datetime(3000, 1, 1, tzinfo=UTC).timestamp()


def _values(ctx: BatchContext, ev: Event) -> tuple:
    """One event as the column values of ``_COLUMNS`` (cut to the column sizes)."""
    ts = ev.timestamp
    inferred = ts is None
    when = ctx.fallback_ts
    if not inferred:
        # a time outside 1970–2999 is garbage (and would need a partition for year 10000): use the fallback
        if not _TS_MIN <= ts < _TS_MAX:
            inferred = True
        else:
            when = datetime.fromtimestamp(ts, tz=UTC)
    status = ev.http_status if isinstance(ev.http_status, int) and 0 <= ev.http_status < 1000 else None
    pid = ev.pid if isinstance(ev.pid, int) and -(2**31) < ev.pid < 2**31 else None
    port = ev.src_port if isinstance(ev.src_port, int) and 0 <= ev.src_port < 65536 else None
    return (
        ctx.organization_id, ctx.source_id, ctx.batch_id, when, inferred, _cut(ev.log_type, 20),
        _cut(ev.host or ctx.default_host, 255), _cut(ev.program or ev.service, 100), pid, _cut(ev.user, 255),
        _cut(ev.target_user, 255), _cut(ev.src_ip, 255), port, _cut(ev.action, 100), _cut(ev.outcome, 10),
        _cut(ev.category, 20), _cut(ev.severity, 20), _cut(ev.url, 1000), _cut(ev.http_method, 16), status,
        _cut(ev.message, MESSAGE_MAX), _cut(ev.raw, RAW_MAX), _cut(ev.source, 255),
        max(0, min(int(ev.lineno or 0), 2**31 - 1)),
    )  # fmt: skip


class DatabaseEventStore:
    """Events as rows of ``LogEvent`` (SQLite embedded, PostgreSQL distributed), indexed by time."""

    def write(self, ctx: BatchContext, events: Iterable[Event]) -> int:
        """Insert in chunks with one prepared INSERT (``executemany``): building ORM objects and
        compiling ``bulk_create`` SQL cost ten times more than the database itself."""
        connection = connections[LogEvent.objects.db]
        ops = connection.ops
        table = connection.ops.quote_name(LogEvent._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(LogEvent._meta.get_field(c).column) for c in _COLUMNS)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608 - fixed names
        adapt = ops.adapt_datetimefield_value
        ts_at = _COLUMNS.index("ts")
        n = 0
        buf: list[tuple] = []
        months: set[int] = set()  # year * 12 + month - 1 of the chunk's UTC times
        known: set = set()
        ctx = replace(ctx, fallback_ts=ctx.fallback_ts.astimezone(UTC))  # every ``when`` below is UTC

        def flush() -> None:
            self._before_flush(connection, months, known)
            months.clear()
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(sql, buf)

        for ev in events:
            row = _values(ctx, ev)
            when = row[ts_at]
            months.add(when.year * 12 + when.month - 1)
            buf.append((*row[:ts_at], adapt(when), *row[ts_at + 1 :]))
            if len(buf) >= WRITE_CHUNK:
                flush()
                n += len(buf)
                buf = []
        if buf:
            flush()
            n += len(buf)
        return n

    def search(self, *, organization_id: int, flt: EventFilter) -> QuerySet[LogEvent]:
        qs = LogEvent.objects.filter(organization_id=organization_id)
        if flt.since:
            qs = qs.filter(ts__gte=flt.since)
        if flt.until:
            qs = qs.filter(ts__lt=flt.until)
        if flt.source_id:
            qs = qs.filter(source_id=flt.source_id)
        if flt.batch_id:
            qs = qs.filter(batch_id=flt.batch_id)
        if flt.category:
            qs = qs.filter(category=flt.category)
        if flt.categories:
            qs = qs.filter(category__in=flt.categories)
        if flt.outcome:
            qs = qs.filter(outcome=flt.outcome)
        for name in ("host", "user", "src_ip", "action", "log_type"):
            value = getattr(flt, name)
            if value:
                qs = qs.filter(**{name: value})
        if flt.min_status:
            qs = qs.filter(status__gte=flt.min_status)
        if flt.text:
            qs = qs.filter(Q(raw__icontains=flt.text) | Q(message__icontains=flt.text))
        return qs.order_by("-ts", "-id")

    def _before_flush(self, connection, months: set[int], known: set) -> None:
        """Hook run before each chunk is inserted (the partitioned store creates missing partitions)."""

    def prepare(self, *, now: datetime) -> list[str]:
        """Periodic: get ready for the coming inserts (nothing to do for a plain table)."""
        return []

    def purge(self, *, before: datetime, limit: int = 50_000) -> int:
        """Delete events older than ``before`` in bounded chunks (short transactions, no table lock)."""
        total = 0
        while True:
            ids = list(LogEvent.objects.filter(ts__lt=before).order_by("ts").values_list("id", flat=True)[:5000])
            if not ids:
                return total
            deleted, _ = LogEvent.objects.filter(id__in=ids).delete()
            total += deleted
            if total >= limit:
                return total


class PartitionedEventStore(DatabaseEventStore):
    """PostgreSQL: ``LogEvent`` partitioned by month on ``ts`` (same rows, same queries, pruned by time)."""

    ahead = 2  # months created in advance by the periodic job

    def _before_flush(self, connection, months: set[int], known: set) -> None:
        # On demand: an upload of last year's logs, or a clock far off, needs a partition nobody made.
        partitions.partitions_ensure(connection, [date(k // 12, k % 12 + 1, 1) for k in months], known=known)

    def prepare(self, *, now: datetime) -> list[str]:
        connection = connections[LogEvent.objects.db]
        return partitions.partitions_ensure_ahead(connection, now=now, ahead=self.ahead)

    def purge(self, *, before: datetime, limit: int = 50_000) -> int:
        """Drop the partitions that hold only events older than ``before`` (no row-by-row DELETE)."""
        connection = connections[LogEvent.objects.db]
        _names, rows = partitions.partitions_drop_before(connection, before=before)
        return rows


_DATABASE = DatabaseEventStore()
_PARTITIONED = PartitionedEventStore()


def event_store() -> EventStore:
    """The store for the configured database: partitioned on PostgreSQL (once migrated), plain otherwise."""
    if partitions.is_partitioned(connections[LogEvent.objects.db]):
        return _PARTITIONED
    return _DATABASE
