"""The crypto operations applications call (seed 004 §(二)1 签名验签, 2 加解密): digest, HMAC,
sign/verify, encrypt/decrypt — over the GM engine, with the calling application's keys only.

Input limits are enforced here (not only in the API) so the CLI and any later caller share them.
Nothing here logs or stores a payload; usage is counted by ``services.usage_consume``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wangan.cryptosvc import keystore, selectors
from wangan.cryptosvc.choices import KeyPurpose
from wangan.cryptosvc.envelope import IV_SIZE, TAG_SIZE, Envelope, aad_for, b64encode
from wangan.cryptosvc.errors import DecryptionRefused, MalformedInput, MasterKeyMismatch, PayloadTooLarge
from wangan.cryptosvc.models import Application, Key
from wangan.cryptosvc.services import KEY_KIND
from wangan.engines import gm

MAX_ITEM_BYTES = 1024 * 1024  # one message, plaintext or ciphertext
MAX_BATCH_ITEMS = 100
MAX_BATCH_BYTES = 4 * 1024 * 1024  # all items of one batch together
MAX_BODY_BYTES = 8 * 1024 * 1024  # base64 of the above plus JSON, below Django's 10 MiB
SIGN_ALGORITHM = "SM2-with-SM3"
MAX_UID_BYTES = 64


def check_size(data: bytes, *, what: str = "data") -> None:
    if len(data) > MAX_ITEM_BYTES:
        raise PayloadTooLarge(
            _("The %(what)s is larger than %(limit)s bytes.") % {"what": what, "limit": MAX_ITEM_BYTES}
        )


def check_batch(sizes: list[int]) -> None:
    if not sizes:
        raise MalformedInput(_("A batch needs at least one item."), code="BATCH_EMPTY")
    if len(sizes) > MAX_BATCH_ITEMS:
        raise PayloadTooLarge(
            _("A batch holds at most %(limit)s items.") % {"limit": MAX_BATCH_ITEMS}, code="BATCH_TOO_LARGE"
        )
    if sum(sizes) > MAX_BATCH_BYTES:
        raise PayloadTooLarge(_("The batch is larger than %(limit)s bytes.") % {"limit": MAX_BATCH_BYTES})


def _uid(uid: str | None) -> bytes:
    if uid is None or uid == "":
        return gm.DEFAULT_SM2_UID
    raw = uid.encode()
    if len(raw) > MAX_UID_BYTES:
        raise MalformedInput(_("The signer ID is too long."), code="UID_INVALID")
    return raw


def _master(key: Key) -> str:
    return key.application.zone.code


def _private_key(key: Key) -> gm.SM2PrivateKey:
    try:
        return keystore.unwrap_cached(master=_master(key), kind=KEY_KIND, ident=key.key_id, version=key.version,
                                      blob=key.wrapped, build=gm.load_der_private_key)  # type: ignore[return-value]  # fmt: skip
    except keystore.MasterKeyError as exc:
        raise MasterKeyMismatch(str(exc)) from exc


def _data_key(key: Key) -> bytes:
    try:
        return keystore.unwrap_cached(master=_master(key), kind=KEY_KIND, ident=key.key_id, version=key.version,
                                      blob=key.wrapped, build=bytes)  # type: ignore[return-value]  # fmt: skip
    except keystore.MasterKeyError as exc:
        raise MasterKeyMismatch(str(exc)) from exc


def _mac_key(key: Key) -> bytes:
    # HMAC never uses the SM4 data key itself: a separate key is derived from it (key separation).
    return gm.hmac_sm3(_data_key(key), b"wangan-cryptosvc/hmac-key/v1")


class _Keys:
    """Keys resolved once per call (a batch names the same key many times)."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self._cache: dict[tuple, Key] = {}

    def get(self, *, purpose: str, key_id: str | None, version: int | None, for_new_data: bool) -> Key:
        cache_key = (purpose, key_id, version, for_new_data)
        key = self._cache.get(cache_key)
        if key is None:
            key = selectors.service_key_for(application=self.application, purpose=purpose, key_id=key_id,
                                            version=version, for_new_data=for_new_data)  # fmt: skip
            key.application = self.application  # zone already loaded
            self._cache[cache_key] = key
        return key

    def versions(self, *, purpose: str, key_id: str) -> list[Key]:
        cache_key = ("all", purpose, key_id)
        if cache_key not in self._cache:
            found = selectors.service_key_versions_for(application=self.application, purpose=purpose, key_id=key_id)
            for k in found:
                k.application = self.application
            self._cache[cache_key] = found  # type: ignore[assignment]
        return self._cache[cache_key]  # type: ignore[return-value]


