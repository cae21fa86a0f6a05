"""Concurrent confirmations produce exactly one agreement (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from wangan.vouchers import services
from wangan.vouchers.models import Agreement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are real on PostgreSQL only"),
]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # refusals are expected; they are collected
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_both_sides_confirming_at_once_make_one_agreement(enterprise, provider):
    org, admin = enterprise
    porg, padmin, package = provider
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    _race(lambda: services.voucher_confirm(actor=admin, voucher=v), lambda: services.voucher_confirm(actor=admin, voucher=v),
          lambda: services.voucher_confirm(actor=padmin, voucher=v), lambda: services.voucher_confirm(actor=padmin, voucher=v))
    assert Agreement.objects.filter(voucher=v).count() == 1
    v.refresh_from_db()
    assert v.status == "agreement"


def test_two_providers_confirming_the_same_voucher(enterprise, provider, programme):
    from wangan.vouchers.tests.conftest import make_provider

    org, admin = enterprise
    porg, padmin, package = provider
    _o2, other_admin, _p2 = make_provider(programme)
    v = services.voucher_apply(actor=admin, accept_commitment=True)
    v = services.voucher_choose_provider(actor=admin, voucher=v, package=package)
    services.voucher_confirm(actor=admin, voucher=v)
    errors = _race(lambda: services.voucher_confirm(actor=padmin, voucher=v),
                   lambda: services.voucher_confirm(actor=other_admin, voucher=v))
    assert len(errors) == 1 and Agreement.objects.filter(voucher=v).count() == 1
