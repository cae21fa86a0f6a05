"""The application request-signing scheme (HMAC-SM3), shared by the server, the tests and clients.

seed 004 §(二)6 asks to integrate the platform's systems with the signing and encryption services;
each call proves which application sends it, and cannot be replayed:

    X-Wangan-App:        the application key ID (``wa_…``)
    X-Wangan-Timestamp:  Unix seconds; refused when more than 5 minutes off the server clock
    X-Wangan-Nonce:      16–64 characters [A-Za-z0-9_-], never reused by the application
    X-Wangan-Signature:  hex HMAC-SM3(secret, string_to_sign)

    string_to_sign = "WANGAN-HMAC-SM3\\n" METHOD "\\n" PATH[?QUERY] "\\n" TIMESTAMP "\\n" NONCE "\\n"
                     hex(SM3(body))

The secret is the string returned once when the application is registered or its credentials are
rotated, used as UTF-8 bytes.
"""

from __future__ import annotations

import re
import secrets
import time

from wangan.engines import gm

SCHEME = "WANGAN-HMAC-SM3"
HEADER_APP = "X-Wangan-App"
HEADER_TIMESTAMP = "X-Wangan-Timestamp"
HEADER_NONCE = "X-Wangan-Nonce"
HEADER_SIGNATURE = "X-Wangan-Signature"
MAX_SKEW_SECONDS = 300
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def string_to_sign(*, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([SCHEME, method.upper(), path, timestamp, nonce, gm.sm3(body).hex()]).encode()


def compute_signature(*, secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = string_to_sign(method=method, path=path, timestamp=timestamp, nonce=nonce, body=body)
    return gm.hmac_sm3(secret.encode(), message).hex()


def signed_headers(
    *, app_key: str, secret: str, method: str, path: str, body: bytes = b"", timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers a client sends (``path`` includes the query string, exactly as requested)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(18)
    sig = compute_signature(secret=secret, method=method, path=path, timestamp=ts, nonce=nonce, body=body)
    return {HEADER_APP: app_key, HEADER_TIMESTAMP: ts, HEADER_NONCE: nonce, HEADER_SIGNATURE: sig}
