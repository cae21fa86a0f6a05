"""Demo programme year, an eligible and a not-yet-eligible enterprise, an approved provider with a
published package (all fictitious; idempotent)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from wangan.accounts.models import Organization, User
from wangan.filings.models import Application, Qualification
from wangan.vouchers.models import (
    CreditCheck,
    EnterpriseProfile,
    EnterpriseQualification,
    ParkArea,
    Programme,
    ServicePackage,
)


def demo_load() -> str:
    today = timezone.localdate()
    programme, created = Programme.objects.get_or_create(
        year=today.year, defaults={"name": f"{today.year}年度企业安全云服务包", "opens_on": date(today.year, 1, 1),
                                   "closes_on": date(today.year, 12, 31)},
    )  # fmt: skip
    ent = Organization.objects.filter(name="星河云帆科技有限公司").first()
    ent2 = Organization.objects.filter(name="青禾数据服务有限公司").first()
    provider = Organization.objects.filter(name="安澜网络安全技术有限公司").first()
    if not (ent and ent2 and provider):
        return ""
    park = ParkArea.objects.order_by("id").first()
    EnterpriseProfile.objects.get_or_create(organization=ent, defaults={
        "park_area": park, "is_independent_legal_person": True, "innovation_score": 72})  # fmt: skip
    EnterpriseProfile.objects.get_or_create(organization=ent2, defaults={
        "park_area": park, "is_independent_legal_person": True, "innovation_score": 45})  # fmt: skip
    if not CreditCheck.objects.filter(organization=ent).exists():
        for source in ("gsxt", "creditchina"):
            CreditCheck.objects.create(organization=ent, source=source, checked_on=today, result="clean",
                                       evidence="演示数据")  # fmt: skip
        EnterpriseQualification.objects.create(organization=ent, kind="tsme", number="DEMO-TSME-0001",
                                               valid_from=today - timedelta(days=200),
                                               valid_until=today + timedelta(days=165))  # fmt: skip
    admin = User.objects.filter(organization=provider, org_roles__role="org_admin").first()
    if admin and not Qualification.objects.filter(organization=provider, kind="voucher_provider").exists():
        app = Application.objects.create(type_code="provider_filing", reference=f"PF{today.year}DEMO0001",
                                         organization=provider, created_by=admin, year=today.year, status="approved",
                                         title="服务机构备案（演示）", decided_at=timezone.now())  # fmt: skip
        Qualification.objects.create(organization=provider, kind="voucher_provider", application=app,
                                     granted_at=timezone.now())  # fmt: skip
    ServicePackage.objects.get_or_create(provider=provider, programme=programme, defaults={
        "title": "安澜企业安全云服务包", "status": "published", "published_at": timezone.now(), "contact": "400-000-0000",
        "service_standards": "7×24小时在线监测；工作日2小时内响应；重大问题当日上门。",
        "service_procedures": "在线签约 → 发送部署手册 → 远程或上门部署 → 出具完成服务报告 → 企业确认与评价。",
    })  # fmt: skip
    return "programme, profiles and a published package" if created else ""
