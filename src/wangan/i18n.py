"""Translation catalogs: compile without GNU gettext (polib), and check completeness.

``python -m wangan.i18n compile`` writes .mo files next to the .po files;
``python -m wangan.i18n update`` refreshes the catalog from the source (GNU gettext needed);
``python -m wangan.i18n check`` fails on any untranslated or fuzzy zh-Hans entry, and — where
GNU gettext is installed — on source strings missing from the catalog.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent / "locale"
SRC = Path(__file__).resolve().parent


def compile_all() -> int:
    count = 0
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


def makemessages(locale_dir: Path) -> None:
    """Run Django's makemessages over the source into ``locale_dir`` (needs GNU gettext)."""
    scratch = tempfile.mkdtemp(prefix="wangan-i18n-")  # settings create a data folder; keep it out of src/
    env = dict(os.environ, WANGAN_I18N_WORKDIR=str(locale_dir), DJANGO_SETTINGS_MODULE="wangan.settings",
               WANGAN_DATA_DIR=scratch)
    for domain in ("django", "djangojs"):
        if domain == "djangojs":
            continue  # no translatable JavaScript yet
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "-d", domain, "--no-obsolete",
             "--no-location", "-i", "tests/*", "-i", "*/tests/*", "-i", "engines/*", "-i", "static/*"],
            cwd=SRC, env=env, check=True, capture_output=True,
        )  # fmt: skip
    shutil.rmtree(scratch, ignore_errors=True)


def _missing_from_catalog() -> list[str] | None:
    """Source strings the committed catalog lacks (None when GNU gettext is absent)."""
    if shutil.which("xgettext") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "locale"
        shutil.copytree(LOCALE, work)
        makemessages(work)
        fresh = polib.pofile(str(work / "zh_Hans" / "LC_MESSAGES" / "django.po"))
        return [e.msgid for e in fresh if not e.obsolete and not e.translated() and e.msgid]


def check() -> list[str]:
    problems: list[str] = []
    po_path = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not po_path.exists():
        return [f"missing catalog {po_path}"]
    po = polib.pofile(str(po_path))
    known = {e.msgid for e in po if not e.obsolete}
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
    missing = _missing_from_catalog()
    if missing is None:
        print("i18n: GNU gettext not installed; source strings not compared with the catalog")
    else:
        for msgid in missing:
            if msgid in known:
                continue  # untranslated already reported above
            problems.append(f"not in the zh-Hans catalog (run `make messages`): {msgid!r}")
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        print(f"i18n: {compile_all()} catalog(s) compiled")
        return 0
    if argv[:1] == ["update"]:
        makemessages(LOCALE)
        print("i18n: catalog updated from the source; translate the new entries")
        return 0
    if argv[:1] == ["check"]:
        problems = check()
        for p in problems:
            print(p)
        print(f"i18n: {len(problems)} problem(s)")
        return 1 if problems else 0
    print("usage: python -m wangan.i18n compile|check")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
