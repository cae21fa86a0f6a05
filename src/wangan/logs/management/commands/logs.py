"""``wangan logs scan|syslog|purge|plan``: the log service for operators.

* ``scan FILE… [--rules DIR] [--format json|table]`` analyses files offline with the engine's own
  command line (nothing is stored);
* ``syslog --udp PORT --tcp PORT --source ID`` receives syslog continuously into a log source;
* ``purge`` applies the retention period (WANGAN_LOG_RETENTION_DAYS, at least 180 days);
* ``plan --organization ID --year YYYY`` creates the year's quarterly collection tasks.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from wangan.engines.logscan import cli as logscan_cli
from wangan.logs import conf


class Command(BaseCommand):
    help = "Log analysis: scan files offline, receive syslog, apply retention, plan collection."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="analyse log files offline (the engine's CLI; try `scan --help`)")
        scan.add_argument("engine_args", nargs=argparse.REMAINDER, help="FILE… [--rules DIR] [--format json|table]")
        sl = sub.add_parser("syslog", help="receive syslog (UDP/TCP, RFC 3164/5424) into a log source")
        sl.add_argument("--source", type=int, required=True, help="log source id")
        sl.add_argument("--udp", type=int, default=None, metavar="PORT")
        sl.add_argument("--tcp", type=int, default=None, metavar="PORT")
        sl.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")  # noqa: S104
        sl.add_argument("--batch", type=int, default=None, help="messages per database batch")
        sl.add_argument("--queue", type=int, default=None, help="messages held in memory before refusing")
        sl.add_argument("--flush-seconds", type=float, default=2.0)
        sl.add_argument("--analyse-seconds", type=float, default=300.0, help="refresh attack chains and risks")
        sub.add_parser("purge", help="delete stored events older than the retention period")
        plan = sub.add_parser("plan", help="create the quarterly collection tasks of a year")
        plan.add_argument("--organization", type=int, required=True)
        plan.add_argument("--year", type=int, required=True)

    def handle(self, *args, action: str, **options):
        if action == "scan":
            code = logscan_cli.main(["scan", *options["engine_args"]])
            if code:
                raise SystemExit(code)
        elif action == "syslog":
            self._syslog(**options)
        elif action == "purge":
            from wangan.logs.services import events_purge_expired

            n = events_purge_expired()
            self.stdout.write(_("%(n)d events older than %(days)d days deleted.") % {"n": n, "days": conf.retention_days()})
        elif action == "plan":
            from wangan.accounts.models import Organization  # an operator's command: no user to scope by
            from wangan.logs.services import collection_plan_for_year

            org = Organization.objects.filter(pk=options["organization"]).first()
            if org is None:
                raise CommandError(_("No organization with id %(id)s.") % {"id": options["organization"]})
            for t in collection_plan_for_year(organization=org, year=options["year"]):
                self.stdout.write(f"{t.year} Q{t.quarter}  {t.period_start} – {t.period_end}  "
                                  f"collect {t.collect_due}  report {t.report_due}")  # fmt: skip

    def _syslog(self, *, source: int, udp, tcp, host, batch, queue, flush_seconds, analyse_seconds, **rest):
        from wangan.logs.ingest import StreamSession
        from wangan.logs.models import LogSource
        from wangan.logs.syslog import SyslogReceiver

        if udp is None and tcp is None:
            raise CommandError(_("Give --udp PORT and/or --tcp PORT."))
        src = LogSource.objects.filter(pk=source, is_active=True).first()
        if src is None:
            raise CommandError(_("No active log source with id %(id)s.") % {"id": source})
        session = StreamSession(source=src, channel="syslog")

        def sink(lines, refused, size):
            close_old_connections()
            session.store(lines, refused=refused, received_bytes=size)

        receiver = SyslogReceiver(
            sink, queue_size=queue or conf.get("WANGAN_LOG_SYSLOG_QUEUE"),
            batch_size=batch or conf.get("WANGAN_LOG_SYSLOG_BATCH"), flush_interval=flush_seconds,
            analyse=session.analyse, analyse_interval=analyse_seconds,
        )  # fmt: skip

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await receiver.start(host=host, udp_port=udp, tcp_port=tcp)
            self.stdout.write(_("Receiving syslog for source %(name)s (scan #%(scan)d): UDP %(udp)s, TCP %(tcp)s.") % {
                "name": src.name, "scan": session.scan.pk, "udp": receiver.udp_port or "-", "tcp": receiver.tcp_port or "-"})  # fmt: skip
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), 60)
                except TimeoutError:
                    self.stdout.write(receiver.stats.line(receiver.queue.qsize()))
            await receiver.stop()

        asyncio.run(main())
        session.close()
        self.stdout.write(receiver.stats.line(0))
