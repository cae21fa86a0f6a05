"""Chinese national (GM) cryptography for Wangan: SM2, SM3, HMAC-SM3 and SM4.

Django-free.  SM3/HMAC-SM3/SM4 run on ``cryptography``; SM2's elliptic-curve
math runs on a native backend behind :class:`SM2Backend` (see ``_backend``).

Quick tour::

    from wangan.engines import gm

    key = gm.SM2PrivateKey.generate()               # or gm.load_pem_private_key(pem)
    sig = key.sign(b"data")                          # DER, user ID "1234567812345678"
    assert key.public_key.verify(sig, b"data")       # bool, never raises on a bad signature
    ct = key.public_key.encrypt(b"secret")           # C1C3C2, GM/T 0009 DER
    assert key.decrypt(ct) == b"secret"

    gm.sm3(b"abc"); gm.hmac_sm3(k, msg)
    blob = gm.sm4_gcm_encrypt(k16, nonce12, plaintext, aad)

Every error raised on purpose is a :class:`GMError`.
"""

from __future__ import annotations

from ._backend import BACKEND_ENV_VAR, SM2Backend, available_backends, get_backend, set_backend
from ._encoding import (
    Encoding,
    ciphertext_der_to_raw,
    ciphertext_raw_to_der,
    signature_der_to_raw,
    signature_raw_to_der,
)
from ._errors import (
    BackendUnavailable,
    DecryptionFailed,
    GMError,
    InvalidCiphertextEncoding,
    InvalidKey,
    InvalidParameter,
    InvalidSignatureEncoding,
)
from ._hash import SM3, SM3_DIGEST_SIZE, hmac_sm3, hmac_sm3_verify
from ._hash import sm3_digest as sm3
from ._keys import DEFAULT_SM2_UID, PrivateFormat, SM2PrivateKey, SM2PublicKey
from ._sm4 import (
    SM4_BLOCK_SIZE,
    SM4_GCM_TAG_SIZE,
    SM4_KEY_SIZE,
    sm4_cbc_decrypt,
    sm4_cbc_encrypt,
    sm4_ctr_decrypt,
    sm4_ctr_encrypt,
    sm4_gcm_decrypt,
    sm4_gcm_encrypt,
)

__all__ = [
    "BACKEND_ENV_VAR",
    "DEFAULT_SM2_UID",
    "SM3",
    "SM3_DIGEST_SIZE",
    "SM4_BLOCK_SIZE",
    "SM4_GCM_TAG_SIZE",
    "SM4_KEY_SIZE",
    "BackendUnavailable",
    "DecryptionFailed",
    "Encoding",
    "GMError",
    "InvalidCiphertextEncoding",
    "InvalidKey",
    "InvalidParameter",
    "InvalidSignatureEncoding",
    "PrivateFormat",
    "SM2Backend",
    "SM2PrivateKey",
    "SM2PublicKey",
    "available_backends",
    "ciphertext_der_to_raw",
    "ciphertext_raw_to_der",
    "generate_private_key",
    "get_backend",
    "hmac_sm3",
    "hmac_sm3_verify",
    "load_der_private_key",
    "load_der_public_key",
    "load_pem_private_key",
    "load_pem_public_key",
    "set_backend",
    "signature_der_to_raw",
    "signature_raw_to_der",
    "sm3",
    "sm4_cbc_decrypt",
    "sm4_cbc_encrypt",
    "sm4_ctr_decrypt",
    "sm4_ctr_encrypt",
    "sm4_gcm_decrypt",
    "sm4_gcm_encrypt",
]


def generate_private_key() -> SM2PrivateKey:
    """A new SM2 key pair (scalar from the OS CSPRNG)."""
    return SM2PrivateKey.generate()


def load_pem_private_key(data: bytes | str) -> SM2PrivateKey:
    """Parse an unencrypted PKCS#8 ``PRIVATE KEY`` or SEC 1 ``EC``/``SM2 PRIVATE KEY`` PEM block."""
    return SM2PrivateKey.from_pem(data)


def load_der_private_key(data: bytes) -> SM2PrivateKey:
    """Parse an unencrypted DER PKCS#8 or SEC 1 SM2 private key."""
    return SM2PrivateKey.from_der(data)


def load_pem_public_key(data: bytes | str) -> SM2PublicKey:
    """Parse a ``PUBLIC KEY`` (SubjectPublicKeyInfo) PEM block."""
    return SM2PublicKey.from_pem(data)


def load_der_public_key(data: bytes) -> SM2PublicKey:
    """Parse a DER SubjectPublicKeyInfo SM2 public key."""
    return SM2PublicKey.from_der(data)
