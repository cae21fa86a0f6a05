"""Recording a contract on its page, generating the year schedule, the list and the detail hub."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from wangan.accounts.choices import OrgRole, OrgType
from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
from wangan.contracts import services
from wangan.contracts.models import Contract, Task
from wangan.contracts.tests.factories import full_marks, make_contract

pytestmark = pytest.mark.django_db


def _form(org, **over):
    data = {"number": "XH-2026-011", "name": "示范平台安全运维服务", "contractor": org.pk, "amount": "1,719,600",
            "signed_on": "2026-03-03", "client_lead": "测试甲", "client_lead_phone": "010-00000000",
            "contractor_lead": "测试乙", "contractor_lead_phone": "010-00000001", "penalty_base": "",
            "p0_name": "测试项目经理", "p0_role": "项目经理", "p0_qual": "CISP", "p2_name": "测试工程师",
            "p2_title": "工程师"}  # fmt: skip
    return data | over


def test_authority_records_a_contract_with_its_team(client, parties):
    reviewer, engineer = parties
    client.force_login(reviewer)
    page = client.get(reverse("contracts:create"))
    assert page.status_code == 200 and engineer.organization.name in page.content.decode()
    response = client.post(reverse("contracts:create"), _form(engineer.organization), follow=True)
    contract = Contract.objects.get(number="XH-2026-011")
    assert response.redirect_chain[-1][0] == reverse("contracts:detail", args=[contract.pk])
    body = response.content.decode()
    assert body.count("人民币壹佰柒拾壹万玖仟陆佰元整") == 2  # in the message and on the record
    assert (contract.amount, contract.service_end, contract.bond_amount) == (Decimal("1719600.00"), date(2027, 3, 2),
                                                                             Decimal("171960.00"))  # fmt: skip
    assert contract.client == reviewer.organization and contract.penalty_base is None
    assert [(p.name, p.project_role, p.title) for p in contract.personnel.all()] == [
        ("测试项目经理", "项目经理", ""), ("测试工程师", "", "工程师")]  # fmt: skip
    assert 'data-testid="generate-schedule"' in body


def test_amount_preview_shows_the_chinese_capitals(client, parties):
    client.force_login(parties[0])
    url = reverse("contracts:amount_upper")
    assert "人民币壹佰贰拾万零叁仟柒佰贰拾元整" in client.get(url, {"amount": "1,203,720"}).content.decode()
    assert (
        'data-testid="amount-upper"><span class="text-secondary">'
        in client.get(url, {"amount": "abc"}).content.decode()
    )


@pytest.mark.parametrize(("over", "message"), [
    ({"amount": "abc"}, "The amount must be a positive number."),
    ({"amount": "-5"}, "The amount must be a positive number."),
    ({"signed_on": "2026-02-30"}, "Enter the signing date"),
    ({"number": "HT-2026-004"}, "A contract with this number exists already."),
    ({"penalty_base": "十万"}, "The penalty base must be a number."),
    ({"contractor": "enterprise"}, "The contractor must be a security service provider."),
])  # fmt: skip
def test_bad_input_is_refused_with_reasons_and_records_nothing(
    client, contract, parties, settings, over, message
):
    settings.LANGUAGE_CODE = "en"
    reviewer, engineer = parties
    if over.get("contractor") == "enterprise":
        over = {"contractor": OrganizationFactory(type=OrgType.ENTERPRISE).pk}
    client.force_login(reviewer)
    response = client.post(
        reverse("contracts:create"), _form(engineer.organization, **over), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Contract.objects.count() == 1  # only the fixture's
    assert 'value="示范平台安全运维服务"' in response.content.decode()  # what was typed is kept


def test_only_the_authoritys_acting_staff_may_record_contracts(client, parties):
    reviewer, engineer = parties
    for user in (
        engineer,
        UserFactory(organization=reviewer.organization, roles=[OrgRole.STAFF], with_totp=True),
    ):
        client.force_login(user)
        assert client.get(reverse("contracts:create")).status_code == 404
        assert client.post(reverse("contracts:create"), _form(engineer.organization)).status_code == 404
    assert not Contract.objects.exists()


def test_the_year_schedule_is_generated_once_by_the_authority(client, parties):
    reviewer, engineer = parties
    contract = make_contract(reviewer, engineer, schedule=False)
    url = reverse("contracts:schedule_generate", args=[contract.pk])
    client.force_login(engineer)
    client.post(url)
    assert not contract.tasks.exists()
    client.force_login(reviewer)
    assert client.post(url).url == reverse("contracts:schedule", args=[contract.pk])
    count = contract.tasks.count()
    assert count > 12 * 10 and contract.tasks.filter(kind="progress_report").count() == 12
    client.post(url, follow=True)
    assert contract.tasks.count() == count


def test_detail_is_a_hub_with_the_months_totals_and_grades(client, contract, parties):
    reviewer = parties[0]
    sheet = services.month_open(actor=reviewer, contract=contract, year=2026, month=3)
    services.month_score(actor=reviewer, sheet=sheet, entries=full_marks(contract, sheet))
    services.month_close(actor=reviewer, sheet=sheet)
    client.force_login(reviewer)
    body = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    for tab in ("tab-overview", "tab-schedule", "tab-penalties"):
        assert f'data-testid="{tab}"' in body
    march = body.split('data-testid="month-2026-3"')[1].split("</tr>")[0]
    assert 'data-testid="month-total">100.00<' in march and 'data-grade="excellent"' in march
    assert 'data-testid="year-score">100.00<' in body and 'data-grade="excellent"' in body
    assert body.count('data-testid="month-link-') == 12
    listed = body.split('data-testid="open-tasks"')[1].split("</ul>")[0]
    open_urls = {reverse("contracts:task", args=[pk]) for pk in Task.objects.filter(contract=contract, status="open")
                 .values_list("pk", flat=True)}  # fmt: skip
    links = [x.split('"')[0] for x in listed.split('href="')[1:]]
    assert (
        len(links) == 10 and set(links) <= open_urls and "…" in listed
    )  # the first ten, linked to their pages


def test_list_and_detail_queries_stay_flat(client, parties, django_assert_max_num_queries):
    reviewer, engineer = parties
    make_contract(reviewer, engineer, number="A-1")
    client.force_login(reviewer)
    with django_assert_max_num_queries(10) as few:
        assert client.get(reverse("contracts:list")).status_code == 200
    for n in range(2, 6):
        make_contract(reviewer, engineer, number=f"A-{n}", schedule=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("contracts:list")).content.decode()
    assert body.count('data-testid="contract-link"') == 5
    contract = Contract.objects.get(number="A-1")
    with django_assert_max_num_queries(22):
        assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
