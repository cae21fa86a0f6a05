"""Input and output shapes of the crypto API.  Base64 fields are decoded strictly by ``B64Field``
(bad base64 is ``MALFORMED_BASE64``, too much is ``PAYLOAD_TOO_LARGE`` — never a crash)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangan.cryptosvc import envelope as env
from wangan.cryptosvc import operations as ops
from wangan.cryptosvc.choices import KeyPurpose, RevocationReason, ZoneCode
from wangan.cryptosvc.errors import PayloadTooLarge


@extend_schema_field(OpenApiTypes.BYTE)
class B64Field(serializers.Field):
    """Standard base64 in, bytes out (and bytes → base64 on output)."""

    def __init__(self, *, max_bytes: int = ops.MAX_ITEM_BYTES, **kwargs):
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = env.b64decode(data, field=self.field_name or "data", max_bytes=self.max_bytes)
        if len(value) > self.max_bytes:
            raise PayloadTooLarge()
        return value

    def to_representation(self, value):
        return env.b64encode(value)


class KeyIdField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(regex=env.KEY_ID_RE, max_length=22, **kwargs)


@extend_schema_field({"type": "object", "description": "an envelope as returned by encrypt",
                      "required": ["alg", "key_id", "version", "iv", "tag", "ciphertext"],
                      "properties": {"v": {"type": "integer", "enum": [1]}, "alg": {"type": "string", "enum": ["SM4-GCM"]},
                                     "key_id": {"type": "string"}, "version": {"type": "integer"},
                                     "iv": {"type": "string", "format": "byte"}, "tag": {"type": "string", "format": "byte"},
                                     "ciphertext": {"type": "string", "format": "byte"}}})  # fmt: skip
class EnvelopeField(serializers.Field):
    def to_internal_value(self, data):
        return env.envelope_parse(data, max_bytes=ops.MAX_ITEM_BYTES)

    def to_representation(self, value):
        return value.as_dict()


class CappedList(serializers.ListField):
    """A batch: the item count is checked before any item is decoded."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            ops.check_batch([0] * len(data))  # count only; sizes are checked once decoded
        items = super().to_internal_value(data)
        ops.check_batch([item_bytes(item) for item in items])
        return items


def item_bytes(item: dict) -> int:
    """Payload bytes of one decoded item (for size caps and usage statistics)."""
    total = 0
    for value in item.values():
        if isinstance(value, bytes):
            total += len(value)
        elif isinstance(value, env.Envelope):
            total += len(value.ciphertext)
    return total


# --- service calls ----------------------------------------------------------------------------
class CryptoDigestIn(serializers.Serializer):
    data = B64Field()


class CryptoDigestOut(serializers.Serializer):
    alg = serializers.CharField()
    digest = serializers.CharField(help_text="hex")


class CryptoHmacIn(serializers.Serializer):
    data = B64Field()
    key_id = KeyIdField(required=False)


class CryptoHmacOut(serializers.Serializer):
    alg = serializers.CharField()
    key_id = serializers.CharField()
    version = serializers.IntegerField()
    mac = serializers.CharField(help_text="base64")


class CryptoHmacVerifyIn(serializers.Serializer):
    data = B64Field()
    mac = B64Field(max_bytes=64)
    key_id = KeyIdField()
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class CryptoValidOut(serializers.Serializer):
    valid = serializers.BooleanField()
    key_id = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)


class CryptoSignIn(serializers.Serializer):
    data = B64Field()
    key_id = KeyIdField(required=False)
    uid = serializers.CharField(required=False, max_length=64, help_text="SM2 signer ID; default 1234567812345678")


class CryptoSignOut(serializers.Serializer):
    alg = serializers.CharField()
    key_id = serializers.CharField()
    version = serializers.IntegerField()
    signature = serializers.CharField(help_text="base64 of the DER SEQUENCE{r, s}")


class CryptoVerifyIn(serializers.Serializer):
    data = B64Field()
    signature = B64Field(max_bytes=256)
    key_id = KeyIdField()
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    uid = serializers.CharField(required=False, max_length=64)


class CryptoEncryptIn(serializers.Serializer):
    plaintext = B64Field()
    key_id = KeyIdField(required=False)
    aad = B64Field(required=False, max_bytes=4096, help_text="optional additional authenticated data")


