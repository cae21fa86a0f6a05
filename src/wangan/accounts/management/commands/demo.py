from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wangan.accounts.demo import DEMO_PASSWORD, USERS, demo_load, demo_totp_code


class Command(BaseCommand):
    help = "Create the fictitious demo organizations and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--totp", metavar="LOGIN", help="print the current TOTP code of a demo user")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo data (known passwords) is refused in production")
        if options["totp"]:
            try:
                self.stdout.write(demo_totp_code(options["totp"]))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            return
        created = demo_load()
        self.stdout.write(
            f"demo data: {created['organizations']} organizations and {created['users']} users created "
            f"({len(USERS)} demo users in all; password {DEMO_PASSWORD})"
        )
        # Other apps add their demo data through a ``demo`` module with ``demo_load()``; the
        # accounts app does not import them by name.
        for config in apps.get_app_configs():
            if not config.name.startswith("wangan.") or config.name == "wangan.accounts":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            summary = module.demo_load()
            if summary:
                self.stdout.write(f"demo data ({config.label}): {summary}")
