"""SM2 key objects: parse once, then sign / verify / encrypt / decrypt many times.

A key object caches what repeated use needs: the backend's prepared key
(``EVP_PKEY`` / GmSSL ``SM2_KEY``) and Z_A per user ID.  Both caches are
filled lazily and are safe to share between threads.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from cryptography.hazmat.primitives import hashes

from ._backend import SM2Backend, _load, get_backend
from ._curve import N, decode_point, encode_point, is_on_curve, validate_uid, z_value
from ._encoding import (
    Encoding,
    SM2Ciphertext,
    check_encoding,
    decode_ciphertext,
    decode_signature,
    encode_signature,
)
from ._errors import BackendUnavailable, InvalidKey, InvalidParameter, InvalidSignatureEncoding
from ._keyformat import (
    PEM_EC_PRIVATE,
    PEM_PRIVATE,
    PEM_PUBLIC,
    PEM_SM2_PRIVATE,
    check_private_scalar,
    decode_private_der,
    decode_public_der,
    encode_pkcs8,
    encode_sec1,
    encode_spki,
    pem_decode,
    pem_encode,
)
from ._util import as_bytes

__all__ = ["DEFAULT_SM2_UID", "PrivateFormat", "SM2PrivateKey", "SM2PublicKey"]

#: The user ID GM/T 0009 and GB/T 35276 fix as the default.  Always passed
#: explicitly to the math; never left to a library default.
DEFAULT_SM2_UID = b"1234567812345678"

PrivateFormat = Literal["pkcs8", "sec1"]
_Z_CACHE_LIMIT = 16
_SM3 = hashes.SM3()


class _HandleCache:
    """Per-key cache of backend handles, keyed by backend identity."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[SM2Backend, object]] = {}

    def get(self, backend: SM2Backend, make: object) -> object:
        entry = self._entries.get(id(backend))
        if entry is not None and entry[0] is backend:
            return entry[1]
        handle = make()  # type: ignore[operator]
        self._entries[id(backend)] = (backend, handle)
        return handle


def _digest_e(z: bytes, message: bytes) -> bytes:
    h = hashes.Hash(_SM3)
    h.update(z)
    h.update(message)
    return h.finalize()


def _check_digest(e: object) -> bytes:
    e = as_bytes(e, "digest")
    if len(e) != 32:
        raise InvalidParameter(f"an SM2 digest e is 32 bytes, got {len(e)}")
    return e


def _derive_public(d: int) -> tuple[int, int]:
    """d * G on the current backend, or on any backend that can if it cannot."""
    try:
        return get_backend().public_from_private(d)
    except BackendUnavailable:
        for name in ("openssl", "gmssl"):
            try:
                return _load(name).public_from_private(d)
            except BackendUnavailable:
                continue
        raise


