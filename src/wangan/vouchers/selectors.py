"""Voucher reads, scoped: an enterprise sees its vouchers, a provider those matched to it, the
authority's programme staff all of them."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from wangan.accounts.models import Organization
from wangan.core.errors import NotFound
from wangan.vouchers import permissions as perms
from wangan.vouchers.choices import PackageStatus, VoucherStatus
from wangan.vouchers.models import ServicePackage, Voucher

UNSIGNED = (VoucherStatus.ISSUED, VoucherStatus.MATCHING, VoucherStatus.AGREEMENT)


def voucher_list_for(*, user, status: str = "", text: str = "") -> QuerySet[Voucher]:
    if not user.is_authenticated or user.platform_role:
        return Voucher.objects.none()
    if perms.is_programme_admin(user):
        qs = Voucher.objects.all()
    else:
        qs = Voucher.objects.filter(Q(enterprise_id=user.organization_id) | Q(provider_id=user.organization_id))
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(enterprise__name__icontains=text))
    return qs.select_related("enterprise", "provider", "package", "programme").order_by("-issued_at", "-id")


def voucher_get_for(*, user, pk: int) -> Voucher:
    v = voucher_list_for(user=user).filter(pk=pk).first()
    if v is None:
        raise NotFound()
    return v


def package_public_list(*, programme=None) -> QuerySet[ServicePackage]:
    """Published packages with their standards and procedures — shown publicly (§四(三)2)."""
    qs = ServicePackage.objects.filter(status=PackageStatus.PUBLISHED).select_related("provider", "programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("provider__name")


def package_for_provider(*, user):
    return ServicePackage.objects.filter(provider_id=user.organization_id).select_related("programme").order_by(
        "-programme__year").first()


def dashboard_figures(*, programme, now=None) -> dict:
    """The authority's dashboard: funnel, per-provider counts and ratings, overdue visits, expiring codes."""
    now = now or timezone.now()
    qs = Voucher.objects.filter(programme=programme)
    funnel = qs.aggregate(
        applied=Count("id"), matched=Count("id", filter=Q(provider__isnull=False)),
        signed=Count("id", filter=Q(signed_at__isnull=False)), deployed=Count("id", filter=Q(manual_sent_at__isnull=False)),
        completed=Count("id", filter=Q(completed_at__isnull=False)), expired=Count("id", filter=Q(status=VoucherStatus.EXPIRED)),
    )  # fmt: skip
    # group by the id (cheap), then name the top 50 in one small query
    providers = list(
        qs.filter(provider__isnull=False).values("provider_id")
        .annotate(vouchers=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)),
                  rating=Avg("rating"))
        .order_by("-vouchers")[:50]
    )  # fmt: skip
    names = dict(Organization.objects.filter(pk__in=[p["provider_id"] for p in providers]).values_list("pk", "name"))
    for row in providers:
        row["provider__name"] = names.get(row["provider_id"], "")
    overdue = list(qs.filter(onsite_requested_at__isnull=False, onsite_done_at__isnull=True, onsite_due_at__lt=now)
                   .select_related("enterprise", "provider").order_by("onsite_due_at")[:50])  # fmt: skip
    expiring = qs.filter(status__in=UNSIGNED, expires_at__lt=now + timedelta(days=30)).count()
    return {"funnel": funnel, "providers": providers, "overdue": overdue, "expiring": expiring}
