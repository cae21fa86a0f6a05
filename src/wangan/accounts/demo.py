"""Fictitious demo organizations and users of every type and role — idempotent.

None of these names, numbers or people exist; seed documents' real names are never reused.
"""

from __future__ import annotations

import pyotp
from django.db import transaction
from django.utils import timezone

from wangan.accounts.choices import OrgRole, OrgStatus, OrgType, PlatformRole
from wangan.accounts.models import Organization, User, UserRole
from wangan.core.audit import audit_record

DEMO_PASSWORD = "Wangan@2026demo"  # noqa: S105 - fictitious demo accounts, documented in README

ORGANIZATIONS = [
    # name, type, credit code (fictitious, well-formed)
    ("星河示范区管理委员会", OrgType.AUTHORITY, "11120000MB0000001X"),
    ("星河云帆科技有限公司", OrgType.ENTERPRISE, "91120000MA0000002A"),
    ("青禾数据服务有限公司", OrgType.ENTERPRISE, "91120000MA0000003B"),
    ("安澜网络安全技术有限公司", OrgType.PROVIDER, "91120000MA0000004C"),
    ("星河示范区政务数据中心", OrgType.DEPARTMENT, "11120000MB0000005D"),
    ("星河网络安全产业园运营有限公司", OrgType.PARK, "91120000MA0000006E"),
    ("磐石信息安全测评中心", OrgType.SUPPORT_UNIT, "12120000MB0000007F"),
    ("星河区经济和信息化局", OrgType.DEPARTMENT, "11120000MB0000008G"),
    ("星河区人民政府办公室", OrgType.DEPARTMENT, "11120000MB0000009H"),
]

# login, real name, organization index, org roles, platform role
USERS = [
    ("sysadmin", "韩立清", 0, [], PlatformRole.SYSTEM_ADMIN),
    ("secadmin", "闻若松", 0, [], PlatformRole.SECURITY_ADMIN),
    ("auditor", "岑景和", 0, [], PlatformRole.AUDIT_ADMIN),
    ("reviewer", "陆知远", 0, [OrgRole.REVIEWER], ""),
    ("ent_admin", "苏晚晴", 1, [OrgRole.ORG_ADMIN], ""),
    ("ent_staff", "程一舟", 1, [OrgRole.STAFF], ""),
    ("ent2_admin", "许青禾", 2, [OrgRole.ORG_ADMIN], ""),
    ("prov_admin", "贺安澜", 3, [OrgRole.ORG_ADMIN], ""),
    ("prov_engineer", "魏子衡", 3, [OrgRole.ENGINEER], ""),
    ("dept_admin", "沈书言", 4, [OrgRole.ORG_ADMIN], ""),
    ("park_admin", "顾星野", 5, [OrgRole.ORG_ADMIN], ""),
    ("support_admin", "方磐石", 6, [OrgRole.ORG_ADMIN, OrgRole.ENGINEER], ""),
    ("county_reviewer", "梁景行", 7, [OrgRole.STAFF], ""),
    ("county_office", "邵云舟", 8, [OrgRole.STAFF], ""),
    ("expert_a", "杜明远", 6, [OrgRole.ENGINEER], ""),
    ("expert_b", "范清和", 6, [OrgRole.ENGINEER], ""),
    ("expert_c", "姜书白", 0, [], ""),
]



def _demo_secret(username: str) -> str:
    # Stable across runs: derived from the name, so an authenticator set up once keeps working.
    import base64
    import hashlib

    return base64.b32encode(hashlib.new("sm3", f"wangan-demo-{username}".encode()).digest()[:20]).decode()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create (or leave as they are) the demo organizations and users."""
    created = {"organizations": 0, "users": 0}
    orgs: list[Organization] = []
    for name, org_type, code in ORGANIZATIONS:
        org, was_created = Organization.objects.get_or_create(
            name=name,
            defaults={
                "type": org_type, "status": OrgStatus.ACTIVE, "credit_code": code,
                "address": "星河示范区创新大道 100 号", "contact_name": "示例联系人", "contact_phone": "022-00000000",
                "agreement_version": "2024.1", "agreement_accepted_at": timezone.now(), "reviewed_at": timezone.now(),
            },
        )  # fmt: skip
        created["organizations"] += was_created
        orgs.append(org)
    for username, real_name, org_index, roles, platform_role in USERS:
        if User.objects.filter(username=username).exists():
            continue
        org = orgs[org_index]
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, real_name=real_name, organization=org,
            email=f"{username}@demo.wangan.invalid", phone="13800000000", platform_role=platform_role,
            password_changed_at=timezone.now(),
        )  # fmt: skip
        if org.type == OrgType.AUTHORITY:
            user.totp_secret = _demo_secret(username)
            user.totp_confirmed_at = timezone.now()
            user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        created["users"] += 1
    if created["organizations"] or created["users"]:
        audit_record(action="demo.loaded", actor_name="wangan demo", object_type="demo", after=created)
    return created


def demo_totp_code(username: str) -> str:
    """The current code of a demo user's authenticator (demo users only)."""
    if username not in {name for name, *_rest in USERS}:
        raise ValueError(f"{username} is not a demo user")
    return pyotp.TOTP(_demo_secret(username)).now()