class SM2PublicKey:
    """An SM2 public key (a validated point on the SM2 curve)."""

    __slots__ = ("__weakref__", "_handles", "_x", "_y", "_z_cache")

    def __init__(self, x: int, y: int) -> None:
        """Prefer the ``from_*`` constructors; this one checks the point is on the curve."""
        if not isinstance(x, int) or not isinstance(y, int) or not is_on_curve(x, y):
            raise InvalidKey("not a point on the SM2 curve")
        self._x = x
        self._y = y
        self._handles = _HandleCache()
        self._z_cache: dict[bytes, bytes] = {}

    # -- construction / export -----------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> SM2PublicKey:
        """From ``04||x||y`` (65 bytes), compressed ``02/03||x`` (33) or bare ``x||y`` (64)."""
        return cls(*decode_point(data))

    @classmethod
    def from_der(cls, data: bytes) -> SM2PublicKey:
        """From a DER SubjectPublicKeyInfo."""
        return cls(*decode_public_der(data))

    @classmethod
    def from_pem(cls, data: bytes | str) -> SM2PublicKey:
        """From a ``-----BEGIN PUBLIC KEY-----`` block."""
        _, der = pem_decode(data, (PEM_PUBLIC,))
        return cls.from_der(der)

    @property
    def x(self) -> int:
        return self._x

    @property
    def y(self) -> int:
        return self._y

    def to_bytes(self, *, compressed: bool = False) -> bytes:
        """``04||x||y`` (65 bytes), or ``02/03||x`` (33 bytes) if ``compressed``."""
        return encode_point(self._x, self._y, compressed=compressed)

    def to_der(self) -> bytes:
        """DER SubjectPublicKeyInfo."""
        return encode_spki(self._x, self._y)

    def to_pem(self) -> bytes:
        """PEM ``PUBLIC KEY``."""
        return pem_encode(PEM_PUBLIC, self.to_der())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SM2PublicKey):
            return NotImplemented
        return (self._x, self._y) == (other._x, other._y)

    def __hash__(self) -> int:
        return hash((SM2PublicKey, self._x, self._y))

    def __repr__(self) -> str:
        return f"SM2PublicKey({self.to_bytes(compressed=True).hex()})"

    # -- SM2 ---------------------------------------------------------------------------

    def z(self, uid: bytes = DEFAULT_SM2_UID) -> bytes:
        """Z_A for this key and ``uid`` (cached)."""
        z = self._z_cache.get(uid) if isinstance(uid, bytes) else None
        if z is None:
            uid = validate_uid(uid)
            z = z_value(uid, self._x, self._y)
            if len(self._z_cache) >= _Z_CACHE_LIMIT:
                self._z_cache.clear()
            self._z_cache[uid] = z
        return z

    def digest(self, message: bytes, uid: bytes = DEFAULT_SM2_UID) -> bytes:
        """``e = SM3(Z_A || message)``, the value SM2 actually signs."""
        return _digest_e(self.z(uid), as_bytes(message, "message"))

    def _handle(self, backend: SM2Backend) -> object:
        return self._handles.get(backend, lambda: backend.public_handle(self._x, self._y))

    def verify_digest(self, signature: bytes, e: bytes, *, encoding: Encoding = "der") -> bool:
        """Verify a signature over a precomputed ``e``; False for any bad or malformed signature."""
        encoding = check_encoding(encoding)
        e = _check_digest(e)
        try:
            r, s = decode_signature(signature, encoding)
        except InvalidSignatureEncoding:
            return False
        backend = get_backend()
        return backend.verify_digest(self._handle(backend), e, r, s)

    def verify(
        self, signature: bytes, message: bytes, *, uid: bytes = DEFAULT_SM2_UID, encoding: Encoding = "der"
    ) -> bool:
        """True iff ``signature`` is this key's SM2 signature of ``message`` under ``uid``.

        Returns False (never raises) for a wrong, tampered or malformed
        signature; raises :class:`InvalidParameter` only for bad arguments.
        """
        return self.verify_digest(signature, self.digest(message, uid), encoding=encoding)

    def encrypt(self, plaintext: bytes, *, encoding: Encoding = "der") -> bytes:
        """SM2-encrypt (C1C3C2): GM/T 0009 DER by default, or raw ``04||x||y||C3||C2``."""
        encoding = check_encoding(encoding)
        plaintext = as_bytes(plaintext, "plaintext")
        if not plaintext:
            raise InvalidParameter("SM2 cannot encrypt an empty message")
        backend = get_backend()
        x1, y1, c3, c2 = backend.encrypt(self._handle(backend), plaintext)
        return SM2Ciphertext(x1, y1, c3, c2).encode(encoding)