class CryptoEnvelopeOut(serializers.Serializer):
    v = serializers.IntegerField()
    alg = serializers.CharField()
    key_id = serializers.CharField()
    version = serializers.IntegerField()
    iv = serializers.CharField()
    tag = serializers.CharField()
    ciphertext = serializers.CharField()


class CryptoDecryptIn(serializers.Serializer):
    envelope = EnvelopeField()
    aad = B64Field(required=False, max_bytes=4096)


class CryptoDecryptOut(serializers.Serializer):
    plaintext = serializers.CharField(help_text="base64")
    key_id = serializers.CharField()
    version = serializers.IntegerField()


def batch_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(f"{item.__name__[:-2]}BatchIn", (serializers.Serializer,), {
        "items": CappedList(child=item(), help_text=f"1 to {ops.MAX_BATCH_ITEMS} items"),
    })  # fmt: skip


CryptoSignBatchIn = batch_of(CryptoSignIn)
CryptoVerifyBatchIn = batch_of(CryptoVerifyIn)
CryptoEncryptBatchIn = batch_of(CryptoEncryptIn)
CryptoDecryptBatchIn = batch_of(CryptoDecryptIn)


class CryptoBatchOut(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField(), help_text="one result per item, in order")


class CryptoPublicKeyOut(serializers.Serializer):
    key_id = serializers.CharField()
    version = serializers.IntegerField()
    public_key_pem = serializers.CharField()


class CryptoTimestampVerifyIn(serializers.Serializer):
    token = B64Field(max_bytes=64 * 1024, help_text="base64 DER TimeStampResp or TimeStampToken")
    data = B64Field(required=False)
    digest = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, help_text="hex imprint")


class CryptoTimestampVerifyOut(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    serial = serializers.IntegerField(allow_null=True)
    gen_time = serializers.CharField(allow_null=True)
    hash_algorithm = serializers.CharField()
    imprint = serializers.CharField()
    policy = serializers.CharField()
    tsa = serializers.CharField()


# --- management -------------------------------------------------------------------------------
class CryptoApplicationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    organization_id = serializers.IntegerField()
    zone = serializers.CharField(source="zone.code")
    app_key = serializers.CharField()
    daily_quota = serializers.IntegerField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class CryptoApplicationIn(serializers.Serializer):
    organization_id = serializers.IntegerField()
    zone = serializers.ChoiceField(choices=ZoneCode.choices)
    name = serializers.CharField(max_length=100)
    daily_quota = serializers.IntegerField(min_value=1, default=100_000)


class CryptoApplicationPatch(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)
    daily_quota = serializers.IntegerField(min_value=1, required=False)


class CryptoKeyOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    key_id = serializers.CharField()
    version = serializers.IntegerField()
    purpose = serializers.CharField()
    algorithm = serializers.CharField()
    status = serializers.CharField()
    public_key_pem = serializers.CharField()
    created_at = serializers.DateTimeField()


class CryptoKeyIn(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=KeyPurpose.choices)


class CryptoUsageOut(serializers.Serializer):
    application_id = serializers.IntegerField()
    application = serializers.CharField()
    organization = serializers.CharField()
    zone = serializers.CharField()
    month = serializers.CharField()
    operations = serializers.DictField()
    total_count = serializers.IntegerField()
    total_bytes = serializers.IntegerField()


class CryptoCertificateOut(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.CharField(source="organization.name")
    kind = serializers.CharField()
    pair_id = serializers.CharField()
    common_name = serializers.CharField()
    organizational_unit = serializers.CharField()
    dns_names = serializers.ListField(child=serializers.CharField())
    serial_hex = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    status = serializers.CharField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    certificate_pem = serializers.SerializerMethodField()

    def get_certificate_pem(self, obj) -> str:
        from wangan.cryptosvc.pki import to_pem

        return to_pem(obj.certificate_der)


class CryptoCertificateIn(serializers.Serializer):
    organization_id = serializers.IntegerField()
    dns_names = serializers.ListField(child=serializers.CharField(max_length=253), max_length=20)
    organizational_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    csr = serializers.CharField(required=False, max_length=16384, help_text="PEM PKCS#10; omit to generate the key")


class CryptoRevokeIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RevocationReason.choices, default=RevocationReason.UNSPECIFIED)

