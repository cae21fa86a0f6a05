"""`wangan gm …`, `wangan cryptoapp …` and the demo data."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from wangan.cryptosvc import demo
from wangan.cryptosvc.models import Application, Key
from wangan.engines import gm


def run(*args, stdin: bytes = b"") -> str:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("gm", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue().strip()


def test_sm3_of_stdin_and_file(tmp_path):
    assert run("sm3", stdin=b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    (tmp_path / "f").write_bytes(b"abc")
    assert run("sm3", str(tmp_path / "f")).startswith("66c7f0f4")


def test_keygen_sign_verify(tmp_path):
    key, pub, data = tmp_path / "k.pem", tmp_path / "p.pem", tmp_path / "d"
    data.write_bytes("公文".encode())
    run("keygen", "--out", str(key), "--pubout", str(pub))
    assert oct(key.stat().st_mode)[-3:] == "600"
    sig = run("sign", "--key", str(key), str(data))
    assert gm.load_pem_public_key(pub.read_bytes()).verify(base64.b64decode(sig), "公文".encode())
    assert run("verify", "--pub", str(pub), "--sig", sig, str(data)) == "valid"
    data.write_bytes(b"changed")
    with pytest.raises(SystemExit) as exc:
        run("verify", "--pub", str(pub), "--sig", sig, str(data))
    assert exc.value.code == 1
    with pytest.raises(CommandError):
        run("verify", "--pub", str(pub), "--sig", "!!", str(data))


def test_encrypt_decrypt_round_trip(tmp_path, capfdbinary):
    key, pub, data = tmp_path / "k.pem", tmp_path / "p.pem", tmp_path / "d"
    run("keygen", "--out", str(key), "--pubout", str(pub))
    data.write_bytes(b"x" * 100_000)
    (tmp_path / "e.json").write_text(run("encrypt", "--pub", str(pub), str(data)))
    assert json.loads((tmp_path / "e.json").read_text())["alg"] == "SM2+SM4-GCM"
    capfdbinary.readouterr()
    run("decrypt", "--key", str(key), str(tmp_path / "e.json"))
    assert capfdbinary.readouterr().out == b"x" * 100_000
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(CommandError):
        run("decrypt", "--key", str(key), str(tmp_path / "bad.json"))


def test_bad_pem_is_a_command_error(tmp_path):
    (tmp_path / "k.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(CommandError):
        run("sign", "--key", str(tmp_path / "k.pem"), stdin=b"x")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_openssl_key_and_signature_interoperate(tmp_path):
    key, data = tmp_path / "k.pem", tmp_path / "d"
    data.write_bytes(b"interop")
    subprocess.run(["openssl", "genpkey", "-algorithm", "sm2", "-out", str(key)], check=True)
    sig = run("sign", "--key", str(key), str(data))
    (tmp_path / "s.der").write_bytes(base64.b64decode(sig))
    subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(tmp_path / "p.pem")], check=True)
    r = subprocess.run(["openssl", "dgst", "-sm3", "-verify", str(tmp_path / "p.pem"), "-sigopt",
                        "distid:1234567812345678", "-signature", str(tmp_path / "s.der"), str(data)],
                       capture_output=True, text=True)  # fmt: skip
    assert "Verified OK" in r.stdout


@pytest.mark.django_db
def test_cryptoapp_register_prints_the_secret_once(security_admin, app_org, internet):
    out = io.StringIO()
    call_command("cryptoapp", "register", "--as", security_admin.username, "--organization", app_org.name,
                 "--zone", "internet", "--name", "运维脚本", stdout=out)  # fmt: skip
    assert "secret=ws_" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("cryptoapp", "register", "--as", "nobody", "--organization", app_org.name, "--zone", "internet",
                     "--name", "x")  # fmt: skip


@pytest.mark.django_db
def test_demo_registers_the_four_systems_in_both_zones_once(security_admin):
    from wangan.accounts.tests.factories import OrganizationFactory

    assert demo.demo_load() == ""  # no demo authority yet: nothing to own them
    OrganizationFactory(name=demo.OWNER, type="authority")
    assert demo.demo_load() == "8 crypto applications registered"
    assert demo.demo_load() == ""
    assert sorted(set(Application.objects.values_list("name", flat=True))) == sorted(demo.SYSTEMS)
    assert Key.objects.count() == 16
