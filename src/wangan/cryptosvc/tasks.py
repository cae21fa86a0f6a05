"""Periodic jobs of the crypto service (declared in ``wangan.celery``'s beat schedule by the lead)."""

from __future__ import annotations

from celery import shared_task

from wangan.cryptosvc import certificates, services


@shared_task(name="cryptosvc.nonce_purge", ignore_result=True)
def nonce_purge_task() -> int:
    return services.nonce_purge()


@shared_task(name="cryptosvc.certificate_expiry_remind", ignore_result=True)
def certificate_expiry_remind_task() -> int:
    return certificates.certificate_expiry_remind()
