"""``wangan calendar add|between|is-working|year|import``: the working-day calendar for operators."""

from __future__ import annotations

import argparse
import getpass
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from wangan.core import workcal
from wangan.core.errors import DomainError

# A fixed token, not translated: scripts read `add` and `between` output (`2027-02-18 (provisional)`).
PROVISIONAL_SUFFIX = " (provisional)"


def _date_arg(raw: str) -> date:
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(_("%(value)r is not a date; use YYYY-MM-DD.") % {"value": raw})


def _int_arg(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)r is not a whole number.") % {"value": raw}) from None


def _year_arg(raw: str) -> int:
    value = _int_arg(raw)
    if not 1900 <= value <= 2999:
        raise argparse.ArgumentTypeError(_("%(value)r is not a year.") % {"value": raw})
    return value


def _operator() -> str:
    """Who ran the command, for the audit trail (no web user behind a CLI write)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def _source_label(source: str) -> str:
    return {
        "official": _("official schedule"),
        "admin": _("admin-entered schedule"),
        "provisional": _("provisional: statutory holidays only"),
    }[source]


def _year_label(status: str) -> str:
    return {
        "official": _("official (packaged State Council schedule)"),
        "admin": _("admin (schedule entered by an administrator)"),
        "provisional": _(
            "provisional (no official schedule: statutory holidays only, make-up working days unknown)"
        ),
    }[status]


class Command(BaseCommand):
    # Help texts stay plain English like Django's own commands: argparse cannot format lazy strings.
    # A quick operator tool: `wangan check` runs the system checks, not every calendar query.
    requires_system_checks = []
    help = "Working-day calendar: add or count working days, check a day, show or import a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("add", help="the N-th working day after DATE (DATE itself not counted)")
        p.add_argument("start", type=_date_arg, metavar="DATE")
        p.add_argument("n", type=_int_arg, metavar="N")
        p = sub.add_parser("between", help="working days in (A, B]; negative if B is before A")
        p.add_argument("a", type=_date_arg, metavar="A")
        p.add_argument("b", type=_date_arg, metavar="B")
        p = sub.add_parser("is-working", help="whether DATE is a working day, and why")
        p.add_argument("day", type=_date_arg, metavar="DATE")
        p = sub.add_parser("year", help="how YEAR is scheduled and its non-standard days")
        p.add_argument("year", type=_year_arg, metavar="YEAR")
        p = sub.add_parser(
            "import",
            help="replace one year's admin schedule with FILE.csv (date,is_working,name)",
        )
        p.add_argument("file", metavar="FILE.csv")
        p.add_argument(
            "--year", type=_year_arg, dest="import_year", metavar="YEAR", help="the year the file is for"
        )
        p.add_argument("--dry-run", action="store_true", help="check the file, change nothing")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            lines = [exc.message, *(f"  {d}" for d in (exc.details or []))]
            raise CommandError("\n".join(lines)) from exc

    def _add(self, *, start: date, n: int, **_options) -> None:
        result = workcal.add_working_days(start, n)
        self.stdout.write(result.date.isoformat() + (PROVISIONAL_SUFFIX if result.is_provisional else ""))

    def _between(self, *, a: date, b: date, **_options) -> None:
        result = workcal.working_days_between(a, b)
        self.stdout.write(str(result.days) + (PROVISIONAL_SUFFIX if result.is_provisional else ""))

    def _is_working(self, *, day: date, **_options) -> None:
        info = workcal.day_info(day)
        verdict = _("working day") if info.is_working else _("day off")
        detail = f" — {info.name}" if info.name else ""
        self.stdout.write(
            f"{day.isoformat()} {WEEKDAYS_ABBR[day.weekday()]}: {verdict}{detail} ({_source_label(info.source)})"
        )

    def _year(self, *, year: int, **_options) -> None:
        self.stdout.write(f"{year}: {_year_label(workcal.year_status(year))}")
        for info in workcal.year_days(year):
            verdict = _("working") if info.is_working else _("off")
            mark = f" [{_('admin')}]" if info.source == "admin" else ""
            name = f"  {info.name}" if info.name else ""
            self.stdout.write(
                f"{info.date.isoformat()} {WEEKDAYS_ABBR[info.date.weekday()]}  {verdict}{name}{mark}"
            )

    def _import(self, *, file: str, import_year: int | None, dry_run: bool, **_options) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        entries = workcal.calendar_csv_parse(data=data)
        year = import_year
        if year is None:
            years = sorted({e.date.year for e in entries})
            if len(years) != 1:
                raise CommandError(
                    _("The file covers the years %(years)s; give --year to say which one it is for.")
                    % {"years": ", ".join(map(str, years)) or "—"}
                )
            year = years[0]
        if dry_run:
            problems = workcal.calendar_year_problems(year=year, entries=entries)
            if problems:
                raise CommandError(
                    "\n".join([_("The file would be refused:"), *(f"  {p}" for p in problems)])
                )
            counts = {"file": file, "count": len(entries), "year": year}
            self.stdout.write(_("%(file)s is valid: %(count)s days for %(year)s.") % counts)
            return
        if workcal.year_status(year) == "official":
            self.stdout.write(
                _("Note: %(year)s is in the packaged official schedule; these rows override it day by day.")
                % {"year": year}
            )
        summary = workcal.calendar_year_import(actor=None, year=year, rows=entries, actor_name=_operator())
        self.stdout.write(
            _("%(year)s: %(added)s added, %(changed)s changed, %(removed)s removed, %(unchanged)s unchanged.")
            % asdict(summary)
        )
        self.stdout.write(f"{year}: {_year_label(workcal.year_status(year))}")
