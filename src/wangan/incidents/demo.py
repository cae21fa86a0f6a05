"""Demo incidents for the first O&M contract: a class A and a class B accident, a short outage,
emergency and O&M requests (one with its clock still running), and a declared 重保 period whose duty
roster leaves one 90-minute gap (all fictitious; idempotent; nothing without a contract)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wangan.accounts.models import User
from wangan.contracts import permissions as cperms
from wangan.contracts.models import Contract
from wangan.contracts.services import penalty_scan
from wangan.incidents import services
from wangan.incidents.models import SpecialPeriod

DEMO_PERIOD = "重大活动保障（演示）"


def _actor(org_id: int, roles: tuple[str, ...]) -> User | None:
    return (
        User.objects.filter(organization_id=org_id, is_active=True, org_roles__role__in=roles)
        .order_by("id")
        .first()
    )


def demo_load() -> str | None:
    contract = Contract.objects.order_by("id").first()
    if contract is None:
        return None
    if SpecialPeriod.objects.filter(name=DEMO_PERIOD, declared_by_org_id=contract.client_id).exists():
        return None
    client = _actor(contract.client_id, cperms.CLIENT_ACTING_ROLES)
    provider = _actor(contract.contractor_id, cperms.CONTRACTOR_ACTING_ROLES)
    people = list(contract.personnel.filter(is_active=True)[:2])
    if client is None or provider is None or not people:
        return None
    tz = timezone.get_default_timezone()
    today = timezone.localdate()

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=tz)

    with transaction.atomic():
        a = services.incident_save(actor=client, contract=contract, title="核心业务库数据丢失（演示）", kind="data_loss",
                                   started_at=at(25, 2), ended_at=at(25, 6), data_loss_months=Decimal(4),
                                   is_unrecoverable=True)  # fmt: skip
        b = services.incident_save(actor=provider, contract=contract, title="门户网站服务中断（演示）", kind="outage",
                                   started_at=at(15, 8), ended_at=at(15, 13), people_affected=150,
                                   loss_amount=Decimal("20000"))  # fmt: skip
        services.incident_save(actor=provider, contract=contract, title="数据库连接中断（演示）", kind="outage",
                               started_at=at(12, 21), ended_at=at(12, 21, 50), people_affected=20)  # fmt: skip
        done = services.request_raise(actor=client, contract=contract, description="门户网站无法访问，请立即处置（演示）",
                                      raised_at=at(15, 8, 20), incident=b)  # fmt: skip
        services.request_respond(
            actor=provider, request=done, at=at(15, 9), note="已远程接入排查，定位为负载均衡故障。"
        )
        services.request_recover(actor=provider, request=done, at=at(15, 13), note="切换备用节点后服务恢复。")
        ordinary = services.request_raise(actor=client, contract=contract, description="申请开通运维账号（演示）",
                                          is_emergency=False, raised_at=at(6, 10))  # fmt: skip
        services.request_respond(actor=provider, request=ordinary, at=at(6, 10, 45))
        services.request_recover(actor=provider, request=ordinary, at=at(6, 11, 40))
        services.request_raise(actor=client, contract=contract, description="发现异常登录告警，请核查（演示）",
                               raised_at=timezone.now() - timedelta(minutes=30))  # fmt: skip
        period = services.special_period_declare(actor=client, contract=contract, name=DEMO_PERIOD, level="major",
                                                 starts_on=today - timedelta(days=4), ends_on=today - timedelta(days=2))  # fmt: skip
        first, second = people[0], people[-1]
        # three days of 7×24 duty; on the second morning nobody is planned from 08:00 to 09:30
        plan = [(first, at(4, 0), at(4, 12)), (second, at(4, 12), at(3, 0)), (first, at(3, 0), at(3, 8)),
                (second, at(3, 9, 30), at(2, 0)), (first, at(2, 0), at(2, 12)), (second, at(2, 12), at(1, 0))]  # fmt: skip
        for person, start, end in plan:
            shift = services.shift_save(actor=provider, contract=contract, special_period=period, person=person,
                                        starts_at=start, ends_at=end, post="政务云机房现场值守")  # fmt: skip
            presence = services.attendance_check_in(actor=provider, shift=shift, at=start)
            services.attendance_check_out(actor=provider, attendance=presence, at=end)
        penalty_scan(contract=contract)
    return (f"3 incidents (class {a.level} and {b.level}), 3 requests, the period “{DEMO_PERIOD}” "
            f"from {period.starts_on:%Y-%m-%d} with {len(plan)} shifts and one 90-minute gap")  # fmt: skip
