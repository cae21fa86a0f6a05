"""List pages and dashboards run a fixed number of queries, however many rows there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangan.accounts.choices import OrgRole
from wangan.accounts.tests.factories import OrganizationFactory, UserFactory
from wangan.core.audit import audit_record

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(n: int) -> None:
    for i in range(n):
        org = OrganizationFactory(status="pending" if i % 3 == 0 else "active")
        UserFactory(organization=org, roles=[OrgRole.STAFF, OrgRole.ORG_ADMIN])
        audit_record(action="test.grow", object_type="x", object_id=i)


@pytest.mark.parametrize(
    ("who", "url"),
    [("system_admin", "/"), ("system_admin", "/accounts/organizations/"), ("system_admin", "/accounts/users/"),
     ("security_admin", "/"), ("security_admin", "/accounts/users/"), ("audit_admin", "/"),
     ("audit_admin", "/audit/"), ("reviewer", "/"), ("enterprise_user", "/")],
)  # fmt: skip
def test_query_count_does_not_grow_with_the_data(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    _grow(3)
    small = _queries(client, url)
    _grow(30)
    assert _queries(client, url) == small
    assert small <= 20  # the audit dashboard counts each of 7 days with one indexed query
