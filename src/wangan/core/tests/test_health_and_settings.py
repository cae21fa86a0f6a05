"""Health endpoint for load balancers; production settings pass Django's deploy check."""

import os
import secrets
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_disk(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert {"database", "broker", "disk"} <= set(body["checks"])


def _run(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANGAN_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "wangan.cli", *args], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120)  # fmt: skip


def test_production_passes_the_deploy_check(tmp_path):
    result = _run({"WANGAN_ENV": "production", "WANGAN_DATA_DIR": str(tmp_path), "WANGAN_ALLOW_SQLITE_IN_PRODUCTION": "1",
                   "WANGAN_SECRET_KEY": secrets.token_urlsafe(50), "WANGAN_ALLOWED_HOSTS": "wangan.example.gov.cn"},
                  "check", "--deploy", "--fail-level", "WARNING")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_embedded_database_unless_told(tmp_path):
    result = _run({"WANGAN_ENV": "production", "WANGAN_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}, "check")
    assert result.returncode != 0 and "SQLite" in (result.stdout + result.stderr)


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
