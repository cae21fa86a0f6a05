"""`wangan calendar …`: output operators and scripts rely on, and refusals that change nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from wangan.core import workcal
from wangan.core.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db

GOOD_CSV = """date,is_working,name
# 国务院办公厅关于2027年部分节假日安排的通知（虚构示例）
2027-01-01,0,元旦
2027-02-05,off,春节
2027-02-08,off,春节
2027-02-09,off,春节
2027-02-10,off,春节
2027-02-11,off,春节
2027-02-20,1,春节调休上班
"""


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    workcal.workcal_cache_clear()
    with translation.override("en"):
        yield
    workcal.workcal_cache_clear()


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "2026-09-30", "5"), "2026-10-13\n"),
        (("add", "2026-02-13", "1"), "2026-02-14\n"),
        (("add", "2027-02-04", "1"), "2027-02-11 (provisional)\n"),
        (("between", "2026-09-30", "2026-10-13"), "5\n"),
        (("between", "2026-10-13", "2026-09-30"), "-5\n"),
        (("between", "2026-12-31", "2027-01-04"), "1 (provisional)\n"),
    ],
)
def test_add_and_between_print_exactly(args, expected):
    assert run(*args) == expected


def test_is_working_explains_the_day():
    assert (
        run("is-working", "2026-10-10") == "2026-10-10 Sat: working day — National Day (official schedule)\n"
    )
    assert run("is-working", "2027-02-08").startswith("2027-02-08 Mon: day off")
    assert "provisional" in run("is-working", "2027-02-08")


def test_year_shows_status_and_non_standard_days():
    lines = run("year", "2026").splitlines()
    assert lines[0].startswith("2026: official")
    assert "2026-10-10 Sat  working  National Day" in lines
    assert "2026-10-01 Thu  off  National Day" in lines
    assert run("year", "2027").startswith("2027: provisional")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2026-13-01", "5"), "'2026-13-01' is not a date"),
        (("add", "tomorrow", "5"), "'tomorrow' is not a date"),
        (("add", "2026-09-30", "five"), "'five' is not a whole number"),
        (("add", "2026-09-30", "-5"), "must not be negative"),
        (("between", "2026-09-30", "30/10/2026"), "is not a date"),
        (("year", "27"), "'27' is not a year"),
    ],
)
def test_bad_input_is_refused_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_import_enters_a_new_year(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    out = run("import", str(path))
    assert "2027: 7 added, 0 changed, 0 removed, 0 unchanged." in out
    assert out.splitlines()[-1].startswith("2027: admin")
    assert CalendarDay.objects.filter(date__year=2027).count() == 7
    assert run("add", "2027-02-04", "1") == "2027-02-12\n"
    event = AuditEvent.objects.filter(action="calendar.day_set").first()
    assert event.actor_name.startswith("cli")


def test_import_dry_run_changes_nothing(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    assert "7 days for 2027" in run("import", "--dry-run", str(path))
    assert CalendarDay.objects.count() == 0


def test_a_bad_csv_is_refused_whole_with_every_bad_row_listed(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV + "2027-02-31,off,春节\n2027-10-01,perhaps,国庆\n2027-10-02\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("import", str(path))
    message = str(exc.value)
    assert "nothing was imported" in message
    for line in ("line 10", "line 11", "line 12"):
        assert line in message
    assert CalendarDay.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_csv_spanning_years_needs_the_year_and_then_lists_the_strays(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(GOOD_CSV + "2028-01-03,off,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2027, 2028; give --year"):
        run("import", str(path))
    with pytest.raises(CommandError, match="2028-01-03 is not in 2027"):
        run("import", "--year", "2027", str(path))
    assert CalendarDay.objects.count() == 0


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", str(tmp_path / "nope.csv"))


def test_help_lists_every_action():
    from wangan.core.management.commands.calendar import Command

    text = Command().create_parser("wangan", "calendar").format_help()
    for action in ("add", "between", "is-working", "year", "import"):
        assert action in text


def _wangan_script() -> str | None:
    beside = Path(sys.executable).with_name("wangan")
    return str(beside) if beside.exists() else shutil.which("wangan")


@pytest.mark.skipif(_wangan_script() is None, reason="no `wangan` console script installed")
@pytest.mark.skipif(
    not (Path(workcal.__file__).parent / "migrations" / "0001_initial.py").exists(),
    reason="core migrations not generated yet",
)
def test_the_console_script_prints_the_date(tmp_path):
    # A real process on its own embedded database, as an operator would run it.
    env = {**os.environ, "WANGAN_DATA_DIR": str(tmp_path), "WANGAN_ENV": "embedded"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = _wangan_script()
    migrate = subprocess.run(
        [script, "migrate", "--noinput", "--skip-checks"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    done = subprocess.run(
        [script, "calendar", "add", "2026-09-30", "5"], env=env, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, "2026-10-13\n"), done.stderr
    bad = subprocess.run(
        [script, "calendar", "add", "2026-02-30", "5"], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and "2026-02-30" in bad.stderr
