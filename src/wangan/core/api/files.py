"""Files API: upload, read the metadata, download — scoped to the caller's organization."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.core.files import (
    file_check_request_size,
    file_get_for,
    file_open_for_download,
    file_response,
    file_store,
)


class FileUploadInputSerializer(serializers.Serializer):
    # Empty files reach the service, which refuses them with its own code (FILE_EMPTY).
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    purpose = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class FileOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sm3 = serializers.CharField()
    content_type = serializers.CharField()
    purpose = serializers.CharField()
    created_at = serializers.DateTimeField()


_ERROR = inline_serializer(
    name="FileError", fields={"code": serializers.CharField(), "message": serializers.CharField()}
)
_FILE_EXAMPLE = OpenApiExample(
    "Stored file",
    value={
        "id": 42,
        "name": "安全巡检报告-2025-06.pdf",
        "size": 183204,
        "sm3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
        "content_type": "application/pdf",
        "purpose": "deliverable",
        "created_at": "2025-06-30T09:12:44.120Z",
    },
    response_only=True,
)
_NOT_FOUND = OpenApiResponse(
    _ERROR,
    description="No such file in the caller's organization (another organization's file looks the same).",
    examples=[
        OpenApiExample("Not found", value={"code": "NOT_FOUND", "message": "The file does not exist."})
    ],
)


class FileUploadApi(APIView):
    parser_classes = [MultiPartParser]
    http_method_names = ["post", "options"]

    @extend_schema(
        operation_id="files_upload",
        tags=["files"],
        summary="Upload a file for the caller's organization",
        description=(
            "Multipart field `file` (pdf, docx, xlsx, doc, xls, png, jpg, zip, txt, csv, log, gz, json) and an "
            "optional `purpose`. The content must match the extension; archives are checked for zip bombs, "
            "unsafe paths, nesting and encryption. Refusals are 422 with a stable `code`."
        ),
        request={"multipart/form-data": FileUploadInputSerializer},
        responses={
            201: OpenApiResponse(FileOutputSerializer, examples=[_FILE_EXAMPLE]),
            422: OpenApiResponse(
                _ERROR,
                description="Refused: FILE_TOO_LARGE, FILE_EMPTY, FILE_TYPE_NOT_ALLOWED, FILE_CONTENT_MISMATCH, "
                "ARCHIVE_TOO_LARGE, ARCHIVE_RATIO_TOO_HIGH, ARCHIVE_TOO_MANY_FILES, ARCHIVE_UNSAFE_PATH, "
                "ARCHIVE_TOO_DEEP, ARCHIVE_ENCRYPTED, ARCHIVE_CORRUPT, ARCHIVE_UNSUPPORTED_METHOD.",
                examples=[
                    OpenApiExample(
                        "Content does not match the extension",
                        value={
                            "code": "FILE_CONTENT_MISMATCH",
                            "message": "The file content does not match its extension “.pdf”.",
                            "details": {"extension": "pdf", "detected": "image/png"},
                        },
                    ),
                    OpenApiExample(
                        "Zip slip",
                        value={
                            "code": "ARCHIVE_UNSAFE_PATH",
                            "message": "The archive contains an unsafe path “../evil.txt” (absolute, “..”, "
                            "a drive letter, a backslash or a link).",
                        },
                    ),
                ],
            ),
        },
    )
    def post(self, request):
        file_check_request_size(content_length=request.META.get("CONTENT_LENGTH"))
        serializer = FileUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = file_store(
            uploaded_by=request.user,
            organization=request.user.organization,
            upload=serializer.validated_data["file"],
            purpose=serializer.validated_data["purpose"],
        )
        return Response(FileOutputSerializer(stored).data, status=status.HTTP_201_CREATED)


class FileDetailApi(APIView):
    @extend_schema(
        operation_id="files_retrieve",
        tags=["files"],
        summary="Metadata of one file of the caller's organization",
        responses={200: OpenApiResponse(FileOutputSerializer, examples=[_FILE_EXAMPLE]), 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        stored = file_get_for(user=request.user, pk=pk)
        return Response(FileOutputSerializer(stored).data)


class FileDownloadApi(APIView):
    http_method_names = ["get", "options"]  # no HEAD: it would be audited as a download

    def perform_content_negotiation(self, request, force=False):
        # A client asking for application/octet-stream still gets its errors, as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="files_download",
        tags=["files"],
        summary="Download the bytes of one file (audited)",
        description="Sent as an attachment under its original (sanitized) name; every download is audited.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            404: _NOT_FOUND,
        },
    )
    def get(self, request, pk: int):
        stored, handle = file_open_for_download(user=request.user, pk=pk)
        return file_response(stored=stored, handle=handle)
