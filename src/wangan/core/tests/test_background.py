"""Real background workers: embedded (filesystem broker + beat) and distributed (Redis)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from wangan.core.models import Job
from wangan.core.notify import notify


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _worker(env: dict, data_dir: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "celery", "-A", "wangan.celery", "worker", "--pool=solo", "--loglevel=INFO",
           "-Q", "default", *extra]  # fmt: skip
    log = open(data_dir / "worker.log", "wb")  # noqa: SIM115
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANGAN_", "DATABASE_URL", "PYTEST"))}
    env.update(extra)
    return env


def test_periodic_job_fires_with_the_embedded_broker(tmp_path):
    """No server at all: kombu's filesystem transport and beat inside the worker (-B)."""
    env = _clean_env(WANGAN_DATA_DIR=str(tmp_path), WANGAN_HEARTBEAT_SECONDS="1")
    subprocess.run([sys.executable, "-m", "wangan.cli", "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    proc = _worker(env, tmp_path, "-B", "-s", str(tmp_path / "beat-schedule"))
    try:
        fired = _wait_for(lambda: (tmp_path / "heartbeat").exists(), timeout=60)
    finally:
        _stop(proc)
    assert fired, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.broker
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consumes_jobs_from_redis(tmp_path, enterprise_user):
    from celery import Celery

    broker = "redis://127.0.0.1:6379/15"
    env = _clean_env(WANGAN_DATA_DIR=str(tmp_path), WANGAN_BROKER_URL=broker, DATABASE_URL=_database_url())
    (note,) = notify(recipients=[enterprise_user], verb="t", title="队列测试", email=False)
    job = Job.objects.create(task="core.notification_mail", kwargs={"notification_ids": [note.pk]})
    sender = Celery(broker=broker)
    sender.send_task("core.notification_mail", kwargs={"job_id": job.pk}, queue="default")
    proc = _worker(env, tmp_path)
    try:
        done = _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, timeout=60)
    finally:
        _stop(proc)
    assert done, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    assert Job.objects.get(pk=job.pk).result == {"sent": 1}
    assert any((tmp_path / "mail").iterdir())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    kids = []
    with contextlib.suppress(OSError):  # gone meanwhile
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(x) for x in (task / "children").read_text().split()]
    return kids


def _group(pgid: int) -> list[int]:
    """Live processes of process group ``pgid`` (zombies have exited)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            state, _ppid, pgrp = (d / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:  # gone meanwhile
            continue
        if int(pgrp) == pgid and state != "Z":
            found.append(int(d.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_wangan_run_leaves_no_worker_behind_when_signalled_twice(tmp_path):
    """`wangan run` stops its worker on SIGTERM / Ctrl+C; a second signal while the worker winds down
    (an impatient operator, or a service manager) kills it instead of orphaning it."""
    port = _free_port()
    env = _clean_env(WANGAN_DATA_DIR=str(tmp_path))
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "wangan.cli", "run", "--no-demo", "--port", str(port)],  # noqa: S603
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = None
    try:
        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return bool(_children(proc.pid))

        assert _wait_for(up, timeout=120), (tmp_path / "run.log").read_text(errors="replace")[-3000:]
        (worker,) = _children(proc.pid)
        assert b"celery" in Path(f"/proc/{worker}/cmdline").read_bytes()
        assert os.getpgid(worker) == worker  # its own group: Ctrl+C goes to `wangan run`, which stops it
        assert _wait_for(lambda: (tmp_path / "worker.log").exists()
                         and b"ready" in (tmp_path / "worker.log").read_bytes(), timeout=60)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the worker is in its warm shutdown now
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert not _group(worker), (tmp_path / "worker.log").read_text(errors="replace")[-3000:]  # pool, beat
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        # never leave a worker running, whatever failed (without the fix it shares pytest's group)
        for pid in [worker, *_children(worker)] if worker is not None else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_wangan_run_finishes_a_job_an_earlier_killed_worker_left_running(tmp_path):
    """The file queue forgets a message once fetched: a job whose worker was killed stays `running`
    with no message anywhere.  The next `wangan run` (no other worker on the queue) sends it again."""
    env = _clean_env(WANGAN_DATA_DIR=str(tmp_path))
    cli = [sys.executable, "-m", "wangan.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    make = ("from wangan.core.models import Job; print(Job.objects.create(task='core.notification_mail', "
            "kwargs={'notification_ids': []}, status='running', attempts=1).pk)")
    job_id = int(subprocess.run([*cli, "shell", "-c", make], env=env, check=True, timeout=60,  # noqa: S603
                                capture_output=True, text=True).stdout.split()[-1])
    status = f"from wangan.core.models import Job; j = Job.objects.get(pk={job_id}); print(j.status, j.attempts)"
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([*cli, "run", "--no-demo", "--port", str(_free_port())], env=env,  # noqa: S603
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        def done() -> bool:
            out = subprocess.run([*cli, "shell", "-c", status], env=env, timeout=60,  # noqa: S603
                                 capture_output=True, text=True).stdout.split()
            return out[-2:-1] == ["done"]  # after the shell's own "… objects imported" line

        assert _wait_for(done, timeout=90), (tmp_path / "run.log").read_text(errors="replace")[-3000:]
        assert b"1 job(s) cut off by an earlier stop sent again" in (tmp_path / "run.log").read_bytes()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    out = subprocess.run([*cli, "shell", "-c", status], env=env, timeout=60, capture_output=True, text=True)  # noqa: S603
    assert out.stdout.split()[-2:] == ["done", "2"]


def test_only_one_wangan_run_per_data_directory_resumes_its_queue(tmp_path, settings):
    from wangan.core.management.commands.run import Command

    (tmp_path / "broker").mkdir()
    settings.DATA_DIR = tmp_path
    first, second = Command(), Command()
    assert first._only_embedded_worker()
    assert not second._only_embedded_worker()  # the first one's worker may be running those jobs
    first._lock.close()  # the first one (and its worker) ended
    assert second._only_embedded_worker()
    second._lock.close()
