"""Fixtures for the GM engine tests (no Django, no database)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from wangan.engines import gm
from wangan.engines.gm._selftest import KAT

BACKEND_NAMES = ("auto", "openssl", "gmssl")


def _usable(name: str) -> str | None:
    return gm.available_backends().get(name)


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[gm.SM2Backend]:
    """Run the test once per SM2 backend (skipping the ones this machine lacks)."""
    reason = _usable(request.param)
    if reason is not None:
        pytest.skip(f"SM2 backend {request.param!r} unavailable: {reason}")
    previous = gm.set_backend(request.param)
    try:
        yield gm.get_backend()
    finally:
        gm.set_backend(previous)


@pytest.fixture(scope="session")
def kat_key() -> gm.SM2PrivateKey:
    """The GB/T 32918 example key."""
    return gm.SM2PrivateKey.from_bytes(KAT.d.to_bytes(32, "big"))


@pytest.fixture(scope="session")
def key() -> gm.SM2PrivateKey:
    return gm.generate_private_key()


@pytest.fixture(scope="session")
def other_key() -> gm.SM2PrivateKey:
    return gm.generate_private_key()


@pytest.fixture(scope="session")
def openssl_cli() -> str:
    """Path of an ``openssl`` CLI with SM2/SM3 support, or skip."""
    exe = shutil.which("openssl")
    if exe is None:
        pytest.skip("the openssl command-line tool is not installed; OpenSSL interop tests skipped")
    probe = subprocess.run(
        [exe, "genpkey", "-algorithm", "SM2"], capture_output=True, timeout=30, check=False
    )
    if probe.returncode != 0 or b"PRIVATE KEY" not in probe.stdout:
        pytest.skip("this openssl command-line tool has no SM2 support; OpenSSL interop tests skipped")
    return exe


@pytest.fixture
def run_openssl(openssl_cli: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``openssl ARGS`` in a temp dir; returns the CompletedProcess (stdout bytes)."""

    def run(*args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            [openssl_cli, *args], input=stdin, capture_output=True, cwd=tmp_path, timeout=60, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"openssl {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
        return result

    return run
