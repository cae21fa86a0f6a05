from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[5].parent / "shared" / "data"


def shared_dir(name: str) -> Path:
    p = SHARED / name
    if not p.is_dir():
        pytest.skip(f"sample data {p} not present (it lives in ../shared/data beside the repo checkout)")
    return p


@pytest.fixture(scope="session")
def sigma_dir() -> Path:
    return shared_dir("sigma-rules")


@pytest.fixture(scope="session")
def ruleset(sigma_dir):
    from wangan.engines.logscan.sigma import load_rules
    return load_rules([sigma_dir])


@pytest.fixture(scope="session")
def builtin_rules():
    from wangan.engines.logscan.sigma import load_rules
    return load_rules()
