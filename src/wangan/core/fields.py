"""Model fields for personal data that must be encrypted at rest (等保: SM4, never ECB)."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

_PREFIX = "sm4gcm1:"
_NONCE = 12
_TAG = 16


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """nonce || ciphertext || tag with a fresh random 96-bit nonce."""
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        enc.authenticate_additional_data(aad)
    ct = enc.update(plaintext) + enc.finalize()
    return nonce + ct + enc.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    nonce, ct, tag = blob[:_NONCE], blob[_NONCE:-_TAG], blob[-_TAG:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        dec.authenticate_additional_data(aad)
    return dec.update(ct) + dec.finalize()


class EncryptedTextField(models.TextField):
    """Text stored as SM4-GCM ciphertext under ``FIELD_ENCRYPTION_KEY`` (not SECRET_KEY).

    The column holds ``sm4gcm1:<base64>``; the database never sees the plain value.  Such a field
    cannot be filtered on — that is the point.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        if not value.startswith(_PREFIX):
            return value  # written before encryption was enabled
        blob = base64.b64decode(value[len(_PREFIX) :])
        return sm4_gcm_decrypt(settings.FIELD_ENCRYPTION_KEY, blob).decode("utf-8")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        blob = sm4_gcm_encrypt(settings.FIELD_ENCRYPTION_KEY, value.encode("utf-8"))
        return _PREFIX + base64.b64encode(blob).decode("ascii")
