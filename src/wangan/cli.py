"""The ``wangan`` console command.

``wangan run | demo | audit verify | calendar … | <any Django management command>``;
``wangan manage …`` is an explicit alias for the Django commands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        argv = argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wangan", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
