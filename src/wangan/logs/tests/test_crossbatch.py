"""Correlation across the batches of one source: a brute force split over two uploads (or two bulk
posts) gives the alerts and chains one file would, and batches of a source are analysed in order."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from wangan.core.models import Job
from wangan.logs import batchqueue, services
from wangan.logs.models import Alert, AttackChain, IngestBatch, LogSource, Scan
from wangan.logs.tests.conftest import run_jobs
from wangan.logs.tests.factories import ATTACKER, LogSourceFactory

SUCCESS_AFTER_BRUTE_FORCE = "SSH Login Success After Brute Force"

# Five failures within five minutes are a brute force (built-in rule); the login right after it is
# "success after brute force"; sudo on the same host and account continues the chain.
LINES = [
    *[
        f"Mar  3 10:00:0{i} web01 sshd[100]: Failed password for root from {ATTACKER} port 4022{i} ssh2"
        for i in range(1, 6)
    ],
    f"Mar  3 10:00:09 web01 sshd[100]: Accepted password for root from {ATTACKER} port 40229 ssh2",
    "Mar  3 10:00:10 web01 sshd[100]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)",
    "Mar  3 10:01:00 web01 sudo:     root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/sbin/useradd -o -u 0 backdoor",
    "Mar  3 10:01:01 web01 useradd[200]: new user: name=backdoor, UID=0, GID=0, home=/home/backdoor, shell=/bin/bash",
]
FIRST, SECOND = LINES[:3], LINES[3:]  # three failures, then two more, the login and what followed


def _text(lines) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _upload(actor, source, lines, name="auth.log"):
    return services.upload_receive(actor=actor, source=source, upload=SimpleUploadedFile(name, _text(lines)))


def _job_id(batch) -> int:
    return Scan.objects.get(pk=batch.scan_id).job_id_ref


def _alerts(source) -> list[tuple]:
    return sorted((a.rule_id, a.ts, a.src_ip, a.user, a.host, a.count, a.level)
                  for a in Alert.objects.filter(source=source))  # fmt: skip


def _chains(source) -> list[tuple]:
    return sorted((tuple(c.tactics), tuple(sorted((s["rule_id"], s["timestamp"]) for s in c.steps)))
                  for c in AttackChain.objects.filter(scan__source=source))  # fmt: skip


@pytest.fixture
def one_file(engineer):
    """The same lines as one upload, on a source of their own: what the split must equal."""
    source = LogSourceFactory(organization=engineer.organization, name="one-file")
    _upload(engineer, source, LINES)
    run_jobs()
    assert any(a.title == SUCCESS_AFTER_BRUTE_FORCE for a in Alert.objects.filter(source=source))
    return source


@pytest.mark.django_db
def test_brute_force_split_over_two_uploads_equals_one_file(engineer, source, one_file):
    first = _upload(engineer, source, FIRST, "auth-1.log")
    run_jobs()
    second = _upload(engineer, source, SECOND, "auth.log")
    run_jobs()
    assert _alerts(source) == _alerts(one_file)
    assert _chains(source) == _chains(one_file) and len(_chains(source)) == 1
    [chain] = AttackChain.objects.filter(scan__source=source)
    assert chain.scan_id == second.scan_id and chain.tactics[:2] == ["credential-access", "initial-access"]
    critical = Alert.objects.get(source=source, title=SUCCESS_AFTER_BRUTE_FORCE)
    assert critical.batch_id == second.pk and critical.count == 2  # the brute force and the login
    assert not Alert.objects.filter(batch=first).exists()  # three failures alone are no finding
    second.scan.refresh_from_db()
    assert second.scan.stats["cross_batch"]["replayed_events"] == 3


@pytest.mark.django_db
def test_a_chain_continued_in_the_next_upload_replaces_the_earlier_part(engineer, source, one_file):
    """Brute force and login in one upload, the UID-0 account in the next: one chain, kept once."""
    first = _upload(engineer, source, LINES[:6], "auth-1.log")
    run_jobs()
    [partial] = AttackChain.objects.filter(scan__source=source)
    assert partial.scan_id == first.scan_id and "persistence" not in partial.tactics
    second = _upload(engineer, source, LINES[6:], "auth.log")
    run_jobs()
    assert _alerts(source) == _alerts(one_file) and _chains(source) == _chains(one_file)
    [chain] = AttackChain.objects.filter(scan__source=source)
    assert chain.scan_id == second.scan_id and chain.tactics == [
        "credential-access",
        "initial-access",
        "persistence",
    ]
    assert {s["alert_id"] for s in chain.steps} == set(
        Alert.objects.filter(source=source).values_list("pk", flat=True)
    )
    first.scan.refresh_from_db()
    assert first.scan.chain_count == 0


@pytest.mark.django_db
def test_a_chain_longer_than_a_day_keeps_its_older_steps_when_continued(engineer, source):
    """Each step is within a day of the previous one, the last more than a day after the first: the
    third upload continues the chain of the first two and the chain comes out whole."""
    day2 = f"Mar  4 09:00:00 web01 sshd[300]: Accepted password for root from {ATTACKER} port 40300 ssh2"
    day2_evening = f"Mar  4 20:00:00 web01 sshd[301]: Accepted password for root from {ATTACKER} port 40301 ssh2"
    whole = LogSourceFactory(organization=engineer.organization, name="whole")
    _upload(engineer, whole, [*LINES[:6], day2, day2_evening])
    for part, name in ((LINES[:6], "auth-1.log"), ([day2], "auth-2.log"), ([day2_evening], "auth-3.log")):
        _upload(engineer, source, part, name)
        run_jobs()
    assert _chains(source) == _chains(whole) and len(_chains(source)) == 1
    [chain] = AttackChain.objects.filter(scan__source=source)
    assert chain.end - chain.start > timedelta(days=1) and chain.steps[-1]["timestamp"].endswith("12:00:00+00:00")


@pytest.mark.django_db
def test_the_second_half_alone_is_no_brute_force(engineer):
    """What the warm-up adds: without the first upload the two failures and the login raise nothing."""
    alone = LogSourceFactory(organization=engineer.organization, name="alone")
    _upload(engineer, alone, SECOND)
    run_jobs()
    assert not Alert.objects.filter(source=alone, title=SUCCESS_AFTER_BRUTE_FORCE).exists()


@pytest.mark.django_db
def test_brute_force_split_over_two_bulk_posts_equals_one_file(engineer, source, one_file):
    for part in (FIRST, SECOND):
        body = "\n".join(json.dumps({"raw": line}) for line in part).encode()
        services.bulk_receive(actor=engineer, source=source, body=body)
        run_jobs()
    assert _alerts(source) == _alerts(one_file)
    assert _chains(source) == _chains(one_file)


@pytest.mark.django_db
def test_other_sources_are_not_correlated(engineer, source):
    other = LogSourceFactory(organization=engineer.organization, name="other-host")
    _upload(engineer, other, FIRST)
    run_jobs()
    batch = _upload(engineer, source, SECOND)
    run_jobs()
    assert not Alert.objects.filter(source=source, title=SUCCESS_AFTER_BRUTE_FORCE).exists()
    batch.scan.refresh_from_db()
    assert batch.scan.stats["cross_batch"]["replayed_events"] == 0


@pytest.mark.django_db
def test_events_older_than_the_correlation_horizon_are_not_replayed(engineer, source):
    early = [line.replace("Mar  3 10:", "Mar  3 07:") for line in FIRST]  # three hours before
    _upload(engineer, source, early, "auth-1.log")
    run_jobs()
    batch = _upload(engineer, source, SECOND)
    run_jobs()
    batch.scan.refresh_from_db()
    assert batch.scan.stats["cross_batch"]["replayed_events"] == 0
    assert not Alert.objects.filter(source=source, title=SUCCESS_AFTER_BRUTE_FORCE).exists()


# --- one source at a time, oldest first, on any worker ---------------------------------------------
@pytest.mark.django_db
def test_the_lease_goes_to_one_worker_and_can_be_taken_over_when_it_runs_out(source):
    lease = batchqueue.lease_claim(source_id=source.pk)
    assert lease is not None and batchqueue.lease_claim(source_id=source.pk) is None
    LogSource.objects.filter(pk=source.pk).update(ingest_lease_until=timezone.now() - timedelta(seconds=1))
    taken = batchqueue.lease_claim(source_id=source.pk)
    assert taken is not None and taken.token != lease.token
    with pytest.raises(batchqueue.LeaseLost):
        lease.renew(force=True)  # the stalled worker learns it lost the source
    batchqueue.lease_release(lease)  # not its lease any more: nothing happens
    assert LogSource.objects.get(pk=source.pk).ingest_lease_token == taken.token
    batchqueue.lease_release(taken)
    assert LogSource.objects.get(pk=source.pk).ingest_lease_until is None


@pytest.mark.django_db
def test_a_later_batch_job_analyses_the_earlier_ones_first(engineer, source, one_file):
    first = _upload(engineer, source, FIRST, "auth-1.log")
    second = _upload(engineer, source, SECOND, "auth.log")
    second_job = Job.objects.get(pk=_job_id(second))
    from wangan.logs import tasks

    result = tasks.batch_process_task(second_job.pk)  # the worker that got the second job first
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "done" and first.processed_at <= second.processed_at
    assert result["batch"] == second.pk and result["alerts"] >= 1
    assert Job.objects.get(pk=_job_id(first)).status == "done"  # closed by the worker that did it
    assert _alerts(source) == _alerts(one_file)
    assert tasks.batch_process_task(_job_id(first)) is None  # the first job's own message finds it done
    assert run_jobs() == []


@pytest.mark.django_db
def test_a_busy_worker_hands_the_next_batch_to_a_fresh_job(engineer, source):
    first = _upload(engineer, source, FIRST, "auth-1.log")
    second = _upload(engineer, source, SECOND, "auth.log")
    old_job = _job_id(second)
    result = batchqueue.batch_run(batch_id=first.pk, budget=0)
    second.refresh_from_db()
    assert result["batch"] == first.pk and second.status == "queued"
    assert _job_id(second) != old_job
    assert Job.objects.get(pk=_job_id(second)).kwargs == {"batch_id": second.pk}
    assert LogSource.objects.get(pk=source.pk).ingest_lease_until is None


@pytest.mark.django_db
def test_a_failed_batch_does_not_stop_the_next(engineer, source):
    first = services.bulk_receive(actor=engineer, source=source, body=json.dumps({"raw": FIRST[0]}).encode())
    default_storage.delete(first.spool_name)  # its spooled lines are gone: the analysis fails
    second = _upload(engineer, source, SECOND, "auth.log")
    result = batchqueue.batch_run(batch_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "failed" and "FileNotFoundError" in first.error
    assert second.status == "done" and result["batch"] == second.pk
    assert Job.objects.get(pk=_job_id(first)).status == "failed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers at once need PostgreSQL")
def test_two_workers_at_once_analyse_a_source_in_order(engineer, source, one_file):
    first = _upload(engineer, source, FIRST, "auth-1.log")
    second = _upload(engineer, source, SECOND, "auth.log")
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def worker(batch_id):
        try:
            barrier.wait()
            results[batch_id] = batchqueue.batch_run(batch_id=batch_id)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(b.pk,)) for b in (second, first)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert set(IngestBatch.objects.filter(source=source).values_list("status", flat=True)) == {"done"}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.processed_at <= second.processed_at
    assert _alerts(source) == _alerts(one_file) and _chains(source) == _chains(one_file)
