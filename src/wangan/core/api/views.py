"""Core API: the caller's inbox and (for the audit admin only) the audit trail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.core import selectors
from wangan.core.errors import NotFound
from wangan.core.models import AuditEvent, Notification
from wangan.core.notify import notification_mark_read


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "link", "created_at", "read_at"]


class AuditEventOut(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "actor_name", "organization_name", "role", "action", "object_type", "object_id",
                  "object_repr", "before", "after", "ip", "outcome", "prev_hash", "hash"]  # fmt: skip


class NotificationListApi(ListAPIView):
    serializer_class = NotificationOut

    @extend_schema(summary="The caller's notifications (newest first); ?unread=1 for unread only")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread") == "1"
        return selectors.notification_list_for(user=self.request.user, unread_only=unread)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOut, summary="Mark one notification read")
    def post(self, request, pk: int):
        note = selectors.notification_get_for(user=request.user, pk=pk)
        notification_mark_read(user=request.user, ids=[note.pk])
        note.refresh_from_db()
        return Response(NotificationOut(note).data)


class AuditEventListApi(ListAPIView):
    serializer_class = AuditEventOut

    @extend_schema(summary="Audit trail (audit administrator only); filters: action, actor, object_type, object_id")
    def get(self, request, *args, **kwargs):
        if getattr(request.user, "platform_role", "") != "audit_admin":
            raise NotFound()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return selectors.audit_event_list_for(
            user=self.request.user, action=p.get("action", ""), actor=p.get("actor", ""),
            object_type=p.get("object_type", ""), object_id=p.get("object_id", ""), outcome=p.get("outcome", ""),
        )  # fmt: skip
