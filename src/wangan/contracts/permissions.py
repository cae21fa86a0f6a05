"""Who may act on a contract: the client's (甲方) reviewers/administrators score and decide; the
contractor's (乙方) engineers/administrators deliver.  Platform administrators see no tenant data."""

from __future__ import annotations

CLIENT_ACTING_ROLES = ("org_admin", "reviewer")
CONTRACTOR_ACTING_ROLES = ("org_admin", "engineer")


def _member(user, org_id) -> bool:
    return bool(user is not None and user.is_authenticated and not user.platform_role
                and user.organization_id == org_id)  # fmt: skip


def is_client_side(user, contract) -> bool:
    return _member(user, contract.client_id)


def is_contractor_side(user, contract) -> bool:
    return _member(user, contract.contractor_id)


def can_score(user, contract) -> bool:
    """The authority's staff who judge the contract (第七条(四): 甲方依据办法对服务质量进行评审)."""
    return is_client_side(user, contract) and user.has_org_role(*CLIENT_ACTING_ROLES)


def can_deliver(user, contract) -> bool:
    return is_contractor_side(user, contract) and user.has_org_role(*CONTRACTOR_ACTING_ROLES)


def can_create_contract(user) -> bool:
    return bool(user.is_authenticated and not user.platform_role and user.organization.type == "authority"
                and user.has_org_role(*CLIENT_ACTING_ROLES))  # fmt: skip


def can_request_personnel_change(user, contract) -> bool:
    """第九条(二): the contractor asks to change its team."""
    return can_deliver(user, contract)


def can_decide_personnel_change(user, contract) -> bool:
    """第七条(九)/第九条(二): the authority reviews and approves changes of the team in writing."""
    return can_score(user, contract)


def can_review_acceptance(user, contract) -> bool:
    """第十条(三): the authority's review group judges the year; only the client's reviewers record it."""
    return can_score(user, contract)
