"""`wangan cryptoapp register|list|purge-nonces`: application access for operators.

``register --as LOGIN`` acts as that security administrator (checked and audited like the page);
the new credential is printed once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wangan.accounts.models import Organization
from wangan.core.errors import DomainError
from wangan.cryptosvc import services
from wangan.cryptosvc.models import Application


class Command(BaseCommand):
    help = "Register crypto-service applications and list them (prints the secret once)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("register")
        p.add_argument("--as", dest="login", required=True, help="login of a security administrator")
        p.add_argument("--organization", required=True, help="organization name")
        p.add_argument("--zone", choices=["internet", "extranet"], required=True)
        p.add_argument("--name", required=True)
        p.add_argument("--quota", type=int, default=100_000)
        sub.add_parser("list")
        sub.add_parser("purge-nonces")

    def handle(self, *args, **o):
        if o["action"] == "list":
            for app in Application.objects.select_related("zone", "organization"):
                self.stdout.write(f"{app.app_key}\t{app.zone.code}\t{app.name}\t{app.organization.name}\t"
                                  f"{'active' if app.is_active else 'disabled'}")  # fmt: skip
            return
        if o["action"] == "purge-nonces":
            self.stdout.write(f"{services.nonce_purge()} nonces purged")
            return
        actor = get_user_model().objects.filter(username=o["login"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {o['login']}")
        org = Organization.objects.filter(name=o["organization"]).first()
        if org is None:
            raise CommandError(f"no organization named {o['organization']}")
        try:
            app, secret = services.application_register(actor=actor, organization=org,
                                                        zone=services.zone_get(o["zone"]), name=o["name"],
                                                        daily_quota=o["quota"])  # fmt: skip
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"app_key={app.app_key}\nsecret={secret}")
