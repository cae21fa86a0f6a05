"""``wangan files sweep [--dry-run] [--grace-hours N]``: remove stored bytes no file row refers to."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangan.core.filesweep import files_sweep_orphans


class Command(BaseCommand):
    help = "Stored files: `sweep` removes uploaded bytes left behind by rolled-back transactions."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="remove orphaned upload bytes older than the grace period")
        sweep.add_argument("--dry-run", action="store_true", help="list them, remove nothing")
        sweep.add_argument(
            "--grace-hours", type=float, default=24.0, help="only older than this (default 24)"
        )

    def handle(self, *args, **opts) -> None:
        if opts["grace_hours"] < 0:
            raise CommandError(_("The grace period cannot be negative."))
        result = files_sweep_orphans(grace=timedelta(hours=opts["grace_hours"]), dry_run=opts["dry_run"])
        for name in result.orphans:
            self.stdout.write(name)
        if opts["dry_run"]:
            self.stdout.write(_("%(n)d orphaned file(s) of %(total)d examined; nothing removed (dry run).")
                              % {"n": len(result.orphans), "total": result.examined})  # fmt: skip
        else:
            self.stdout.write(_("%(n)d orphaned file(s) removed (%(bytes)d bytes) of %(total)d examined.")
                              % {"n": result.removed, "bytes": result.bytes_freed, "total": result.examined})  # fmt: skip
