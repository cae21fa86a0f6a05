"""Application reads, scoped: the applicant organization sees its own; assigned reviewers see the
submitted applications of their types; nobody else sees a form (public notices show a summary)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wangan.core.errors import NotFound
from wangan.filings.choices import REVIEWING_STATUSES, AssignmentRole, Status
from wangan.filings.models import Application, ExpertScore, Objection, Qualification, StageAssignment
from wangan.filings.permissions import assigned_types


def application_list_for(*, user, type_code: str = "", status: str = "", text: str = "") -> QuerySet[Application]:
    if not user.is_authenticated or user.platform_role:
        return Application.objects.none()
    visible = Q(organization_id=user.organization_id)
    types = assigned_types(user)
    if types:
        visible |= Q(type_code__in=types) & ~Q(status__in=[Status.DRAFT, Status.WITHDRAWN])
    qs = Application.objects.filter(visible).select_related("organization")
    if type_code:
        qs = qs.filter(type_code=type_code)
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(Q(reference__icontains=text) | Q(title__icontains=text) | Q(organization__name__icontains=text))
    return qs.order_by("-updated_at")


def application_get_for(*, user, pk: int) -> Application:
    app = application_list_for(user=user).filter(pk=pk).first()
    if app is None:
        raise NotFound()
    return app


def review_queue_for(*, user, type_code: str = "", stage: str = "", text: str = "") -> QuerySet[Application]:
    """Applications waiting at a stage the user is assigned to — for an expert, only until they scored."""
    if not user.is_authenticated or user.platform_role:
        return Application.objects.none()
    mine = StageAssignment.objects.filter(user_id=user.pk, type_code=OuterRef("type_code"), stage=OuterRef("stage"))
    scored = ExpertScore.objects.filter(application=OuterRef("pk"), stage=OuterRef("stage"), expert_id=user.pk)
    non_expert = mine.exclude(role=AssignmentRole.EXPERT)
    qs = (
        Application.objects.filter(status__in=REVIEWING_STATUSES)
        .annotate(as_actor=Exists(non_expert), as_expert=Exists(mine.filter(role=AssignmentRole.EXPERT)),
                  has_scored=Exists(scored))  # fmt: skip
        .filter(Q(as_actor=True) | Q(as_expert=True, has_scored=False))
        .select_related("organization")
    )
    if type_code:
        qs = qs.filter(type_code=type_code)
    if stage:
        qs = qs.filter(stage=stage)
    if text:
        qs = qs.filter(Q(reference__icontains=text) | Q(organization__name__icontains=text) | Q(title__icontains=text))
    return qs.order_by("submitted_at", "pk")


def public_notice_list() -> QuerySet[Application]:
    """Applications in their public notice period (visible to every signed-in user)."""
    return (
        Application.objects.filter(status=Status.IN_REVIEW, notice_ends_at__gt=timezone.now())
        .select_related("organization")
        .order_by("notice_ends_at")
    )


def public_notice_get(*, pk: int) -> Application:
    app = public_notice_list().filter(pk=pk).first()
    if app is None:
        raise NotFound()
    return app


def objection_get_for(*, user, pk: int) -> Objection:
    obj = Objection.objects.select_related("application").filter(pk=pk).first()
    if obj is None or not application_list_for(user=user).filter(pk=obj.application_id).exists():
        raise NotFound()
    return obj


def qualification_active(*, organization_id: int, kind: str) -> Qualification | None:
    """The organization's valid qualification of ``kind`` (used by the voucher programme)."""
    today = timezone.localdate()
    return (
        Qualification.objects.filter(organization_id=organization_id, kind=kind, is_active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("-granted_at")
        .first()
    )
