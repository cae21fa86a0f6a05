"""Filings API: one view per operation, scoped by selectors, writes through services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.filings import selectors, services
from wangan.filings.models import Application, Attachment, LogEntry
from wangan.filings.spec import REGISTRY


class AttachmentOut(serializers.ModelSerializer):
    name = serializers.CharField(source="file.original_name")
    sm3 = serializers.CharField(source="file.sm3")

    class Meta:
        model = Attachment
        fields = ["id", "slot", "name", "sm3", "document_date", "valid_until", "created_at"]


class LogOut(serializers.ModelSerializer):
    class Meta:
        model = LogEntry
        fields = ["action", "stage", "actor_name", "comment", "data", "created_at"]


class ApplicationOut(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = Application
        fields = ["id", "reference", "type_code", "title", "organization", "year", "status", "stage",
                  "submitted_at", "decided_at", "notice_ends_at", "construction_ends_at", "updated_at"]  # fmt: skip


class ApplicationDetailOut(ApplicationOut):
    attachments = AttachmentOut(many=True, read_only=True)
    log = LogOut(many=True, read_only=True)

    class Meta(ApplicationOut.Meta):
        fields = [*ApplicationOut.Meta.fields, "values", "commitments", "returned_paths", "field_comments",
                  "attachments", "log"]  # fmt: skip


class CreateIn(serializers.Serializer):
    type_code = serializers.CharField(max_length=40)


class SaveIn(serializers.Serializer):
    values = serializers.DictField(child=serializers.DictField(), required=False, default=dict)
    accept = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)


class AttachmentIn(serializers.Serializer):
    slot = serializers.CharField(max_length=40)
    file = serializers.FileField()
    document_date = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class ReviewIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=["pass", "return", "reject"])
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    paths = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    comments = serializers.DictField(child=serializers.CharField(max_length=2000), required=False, default=dict)
    checklist = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False, default=list)


class ScoreIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    opinion = serializers.CharField(max_length=5000)
    recommend = serializers.BooleanField()
    no_conflict = serializers.BooleanField()


class TypeListApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Application types with their sections, tables, attachments and stages")
    def get(self, request):
        def item(i):
            base = {"key": i.key, "label": str(i.label)}
            if hasattr(i, "columns"):
                return base | {"table": True, "columns": [item(c) for c in i.columns], "min_rows": i.min_rows,
                               "fixed_rows": [str(r) for r in i.fixed_rows]}  # fmt: skip
            return base | {"kind": i.kind, "required": i.required, "max_length": i.max_length,
                           "choices": [[c, str(label)] for c, label in i.choices]}  # fmt: skip

        return Response([{
            "code": t.code, "label": str(t.label), "applicant_org_types": list(t.applicant_org_types),
            "sections": [{"key": s.key, "label": str(s.label), "items": [item(i) for i in s.items]} for s in t.sections],
            "attachments": [{"key": a.key, "label": str(a.label), "required": a.required, "min_count": a.min_count}
                            for a in t.attachments],
            "commitments": [{"key": c.key, "title": str(c.title), "version": c.version, "text": str(c.text)}
                            for c in t.commitments],
            "stages": [{"key": s.key, "label": str(s.label), "kind": s.kind} for s in t.all_stages()],
        } for t in REGISTRY.all()])  # fmt: skip


class ApplicationListCreateApi(ListAPIView):
    serializer_class = ApplicationOut

    @extend_schema(summary="Applications the caller may see (own organization; assigned reviewers)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return selectors.application_list_for(user=self.request.user, type_code=p.get("type", ""),
                                              status=p.get("status", ""))  # fmt: skip

    @extend_schema(request=CreateIn, responses={201: ApplicationDetailOut}, summary="Start a draft",
                   examples=[OpenApiExample("key park", value={"type_code": "key_park"}, request_only=True)])  # fmt: skip
    def post(self, request):
        data = CreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_create(actor=request.user, type_code=data.validated_data["type_code"])
        return Response(ApplicationDetailOut(app).data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationDetailOut, summary="One application (404 if not visible)")
    def get(self, request, pk: int):
        return Response(ApplicationDetailOut(selectors.application_get_for(user=request.user, pk=pk)).data)

    @extend_schema(request=SaveIn, responses=ApplicationDetailOut, summary="Save draft values and accept commitments",
                   examples=[OpenApiExample("one field", request_only=True,
                                            value={"values": {"basic": {"park_name": "示例网络安全产业园"}}})])  # fmt: skip
    def patch(self, request, pk: int):
        app = selectors.application_get_for(user=request.user, pk=pk)
        data = SaveIn(data=request.data)
        data.is_valid(raise_exception=True)
        app, notes = services.application_save(actor=request.user, application=app, **data.validated_data)
        return Response(ApplicationDetailOut(app).data | {"notes": notes})


class ApplicationSubmitApi(APIView):
    @extend_schema(request=None, responses=ApplicationDetailOut,
                   summary="Submit; 422 APPLICATION_INCOMPLETE lists every problem with its path")  # fmt: skip
    def post(self, request, pk: int):
        app = selectors.application_get_for(user=request.user, pk=pk)
        return Response(ApplicationDetailOut(services.application_submit(actor=request.user, application=app)).data)


class AttachmentCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": AttachmentIn}, responses={201: AttachmentOut},
                   summary="Add an evidence file to an attachment group")  # fmt: skip
    def post(self, request, pk: int):
        app = selectors.application_get_for(user=request.user, pk=pk)
        data = AttachmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        att = services.attachment_add(actor=request.user, application=app, slot=d["slot"], upload=d["file"],
                                      document_date=d.get("document_date"), valid_until=d.get("valid_until"))  # fmt: skip
        return Response(AttachmentOut(att).data, status=status.HTTP_201_CREATED)


class ReviewQueueApi(ListAPIView):
    serializer_class = ApplicationOut

    @extend_schema(summary="Applications waiting at a stage the caller is assigned to")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.review_queue_for(user=self.request.user, type_code=self.request.query_params.get("type", ""))


class ReviewApi(APIView):
    @extend_schema(request=ReviewIn, responses=ApplicationDetailOut, summary="Pass, return or reject at the current stage")
    def post(self, request, pk: int):
        app = selectors.application_get_for(user=request.user, pk=pk)
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["action"] == "pass":
            app = services.review_pass(actor=request.user, application=app, comment=d["comment"], checklist=d["checklist"])
        elif d["action"] == "return":
            app = services.review_return(actor=request.user, application=app, paths=d["paths"],
                                         comments=d["comments"], comment=d["comment"])  # fmt: skip
        else:
            app = services.review_reject(actor=request.user, application=app, reason=d["comment"])
        return Response(ApplicationDetailOut(app).data)


class ScoreApi(APIView):
    @extend_schema(request=ScoreIn, responses={201: None}, summary="An expert's score at a panel stage")
    def post(self, request, pk: int):
        app = selectors.application_get_for(user=request.user, pk=pk)
        data = ScoreIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.expert_score_submit(actor=request.user, application=app, **data.validated_data)
        return Response(status=status.HTTP_201_CREATED)


