"""The demo contract: seed-004-shaped, scored, with documents (one late) and a suggested penalty; idempotent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.contracts.models import Contract, PenaltySuggestion

pytestmark = pytest.mark.django_db


def test_demo_contract_is_loaded_once(client):
    from wangan.accounts import demo as accounts_demo
    from wangan.contracts import demo

    assert demo.demo_load() == ""  # no demo organizations yet: nothing to attach to
    accounts_demo.demo_load()
    assert demo.demo_load().startswith("contract ")
    contract = Contract.objects.get(number=demo.NUMBER)
    assert contract.amount == Decimal("1719600.00") and contract.contractor.name == "安澜网络安全技术有限公司"
    assert contract.tasks.count() > 120 and contract.personnel.count() == 3
    closed = list(contract.months.filter(status="closed").order_by("year", "month"))
    assert len(closed) == 2 and all(80 <= m.total < 100 for m in closed)
    handed_in = contract.tasks.exclude(status="open")
    assert handed_in.count() == 4 and handed_in.filter(is_late=True).count() == 1
    assert handed_in.filter(status="accepted").count() == 1
    assert all(t.documents.count() == len(t.deliverables) for t in handed_in)
    assert list(PenaltySuggestion.objects.filter(contract=contract).values_list("code", "status")) == [
        ("G9", "suggested")
    ]

    assert demo.demo_load() == ""
    assert (
        Contract.objects.filter(number=demo.NUMBER).count() == 1
        and contract.tasks.exclude(status="open").count() == 4
    )

    from wangan.accounts.models import User

    client.force_login(User.objects.get(username="reviewer"))
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
