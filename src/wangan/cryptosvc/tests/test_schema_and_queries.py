"""The OpenAPI schema documents the crypto API; list endpoints run a fixed number of queries."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from wangan.cryptosvc import services

pytestmark = pytest.mark.django_db


def test_schema_documents_every_crypto_endpoint_with_the_app_signature():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/crypto/")}
    for name in ("sign/", "sign/batch/", "verify/", "encrypt/", "decrypt/", "digest/", "hmac/", "timestamp/",
                 "timestamp/verify/", "applications/", "certificates/", "usage/", "ca/crl/"):  # fmt: skip
        assert f"/api/v1/crypto/{name}" in paths, name
    sign = paths["/api/v1/crypto/sign/"]["post"]
    assert sign["security"] == [{"AppHmacSm3": []}]
    assert "examples" in sign["requestBody"]["content"]["application/json"]
    assert "application/timestamp-query" in paths["/api/v1/crypto/timestamp/"]["post"]["requestBody"]["content"]
    assert "AppHmacSm3" in schema["components"]["securitySchemes"]


def test_application_list_query_count_does_not_grow(client, security_admin, app_org, internet,
                                                    django_assert_max_num_queries):  # fmt: skip
    client.force_login(security_admin)
    services.application_register(actor=security_admin, organization=app_org, zone=internet, name="a", with_keys=False)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/crypto/applications/")
    for i in range(5):
        services.application_register(actor=security_admin, organization=app_org, zone=internet, name=f"b{i}",
                                      with_keys=False)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/crypto/applications/").json()) == 6
