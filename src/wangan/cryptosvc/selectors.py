"""Reads of the crypto service, always scoped: to the user (management) or to the calling
application (service calls).  What the caller may not see is "not found"."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from wangan.core.errors import NotFound, ValidationFailed
from wangan.cryptosvc.choices import USABLE_FOR_OLD_DATA, KeyStatus
from wangan.cryptosvc.errors import KeyNotFound, KeyUnusable
from wangan.cryptosvc.models import Application, Certificate, Key, UsageCounter
from wangan.cryptosvc.permissions import can_manage, is_org_viewer


def application_list_for(*, user, zone: str = "") -> QuerySet[Application]:
    if can_manage(user):
        qs = Application.objects.all()
    elif is_org_viewer(user):
        qs = Application.objects.filter(organization_id=user.organization_id)
    else:
        return Application.objects.none()
    if zone:
        qs = qs.filter(zone__code=zone)
    return qs.select_related("zone", "organization").order_by("zone__code", "name")


def application_get_for(*, user, pk: int) -> Application:
    app = application_list_for(user=user).filter(pk=pk).first()
    if app is None:
        raise NotFound()
    return app


def key_list_for(*, user, application: Application | None = None) -> QuerySet[Key]:
    """Keys are the security admin's alone (key-management page, key API)."""
    if not can_manage(user):
        return Key.objects.none()
    qs = Key.objects.select_related("application", "application__zone")
    if application is not None:
        qs = qs.filter(application=application)
    return qs.order_by("application__zone__code", "application__name", "purpose", "key_id", "-version")


def key_get_for(*, user, pk: int) -> Key:
    key = key_list_for(user=user).filter(pk=pk).first()
    if key is None:
        raise NotFound()
    return key


def certificate_list_for(*, user) -> QuerySet[Certificate]:
    if can_manage(user):
        qs = Certificate.objects.all()
    elif is_org_viewer(user):
        qs = Certificate.objects.filter(organization_id=user.organization_id)
    else:
        return Certificate.objects.none()
    return qs.select_related("organization").order_by("-created_at")


def certificate_get_for(*, user, pk: int) -> Certificate:
    cert = certificate_list_for(user=user).filter(pk=pk).first()
    if cert is None:
        raise NotFound()
    return cert


# --- service calls: keys of the calling application only --------------------------------------
def service_key_for(*, application: Application, purpose: str, key_id: str | None = None,
                    version: int | None = None, for_new_data: bool) -> Key:  # fmt: skip
    """The key version to use.  New signatures/ciphertexts need the active version; verifying and
    decrypting accept retired versions too (rotation keeps old data readable)."""
    qs = Key.objects.filter(application=application, purpose=purpose)
    if key_id:
        qs = qs.filter(key_id=key_id)
    if version is not None:
        key = qs.filter(version=version).first()
    elif for_new_data or not key_id:
        key = qs.filter(status=KeyStatus.ACTIVE).order_by("-created_at").first()
        if key is None:
            key = qs.order_by("-created_at", "-version").first()  # to report below why it is unusable
    else:
        key = qs.filter(status=KeyStatus.ACTIVE).first() or qs.order_by("-version").first()
    if key is None:
        raise KeyNotFound(_("No such key for this application."))
    allowed = (KeyStatus.ACTIVE,) if for_new_data else USABLE_FOR_OLD_DATA
    if key.status not in allowed:
        raise KeyUnusable(
            _("The key %(key)s version %(version)s is %(status)s.")
            % {"key": key.key_id, "version": key.version, "status": key.get_status_display()},
            code=f"KEY_{key.status.upper()}",
        )
    return key


def service_key_versions_for(*, application: Application, purpose: str, key_id: str) -> list[Key]:
    """Every usable version of a key, newest first (verification without a version)."""
    return list(
        Key.objects.filter(application=application, purpose=purpose, key_id=key_id, status__in=USABLE_FOR_OLD_DATA)
        .order_by("-version")
    )


# --- usage ------------------------------------------------------------------------------------
def _month_bounds(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(p) for p in month.split("-"))
        start = date(year, mon, 1)
    except (ValueError, TypeError):
        raise ValidationFailed(_("Give the month as YYYY-MM."), code="MONTH_INVALID") from None
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def usage_monthly_for(*, user, month: str, zone: str = "") -> list[dict]:
    """Per application and zone: operations and bytes by operation in the month, for the contract's
    monthly scoring of items 13, 14, 17 and 18 (seed 004 附件7: "每月考核一次")."""
    start, end = _month_bounds(month)
    apps = application_list_for(user=user, zone=zone)
    rows = (
        UsageCounter.objects.filter(application__in=apps, day__gte=start, day__lt=end)
        .values("application_id", "application__name", "application__organization__name", "zone__code", "operation")
        .annotate(count=Sum("count"), bytes=Sum("bytes"))
        .order_by("zone__code", "application__name", "operation")
    )
    out: dict[int, dict] = {}
    for r in rows:
        entry = out.setdefault(r["application_id"], {
            "application_id": r["application_id"], "application": r["application__name"],
            "organization": r["application__organization__name"], "zone": r["zone__code"], "month": month,
            "operations": {}, "total_count": 0, "total_bytes": 0,
        })  # fmt: skip
        entry["operations"][r["operation"]] = {"count": r["count"], "bytes": r["bytes"]}
        entry["total_count"] += r["count"]
        entry["total_bytes"] += r["bytes"]
    return list(out.values())


def usage_zone_totals_for(*, user, month: str) -> list[dict]:
    """Per zone and operation: the month's totals (one line per zone of the scoring sheet)."""
    start, end = _month_bounds(month)
    apps = application_list_for(user=user)
    return list(
        UsageCounter.objects.filter(application__in=apps, day__gte=start, day__lt=end)
        .values("zone__code", "operation").annotate(count=Sum("count"), bytes=Sum("bytes"))
        .order_by("zone__code", "operation")
    )