def keys_for(application: Application) -> _Keys:
    return _Keys(application)


# --- operations -----------------------------------------------------------------------------
def digest(data: bytes) -> dict:
    check_size(data)
    return {"alg": "SM3", "digest": gm.sm3(data).hex()}


def hmac(keys: _Keys, *, data: bytes, key_id: str | None = None) -> dict:
    check_size(data)
    key = keys.get(purpose=KeyPurpose.ENCRYPT, key_id=key_id, version=None, for_new_data=True)
    return {"alg": "HMAC-SM3", "key_id": key.key_id, "version": key.version,
            "mac": b64encode(gm.hmac_sm3(_mac_key(key), data))}  # fmt: skip


def hmac_verify(keys: _Keys, *, data: bytes, mac: bytes, key_id: str, version: int) -> dict:
    check_size(data)
    key = keys.get(purpose=KeyPurpose.ENCRYPT, key_id=key_id, version=version, for_new_data=False)
    return {"valid": gm.hmac_sm3_verify(_mac_key(key), data, mac), "key_id": key.key_id, "version": key.version}


def sign(keys: _Keys, *, data: bytes, key_id: str | None = None, uid: str | None = None) -> dict:
    check_size(data)
    key = keys.get(purpose=KeyPurpose.SIGN, key_id=key_id, version=None, for_new_data=True)
    signature = _private_key(key).sign(data, uid=_uid(uid))
    return {"alg": SIGN_ALGORITHM, "key_id": key.key_id, "version": key.version, "signature": b64encode(signature)}


def verify(keys: _Keys, *, data: bytes, signature: bytes, key_id: str, version: int | None = None,
           uid: str | None = None) -> dict:  # fmt: skip
    """``valid`` is False for a tampered message or a malformed signature — an answer, not an error."""
    check_size(data)
    if version is not None:
        candidates = [keys.get(purpose=KeyPurpose.SIGN, key_id=key_id, version=version, for_new_data=False)]
    else:
        candidates = keys.versions(purpose=KeyPurpose.SIGN, key_id=key_id)
        if not candidates:  # raises the precise reason (unknown, disabled, destroyed)
            candidates = [keys.get(purpose=KeyPurpose.SIGN, key_id=key_id, version=None, for_new_data=False)]
    signer = _uid(uid)
    for key in candidates:
        if _private_key(key).public_key.verify(signature, data, uid=signer):
            return {"valid": True, "key_id": key.key_id, "version": key.version}
    return {"valid": False, "key_id": key_id, "version": version}


def public_key(keys: _Keys, *, key_id: str | None = None, version: int | None = None) -> dict:
    key = keys.get(purpose=KeyPurpose.SIGN, key_id=key_id, version=version, for_new_data=version is None)
    return {"key_id": key.key_id, "version": key.version, "public_key_pem": key.public_key_pem}


def encrypt(keys: _Keys, *, plaintext: bytes, key_id: str | None = None, aad: bytes = b"") -> dict:
    check_size(plaintext, what="plaintext")
    key = keys.get(purpose=KeyPurpose.ENCRYPT, key_id=key_id, version=None, for_new_data=True)
    iv = secrets.token_bytes(IV_SIZE)  # random 96-bit nonce per message (CSPRNG)
    out = gm.sm4_gcm_encrypt(_data_key(key), iv, plaintext, aad_for(key.key_id, key.version, aad))
    env = Envelope(key_id=key.key_id, version=key.version, iv=iv, tag=out[-TAG_SIZE:], ciphertext=out[:-TAG_SIZE])
    return env.as_dict()


def decrypt(keys: _Keys, *, envelope: Envelope, aad: bytes = b"") -> bytes:
    key = keys.get(purpose=KeyPurpose.ENCRYPT, key_id=envelope.key_id, version=envelope.version, for_new_data=False)
    try:
        return gm.sm4_gcm_decrypt(_data_key(key), envelope.iv, envelope.ciphertext + envelope.tag,
                                  aad_for(envelope.key_id, envelope.version, aad))  # fmt: skip
    except gm.DecryptionFailed:
        raise DecryptionRefused(
            _("The envelope does not decrypt: it was altered, or the additional data differs.")
        ) from None


@dataclass(frozen=True)
class ItemError:
    """A per-item failure inside a batch; the other items still succeed."""

    code: str
    message: str

    def as_dict(self) -> dict:
        return {"ok": False, "code": self.code, "message": self.message}
