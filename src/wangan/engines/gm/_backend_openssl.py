"""SM2 on the system OpenSSL 3 ``libcrypto`` through ``ctypes``.

Keys are handed to OpenSSL as DER this engine wrote itself, so only a handful
of stable, documented EVP entry points are used.  The engine computes Z_A and
``e = SM3(Z_A || M)`` itself and asks OpenSSL to sign / verify ``e`` with
``EVP_PKEY_sign`` / ``EVP_PKEY_verify``: that way the SM2 user ID is always
the one the caller gave, never OpenSSL's default (empty) ``distid``.

Each ``EVP_PKEY`` is built once per key object and shared; each operation
gets its own short-lived ``EVP_PKEY_CTX`` (about 4 µs), which keeps handles
thread-safe.  Nonces come from OpenSSL's DRBG, seeded by the OS.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import weakref
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_size_t, c_ulong, c_void_p

from ._encoding import SM2Ciphertext, decode_ciphertext, decode_signature, encode_signature
from ._errors import BackendUnavailable, DecryptionFailed, GMError, InvalidCiphertextEncoding, InvalidKey
from ._keyformat import decode_public_der, encode_sec1, encode_spki

__all__ = ["OpenSSLBackend"]

_MIN_VERSION = 0x30000000


def _candidate_names() -> list[str]:
    names = ["libcrypto.so.3"]
    if sys.platform == "darwin":
        names += ["libcrypto.3.dylib"]
    found = ctypes.util.find_library("crypto")
    if found:
        names.append(found)
    return names


def _open_libcrypto() -> ctypes.CDLL:
    errors: list[str] = []
    for name in _candidate_names():
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            errors.append(f"{name}: {exc}")
            continue
        try:
            lib.OpenSSL_version_num.restype = c_ulong
            lib.OpenSSL_version_num.argtypes = []
            version = lib.OpenSSL_version_num()
        except AttributeError:
            errors.append(f"{name}: not OpenSSL 1.1+/3")
            continue
        if version < _MIN_VERSION:
            errors.append(f"{name}: OpenSSL {version:#x} is older than 3.0")
            continue
        return lib
    raise BackendUnavailable("no OpenSSL 3 libcrypto found (" + "; ".join(errors) + ")")


def _bind(lib: ctypes.CDLL) -> None:
    pp = POINTER(c_char_p)
    sigs: dict[str, tuple[object, list[object]]] = {
        "d2i_AutoPrivateKey": (c_void_p, [c_void_p, pp, c_long]),
        "d2i_PUBKEY": (c_void_p, [c_void_p, pp, c_long]),
        "i2d_PUBKEY": (c_int, [c_void_p, pp]),
        "EVP_PKEY_free": (None, [c_void_p]),
        "EVP_PKEY_is_a": (c_int, [c_void_p, c_char_p]),
        "EVP_PKEY_CTX_new": (c_void_p, [c_void_p, c_void_p]),
        "EVP_PKEY_CTX_free": (None, [c_void_p]),
        "EVP_PKEY_sign_init": (c_int, [c_void_p]),
        "EVP_PKEY_sign": (c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_char_p, c_size_t]),
        "EVP_PKEY_verify_init": (c_int, [c_void_p]),
        "EVP_PKEY_verify": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]),
        "EVP_PKEY_encrypt_init": (c_int, [c_void_p]),
        "EVP_PKEY_encrypt": (c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_char_p, c_size_t]),
        "EVP_PKEY_decrypt_init": (c_int, [c_void_p]),
        "EVP_PKEY_decrypt": (c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_char_p, c_size_t]),
        "ERR_clear_error": (None, []),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


class _PKey:
    """Owns one ``EVP_PKEY``; freed when the Python object goes away."""

    __slots__ = ("__weakref__", "ptr")

    def __init__(self, lib: ctypes.CDLL, ptr: int) -> None:
        self.ptr = ptr
        weakref.finalize(self, lib.EVP_PKEY_free, ptr)


class OpenSSLBackend:
    """:class:`~wangan.engines.gm.SM2Backend` on OpenSSL 3's ``libcrypto``."""

    name = "openssl"

    def __init__(self, lib: ctypes.CDLL | None = None) -> None:
        self._lib = lib if lib is not None else _open_libcrypto()
        _bind(self._lib)

    # -- key loading -------------------------------------------------------------

    def _load(self, der: bytes, *, private: bool) -> _PKey:
        lib = self._lib
        cursor = c_char_p(der)
        if private:
            ptr = lib.d2i_AutoPrivateKey(None, byref(cursor), len(der))
        else:
            ptr = lib.d2i_PUBKEY(None, byref(cursor), len(der))
        if not ptr:
            lib.ERR_clear_error()
            raise InvalidKey("OpenSSL rejected the SM2 key")
        pkey = _PKey(lib, ptr)
        if lib.EVP_PKEY_is_a(ptr, b"SM2") != 1:
            # An "EC" key on the SM2 curve would sign with ECDSA: refuse it.
            raise BackendUnavailable("this OpenSSL does not load SM2-curve keys as SM2 keys")
        return pkey

    def public_from_private(self, d: int) -> tuple[int, int]:
        pkey = self._load(encode_sec1(d), private=True)
        lib = self._lib
        size = lib.i2d_PUBKEY(pkey.ptr, None)
        if size <= 0:
            lib.ERR_clear_error()
            raise GMError("OpenSSL could not derive the SM2 public key")
        buf = ctypes.create_string_buffer(size)
        cursor = ctypes.cast(buf, c_char_p)
        if lib.i2d_PUBKEY(pkey.ptr, byref(cursor)) != size:
            lib.ERR_clear_error()
            raise GMError("OpenSSL could not derive the SM2 public key")
        return decode_public_der(buf.raw)

    def private_handle(self, d: int, x: int, y: int) -> object:
        return self._load(encode_sec1(d, x, y), private=True)

    def public_handle(self, x: int, y: int) -> object:
        return self._load(encode_spki(x, y), private=False)

    # -- operations ----------------------------------------------------------------

    def _ctx(self, pkey: object, init: str) -> int:
        if not isinstance(pkey, _PKey):
            raise TypeError("not an OpenSSL key handle")
        lib = self._lib
        ctx = int(lib.EVP_PKEY_CTX_new(pkey.ptr, None) or 0)
        if not ctx:
            lib.ERR_clear_error()
            raise GMError("EVP_PKEY_CTX_new failed")
        if getattr(lib, init)(ctx) != 1:
            lib.EVP_PKEY_CTX_free(ctx)
            lib.ERR_clear_error()
            raise GMError(f"{init} failed")
        return ctx

    def sign_digest(self, handle: object, e: bytes) -> tuple[int, int]:
        lib = self._lib
        ctx = self._ctx(handle, "EVP_PKEY_sign_init")
        try:
            buf = ctypes.create_string_buffer(80)
            size = c_size_t(80)
            if lib.EVP_PKEY_sign(ctx, buf, byref(size), e, len(e)) != 1:
                lib.ERR_clear_error()
                raise GMError("OpenSSL SM2 signing failed")
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        return decode_signature(buf.raw[: size.value], "der")

    def verify_digest(self, handle: object, e: bytes, r: int, s: int) -> bool:
        lib = self._lib
        sig = encode_signature(r, s, "der")
        ctx = self._ctx(handle, "EVP_PKEY_verify_init")
        try:
            ok = lib.EVP_PKEY_verify(ctx, sig, len(sig), e, len(e))
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        if ok != 1:
            lib.ERR_clear_error()
            return False
        return True

    def encrypt(self, handle: object, plaintext: bytes) -> tuple[int, int, bytes, bytes]:
        lib = self._lib
        ctx = self._ctx(handle, "EVP_PKEY_encrypt_init")
        try:
            size = c_size_t(0)
            if lib.EVP_PKEY_encrypt(ctx, None, byref(size), plaintext, len(plaintext)) != 1:
                lib.ERR_clear_error()
                raise GMError("OpenSSL SM2 encryption failed")
            buf = ctypes.create_string_buffer(size.value)
            if lib.EVP_PKEY_encrypt(ctx, buf, byref(size), plaintext, len(plaintext)) != 1:
                lib.ERR_clear_error()
                raise GMError("OpenSSL SM2 encryption failed")
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        try:
            ct = decode_ciphertext(buf.raw[: size.value], "der")
        except InvalidCiphertextEncoding as exc:  # pragma: no cover - would be an OpenSSL bug
            raise GMError(f"OpenSSL produced an unexpected SM2 ciphertext: {exc}") from exc
        return ct.x, ct.y, ct.c3, ct.c2

    def decrypt(self, handle: object, x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
        lib = self._lib
        der = SM2Ciphertext(x1, y1, c3, c2).encode("der")
        ctx = self._ctx(handle, "EVP_PKEY_decrypt_init")
        try:
            size = c_size_t(0)
            if lib.EVP_PKEY_decrypt(ctx, None, byref(size), der, len(der)) != 1:
                lib.ERR_clear_error()
                raise DecryptionFailed("SM2 decryption failed")
            buf = ctypes.create_string_buffer(max(size.value, 1))
            if lib.EVP_PKEY_decrypt(ctx, buf, byref(size), der, len(der)) != 1:
                lib.ERR_clear_error()
                raise DecryptionFailed("SM2 decryption failed")
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        return buf.raw[: size.value]
