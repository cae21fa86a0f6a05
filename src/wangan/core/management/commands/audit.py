from django.core.management.base import BaseCommand, CommandError

from wangan.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools: `wangan audit verify` checks the SM3 chain and reports the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit trail intact: {result.checked} events verified")
            return
        raise CommandError(f"audit trail BROKEN at event #{result.broken_seq}: {result.reason} "
                           f"({result.checked} events verified before it)")
