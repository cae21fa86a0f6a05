#!/usr/bin/env python3
"""Benchmark of ``wangan.engines.gm``: SM2 sign/verify and SM4-GCM throughput.

Run from the repository root::

    python bench/gm/bench_gm.py            # about 30 s
    python bench/gm/bench_gm.py --seconds 0.5

Compares, in one run on one machine:

* SM2 sign/s and verify/s of the engine (default backend and each backend)
  against ``openssl speed sm2`` (C, no Python at all) and the pure-Python
  ``gmalg`` package, reported as ratios;
* ``gmssl_pyx``'s own Python API, one-shot and with Z_A precomputed, to show
  what the engine's reused key context buys;
* SM4-GCM MB/s of the engine against ``cryptography`` called directly.

Optional competitors (``openssl`` CLI, ``gmalg``, ``gmssl_pyx``) are skipped
with a note when missing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

try:
    from wangan.engines import gm
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from wangan.engines import gm

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MESSAGE = b"Wangan benchmark message: 64 bytes of data to sign, like a token"
UID = gm.DEFAULT_SM2_UID


def _one_rate(fn: Callable[[], object], seconds: float) -> float:
    calls = 0
    batch = 1
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        calls += batch
        if time.perf_counter() - wall_start >= seconds:
            return calls / max(time.process_time() - cpu_start, 1e-9)
        batch = min(batch * 2, 512)


def rate(fn: Callable[[], object], seconds: float, samples: int = 3) -> float:
    """Calls per CPU-second of ``fn``: the best of ``samples`` runs sharing ``seconds``.

    CPU time, like ``openssl speed`` (which reports user CPU time unless given
    ``-elapsed``), so a busy neighbour process does not skew the comparison;
    best-of-N trims what noise is left.
    """
    fn()  # warm up (first-use caches, lazy loading)
    return max(_one_rate(fn, seconds / samples) for _ in range(samples))


def threaded_rate(fn: Callable[[], object], threads: int, seconds: float) -> float:
    """Wall-clock throughput of ``threads`` threads calling ``fn`` (depends on free cores)."""
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def work(slot: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            for _ in range(16):
                fn()
            n += 16
        counts[slot] = n

    fn()
    start = time.perf_counter()
    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def quiet_available_backends() -> dict[str, str | None]:
    """gm.available_backends() with stderr muted: GmSSL prints a line for each
    bad signature its self-test feeds it."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            return gm.available_backends()
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def openssl_speed(seconds: int) -> tuple[float, float] | str:
    exe = shutil.which("openssl")
    if exe is None:
        return "openssl CLI not installed"
    out = subprocess.run(
        [exe, "speed", "-seconds", str(seconds), "sm2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    match = re.search(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out.stdout)
    if not match:
        return "could not parse `openssl speed sm2` output"
    return float(match.group(1)), float(match.group(2))


def engine_rates(key: gm.SM2PrivateKey, seconds: float) -> tuple[float, float]:
    pub = key.public_key
    sig = key.sign(MESSAGE)
    assert pub.verify(sig, MESSAGE)
    return rate(lambda: key.sign(MESSAGE), seconds), rate(lambda: pub.verify(sig, MESSAGE), seconds)


def gmalg_rates(key: gm.SM2PrivateKey, seconds: float) -> tuple[float, float] | str:
    try:
        import gmalg
    except ImportError:
        return "gmalg not installed (pip install gmalg==1.1.2)"
    signer = gmalg.SM2(key.to_bytes(), UID, key.public_key.to_bytes())
    # Same key, same ID: gmalg must accept the engine's signature, or the comparison is meaningless.
    raw = key.sign(MESSAGE, encoding="raw")
    if not signer.verify(MESSAGE, raw[:32], raw[32:]):
        return "gmalg rejected an engine signature (not comparable)"
    r, s = signer.sign(MESSAGE)
    if not key.public_key.verify(r.rjust(32, b"\0") + s.rjust(32, b"\0"), MESSAGE, encoding="raw"):
        return "the engine rejected a gmalg signature (not comparable)"
    return rate(lambda: signer.sign(MESSAGE), seconds), rate(lambda: signer.verify(MESSAGE, r, s), seconds)


def gmssl_pyx_rates(key: gm.SM2PrivateKey, seconds: float) -> dict[str, tuple[float, float]] | str:
    try:
        import gmssl_pyx
    except ImportError:
        return "gmssl_pyx not installed"
    d = key.to_bytes()
    pub64 = key.public_key.to_bytes()[1:]
    sig = gmssl_pyx.sm2_sign(d, pub64, MESSAGE, UID)
    assert key.public_key.verify(sig, MESSAGE)
    e = key.public_key.digest(MESSAGE)
    dsig = gmssl_pyx.sm2_sign_sm3_digest(d, e)
    return {
        "gmssl_pyx one-shot sm2_sign/sm2_verify(message)": (
            rate(lambda: gmssl_pyx.sm2_sign(d, pub64, MESSAGE, UID), seconds),
            rate(lambda: gmssl_pyx.sm2_verify(pub64, MESSAGE, sig, UID), seconds),
        ),
        "gmssl_pyx *_sm3_digest (Z_A, e precomputed)": (
            rate(lambda: gmssl_pyx.sm2_sign_sm3_digest(d, e), seconds),
            rate(lambda: gmssl_pyx.sm2_verify_sm3_digest(pub64, e, dsig), seconds),
        ),
    }


def gcm_rates(size: int, seconds: float) -> tuple[float, float]:
    key, nonce, data = os.urandom(16), os.urandom(12), os.urandom(size)
    aad = b"header"

    def direct() -> bytes:
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag

    assert direct() == gm.sm4_gcm_encrypt(key, nonce, data, aad)
    mb = size / 1e6
    engine = rate(lambda: gm.sm4_gcm_encrypt(key, nonce, data, aad), seconds) * mb
    crypto = rate(direct, seconds) * mb
    return engine, crypto


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement (default 1.0)")
    parser.add_argument("--openssl-seconds", type=int, default=2, help="`openssl speed -seconds` (default 2)")
    args = parser.parse_args()
    secs = args.seconds
    started = time.perf_counter()

    default_backend = gm.get_backend()
    key = gm.generate_private_key()

    rows: list[tuple[str, float | None, float | None, str]] = []
    notes: list[str] = []

    speed = openssl_speed(args.openssl_seconds)
    base_sign = base_verify = None
    if isinstance(speed, str):
        notes.append(f"openssl speed: {speed}")
    else:
        base_sign, base_verify = speed
        rows.append(("openssl speed sm2 (C, no Python, for scale)", base_sign, base_verify, ""))

    s, v = engine_rates(key, secs * 1.5)
    rows.append(("engine default backend (see above)", s, v, "default"))
    engine_sign, engine_verify = s, v
    signature = key.sign(MESSAGE)
    rows.append(
        (
            "engine default, 2 threads (ctypes releases the GIL)",
            threaded_rate(lambda: key.sign(MESSAGE), 2, secs),
            threaded_rate(lambda: key.public_key.verify(signature, MESSAGE), 2, secs),
            "",
        )
    )
    for name, reason in quiet_available_backends().items():
        if name == "auto":
            continue
        if reason is not None:
            notes.append(f"backend {name}: {reason}")
            continue
        previous = gm.set_backend(name)
        try:
            s, v = engine_rates(key, secs)
        finally:
            gm.set_backend(previous)
        rows.append((f"engine backend={name}", s, v, ""))

    pyx = gmssl_pyx_rates(key, secs)
    if isinstance(pyx, str):
        notes.append(pyx)
    else:
        for label, (s, v) in pyx.items():
            rows.append((label, s, v, ""))

    pure = gmalg_rates(key, secs * 1.5)
    gmalg_sign = gmalg_verify = None
    if isinstance(pure, str):
        notes.append(pure)
    else:
        gmalg_sign, gmalg_verify = pure
        rows.append(("gmalg 1.1.2 (pure Python)", gmalg_sign, gmalg_verify, ""))

    gcm = [(size, *gcm_rates(size, secs)) for size in (1024, 64 * 1024, 1024 * 1024)]

    print(
        f"\nwangan.engines.gm benchmark - Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}"
    )
    print(f"SM2 over a {len(MESSAGE)}-byte message, user ID {UID.decode()}, DER signatures, one key reused")
    print("rates are per CPU-second (as `openssl speed` reports them), except the 2-thread row (wall clock)")
    print(f"engine default backend: {default_backend.name}\n")
    head = f"{'implementation':<54}{'sign/s':>10}{'verify/s':>10}{'sign vs':>10}{'verify vs':>11}{'sign vs':>10}{'verify vs':>11}"
    sub = f"{'':<54}{'':>10}{'':>10}{'speed':>10}{'speed':>11}{'gmalg':>10}{'gmalg':>11}"
    print(head)
    print(sub)
    print("-" * len(head))
    for label, s, v, _ in rows:
        print(
            f"{label:<54}{s or 0:>10.0f}{v or 0:>10.0f}{fmt_ratio(s, base_sign):>10}{fmt_ratio(v, base_verify):>11}"
            f"{fmt_ratio(s, gmalg_sign):>10}{fmt_ratio(v, gmalg_verify):>11}"
        )
    print("\nSM4-GCM encrypt (16-byte tag, 6-byte AAD), one call per message")
    print(f"{'message size':<20}{'engine MB/s':>14}{'cryptography MB/s':>20}{'engine / direct':>18}")
    for size, engine_mbs, crypto_mbs in gcm:
        print(f"{size:<20}{engine_mbs:>14.1f}{crypto_mbs:>20.1f}{engine_mbs / crypto_mbs:>17.2f}x")
    print(
        f"\nsummary: engine default SM2 sign {fmt_ratio(engine_sign, base_sign)} / verify "
        f"{fmt_ratio(engine_verify, base_verify)} of `openssl speed`; {fmt_ratio(engine_sign, gmalg_sign)} / "
        f"{fmt_ratio(engine_verify, gmalg_verify)} of gmalg"
    )
    for note in notes:
        print(f"note: {note}")
    print(f"total run time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
