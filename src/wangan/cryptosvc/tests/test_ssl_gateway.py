"""SSL service: TLCP (GM/T 0024) and TLS 1.3 with the RFC 8998 suites, on loopback in front of the
platform, with a certificate pair from the platform CA — handshake, chain verification, a request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wangan.cryptosvc import certificates, pki, tlcp
from wangan.engines import gm

pytestmark = [
    pytest.mark.skipif(not tlcp.available(), reason="tongsuopy (Tongsuo with TLCP) is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pair(security_admin, app_org) -> tlcp.CertPair:
    issued = certificates.certificate_issue_tlcp_pair(actor=security_admin, organization=app_org,
                                                      dns_names=["gm.example.cn"])  # fmt: skip
    return tlcp.CertPair(sign_cert=pki.to_pem(issued["sign"].certificate_der), sign_key=issued["sign_key_pem"],
                         enc_cert=pki.to_pem(issued["enc"].certificate_der), enc_key=issued["enc_key_pem"])  # fmt: skip


@pytest.mark.parametrize(("protocol", "version", "cipher"), [
    ("tlcp", "NTLSv1.1", "ECC-SM2-SM4-GCM-SM3"),
    ("tls13", "TLSv1.3", "TLS_SM4_GCM_SM3"),
])  # fmt: skip
def test_handshake_in_front_of_the_platform(live_server, pair, protocol, version, cipher):
    host, port = live_server.thread.host, live_server.thread.port
    # the client trusts the platform chain (issuing CA + root); the gateway sends the leaf certificates
    trusted = certificates.ca_chain_pem()
    with tlcp.TlcpGateway(pair, upstream=(host, port), protocol=protocol) as gateway:
        request = f"GET /api/v1/crypto/ca/chain/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        result = tlcp.tlcp_request(*gateway.address, request, ca_pem=trusted, server_name="gm.example.cn",
                                   protocol=protocol)  # fmt: skip
    assert (result.version, result.cipher) == (version, cipher)
    assert result.verify_result == 0  # Tongsuo verifies our SM2 chain (signer ID 1234567812345678)
    assert result.response.startswith(b"HTTP/1.1 200") and b"BEGIN CERTIFICATE" in result.response


def test_a_client_that_does_not_trust_the_ca_sees_it(live_server, pair):
    stranger = gm.generate_private_key()
    now = datetime.now(UTC)
    other_root = pki.sign_certificate(issuer=None, self_key=stranger, subject=pki.name(common_name="Other"),
                                      public=stranger.public_key, not_before=now, not_after=now + timedelta(days=1),
                                      extensions=pki.ca_extensions(path_len=1))  # fmt: skip
    upstream = (live_server.thread.host, live_server.thread.port)
    with tlcp.TlcpGateway(pair, upstream=upstream) as gateway, pytest.raises(tlcp.TlcpError):
        tlcp.tlcp_request(*gateway.address, b"GET / HTTP/1.0\r\n\r\n", ca_pem=pki.to_pem(other_root.dump()))
