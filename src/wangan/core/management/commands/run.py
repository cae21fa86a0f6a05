"""`wangan run`: the whole platform on one machine — web server, worker and scheduler."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from wangan import config
from wangan.core import jobs


class Command(BaseCommand):
    help = "Migrate, load demo data and serve the platform with an in-process worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--no-worker", action="store_true", help="web only (a separate worker runs the jobs)")
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_worker"] and settings.EMBEDDED_BROKER and self._only_embedded_worker():
            resumed = jobs.jobs_resume_interrupted()
            if resumed:
                self.stdout.write(f"{resumed} job(s) cut off by an earlier stop sent again")
        if not options["no_demo"] and not settings.PRODUCTION:
            call_command("demo")
        worker = None
        if not options["no_worker"]:
            worker = self._start_worker()
        port = options["port"] or config.get("PORT")
        self.stdout.write(self.style.SUCCESS(f"Wangan is running on http://{options['host']}:{port}/ (Ctrl+C stops)"))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            from waitress import serve

            from wangan.wsgi import application

            serve(application, host=options["host"], port=port, threads=config.get("WANGAN_WEB_THREADS"),
                  ident="wangan", clear_untrusted_proxy_headers=True)  # fmt: skip
        finally:
            if worker is not None:
                _stop(worker)

    def _only_embedded_worker(self) -> bool:
        """Hold the embedded queue's worker lock for as long as this command runs: while another
        ``wangan run`` on the same data directory has a live worker, its running jobs are not ours
        to resume.  The lock goes with the processes holding it (this one and its worker), however
        they end."""
        fh = open(settings.DATA_DIR / "broker" / "worker.lock", "a")  # noqa: SIM115 - held until exit
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            self.stdout.write("another worker uses this data directory's queue: its running jobs are left to it")
            return False
        self._lock = fh
        return True

    def _start_worker(self) -> subprocess.Popen:
        """One Celery worker with embedded beat; on the embedded broker it needs no server."""
        cmd = [sys.executable, "-m", "celery", "-A", "wangan.celery", "worker", "-B", "--loglevel=INFO",
               "-Q", "default,monitoring,logs,reports", "--concurrency=2",
               "-s", str(settings.DATA_DIR / "celerybeat-schedule")]  # fmt: skip
        log = open(settings.DATA_DIR / "worker.log", "ab")  # noqa: SIM115 - lives as long as the worker
        self.stdout.write(f"background worker and scheduler started (log: {settings.DATA_DIR / 'worker.log'})")
        # its own process group: Ctrl+C reaches this command only, which stops the worker (below); and a
        # kill reaches the worker's pool and beat processes too
        # the worker inherits the queue lock: should this command die first, the lock lives on with it
        lock = getattr(self, "_lock", None)
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),  # noqa: S603
                                process_group=0, pass_fds=(lock.fileno(),) if lock is not None else ())


def _stop(worker: subprocess.Popen) -> None:
    """Warm shutdown of the worker (running jobs finish), killed with its pool and beat processes after
    15 s — and at once when a second Ctrl+C or SIGTERM arrives while waiting, so that nothing of the
    worker outlives the command."""
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        _kill(worker)
    except BaseException:
        _kill(worker)
        raise


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
