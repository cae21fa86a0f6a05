"""A demo O&M contract shaped like seed 004 (amount 1,719,600) between the demo authority and the demo
provider: the year schedule, two months scored and closed, a few documents handed in (one late) and one
suggested penalty.  Fictitious parties and people only; idempotent (nothing is done if it exists)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from wangan.contracts import documents, services, taskflow
from wangan.contracts.models import Contract, Task
from wangan.core.workcal import add_working_days

NUMBER = "XHGW-2026-AQYW-004"
NAME = "星河示范区中小企业公共服务平台安全运维服务（演示）"
AMOUNT = Decimal("1719600")
TEAM = [  # fictitious people (附件1 项目主要人员名单)
    services.PersonIn("林远舟", "项目经理", "高级工程师", "CISP、PMP"),
    services.PersonIn("周知白", "安全工程师", "工程师", "CISP-PTE"),
    services.PersonIn("唐书遥", "运维工程师", "工程师", "CISP"),
]


def _docx(user, task: Task, index: int) -> SimpleUploadedFile:
    body = documents.deliverable_docx(user=user, task=task, index=index)
    return SimpleUploadedFile(documents.document_filename(task, task.deliverables[index]), body,
                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip


def _hand_in(engineer, task: Task, on: date) -> Task:
    uploads = [(name, _docx(engineer, task, i)) for i, name in enumerate(task.deliverables)]
    return services.task_submit(actor=engineer, task=task, uploads=uploads, today=on)


def _score(reviewer, contract: Contract, year: int, month: int, cuts: dict[str, tuple[str, Decimal]]):
    """Full marks except the (aspect, points deducted) per item code in ``cuts``; then close the month."""
    sheet = services.month_open(actor=reviewer, contract=contract, year=year, month=month)
    weights = {w.item_id: w for w in sheet.scheme.weights.select_related("item")}
    entries = []
    for item_id in sorted(services.scheduled_item_ids(contract, year, month)):
        w = weights[item_id]
        values = {"timeliness": w.max_timeliness, "quality": w.max_quality, "docs": w.max_docs}
        note = ""
        if w.item.code in cuts:
            aspect, points = cuts[w.item.code]
            values[aspect] -= points
            note = "演示：扣分"
        entries.append(services.ScoreIn(item_id, note=note, **values))
    services.month_score(actor=reviewer, sheet=sheet, entries=entries)
    return services.month_close(actor=reviewer, sheet=sheet)


def demo_load() -> str:
    from wangan.accounts.models import Organization, User

    if Contract.objects.filter(number=NUMBER).exists():
        return ""
    client = Organization.objects.filter(name="星河示范区管理委员会").first()
    provider = Organization.objects.filter(name="安澜网络安全技术有限公司").first()
    reviewer = User.objects.filter(username="reviewer", organization=client).first() if client else None
    engineer = (
        User.objects.filter(username="prov_engineer", organization=provider).first() if provider else None
    )
    if not (reviewer and engineer):
        return ""
    today = timezone.localdate()
    # signed on the first working day three months back, so two whole months lie behind us
    first = services.add_months(today.replace(day=1), -3)
    signed_on = add_working_days(first - timedelta(days=1), 1).date
    second = services.add_months(first, 1)
    with transaction.atomic():
        contract = services.contract_create(
            actor=reviewer, number=NUMBER, name=NAME, contractor=provider, amount=AMOUNT, signed_on=signed_on,
            client_lead=reviewer.real_name, client_lead_phone="022-00000000", contractor_lead=TEAM[0].name,
            contractor_lead_phone="022-00000001", personnel=TEAM,
        )  # fmt: skip
        taskflow.schedule_generate_for(actor=reviewer, contract=contract)
        (y1, m1), (y2, m2) = (signed_on.year, signed_on.month), (second.year, second.month)

        def task(code, y, m):
            return Task.objects.get(contract=contract, item__code=code, year=y, month=m)

        inspection = _hand_in(engineer, task("inspection", y1, m1), task("inspection", y1, m1).due_on)
        taskflow.task_accept_for(actor=reviewer, task=inspection)
        _hand_in(
            engineer,
            task("antivirus_update", y1, m1),
            task("antivirus_update", y1, m1).due_on - timedelta(days=2),
        )
        report = Task.objects.get(contract=contract, kind="progress_report", year=y1, month=m1)
        _hand_in(engineer, report, report.due_on - timedelta(days=1))
        late = task("inspection", y2, m2)
        _hand_in(engineer, late, late.due_on + timedelta(days=3))  # three days late
        _score(reviewer, contract, y1, m1, {"inspection": ("quality", Decimal(1))})
        _score(reviewer, contract, y2, m2, {"inspection": ("timeliness", Decimal(2)),
                                            "website_monitoring": ("quality", Decimal("1.5"))})  # fmt: skip
        services.penalty_raise(actor=reviewer, contract=contract, code="G9",
                               evidence=f"{y2}-{m2:02d} 特殊时期现场值守期间无人在岗约 1.5 小时（演示数据）")  # fmt: skip
    return f"contract {NUMBER}: schedule, 2 closed months, 4 documents handed in, 1 suggested penalty"
