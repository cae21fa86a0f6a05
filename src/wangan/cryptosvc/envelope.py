"""The self-describing SM4-GCM envelope returned by ``encrypt`` and accepted by ``decrypt``.

    {"v": 1, "alg": "SM4-GCM", "key_id": "k_…", "version": 2,
     "iv": base64(12 bytes), "tag": base64(16 bytes), "ciphertext": base64(…)}

The GCM additional data binds the key ID and version (and the caller's optional AAD), so editing
either field of an envelope makes it fail authentication rather than decrypt under another key.
The parser is strict and total: anything but a well-formed envelope raises ``MalformedInput``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wangan.cryptosvc.errors import MalformedInput, PayloadTooLarge

ALGORITHM = "SM4-GCM"
VERSION = 1
IV_SIZE = 12
TAG_SIZE = 16
KEY_ID_RE = re.compile(r"^k_[0-9a-f]{20}$")
_FIELDS = {"v", "alg", "key_id", "version", "iv", "tag", "ciphertext"}
_B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


@dataclass(frozen=True)
class Envelope:
    key_id: str
    version: int
    iv: bytes
    tag: bytes
    ciphertext: bytes

    def as_dict(self) -> dict:
        return {
            "v": VERSION, "alg": ALGORITHM, "key_id": self.key_id, "version": self.version,
            "iv": b64encode(self.iv), "tag": b64encode(self.tag), "ciphertext": b64encode(self.ciphertext),
        }  # fmt: skip


def aad_for(key_id: str, version: int, aad: bytes = b"") -> bytes:
    return f"wangan-envelope/v1|{key_id}|{version}|".encode() + aad


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(value: object, *, field: str, max_bytes: int | None = None) -> bytes:
    """Strict standard base64 (padding required, no whitespace); ``MalformedInput`` otherwise."""
    if not isinstance(value, str) or len(value) % 4 or not _B64_RE.match(value):
        raise MalformedInput(_("The field %(field)s is not valid base64.") % {"field": field}, code="MALFORMED_BASE64")
    if max_bytes is not None and len(value) // 4 * 3 > max_bytes + 2:
        raise PayloadTooLarge(_("The field %(field)s is too large.") % {"field": field})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedInput(
            _("The field %(field)s is not valid base64.") % {"field": field}, code="MALFORMED_BASE64"
        ) from None


def _bad(reason: str) -> MalformedInput:
    return MalformedInput(_("The envelope is malformed: %(reason)s") % {"reason": reason}, code="MALFORMED_ENVELOPE")


def envelope_parse(value: object, *, max_bytes: int) -> Envelope:
    if not isinstance(value, dict):
        raise _bad(_("expected an object"))
    keys = set(value)
    if keys - _FIELDS or (_FIELDS - {"v"}) - keys:
        raise _bad(_("unexpected or missing fields"))
    v = value.get("v", VERSION)
    if type(v) is not int or v != VERSION:
        raise _bad(_("unsupported envelope version"))
    if value["alg"] != ALGORITHM:
        raise _bad(_("unsupported algorithm"))
    key_id = value["key_id"]
    if not isinstance(key_id, str) or not KEY_ID_RE.match(key_id):
        raise _bad(_("invalid key ID"))
    version = value["version"]
    if type(version) is not int or not 1 <= version <= 2**31 - 1:
        raise _bad(_("invalid key version"))
    iv = b64decode(value["iv"], field="iv", max_bytes=64)
    tag = b64decode(value["tag"], field="tag", max_bytes=64)
    if len(iv) != IV_SIZE or len(tag) != TAG_SIZE:
        raise _bad(_("wrong IV or tag length"))
    ciphertext = b64decode(value["ciphertext"], field="ciphertext", max_bytes=max_bytes)
    if len(ciphertext) > max_bytes:
        raise PayloadTooLarge(_("The ciphertext is too large."))
    return Envelope(key_id=key_id, version=version, iv=iv, tag=tag, ciphertext=ciphertext)
