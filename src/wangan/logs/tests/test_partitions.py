"""The distributed event store: on PostgreSQL the event table is partitioned by month on the event
time; inserts route to (and create) the month's partition; retention drops whole partitions.

CI runs the suite a second time with DATABASE_URL pointing to PostgreSQL; on SQLite these tests
skip, except the one that checks the embedded store is left as it was.
"""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from wangan.core.models import AuditEvent
from wangan.engines.logscan import Event
from wangan.logs import partitions, services
from wangan.logs.models import IngestBatch, LogEvent
from wangan.logs.store import (
    BatchContext,
    DatabaseEventStore,
    EventFilter,
    PartitionedEventStore,
    event_store,
)
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import AUTH_LOG

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"
)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def _write(source, *times: datetime) -> IngestBatch:
    batch = IngestBatch.objects.create(
        organization=source.organization, source=source, channel="bulk", status="done"
    )
    ctx = BatchContext(
        organization_id=source.organization_id, source_id=source.pk, batch_id=batch.pk, fallback_ts=NOW
    )
    events = [
        Event(raw=f"line {i}", timestamp=t.timestamp(), message=f"line {i}") for i, t in enumerate(times)
    ]
    assert event_store().write(ctx, events) == len(times)
    return batch


def _where(**filters) -> dict[str, int]:
    """Partition name -> rows, for the events matching ``filters`` (PostgreSQL's own routing)."""
    table = LogEvent._meta.db_table
    ids = list(LogEvent.objects.filter(**filters).values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text, count(*) FROM {table} WHERE id = ANY(%s) GROUP BY 1",  # noqa: S608
            [ids],
        )
        return dict(cursor.fetchall())


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_the_event_table_is_range_partitioned_on_the_event_time():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pt.partstrat, a.attname FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0] WHERE c.relname = %s",
            [LogEvent._meta.db_table],
        )
        assert cursor.fetchall() == [("r", "ts")]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'logs_logevent_pkey'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, ts)"
    assert isinstance(event_store(), PartitionedEventStore)
    # the migration made this month and the next two; each is one UTC month
    months = [p.start for p in partitions.partition_list(connection)]
    this = partitions.month_of(datetime.now(UTC))
    for k in range(3):
        m = partitions.add_months(this, k)
        assert datetime(m.year, m.month, 1, tzinfo=UTC) in months
    p = partitions.partition_for(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (p.name, p.start, p.end) == (
        "logs_logevent_p202612",
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_inserts_go_to_their_month_and_a_missing_month_is_created_on_demand(source, engineer):
    assert not _exists("logs_logevent_p202401")
    batch = _write(source, datetime(2024, 1, 31, 23, 59, 59, tzinfo=UTC), datetime(2024, 2, 1, 0, 0, tzinfo=UTC),
                   datetime(2024, 2, 14, tzinfo=UTC))  # fmt: skip
    assert _where(batch=batch) == {"logs_logevent_p202401": 1, "logs_logevent_p202402": 2}
    # the whole path: an upload of March's auth.log is analysed and lands in March
    services.upload_receive(
        actor=engineer, source=source, upload=SimpleUploadedFile("auth.log", AUTH_LOG.encode())
    )
    run_jobs()
    upload = IngestBatch.objects.get(channel="upload")
    assert upload.status == "done" and upload.accepted == 14
    year = upload.first_event_at.year
    assert _where(batch=upload) == {f"logs_logevent_p{year}03": 14}
    found = services_search(
        engineer, since=datetime(year, 3, 3, tzinfo=UTC), until=datetime(year, 3, 4, tzinfo=UTC)
    )
    assert found == 14


def services_search(user, *, since, until) -> int:
    from wangan.logs import selectors

    return selectors.event_search_for(user=user, flt=EventFilter(since=since, until=until)).count()


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_a_search_in_a_time_range_reads_only_that_months_partition(source):
    _write(source, datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 7, 3, tzinfo=UTC))
    qs = event_store().search(organization_id=source.organization_id,
                              flt=EventFilter(since=datetime(2025, 3, 1, tzinfo=UTC), until=datetime(2025, 3, 31, tzinfo=UTC)))  # fmt: skip
    plan = qs.explain()
    assert "logs_logevent_p202503" in plan and "logs_logevent_p202507" not in plan
    assert qs.count() == 1


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_retention_drops_whole_partitions_older_than_the_period(source):
    old = _write(source, datetime(2025, 1, 10, tzinfo=UTC), datetime(2025, 1, 20, tzinfo=UTC))
    straddling = _write(source, datetime(2026, 5, 20, tzinfo=UTC))  # older than 180 days, its month is not
    recent = _write(source, datetime(2026, 11, 20, tzinfo=UTC))
    assert _exists("logs_logevent_p202501")
    deleted = services.events_purge_expired(now=NOW)  # cutoff 2026-05-26
    assert deleted == 2
    assert not _exists("logs_logevent_p202501")
    assert not LogEvent.objects.filter(batch=old).exists()
    # a partition is dropped whole or not at all: events stay at least the 180 days
    assert _exists("logs_logevent_p202605") and LogEvent.objects.filter(batch=straddling).count() == 1
    assert LogEvent.objects.filter(batch=recent).count() == 1
    audit = AuditEvent.objects.filter(action="logs.events_purged").latest("seq")
    assert audit.after["deleted"] == 2 and audit.after["retention_days"] == 180
    assert services.events_purge_expired(now=NOW) == 0  # nothing left to drop


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db
def test_the_periodic_job_creates_the_coming_months(source):
    later = datetime(2031, 6, 15, tzinfo=UTC)
    assert not _exists("logs_logevent_p203106")
    services.events_purge_expired(now=later)
    assert all(_exists(f"logs_logevent_p2031{m:02d}") for m in (6, 7, 8)) and not _exists(
        "logs_logevent_p203109"
    )
    assert event_store().prepare(now=later) == []  # idempotent


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the embedded store")
def test_sqlite_keeps_the_plain_table_and_deletes_old_rows(source):
    assert isinstance(event_store(), DatabaseEventStore) and not isinstance(
        event_store(), PartitionedEventStore
    )
    assert not partitions.is_partitioned(connection)
    _write(source, datetime(2025, 1, 10, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert services.events_purge_expired(now=NOW) == 1
    assert list(LogEvent.objects.values_list("message", flat=True)) == ["line 1"]


@pytest.mark.django_db
def test_a_time_outside_1970_to_2999_is_stored_as_the_batchs_time(source):
    batch = IngestBatch.objects.create(
        organization=source.organization, source=source, channel="bulk", status="done"
    )
    ctx = BatchContext(
        organization_id=source.organization_id, source_id=source.pk, batch_id=batch.pk, fallback_ts=NOW
    )
    event_store().write(ctx, [Event(raw="far", timestamp=1e12), Event(raw="nan", timestamp=float("nan"))])
    assert set(LogEvent.objects.values_list("ts", "ts_inferred")) == {(NOW, True)}
