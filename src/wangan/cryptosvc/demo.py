"""Demo data: the four systems seed 004 §(二)6 names, registered in both zones (idempotent).

Owned by the demo authority "星河示范区管理委员会" and registered by the demo security admin; their
secrets are not printed (rotate one on the key-management page to call the service by hand)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from wangan.accounts.choices import PlatformRole
from wangan.accounts.models import Organization
from wangan.cryptosvc import services
from wangan.cryptosvc.choices import ZoneCode
from wangan.cryptosvc.models import Application, Zone

OWNER = "星河示范区管理委员会"
SYSTEMS = ["电商系统", "专精特新和创新型企业电子证照", "中小企业公共服务平台用户中心", "中小企业多维分析系统"]


@transaction.atomic
def demo_load() -> str:
    owner = Organization.objects.filter(name=OWNER).first()
    actor = get_user_model().objects.filter(platform_role=PlatformRole.SECURITY_ADMIN, is_active=True).first()
    if owner is None or actor is None:
        return ""
    created = 0
    for code in ZoneCode.values:
        zone = Zone.objects.get(code=code)
        for name in SYSTEMS:
            if Application.objects.filter(zone=zone, name=name).exists():
                continue
            services.application_register(actor=actor, organization=owner, zone=zone, name=name)
            created += 1
    return f"{created} crypto applications registered" if created else ""
