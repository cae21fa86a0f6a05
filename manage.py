#!/usr/bin/env python
"""Django's manage.py; operators use the `wangan` command, which is the same thing."""

import sys

from wangan.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]]))
