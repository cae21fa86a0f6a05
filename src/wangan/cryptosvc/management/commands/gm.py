"""`wangan gm …`: national-crypto tools for operators, on the same engine as the services.

    wangan gm sm3 [FILE|-]                          hex SM3 digest
    wangan gm keygen --out key.pem [--pubout pub.pem]
    wangan gm sign --key key.pem [--uid ID] [--raw] [FILE|-]     base64 DER (or raw r||s) signature
    wangan gm verify --pub pub.pem --sig SIG_B64 [--uid ID] [FILE|-]   exit 0 valid, 1 invalid
    wangan gm encrypt --pub pub.pem [FILE|-]        SM2 envelope: SM4-GCM data key wrapped with SM2
    wangan gm decrypt --key key.pem [FILE|-]

Key files are PEM (PKCS#8 or SEC 1 private keys, SubjectPublicKeyInfo public keys), as OpenSSL and
GmSSL write them.  ``encrypt`` writes JSON: {"alg": "SM2+SM4-GCM", "ek": base64 SM2 ciphertext of a
fresh SM4 key, "iv", "ct"} — SM2 encrypts only the data key, so any size of file works.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wangan.engines import gm

MAX_INPUT = 256 * 1024 * 1024


def _read(path: str | None) -> bytes:
    if path in (None, "-"):
        return sys.stdin.buffer.read(MAX_INPUT + 1)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc


def _uid(value: str | None) -> bytes:
    return value.encode() if value is not None else gm.DEFAULT_SM2_UID


class Command(BaseCommand):
    help = "National-crypto tools: sm3, keygen, sign, verify, encrypt, decrypt (SM2/SM3/SM4)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("sm3", help="SM3 digest (hex)")
        p.add_argument("file", nargs="?")
        p = sub.add_parser("keygen", help="new SM2 key pair (PEM)")
        p.add_argument("--out", required=True, help="private key file (written mode 0600)")
        p.add_argument("--pubout", help="public key file")
        p = sub.add_parser("sign", help="SM2 signature (base64)")
        p.add_argument("--key", required=True)
        p.add_argument("--uid", help="signer ID (default 1234567812345678)")
        p.add_argument("--raw", action="store_true", help="64-byte r||s instead of DER")
        p.add_argument("file", nargs="?")
        p = sub.add_parser("verify", help="check an SM2 signature")
        p.add_argument("--pub", required=True)
        p.add_argument("--sig", required=True, help="base64 signature, or @file with the base64 or DER")
        p.add_argument("--uid")
        p.add_argument("--raw", action="store_true")
        p.add_argument("file", nargs="?")
        p = sub.add_parser("encrypt", help="encrypt for an SM2 public key")
        p.add_argument("--pub", required=True)
        p.add_argument("file", nargs="?")
        p = sub.add_parser("decrypt", help="decrypt with an SM2 private key")
        p.add_argument("--key", required=True)
        p.add_argument("file", nargs="?")

    def handle(self, *args, **o):
        try:
            return getattr(self, "do_" + o["action"])(o)
        except gm.GMError as exc:
            raise CommandError(f"{o['action']}: {exc}") from exc

    def _out(self, text: str) -> None:
        self.stdout.write(text)

    def do_sm3(self, o):
        self._out(gm.sm3(_read(o["file"])).hex())

    def do_keygen(self, o):
        key = gm.generate_private_key()
        fd = os.open(o["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.to_pem())
        if o.get("pubout"):
            Path(o["pubout"]).write_bytes(key.public_key.to_pem())
        self._out(key.public_key.to_pem().decode().strip())

    def do_sign(self, o):
        key = gm.load_pem_private_key(_read(o["key"]))
        sig = key.sign(_read(o["file"]), uid=_uid(o["uid"]), encoding="raw" if o["raw"] else "der")
        self._out(base64.b64encode(sig).decode())

    def do_verify(self, o):
        public = gm.load_pem_public_key(_read(o["pub"]))
        raw_sig = o["sig"]
        if raw_sig.startswith("@"):
            blob = _read(raw_sig[1:])
            sig = blob if blob[:1] == b"\x30" and not o["raw"] else base64.b64decode(blob.strip() or b"")
        else:
            try:
                sig = base64.b64decode(raw_sig, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise CommandError("the signature is not valid base64") from exc
        ok = public.verify(sig, _read(o["file"]), uid=_uid(o["uid"]), encoding="raw" if o["raw"] else "der")
        self._out("valid" if ok else "INVALID")
        if not ok:
            raise SystemExit(1)

    def do_encrypt(self, o):
        public = gm.load_pem_public_key(_read(o["pub"]))
        data_key, iv = secrets.token_bytes(gm.SM4_KEY_SIZE), secrets.token_bytes(12)
        out = {"alg": "SM2+SM4-GCM", "ek": base64.b64encode(public.encrypt(data_key)).decode(),
               "iv": base64.b64encode(iv).decode(),
               "ct": base64.b64encode(gm.sm4_gcm_encrypt(data_key, iv, _read(o["file"]))).decode()}  # fmt: skip
        self._out(json.dumps(out))

    def do_decrypt(self, o):
        key = gm.load_pem_private_key(_read(o["key"]))
        try:
            env = json.loads(_read(o["file"]))
            if env.get("alg") != "SM2+SM4-GCM":
                raise ValueError
            ek, iv, ct = (base64.b64decode(env[k], validate=True) for k in ("ek", "iv", "ct"))
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
            raise CommandError("not an envelope written by `wangan gm encrypt`") from exc
        plaintext = gm.sm4_gcm_decrypt(key.decrypt(ek), iv, ct)
        sys.stdout.buffer.write(plaintext)
        sys.stdout.buffer.flush()
