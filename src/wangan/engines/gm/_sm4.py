"""SM4 (GB/T 32907) in CBC with PKCS#7 padding, CTR and GCM, on ``cryptography``."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from ._errors import DecryptionFailed, InvalidParameter
from ._util import as_bytes as _as_bytes

__all__ = [
    "SM4_BLOCK_SIZE",
    "SM4_GCM_TAG_SIZE",
    "SM4_KEY_SIZE",
    "sm4_cbc_decrypt",
    "sm4_cbc_encrypt",
    "sm4_ctr_decrypt",
    "sm4_ctr_encrypt",
    "sm4_gcm_decrypt",
    "sm4_gcm_encrypt",
]

SM4_KEY_SIZE = 16
SM4_BLOCK_SIZE = 16
SM4_GCM_TAG_SIZE = 16
_GCM_NONCE_MIN, _GCM_NONCE_MAX = 8, 128


def _key(key: object) -> algorithms.SM4:
    key = _as_bytes(key, "SM4 key")
    if len(key) != SM4_KEY_SIZE:
        raise InvalidParameter(f"an SM4 key is {SM4_KEY_SIZE} bytes, got {len(key)}")
    return algorithms.SM4(key)


def _block(value: object, what: str) -> bytes:
    value = _as_bytes(value, what)
    if len(value) != SM4_BLOCK_SIZE:
        raise InvalidParameter(f"the SM4 {what} is {SM4_BLOCK_SIZE} bytes, got {len(value)}")
    return value


def _ecb_encryptor(key: bytes) -> CipherContext:
    """Raw single-block SM4 (ECB).  Private: only for known-answer tests."""
    return Cipher(_key(key), modes.ECB()).encryptor()  # noqa: S305 - test-vector helper only


def sm4_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """SM4-CBC with PKCS#7 padding.  ``iv`` must be 16 unpredictable bytes, fresh per message."""
    algorithm = _key(key)
    iv = _block(iv, "IV")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(_as_bytes(plaintext, "plaintext")) + padder.finalize()
    enc = Cipher(algorithm, modes.CBC(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def sm4_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of :func:`sm4_cbc_encrypt`; :class:`DecryptionFailed` on bad length or padding.

    CBC has no integrity: authenticate the ciphertext (HMAC-SM3) first, or use GCM.
    """
    algorithm = _key(key)
    iv = _block(iv, "IV")
    ciphertext = _as_bytes(ciphertext, "ciphertext")
    if not ciphertext or len(ciphertext) % SM4_BLOCK_SIZE:
        raise DecryptionFailed("SM4-CBC ciphertext length is not a positive multiple of 16")
    dec = Cipher(algorithm, modes.CBC(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise DecryptionFailed("SM4-CBC padding check failed") from None


def sm4_ctr_encrypt(key: bytes, counter_block: bytes, data: bytes) -> bytes:
    """SM4-CTR; ``counter_block`` is the 16-byte initial counter (never reuse one under a key)."""
    enc = Cipher(_key(key), modes.CTR(_block(counter_block, "counter block"))).encryptor()
    return enc.update(_as_bytes(data, "data")) + enc.finalize()


def sm4_ctr_decrypt(key: bytes, counter_block: bytes, data: bytes) -> bytes:
    """CTR decryption is the same keystream XOR as encryption."""
    return sm4_ctr_encrypt(key, counter_block, data)


def _nonce(nonce: object) -> bytes:
    nonce = _as_bytes(nonce, "nonce")
    if not _GCM_NONCE_MIN <= len(nonce) <= _GCM_NONCE_MAX:
        raise InvalidParameter(
            f"an SM4-GCM nonce is {_GCM_NONCE_MIN}..{_GCM_NONCE_MAX} bytes (12 recommended), got {len(nonce)}"
        )
    return nonce


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM (RFC 8998); returns ``ciphertext || 16-byte tag``.  Never reuse a nonce under a key."""
    algorithm = _key(key)
    enc = Cipher(algorithm, modes.GCM(_nonce(nonce))).encryptor()
    if aad:
        enc.authenticate_additional_data(_as_bytes(aad, "aad"))
    out = enc.update(_as_bytes(plaintext, "plaintext")) + enc.finalize()
    return out + enc.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes = b"") -> bytes:
    """Inverse of :func:`sm4_gcm_encrypt`; :class:`DecryptionFailed` if the tag does not match."""
    algorithm = _key(key)
    nonce = _nonce(nonce)
    data = _as_bytes(data, "data")
    if len(data) < SM4_GCM_TAG_SIZE:
        raise DecryptionFailed("SM4-GCM input is shorter than its tag")
    body, tag = data[:-SM4_GCM_TAG_SIZE], data[-SM4_GCM_TAG_SIZE:]
    dec = Cipher(algorithm, modes.GCM(nonce, tag)).decryptor()
    if aad:
        dec.authenticate_additional_data(_as_bytes(aad, "aad"))
    plaintext = dec.update(body)
    try:
        dec.finalize()
    except InvalidTag:
        raise DecryptionFailed("SM4-GCM authentication failed") from None
    return plaintext
