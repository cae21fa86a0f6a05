"""SM2 on GmSSL 3, as compiled into the ``gmssl_pyx`` wheel (PyPI, Apache-2.0).

``gmssl_pyx``'s Python functions rebuild the GmSSL ``SM2_KEY`` on every call
(one extra scalar multiplication for the private key).  With the pinned
release the extension module also exports GmSSL's own C functions, so this
backend keeps one prepared ``SM2_KEY`` per key object and calls
``sm2_sign`` on it directly through ``ctypes`` - the "reused context" fast path,
about 1.3x the one-shot ``sm2_sign_sm3_digest`` and 2x OpenSSL 3.0.

That fast path relies on C symbols outside ``gmssl_pyx``'s Python API, so it
is used only with the exact ``gmssl_pyx`` release it was checked against
(``_FAST_PATH_VERSION``) and only after a known-answer self-test; otherwise
the backend falls back to ``gmssl_pyx``'s public functions.  The ``SM2_KEY``
is held in a buffer much larger than the struct, so only the functions'
signatures matter, not the struct layout.  GmSSL draws nonces from
``/dev/urandom``.
"""

from __future__ import annotations

import ctypes
import weakref
from ctypes import POINTER, byref, c_char_p, c_int, c_size_t, c_uint64, c_void_p
from typing import Any

from ._curve import decode_point
from ._encoding import SM2Ciphertext, decode_ciphertext, decode_signature, encode_signature
from ._errors import (
    BackendUnavailable,
    DecryptionFailed,
    GMError,
    InvalidCiphertextEncoding,
    InvalidParameter,
)

__all__ = ["GmSSLBackend"]

_FAST_PATH_VERSION = "2.1.0"
_KEY_BUFFER_SIZE = 1024  # GmSSL's SM2_KEY is 128 bytes in 3.1; lots of headroom
_MAX_PLAINTEXT = 255  # gmssl_pyx's sm2_encrypt limit
_MAX_CIPHERTEXT = 366


def _import_gmssl_pyx() -> Any:
    try:
        import gmssl_pyx
    except ImportError as exc:
        raise BackendUnavailable(f"gmssl_pyx is not installed ({exc})") from exc
    return gmssl_pyx


class _FastPath:
    """ctypes bindings to the GmSSL functions inside ``gmssl_pyx.gmsslext``."""

    def __init__(self, module_file: str) -> None:
        lib = ctypes.CDLL(module_file)
        lib.sm2_z256_from_bytes.restype = None
        lib.sm2_z256_from_bytes.argtypes = [c_void_p, c_char_p]
        lib.sm2_z256_point_to_bytes.restype = c_int
        lib.sm2_z256_point_to_bytes.argtypes = [c_void_p, c_char_p]
        lib.sm2_key_set_private_key.restype = c_int
        lib.sm2_key_set_private_key.argtypes = [c_void_p, c_void_p]
        lib.sm2_sign.restype = c_int
        lib.sm2_sign.argtypes = [c_void_p, c_char_p, c_char_p, POINTER(c_size_t)]
        self.lib = lib

    def prepare(self, d: int) -> ctypes.Array[ctypes.c_char]:
        key = ctypes.create_string_buffer(_KEY_BUFFER_SIZE)
        scalar = (c_uint64 * 4)()
        self.lib.sm2_z256_from_bytes(scalar, d.to_bytes(32, "big"))
        try:
            if self.lib.sm2_key_set_private_key(key, scalar) != 1:
                raise GMError("GmSSL rejected the SM2 private key")
        finally:
            ctypes.memset(scalar, 0, ctypes.sizeof(scalar))
        return key

    def public_of(self, key: ctypes.Array[ctypes.c_char]) -> bytes:
        # SM2_KEY starts with the public point (checked by the self-test).
        out = ctypes.create_string_buffer(64)
        if self.lib.sm2_z256_point_to_bytes(key, out) != 1:
            raise GMError("GmSSL could not export the public key")
        return out.raw

    def sign(self, key: ctypes.Array[ctypes.c_char], e: bytes) -> bytes:
        sig = ctypes.create_string_buffer(80)
        size = c_size_t(0)
        if self.lib.sm2_sign(key, e, sig, byref(size)) != 1:
            raise GMError("GmSSL SM2 signing failed")
        return sig.raw[: size.value]


