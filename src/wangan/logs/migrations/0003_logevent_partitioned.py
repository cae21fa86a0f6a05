"""PostgreSQL only: ``logs_logevent`` becomes a table partitioned by month (range on ``ts``).

Django cannot declare a partitioned table, so the model's state is left alone (``makemigrations``
stays clean on every database) and this migration rebuilds the table with plain SQL:

1. the old table is renamed; a partitioned twin is created ``LIKE`` it (columns, defaults, identity,
   check constraints) with the primary key ``(id, ts)`` — PostgreSQL requires the partition key in it;
2. the old table's indexes and foreign keys move to the new one under the same names, so later
   migrations find what Django expects;
3. a partition is created for every month that holds rows, plus this month and the next two, the
   rows are copied and the identity sequence continues after the highest id.

Partition names (``logs_logevent_pYYYYMM``, UTC months) must match ``wangan.logs.partitions``; a
migration imports no app code, so the rule is written out twice.  Reversible: the way back copies
the rows into a plain table again.  On SQLite nothing happens either way.
"""

import re
from datetime import UTC, date, datetime

from django.db import migrations

TABLE = "logs_logevent"


def _month_add(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def _create_partition(cursor, month: date) -> None:
    nxt = _month_add(month, 1)
    name = f"{TABLE}_p{month.year:04d}{month.month:02d}"
    cursor.execute(
        f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
        f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{nxt.isoformat()} 00:00:00+00')"
    )


def _is_partitioned(cursor) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid "
        "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
        [TABLE],
    )
    return cursor.fetchone() is not None


def _move_indexes_and_keys(cursor, *, old: str, new: str) -> None:
    """Recreate ``old``'s secondary indexes and foreign keys on ``new`` under the same names."""
    cursor.execute(
        "SELECT ic.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
        "JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_class tc ON tc.oid = ix.indrelid "
        "WHERE tc.relname = %s AND tc.relnamespace = current_schema()::regnamespace AND NOT ix.indisprimary",
        [old],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = (SELECT oid FROM pg_class WHERE relname = %s AND relnamespace = current_schema()::regnamespace) "
        "AND contype = 'f'",
        [old],
    )
    keys = cursor.fetchall()
    on_old = re.compile(rf" ON (ONLY )?(\S+\.)?\"?{re.escape(old)}\"? ")
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(on_old.sub(f' ON "{new}" ', definition, count=1))
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE "{old}" DROP CONSTRAINT "{name}"')
        cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{name}" {definition}')


def _copy_rows(cursor, *, old: str) -> None:
    cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{old}"')
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('\"{TABLE}\"', 'id'), "
        f'COALESCE((SELECT max(id) FROM "{TABLE}"), 0) + 1, false)'
    )
    cursor.execute(f'DROP TABLE "{old}" CASCADE')


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    old = f"{TABLE}_unpartitioned"
    with connection.cursor() as cursor:
        if _is_partitioned(cursor):
            return
        cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
        cursor.execute(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{TABLE}_pkey" TO "{old}_pkey"')
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS) '
            "PARTITION BY RANGE (ts)"
        )
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, ts)')
        _move_indexes_and_keys(cursor, old=old, new=TABLE)
        cursor.execute(f"SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC')::date FROM \"{old}\"")
        months = {row[0] for row in cursor.fetchall()}
        now = datetime.now(UTC)
        this = date(now.year, now.month, 1)
        months.update(_month_add(this, k) for k in range(3))
        for month in sorted(months):
            _create_partition(cursor, month)
        _copy_rows(cursor, old=old)


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    old = f"{TABLE}_partitioned"
    with connection.cursor() as cursor:
        if not _is_partitioned(cursor):
            return
        cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
        cursor.execute(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{TABLE}_pkey" TO "{old}_pkey"')
        cursor.execute(
            f'CREATE TABLE "{TABLE}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)'
        )
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id)')
        _move_indexes_and_keys(cursor, old=old, new=TABLE)
        _copy_rows(cursor, old=old)


class Migration(migrations.Migration):
    dependencies = [("logs", "0002_report_pdf_contract_task_ingest_lease")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
