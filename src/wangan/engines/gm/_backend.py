"""The one seam between the SM2 logic and the native code that does the EC math.

A backend only does what needs a scalar multiplication: deriving a public
key, signing / verifying a 32-byte digest ``e`` (already SM3(Z_A || M)), and
SM2 public-key encryption.  Everything else (Z_A, encodings, key formats,
validation) lives above it, identical for every backend.

Backends shipped:

``openssl``  the system OpenSSL 3 ``libcrypto`` through ``ctypes`` (always there on Debian 12).
``gmssl``    GmSSL, as compiled into the ``gmssl_pyx`` wheel.
``auto``     the default: GmSSL signs (about twice OpenSSL 3.0's rate), OpenSSL does the
             rest (it verifies faster and has no 255-byte limit on encryption).

The default is picked once per process, on first use, unless the environment
variable ``WANGAN_GM_SM2_BACKEND`` names one.  :func:`set_backend` swaps it
(tests, benchmarks).  Every backend passes a known-answer self-test before it
is used; one that fails is treated as unavailable.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from ._errors import BackendUnavailable, GMError

__all__ = [
    "BACKEND_ENV_VAR",
    "SM2Backend",
    "available_backends",
    "get_backend",
    "set_backend",
]

log = logging.getLogger(__name__)

BACKEND_ENV_VAR = "WANGAN_GM_SM2_BACKEND"


@runtime_checkable
class SM2Backend(Protocol):
    """What a native SM2 implementation has to provide.

    Handles are opaque, backend-specific objects (an ``EVP_PKEY``, a GmSSL
    ``SM2_KEY``...).  A key object creates its handle once and reuses it, so a
    backend should put any per-key precomputation there.  Handles must be safe
    to use from several threads at once.  Integers are plain Python ints;
    points are affine ``(x, y)`` already validated by the caller.
    """

    name: str

    def public_from_private(self, d: int) -> tuple[int, int]:
        """``d * G`` for ``1 <= d <= n - 2``."""
        ...

    def private_handle(self, d: int, x: int, y: int) -> object:
        """Prepare a private key (``(x, y) == d * G``) for signing and decryption."""
        ...

    def public_handle(self, x: int, y: int) -> object:
        """Prepare a public key for verification and encryption."""
        ...

    def sign_digest(self, handle: object, e: bytes) -> tuple[int, int]:
        """Sign the 32-byte ``e``; the nonce comes from a CSPRNG.  Returns ``(r, s)``."""
        ...

    def verify_digest(self, handle: object, e: bytes, r: int, s: int) -> bool:
        """True iff ``(r, s)`` (each in [1, n-1]) is a valid signature of ``e``."""
        ...

    def encrypt(self, handle: object, plaintext: bytes) -> tuple[int, int, bytes, bytes]:
        """SM2-encrypt a non-empty message; returns ``(x1, y1, C3, C2)``."""
        ...

    def decrypt(self, handle: object, x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
        """Inverse of :meth:`encrypt`; raises :class:`DecryptionFailed` on any failure."""
        ...


def _make_openssl() -> SM2Backend:
    from ._backend_openssl import OpenSSLBackend

    return OpenSSLBackend()


def _make_gmssl() -> SM2Backend:
    from ._backend_gmssl import GmSSLBackend

    return GmSSLBackend()


def _make_auto() -> SM2Backend:
    from ._backend_composite import CompositeBackend
    from ._selftest import check_gmssl_fast_path, self_test

    errors: list[str] = []
    try:
        other = _load("openssl")
    except BackendUnavailable as exc:
        errors.append(str(exc))
    else:
        # GmSSL is only worth it for its reused-key signing fast path.  It is
        # not loaded through _load("gmssl"): that self-test feeds GmSSL bad
        # signatures, and GmSSL prints a diagnostic to stderr for each one.
        # The composite's own self-test covers the signing path end to end.
        try:
            from ._backend_gmssl import GmSSLBackend

            signer = GmSSLBackend()
            if check_gmssl_fast_path(signer):
                composite = CompositeBackend(signer=signer, other=other)
                self_test(composite)
                return composite
            errors.append("GmSSL fast path unavailable")
        except (GMError, OSError, ValueError) as exc:
            errors.append(str(exc))
        log.debug("SM2 auto backend: using OpenSSL alone (%s)", "; ".join(errors))
        return other
    try:
        return _load("gmssl")
    except BackendUnavailable as exc:
        errors.append(str(exc))
    raise BackendUnavailable("no SM2 backend could be loaded: " + "; ".join(errors))


_FACTORIES: dict[str, Callable[[], SM2Backend]] = {
    "auto": _make_auto,
    "openssl": _make_openssl,
    "gmssl": _make_gmssl,
}

_lock = threading.RLock()
_loaded: dict[str, SM2Backend] = {}
_failed: dict[str, str] = {}
_current: SM2Backend | None = None


def _load(name: str) -> SM2Backend:
    with _lock:
        if name in _loaded:
            return _loaded[name]
        if name in _failed:
            raise BackendUnavailable(_failed[name])
        factory = _FACTORIES.get(name)
        if factory is None:
            raise BackendUnavailable(f"unknown SM2 backend {name!r}; known: {', '.join(sorted(_FACTORIES))}")
        try:
            backend = factory()
            if name != "auto":  # _make_auto tests what it builds
                from ._selftest import self_test

                self_test(backend)
        except BackendUnavailable as exc:
            _failed[name] = str(exc)
            raise
        except (GMError, OSError, ImportError, AttributeError, ValueError) as exc:
            _failed[name] = f"SM2 backend {name!r} failed to load: {exc}"
            raise BackendUnavailable(_failed[name]) from exc
        _loaded[name] = backend
        return backend


def get_backend() -> SM2Backend:
    """The SM2 backend in use (chosen on first call)."""
    global _current
    current = _current
    if current is not None:
        return current
    with _lock:
        if _current is None:
            wanted = os.environ.get(BACKEND_ENV_VAR, "").strip().lower() or "auto"
            _current = _load(wanted)
            log.debug("SM2 backend: %s", _current.name)
        return _current


def set_backend(backend: SM2Backend | str) -> SM2Backend:
    """Use ``backend`` (an instance or a registered name) from now on; returns the previous one."""
    global _current
    with _lock:
        previous = _current if _current is not None else get_backend()
        if isinstance(backend, str):
            backend = _load(backend.strip().lower())
        elif not isinstance(backend, SM2Backend):
            raise TypeError("backend must be an SM2Backend or the name of one")
        _current = backend
        return previous


def available_backends() -> dict[str, str | None]:
    """Every registered backend name mapped to ``None`` if it loads, else the reason it does not."""
    result: dict[str, str | None] = {}
    for name in _FACTORIES:
        try:
            _load(name)
        except BackendUnavailable as exc:
            result[name] = str(exc)
        else:
            result[name] = None
    return result
