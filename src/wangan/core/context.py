"""Template context every page needs: unread count and the navigation the user may see."""

from __future__ import annotations


def platform(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from wangan.core.models import Notification

    return {"unread_count": Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()}
