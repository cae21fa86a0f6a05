"""Master keys and key wrapping.

Each zone has its own 128-bit SM4 master key (seed 004 §(二): one set per zone), and the platform
PKI (root CA, issuing CA, service-generated certificate keys) has one more, ``PLATFORM``.  They are
deliberately *not* derived from SECRET_KEY or the field-encryption key (JumpServer's lesson: one
leaked Django secret must not open the key store).  Looked up, in order:

* ``WANGAN_CRYPTO_MASTER_KEY_<NAME>`` — 32 hex digits;
* ``WANGAN_CRYPTO_MASTER_KEY_<NAME>_FILE`` — path of a file holding them (container secrets);
* otherwise generated once and kept in ``<WANGAN_DATA_DIR>/secrets/wangan_crypto_master_key_<name>``
  (mode 0600), like the platform's other generated secrets in embedded mode.

Wrapped blob: ``b"W1" || nonce(12) || SM4-GCM(ciphertext || tag)`` with AAD naming what the blob
is (``kind|scope|id|version``), so a blob copied onto another key row, version or zone fails to
unwrap instead of silently becoming that key.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from wangan import config
from wangan.engines import gm

PLATFORM = "platform"
_PREFIX = b"W1"
_NONCE = 12
_cache_lock = threading.Lock()
_master_cache: dict[str, bytes] = {}


class MasterKeyError(Exception):
    """The master key is malformed, or is not the one the stored keys were wrapped with."""


def master_key_env_name(name: str) -> str:
    return f"WANGAN_CRYPTO_MASTER_KEY_{name.upper()}"


def _read_or_generate(name: str) -> str:
    env = master_key_env_name(name)
    file_name = os.environ.get(f"{env}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    value = os.environ.get(env, "").strip()
    if value:
        return value
    path = config.data_dir() / "secrets" / env.lower()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(16)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value)
    return value


def master_key(name: str) -> bytes:
    """The 16-byte master key of a zone code or ``PLATFORM`` (read once per process)."""
    key = _master_cache.get(name)
    if key is None:
        raw = _read_or_generate(name)
        try:
            key = bytes.fromhex(raw)
        except ValueError:
            key = b""
        if len(key) != gm.SM4_KEY_SIZE:
            raise MasterKeyError(f"{master_key_env_name(name)} must be 32 hex digits")
        _master_cache[name] = key
    return key


def master_key_check_value(name: str) -> str:
    """Key check value: the first 8 bytes of HMAC-SM3(master, constant), hex — safe to store."""
    return gm.hmac_sm3(master_key(name), b"wangan-cryptosvc-kcv").hex()[:16]


def forget_master_keys() -> None:
    """Tests and key ceremonies: drop the per-process copies."""
    _master_cache.clear()
    with _cache_lock:
        _unwrapped.clear()


def _aad(kind: str, scope: str, ident: str, version: int) -> bytes:
    return f"wangan-cryptosvc/v1|{kind}|{scope}|{ident}|{version}".encode()


def wrap(*, master: str, kind: str, ident: str, version: int = 1, plaintext: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return _PREFIX + nonce + gm.sm4_gcm_encrypt(master_key(master), nonce, plaintext, _aad(kind, master, ident, version))


def unwrap(*, master: str, kind: str, ident: str, version: int = 1, blob: bytes) -> bytes:
    """Inverse of :func:`wrap`; :class:`MasterKeyError` if the blob does not open under this binding."""
    blob = bytes(blob)
    if len(blob) < len(_PREFIX) + _NONCE + gm.SM4_GCM_TAG_SIZE or not blob.startswith(_PREFIX):
        raise MasterKeyError("not a wrapped key blob")
    nonce, body = blob[2 : 2 + _NONCE], blob[2 + _NONCE :]
    try:
        return gm.sm4_gcm_decrypt(master_key(master), nonce, body, _aad(kind, master, ident, version))
    except gm.DecryptionFailed as exc:
        raise MasterKeyError("the wrapped key does not open under this master key and binding") from exc


# Unwrapped key objects, cached per process: building an SM2PrivateKey costs a scalar
# multiplication, and unwrapping on every request would dominate the sign path.  Keyed by the
# wrapped blob itself, so a rotated, re-wrapped or destroyed key never hits a stale entry; the key
# row's status is still read from the database on every request.
_CACHE_SIZE = 512
_unwrapped: OrderedDict[bytes, object] = OrderedDict()


def unwrap_cached(*, master: str, kind: str, ident: str, version: int, blob: bytes, build) -> object:
    blob = bytes(blob)
    cache_key = _aad(kind, master, ident, version) + blob
    with _cache_lock:
        hit = _unwrapped.get(cache_key)
        if hit is not None:
            _unwrapped.move_to_end(cache_key)
            return hit
    value = build(unwrap(master=master, kind=kind, ident=ident, version=version, blob=blob))
    with _cache_lock:
        _unwrapped[cache_key] = value
        while len(_unwrapped) > _CACHE_SIZE:
            _unwrapped.popitem(last=False)
    return value


def evict(blob: bytes) -> None:
    """Drop every cached object built from ``blob`` (a disabled or destroyed key)."""
    blob = bytes(blob)
    with _cache_lock:
        for cache_key in [k for k in _unwrapped if k.endswith(blob)]:
            del _unwrapped[cache_key]
