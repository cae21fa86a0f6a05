"""Monthly range partitions of the event table on PostgreSQL (the distributed store).

Migration ``0003_logevent_partitioned`` turns ``logs_logevent`` into a table partitioned by range
on ``ts``, one partition per calendar month in UTC, named ``logs_logevent_pYYYYMM``.  This module
creates partitions (ahead of time by the periodic job, and on demand before an insert), lists them
and drops whole partitions for retention.  Nothing here runs on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

PARENT = "logs_logevent"
_NAME = re.compile(r"^logs_logevent_p(\d{4})(\d{2})$")
# One key for every process that creates or drops partitions: DDL on the parent is serialized.
_LOCK_KEY = 0x6C6F6773  # "logs"
_partitioned: dict[str, bool] = {}


@dataclass(frozen=True, order=True)
class Partition:
    """One month of events: rows with ``start <= ts < end``."""

    start: datetime
    end: datetime
    name: str


def month_of(when: datetime | date) -> date:
    """First day of the UTC month holding ``when``."""
    if isinstance(when, datetime):
        when = when.astimezone(UTC) if when.tzinfo else when
        return date(when.year, when.month, 1)
    return date(when.year, when.month, 1)


def add_months(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def partition_for(month: date) -> Partition:
    month = month_of(month)
    nxt = add_months(month, 1)
    return Partition(start=datetime(month.year, month.month, 1, tzinfo=UTC), end=datetime(nxt.year, nxt.month, 1, tzinfo=UTC),
                     name=f"{PARENT}_p{month.year:04d}{month.month:02d}")  # fmt: skip


def is_partitioned(connection: BaseDatabaseWrapper) -> bool:
    """Whether the event table is the partitioned one (PostgreSQL after the migration).

    A yes is remembered per database alias; a no is asked again, so a process started before
    ``migrate`` switches to the partitioned store once the migration ran."""
    if connection.vendor != "postgresql":
        return False
    if _partitioned.get(connection.alias):
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [PARENT],
        )
        found = cursor.fetchone() is not None
    _partitioned[connection.alias] = found
    return found


def forget(connection: BaseDatabaseWrapper | None = None) -> None:
    """Drop the cached answer of :func:`is_partitioned` (after migrating a database by hand)."""
    if connection is None:
        _partitioned.clear()
    else:
        _partitioned.pop(connection.alias, None)


def partition_list(connection: BaseDatabaseWrapper) -> list[Partition]:
    """The event table's monthly partitions, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s "
            "AND p.relnamespace = current_schema()::regnamespace",
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    out = []
    for name in names:
        m = _NAME.match(name)
        if m:
            out.append(partition_for(date(int(m.group(1)), int(m.group(2)), 1)))
    return sorted(out)


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def partitions_ensure(
    connection: BaseDatabaseWrapper, months: Iterable[date], *, known: set[date] | None = None
) -> list[str]:
    """Create the partitions of ``months`` that do not exist yet; returns the names created.

    ``known`` (months already checked by the caller) saves the catalog query on every chunk of a
    large write; it is updated in place.
    """
    wanted = {month_of(m) for m in months}
    if known is not None:
        wanted -= known
    if not wanted:
        return []
    created = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _lock(cursor)  # two workers meeting a new month: one creates it, the other sees it
        existing = {month_of(p.start) for p in partition_list(connection)}
        for month in sorted(wanted - existing):
            p = partition_for(month)
            q = connection.ops.quote_name
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {q(p.name)} PARTITION OF {q(PARENT)} "  # noqa: S608 - names built here
                f"FOR VALUES FROM ('{p.start.isoformat()}') TO ('{p.end.isoformat()}')"
            )
            created.append(p.name)
    if known is not None:
        known.update(wanted)
    return created


def partitions_ensure_ahead(connection: BaseDatabaseWrapper, *, now: datetime, ahead: int = 2) -> list[str]:
    """The current month and the next ``ahead`` months, so that inserts rarely need DDL."""
    first = month_of(now)
    return partitions_ensure(connection, [add_months(first, k) for k in range(ahead + 1)])


def partitions_drop_before(connection: BaseDatabaseWrapper, *, before: datetime) -> tuple[list[str], int]:
    """Drop every partition whose rows are all older than ``before``; returns the names and rows dropped.

    A partition is dropped whole or not at all, so events are kept between the retention period and
    one month more — never less than the retention period.
    """
    dropped: list[str] = []
    rows = 0
    q = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _lock(cursor)
        # rows inserted earlier in this transaction still owe their deferred foreign-key checks, and
        # a table with pending checks cannot be dropped: run them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for p in partition_list(connection):
            if p.end > before:
                break
            cursor.execute(f"SELECT count(*) FROM {q(p.name)}")  # noqa: S608 - name from the catalog
            rows += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {q(p.name)}")
            dropped.append(p.name)
    return dropped, rows
