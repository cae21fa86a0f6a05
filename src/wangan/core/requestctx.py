"""The client address of the request being served, for audit rows written deep in services.

A context variable (not a thread-local 'current org': scoping is always explicit) holding only the
IP, set by ``ClientAddressMiddleware``.
"""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("wangan_client_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


def set_ip(ip: str | None):
    return _ip.set(ip)


def reset_ip(token) -> None:
    _ip.reset(token)
