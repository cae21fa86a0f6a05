"""Who may act on a voucher: the enterprise's and the chosen provider's administrators; the authority."""

from __future__ import annotations

from wangan.vouchers.models import Voucher


def is_enterprise_side(user, voucher: Voucher) -> bool:
    return user.is_authenticated and not user.platform_role and user.organization_id == voucher.enterprise_id


def is_provider_side(user, voucher: Voucher) -> bool:
    return (user.is_authenticated and not user.platform_role and voucher.provider_id is not None
            and user.organization_id == voucher.provider_id)  # fmt: skip


def can_sign_for(user) -> bool:
    """Signing binds the organization: only its administrators sign (§五(四))."""
    return user.is_authenticated and user.has_org_role("org_admin")


def is_programme_admin(user) -> bool:
    """Authority staff running the programme (reviewers of the authority)."""
    return (user.is_authenticated and not user.platform_role and user.organization.type == "authority"
            and user.has_org_role("reviewer"))  # fmt: skip
