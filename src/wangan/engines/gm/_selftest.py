"""Known-answer self-test every SM2 backend passes before the engine uses it.

The vectors are the worked examples on the recommended SM2 curve from
GB/T 32918 (GM/T 0003) parts 2 and 4: private key ``3945208F...C5B8``, user ID
``1234567812345678``, message ``"message digest"`` for the signature and
``"encryption standard"`` for the ciphertext (both made with the published
nonce ``k = 59276E27...BC21``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._errors import BackendUnavailable, DecryptionFailed, GMError

if TYPE_CHECKING:
    from ._backend import SM2Backend
    from ._backend_gmssl import GmSSLBackend

__all__ = ["KAT", "check_gmssl_fast_path", "self_test"]

log = logging.getLogger(__name__)


class KAT:
    d = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    x = 0x09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
    y = 0xCCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13
    uid = b"1234567812345678"
    message = b"message digest"
    z = bytes.fromhex("B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3")
    e = bytes.fromhex("F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640")
    k = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
    r = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
    s = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
    plaintext = b"encryption standard"
    c1x = 0x04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73
    c1y = 0xE858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0
    c3 = bytes.fromhex("59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766")
    c2 = bytes.fromhex("21886CA989CA9C7D58087307CA93092D651EFA")


def _check(condition: bool, what: str, backend: SM2Backend) -> None:
    if not condition:
        raise BackendUnavailable(f"SM2 backend {backend.name!r} failed its self-test: {what}")


def check_gmssl_fast_path(backend: GmSSLBackend) -> bool:
    """Check the GmSSL ``ctypes`` fast path on the KAT key; turn it off if it misbehaves.

    Only feeds GmSSL valid input (GmSSL prints to stderr on every failure).
    Returns whether the fast path is in use afterwards.
    """
    if not backend.uses_fast_path:
        return False
    try:
        ok = backend.public_from_private(KAT.d) == (KAT.x, KAT.y)
        handle = backend.private_handle(KAT.d, KAT.x, KAT.y)
        r, s = backend.sign_digest(handle, KAT.e)
        ok = ok and backend.verify_digest(backend.public_handle(KAT.x, KAT.y), KAT.e, r, s)
    except (GMError, OSError, ValueError) as exc:
        log.warning("GmSSL fast path disabled: %s", exc)
        ok = False
    if not ok:
        log.warning("GmSSL fast path failed its self-test; using gmssl_pyx's public API")
        backend.disable_fast_path()
    return backend.uses_fast_path


def self_test(backend: SM2Backend) -> None:
    """Raise :class:`BackendUnavailable` unless ``backend`` reproduces the GB/T 32918 examples."""
    from ._backend_gmssl import GmSSLBackend

    if isinstance(backend, GmSSLBackend):
        check_gmssl_fast_path(backend)
    try:
        derived = backend.public_from_private(KAT.d)
    except BackendUnavailable:
        derived = None  # a sign-only backend (gmssl without its fast path)
    if derived is not None:
        _check(derived == (KAT.x, KAT.y), "public key derivation", backend)

    public = backend.public_handle(KAT.x, KAT.y)
    _check(backend.verify_digest(public, KAT.e, KAT.r, KAT.s), "known signature rejected", backend)
    _check(not backend.verify_digest(public, KAT.e, KAT.r, KAT.s ^ 1), "altered signature accepted", backend)

    private = backend.private_handle(KAT.d, KAT.x, KAT.y)
    first = backend.sign_digest(private, KAT.e)
    second = backend.sign_digest(private, KAT.e)
    _check(first != second, "two signatures share a nonce", backend)
    _check(backend.verify_digest(public, KAT.e, *first), "own signature rejected", backend)

    plaintext = backend.decrypt(private, KAT.c1x, KAT.c1y, KAT.c3, KAT.c2)
    _check(plaintext == KAT.plaintext, "known ciphertext decrypted wrongly", backend)
    bad_c3 = bytes([KAT.c3[0] ^ 1]) + KAT.c3[1:]
    try:
        backend.decrypt(private, KAT.c1x, KAT.c1y, bad_c3, KAT.c2)
    except DecryptionFailed:
        pass
    else:
        _check(False, "tampered ciphertext decrypted", backend)
    x1, y1, c3, c2 = backend.encrypt(public, b"self-test")
    _check(backend.decrypt(private, x1, y1, c3, c2) == b"self-test", "encryption round trip", backend)