class _PrivateHandle:
    __slots__ = ("__weakref__", "d", "fast", "public")

    def __init__(self, d: bytes, public: bytes, fast: ctypes.Array[ctypes.c_char] | None) -> None:
        self.d = d
        self.public = public
        self.fast = fast
        if fast is not None:
            # Wipe GmSSL's copy of the scalar when the handle goes away.
            weakref.finalize(self, ctypes.memset, fast, 0, ctypes.sizeof(fast))


class GmSSLBackend:
    """:class:`~wangan.engines.gm.SM2Backend` on the GmSSL bundled with ``gmssl_pyx``."""

    name = "gmssl"

    def __init__(self, *, fast_path: bool = True) -> None:
        self._gm = _import_gmssl_pyx()
        self._fast: _FastPath | None = None
        if fast_path and getattr(self._gm, "__version__", None) == _FAST_PATH_VERSION:
            try:
                self._fast = _FastPath(self._gm.gmsslext.__file__)
            except (OSError, AttributeError):
                self._fast = None

    @property
    def uses_fast_path(self) -> bool:
        return self._fast is not None

    def disable_fast_path(self) -> None:
        self._fast = None

    def public_from_private(self, d: int) -> tuple[int, int]:
        if self._fast is None:
            raise BackendUnavailable("gmssl_pyx's public API cannot derive a public key from a private one")
        return decode_point(self._fast.public_of(self._fast.prepare(d)))

    def private_handle(self, d: int, x: int, y: int) -> object:
        fast = self._fast.prepare(d) if self._fast is not None else None
        return _PrivateHandle(d.to_bytes(32, "big"), x.to_bytes(32, "big") + y.to_bytes(32, "big"), fast)

    def public_handle(self, x: int, y: int) -> object:
        return x.to_bytes(32, "big") + y.to_bytes(32, "big")

    @staticmethod
    def _private(handle: object) -> _PrivateHandle:
        if not isinstance(handle, _PrivateHandle):
            raise TypeError("not a GmSSL private key handle")
        return handle

    @staticmethod
    def _public(handle: object) -> bytes:
        if isinstance(handle, _PrivateHandle):
            return handle.public
        if not isinstance(handle, bytes) or len(handle) != 64:
            raise TypeError("not a GmSSL public key handle")
        return handle

    def sign_digest(self, handle: object, e: bytes) -> tuple[int, int]:
        key = self._private(handle)
        if key.fast is not None and self._fast is not None:
            der = self._fast.sign(key.fast, e)
        else:
            try:
                der = self._gm.sm2_sign_sm3_digest(key.d, e)
            except self._gm.GmsslInnerError as exc:
                raise GMError(f"GmSSL SM2 signing failed: {exc}") from exc
        return decode_signature(der, "der")

    def verify_digest(self, handle: object, e: bytes, r: int, s: int) -> bool:
        try:
            return bool(
                self._gm.sm2_verify_sm3_digest(self._public(handle), e, encode_signature(r, s, "der"))
            )
        except self._gm.GmsslInnerError:
            return False

    def encrypt(self, handle: object, plaintext: bytes) -> tuple[int, int, bytes, bytes]:
        if not 1 <= len(plaintext) <= _MAX_PLAINTEXT:
            raise InvalidParameter(
                f"the gmssl backend encrypts 1..{_MAX_PLAINTEXT} bytes; use SM4 for bulk data"
            )
        try:
            der = self._gm.sm2_encrypt(self._public(handle), plaintext)
        except self._gm.GmsslInnerError as exc:
            raise GMError(f"GmSSL SM2 encryption failed: {exc}") from exc
        try:
            ct = decode_ciphertext(der, "der")
        except InvalidCiphertextEncoding as exc:  # pragma: no cover - would be a GmSSL bug
            raise GMError(f"GmSSL produced an unexpected SM2 ciphertext: {exc}") from exc
        return ct.x, ct.y, ct.c3, ct.c2

    def decrypt(self, handle: object, x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
        key = self._private(handle)
        der = SM2Ciphertext(x1, y1, c3, c2).encode("der")
        if len(der) > _MAX_CIPHERTEXT:
            raise DecryptionFailed(f"the gmssl backend decrypts at most {_MAX_PLAINTEXT}-byte messages")
        try:
            return bytes(self._gm.sm2_decrypt(key.d, der))
        except self._gm.GmsslInnerError:
            raise DecryptionFailed("SM2 decryption failed") from None
