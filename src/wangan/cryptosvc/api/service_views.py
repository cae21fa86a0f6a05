"""Crypto calls of applications (HMAC-SM3 authenticated): one view per operation.

Each view validates its input (sizes, base64, envelope), charges the application's quota and
counts usage *before* the work, then calls ``operations``.  Batch variants answer one result per
item; an item that fails for its own reason (unknown key, tampered envelope) gets
``{"ok": false, "code", "message"}`` and does not fail the others.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wangan.core.errors import DomainError
from wangan.cryptosvc import operations as ops
from wangan.cryptosvc import services, tsa
from wangan.cryptosvc.api import serializers as s
from wangan.cryptosvc.api.authentication import AppHmacAuthentication, IsApplication
from wangan.cryptosvc.choices import Operation
from wangan.cryptosvc.envelope import b64encode

TAG = ["crypto service"]
ERRORS = {
    400: OpenApiResponse(description="MALFORMED_BASE64, MALFORMED_ENVELOPE, BATCH_EMPTY, DECRYPTION_FAILED, …"),
    401: OpenApiResponse(description="AUTH_HEADERS_MISSING, APP_UNKNOWN, TIMESTAMP_STALE, NONCE_REPLAYED, "
                                     "SIGNATURE_INVALID"),
    403: OpenApiResponse(description="APP_DISABLED"),
    404: OpenApiResponse(description="KEY_NOT_FOUND"),
    409: OpenApiResponse(description="KEY_DISABLED, KEY_DESTROYED, KEY_RETIRED (new data needs the active version)"),
    413: OpenApiResponse(description="PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE"),
    429: OpenApiResponse(description="QUOTA_EXCEEDED"),
}  # fmt: skip
KEY_ID = "k_0123456789abcdef0123"


class AppApi(APIView):
    authentication_classes = [AppHmacAuthentication]
    permission_classes = [IsApplication]
    input_class: type = s.CryptoDigestIn

    def validated(self, request) -> dict:
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def charge(self, request, operation: str, items: int, nbytes: int) -> None:
        services.usage_consume(application=request.auth, operation=operation, items=items, nbytes=nbytes)


def _item_result(fn) -> dict:
    try:
        return {"ok": True, **fn()}
    except DomainError as exc:
        return {"ok": False, "code": exc.code, "message": exc.message}


class DigestApi(AppApi):
    input_class = s.CryptoDigestIn

    @extend_schema(tags=TAG, request=s.CryptoDigestIn, responses={200: s.CryptoDigestOut, **ERRORS}, summary="SM3 digest",
                   examples=[OpenApiExample("abc", value={"data": "YWJj"}, request_only=True),
                             OpenApiExample("digest", response_only=True, value={
                                 "alg": "SM3",
                                 "digest": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"})])  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.DIGEST, 1, len(v["data"]))
        return Response(ops.digest(v["data"]))


class HmacApi(AppApi):
    input_class = s.CryptoHmacIn

    @extend_schema(tags=TAG, request=s.CryptoHmacIn, responses={200: s.CryptoHmacOut, **ERRORS},
                   summary="HMAC-SM3 under the application's data key",
                   examples=[OpenApiExample("message", value={"data": "5Lqk5piT5rWB5rC0"}, request_only=True)])  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.HMAC, 1, len(v["data"]))
        return Response(ops.hmac(ops.keys_for(request.auth), data=v["data"], key_id=v.get("key_id")))


class HmacVerifyApi(AppApi):
    input_class = s.CryptoHmacVerifyIn

    @extend_schema(tags=TAG, request=s.CryptoHmacVerifyIn, responses={200: s.CryptoValidOut, **ERRORS},
                   summary="Check an HMAC-SM3 (a mismatch answers valid: false)")  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.HMAC_VERIFY, 1, len(v["data"]))
        return Response(ops.hmac_verify(ops.keys_for(request.auth), data=v["data"], mac=v["mac"],
                                        key_id=v["key_id"], version=v["version"]))  # fmt: skip


class SignApi(AppApi):
    input_class = s.CryptoSignIn

    @extend_schema(
        tags=TAG, request=s.CryptoSignIn, responses={200: s.CryptoSignOut, **ERRORS},
        summary="SM2 signature (SM2-with-SM3, DER) with the application's active signing key",
        examples=[
            OpenApiExample("sign", value={"data": "6K6i5Y2VIDIwMjYtMDAwMQ==", "key_id": KEY_ID}, request_only=True),
            OpenApiExample("signature", response_only=True, value={
                "alg": "SM2-with-SM3", "key_id": KEY_ID, "version": 1, "signature": "MEUCIQ…"}),
        ],
    )  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.SIGN, 1, len(v["data"]))
        return Response(ops.sign(ops.keys_for(request.auth), data=v["data"], key_id=v.get("key_id"),
                                 uid=v.get("uid")))  # fmt: skip


class SignBatchApi(AppApi):
    input_class = s.CryptoSignBatchIn

    @extend_schema(tags=TAG, request=s.CryptoSignBatchIn, responses={200: s.CryptoBatchOut, **ERRORS},
                   summary=f"Sign up to {ops.MAX_BATCH_ITEMS} messages in one call",
                   examples=[OpenApiExample("two", request_only=True,
                                            value={"items": [{"data": "YQ=="}, {"data": "Yg==", "key_id": KEY_ID}]})])  # fmt: skip
    def post(self, request):
        items = self.validated(request)["items"]
        self.charge(request, Operation.SIGN, len(items), sum(s.item_bytes(i) for i in items))
        keys = ops.keys_for(request.auth)
        return Response({"results": [
            _item_result(lambda i=i: ops.sign(keys, data=i["data"], key_id=i.get("key_id"), uid=i.get("uid")))
            for i in items
        ]})  # fmt: skip


class VerifyApi(AppApi):
    input_class = s.CryptoVerifyIn

    @extend_schema(
        tags=TAG, request=s.CryptoVerifyIn, responses={200: s.CryptoValidOut, **ERRORS},
        summary="Verify an SM2 signature: a tampered message or signature answers valid: false",
        examples=[OpenApiExample("verify", request_only=True, value={
            "data": "6K6i5Y2VIDIwMjYtMDAwMQ==", "signature": "MEUCIQ…", "key_id": KEY_ID, "version": 1})],
    )  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.VERIFY, 1, len(v["data"]))
        return Response(ops.verify(ops.keys_for(request.auth), data=v["data"], signature=v["signature"],
                                   key_id=v["key_id"], version=v.get("version"), uid=v.get("uid")))  # fmt: skip


class VerifyBatchApi(AppApi):
    input_class = s.CryptoVerifyBatchIn

    @extend_schema(tags=TAG, request=s.CryptoVerifyBatchIn, responses={200: s.CryptoBatchOut, **ERRORS},
                   summary="Verify many signatures in one call")  # fmt: skip
    def post(self, request):
        items = self.validated(request)["items"]
        self.charge(request, Operation.VERIFY, len(items), sum(s.item_bytes(i) for i in items))
        keys = ops.keys_for(request.auth)
        return Response({"results": [
            _item_result(lambda i=i: ops.verify(keys, data=i["data"], signature=i["signature"], key_id=i["key_id"],
                                                version=i.get("version"), uid=i.get("uid")))
            for i in items
        ]})  # fmt: skip


class EncryptApi(AppApi):
    input_class = s.CryptoEncryptIn

    @extend_schema(
        tags=TAG, request=s.CryptoEncryptIn, responses={200: s.CryptoEnvelopeOut, **ERRORS},
        summary="SM4-GCM encryption into a self-describing envelope",
        examples=[
            OpenApiExample("encrypt", request_only=True, value={"plaintext": "5Liq5Lq65L+h5oGv"}),
            OpenApiExample("envelope", response_only=True, value={
                "v": 1, "alg": "SM4-GCM", "key_id": KEY_ID, "version": 1, "iv": "AAECAwQFBgcICQoL",
                "tag": "3q2+7wABAgMEBQYHCAkKCw==", "ciphertext": "Zm9vYmFy"}),
        ],
    )  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.ENCRYPT, 1, len(v["plaintext"]))
        return Response(ops.encrypt(ops.keys_for(request.auth), plaintext=v["plaintext"], key_id=v.get("key_id"),
                                    aad=v.get("aad", b"")))  # fmt: skip


class EncryptBatchApi(AppApi):
    input_class = s.CryptoEncryptBatchIn

    @extend_schema(tags=TAG, request=s.CryptoEncryptBatchIn, responses={200: s.CryptoBatchOut, **ERRORS},
                   summary="Encrypt many messages in one call")  # fmt: skip
    def post(self, request):
        items = self.validated(request)["items"]
        self.charge(request, Operation.ENCRYPT, len(items), sum(s.item_bytes(i) for i in items))
        keys = ops.keys_for(request.auth)
        return Response({"results": [
            _item_result(lambda i=i: {"envelope": ops.encrypt(keys, plaintext=i["plaintext"], key_id=i.get("key_id"),
                                                              aad=i.get("aad", b""))})
            for i in items
        ]})  # fmt: skip


def _decrypt(keys, item: dict) -> dict:
    envelope = item["envelope"]
    plaintext = ops.decrypt(keys, envelope=envelope, aad=item.get("aad", b""))
    return {"plaintext": b64encode(plaintext), "key_id": envelope.key_id, "version": envelope.version}


class DecryptApi(AppApi):
    input_class = s.CryptoDecryptIn

    @extend_schema(
        tags=TAG, request=s.CryptoDecryptIn, responses={200: s.CryptoDecryptOut, **ERRORS},
        summary="Open an envelope (retired key versions still decrypt)",
        examples=[OpenApiExample("decrypt", request_only=True, value={"envelope": {
            "v": 1, "alg": "SM4-GCM", "key_id": KEY_ID, "version": 1, "iv": "AAECAwQFBgcICQoL",
            "tag": "3q2+7wABAgMEBQYHCAkKCw==", "ciphertext": "Zm9vYmFy"}})],
    )  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.DECRYPT, 1, len(v["envelope"].ciphertext))
        return Response(_decrypt(ops.keys_for(request.auth), v))


class DecryptBatchApi(AppApi):
    input_class = s.CryptoDecryptBatchIn

    @extend_schema(tags=TAG, request=s.CryptoDecryptBatchIn, responses={200: s.CryptoBatchOut, **ERRORS},
                   summary="Open many envelopes in one call")  # fmt: skip
    def post(self, request):
        items = self.validated(request)["items"]
        self.charge(request, Operation.DECRYPT, len(items), sum(s.item_bytes(i) for i in items))
        keys = ops.keys_for(request.auth)
        return Response({"results": [_item_result(lambda i=i: _decrypt(keys, i)) for i in items]})


class PublicKeyApi(AppApi):
    @extend_schema(tags=TAG, responses={200: s.CryptoPublicKeyOut, **ERRORS}, summary="Public key of a signing key",
                   parameters=[OpenApiParameter("key_id", str), OpenApiParameter("version", int)])  # fmt: skip
    def get(self, request):
        version = request.query_params.get("version")
        return Response(ops.public_key(ops.keys_for(request.auth), key_id=request.query_params.get("key_id") or None,
                                       version=int(version) if version and version.isdigit() else None))  # fmt: skip


class TimestampQueryParser(BaseParser):
    media_type = tsa.CONTENT_TYPE_QUERY

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(tsa.MAX_REQUEST_BYTES + 1) if stream is not None else b""


class TimestampApi(AppApi):
    parser_classes = [TimestampQueryParser]

    @extend_schema(
        tags=TAG, request={tsa.CONTENT_TYPE_QUERY: OpenApiTypes.BINARY},
        responses={(200, tsa.CONTENT_TYPE_REPLY): OpenApiTypes.BINARY, **ERRORS},
        summary="RFC 3161 timestamp (SM3 or SHA-256 imprint; token signed SM2-with-SM3)",
        description="Body: DER TimeStampReq (`openssl ts -query -sha256 …` or with an SM3 imprint). "
                    "A malformed request gets an RFC 3161 rejection with a failInfo, still HTTP 200.",
    )  # fmt: skip
    def post(self, request):
        body = request.data if isinstance(request.data, bytes) else b""
        self.charge(request, Operation.TIMESTAMP, 1, len(body))
        reply, _granted = tsa.timestamp_respond(zone=request.auth.zone, application=request.auth, request_der=body)
        return HttpResponse(reply, content_type=tsa.CONTENT_TYPE_REPLY)


class TimestampVerifyApi(AppApi):
    input_class = s.CryptoTimestampVerifyIn

    @extend_schema(tags=TAG, request=s.CryptoTimestampVerifyIn, responses={200: s.CryptoTimestampVerifyOut, **ERRORS},
                   summary="Verify a timestamp token (and optionally the data or digest it stamps)",
                   examples=[OpenApiExample("verify", request_only=True,
                                            value={"token": "MIIC…", "data": "5ZCI5ZCMIOesrDHniYg="})])  # fmt: skip
    def post(self, request):
        v = self.validated(request)
        self.charge(request, Operation.TIMESTAMP_VERIFY, 1, len(v["token"]))
        digest = bytes.fromhex(v["digest"]) if v.get("digest") else None
        return Response(tsa.timestamp_verify(token_der=v["token"], data=v.get("data"), digest=digest).as_dict())
