"""Master keys and wrapping: separate per zone, bound to what they wrap, never SECRET_KEY."""

from __future__ import annotations

import pytest
from django.conf import settings

from wangan.cryptosvc import keystore, services
from wangan.cryptosvc.errors import MasterKeyMismatch
from wangan.cryptosvc.models import Key


def test_wrapped_blob_is_bound_to_its_zone_key_id_and_version():
    blob = keystore.wrap(master="internet", kind="app-key", ident="k_1", version=1, plaintext=b"k" * 16)
    assert keystore.unwrap(master="internet", kind="app-key", ident="k_1", version=1, blob=blob) == b"k" * 16
    for other in ({"master": "extranet"}, {"ident": "k_2"}, {"version": 2}, {"kind": "app-secret"}):
        args = {"master": "internet", "kind": "app-key", "ident": "k_1", "version": 1} | other
        with pytest.raises(keystore.MasterKeyError):
            keystore.unwrap(**args, blob=blob)
    with pytest.raises(keystore.MasterKeyError):
        keystore.unwrap(master="internet", kind="app-key", ident="k_1", version=1, blob=b"W1short")


def test_zone_master_keys_are_their_own(monkeypatch):
    internet, extranet = keystore.master_key("internet"), keystore.master_key("extranet")
    assert internet != extranet
    assert internet not in (settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY.encode()[:16])


def test_master_key_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "mk").write_text("aa" * 16 + "\n")
    monkeypatch.delenv("WANGAN_CRYPTO_MASTER_KEY_INTERNET")
    monkeypatch.setenv("WANGAN_CRYPTO_MASTER_KEY_INTERNET_FILE", str(tmp_path / "mk"))
    keystore.forget_master_keys()
    assert keystore.master_key("internet") == bytes.fromhex("aa" * 16)


def test_master_key_generated_once_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("WANGAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("WANGAN_CRYPTO_MASTER_KEY_EXTRANET")
    keystore.forget_master_keys()
    first = keystore.master_key("extranet")
    keystore.forget_master_keys()
    assert keystore.master_key("extranet") == first
    path = tmp_path / "secrets" / "wangan_crypto_master_key_extranet"
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_malformed_master_key_is_refused(monkeypatch):
    monkeypatch.setenv("WANGAN_CRYPTO_MASTER_KEY_INTERNET", "not-hex")
    keystore.forget_master_keys()
    with pytest.raises(keystore.MasterKeyError):
        keystore.master_key("internet")


@pytest.mark.django_db
def test_a_different_master_key_is_detected_not_used(monkeypatch, registered, security_admin):
    app, _secret = registered
    monkeypatch.setenv("WANGAN_CRYPTO_MASTER_KEY_INTERNET", "11" * 16)
    keystore.forget_master_keys()
    app.zone.refresh_from_db()
    with pytest.raises(MasterKeyMismatch):
        services.key_create(actor=security_admin, application=app, purpose="sign")


@pytest.mark.django_db
def test_no_plaintext_key_material_in_the_database(registered):
    app, secret = registered
    assert secret.encode() not in bytes(app.secret_wrapped)
    for key in Key.objects.filter(application=app):
        material = keystore.unwrap(master="internet", kind="app-key", ident=key.key_id, version=key.version,
                                   blob=key.wrapped)  # fmt: skip
        assert material not in bytes(key.wrapped)
