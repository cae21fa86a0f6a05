"""Permission helpers that need no domain app: they read attributes every user object has."""

from __future__ import annotations


def role_label(user) -> str:
    """The user's roles as one audit-friendly string, e.g. ``authority:reviewer``."""
    codes = list(getattr(user, "role_codes", []) or [])
    org = getattr(user, "organization", None)
    prefix = f"{org.type}:" if org is not None else ""
    return prefix + ",".join(codes)
