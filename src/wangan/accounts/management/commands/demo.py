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