class SM2PrivateKey:
    """An SM2 private key together with its public key."""

    __slots__ = ("__weakref__", "_d", "_handles", "_public")

    def __init__(self, d: int, public: SM2PublicKey | None = None) -> None:
        """Prefer :meth:`generate` and the ``from_*`` constructors.

        ``public``, when given, must be ``d * G``; otherwise it is derived.
        """
        if not isinstance(d, int):
            raise InvalidKey("SM2 private key must be an integer scalar")
        check_private_scalar(d)
        derived = _derive_public(d)
        if public is None:
            public = SM2PublicKey(*derived)
        elif (public.x, public.y) != derived:
            raise InvalidKey("the SM2 public key does not belong to the private key")
        self._d = d
        self._public = public
        self._handles = _HandleCache()

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        """A fresh key; the scalar comes from ``secrets`` (the OS CSPRNG)."""
        return cls(secrets.randbelow(N - 2) + 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> SM2PrivateKey:
        """From the 32-byte big-endian scalar."""
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) != 32:
            raise InvalidKey("a raw SM2 private key is 32 bytes")
        return cls(int.from_bytes(bytes(data), "big"))

    @classmethod
    def from_der(cls, data: bytes) -> SM2PrivateKey:
        """From DER PKCS#8 ``PrivateKeyInfo`` or SEC 1 ``ECPrivateKey`` (unencrypted)."""
        parsed = decode_private_der(data)
        public = SM2PublicKey(*parsed.public) if parsed.public is not None else None
        return cls(parsed.d, public)

    @classmethod
    def from_pem(cls, data: bytes | str) -> SM2PrivateKey:
        """From ``-----BEGIN PRIVATE KEY-----`` (PKCS#8) or ``EC`` / ``SM2 PRIVATE KEY`` (SEC 1)."""
        _, der = pem_decode(data, (PEM_PRIVATE, PEM_EC_PRIVATE, PEM_SM2_PRIVATE))
        return cls.from_der(der)

    @property
    def public_key(self) -> SM2PublicKey:
        return self._public

    def to_bytes(self) -> bytes:
        """The 32-byte big-endian scalar.  Handle with care."""
        return self._d.to_bytes(32, "big")

    def to_der(self, format: PrivateFormat = "pkcs8") -> bytes:  # noqa: A002 - mirrors OpenSSL's wording
        """DER PKCS#8 (default) or SEC 1, unencrypted, with the public key included."""
        if format == "pkcs8":
            return encode_pkcs8(self._d, self._public.x, self._public.y)
        if format == "sec1":
            return encode_sec1(self._d, self._public.x, self._public.y)
        raise InvalidParameter("format must be 'pkcs8' or 'sec1'")

    def to_pem(self, format: PrivateFormat = "pkcs8") -> bytes:  # noqa: A002
        """PEM ``PRIVATE KEY`` (PKCS#8, default) or ``EC PRIVATE KEY`` (SEC 1), unencrypted."""
        label = PEM_PRIVATE if format == "pkcs8" else PEM_EC_PRIVATE
        return pem_encode(label, self.to_der(format))

    def __repr__(self) -> str:
        return f"SM2PrivateKey(public={self._public!r})"

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("SM2PrivateKey objects are not picklable; export them explicitly with to_pem()")

    # -- SM2 ---------------------------------------------------------------------------

    def _handle(self, backend: SM2Backend) -> object:
        return self._handles.get(
            backend, lambda: backend.private_handle(self._d, self._public.x, self._public.y)
        )

    def sign_digest(self, e: bytes, *, encoding: Encoding = "der") -> bytes:
        """Sign a precomputed ``e = SM3(Z_A || M)`` (see :meth:`SM2PublicKey.digest`)."""
        encoding = check_encoding(encoding)
        e = _check_digest(e)
        backend = get_backend()
        r, s = backend.sign_digest(self._handle(backend), e)
        return encode_signature(r, s, encoding)

    def sign(self, message: bytes, *, uid: bytes = DEFAULT_SM2_UID, encoding: Encoding = "der") -> bytes:
        """SM2 signature of ``message`` with signer ID ``uid``: DER ``SEQUENCE{r,s}`` or raw ``r||s``."""
        return self.sign_digest(self._public.digest(message, uid), encoding=encoding)

    def decrypt(self, ciphertext: bytes, *, encoding: Encoding = "der") -> bytes:
        """Inverse of :meth:`SM2PublicKey.encrypt`.

        Raises :class:`DecryptionFailed` (or its subclass
        :class:`InvalidCiphertextEncoding`) for anything that does not decrypt.
        """
        encoding = check_encoding(encoding)
        parts = decode_ciphertext(ciphertext, encoding)
        backend = get_backend()
        return backend.decrypt(self._handle(backend), parts.x, parts.y, parts.c3, parts.c2)
