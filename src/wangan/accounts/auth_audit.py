"""Wires Django's logout signal to the audit trail (the one signal receiver we allow)."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from wangan.core.audit import audit_record
from wangan.core.middleware import client_ip


@receiver(user_logged_out, dispatch_uid="wangan.audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, ip=client_ip(request) if request else None)
