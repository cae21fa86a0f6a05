"""SSL service (seed 004 §(二)3 SSL 安全服务): a TLCP (GM/T 0024, "国密 SSL") endpoint on Tongsuo.

Neither Debian's OpenSSL 3.0 nor Python's ``ssl`` module speaks TLCP or the RFC 8998 TLS 1.3
suites.  The ``tongsuopy`` wheel (PyPI, Apache-2.0) compiles Tongsuo (BabaSSL 8.3) into its
extension module and exports its whole libssl — ``NTLS_*_method``, ``SSL_CTX_enable_ntls``, the
``*_sign_*``/``*_enc_*`` double-certificate setters — so this module drives it through ``ctypes``:

* :class:`TlcpGateway` — a small TLCP-terminating reverse proxy (thread per connection) that
  forwards the decrypted bytes to a plain upstream such as the platform's waitress;
* :func:`tlcp_request` — a TLCP client, for tests and for the operator's health check.

It is a gateway for a loopback test and a small deployment; a production zone puts a hardened
Tongsuo-nginx in front instead (docs/cryptosvc.md has its configuration) with the same
certificate pair.  Django-free: keys and certificates come in as PEM.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import tempfile
import threading
from ctypes import c_char_p, c_int, c_long, c_void_p
from dataclasses import dataclass
from pathlib import Path

TLCP_CIPHERS = "ECC-SM2-SM4-GCM-SM3:ECC-SM2-SM4-CBC-SM3:ECDHE-SM2-SM4-GCM-SM3:ECDHE-SM2-SM4-CBC-SM3"
# RFC 8998: TLS 1.3 with SM4-GCM/SM3, SM2 signatures (sm2sig_sm3) and the SM2 curve for key exchange.
TLS13_SUITES = "TLS_SM4_GCM_SM3"
_CTRL_SET_GROUPS_LIST, _CTRL_SET_SIGALGS_LIST, _CTRL_SET_MIN_PROTO, _CTRL_SET_MAX_PROTO = 92, 98, 123, 124
_TLS1_3_VERSION = 0x0304
_FILETYPE_PEM = 1
_VERIFY_PEER = 1
_lock = threading.Lock()
_lib = None


class TlcpUnavailable(RuntimeError):
    """No Tongsuo here (``tongsuopy`` not installed, or an unexpected build)."""


class TlcpError(RuntimeError):
    pass


def _bind(lib) -> None:
    sig = {
        "OPENSSL_init_ssl": (c_int, [ctypes.c_uint64, c_void_p]),
        "NTLS_server_method": (c_void_p, []), "NTLS_client_method": (c_void_p, []),
        "TLS_server_method": (c_void_p, []), "TLS_client_method": (c_void_p, []),
        "SSL_CTX_set_ciphersuites": (c_int, [c_void_p, c_char_p]),
        "SSL_CTX_use_certificate_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_use_PrivateKey_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_ctrl": (c_long, [c_void_p, c_int, c_long, c_void_p]),
        "SSL_CTX_new": (c_void_p, [c_void_p]), "SSL_CTX_free": (None, [c_void_p]),
        "SSL_CTX_enable_ntls": (None, [c_void_p]),
        "SSL_CTX_set_cipher_list": (c_int, [c_void_p, c_char_p]),
        "SSL_CTX_use_sign_certificate_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_use_sign_PrivateKey_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_use_enc_certificate_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_use_enc_PrivateKey_file": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_CTX_load_verify_locations": (c_int, [c_void_p, c_char_p, c_char_p]),
        "SSL_CTX_set_verify": (None, [c_void_p, c_int, c_void_p]),
        "SSL_new": (c_void_p, [c_void_p]), "SSL_free": (None, [c_void_p]),
        "SSL_set_fd": (c_int, [c_void_p, c_int]),
        "SSL_accept": (c_int, [c_void_p]), "SSL_connect": (c_int, [c_void_p]),
        "SSL_read": (c_int, [c_void_p, c_void_p, c_int]), "SSL_write": (c_int, [c_void_p, c_char_p, c_int]),
        "SSL_shutdown": (c_int, [c_void_p]), "SSL_get_error": (c_int, [c_void_p, c_int]),
        "SSL_get_version": (c_char_p, [c_void_p]), "SSL_get_current_cipher": (c_void_p, [c_void_p]),
        "SSL_CIPHER_get_name": (c_char_p, [c_void_p]), "SSL_get_verify_result": (c_long, [c_void_p]),
        "SSL_ctrl": (c_long, [c_void_p, c_int, c_long, c_void_p]),
        "ERR_get_error": (ctypes.c_ulong, []), "ERR_error_string_n": (None, [ctypes.c_ulong, c_char_p, ctypes.c_size_t]),
    }  # fmt: skip
    for name, (restype, argtypes) in sig.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes


def library():
    """Tongsuo's libssl inside the tongsuopy extension module (loaded once)."""
    global _lib
    with _lock:
        if _lib is None:
            try:
                import tongsuopy.backends
            except ImportError as exc:
                raise TlcpUnavailable("tongsuopy is not installed") from exc
            path = Path(tongsuopy.backends.__file__).parent / "_tongsuo.abi3.so"
            try:
                lib = ctypes.CDLL(str(path))
                _bind(lib)
            except (OSError, AttributeError) as exc:
                raise TlcpUnavailable(f"no TLCP in this tongsuopy build: {exc}") from exc
            lib.OPENSSL_init_ssl(0, None)
            _lib = lib
    return _lib


def available() -> bool:
    try:
        library()
    except TlcpUnavailable:
        return False
    return True


def _errors(lib) -> str:
    out = []
    while code := lib.ERR_get_error():
        buf = ctypes.create_string_buffer(256)
        lib.ERR_error_string_n(code, buf, 256)
        out.append(buf.value.decode(errors="replace"))
    return "; ".join(out) or "unknown error"


@dataclass(frozen=True)
class CertPair:
    """TLCP's two certificates and keys (PEM): signing (authentication) and encryption (key exchange)."""

    sign_cert: str
    sign_key: str
    enc_cert: str
    enc_key: str


class _Files:
    """PEM material in a private temporary directory (Tongsuo's setters read files); removed on close."""

    def __init__(self, **pems: str) -> None:
        self.dir = tempfile.mkdtemp(prefix="wangan-tlcp-")
        os.chmod(self.dir, 0o700)
        self.paths: dict[str, bytes] = {}
        for name, pem in pems.items():
            path = os.path.join(self.dir, name + ".pem")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(pem)
            self.paths[name] = path.encode()

    def close(self) -> None:
        for path in self.paths.values():
            with contextlib.suppress(OSError):
                os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(self.dir)


def _tls13_only(lib, ctx) -> bool:
    return (lib.SSL_CTX_ctrl(ctx, _CTRL_SET_MIN_PROTO, _TLS1_3_VERSION, None) == 1
            and lib.SSL_CTX_ctrl(ctx, _CTRL_SET_MAX_PROTO, _TLS1_3_VERSION, None) == 1
            and lib.SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES.encode()) == 1
            and lib.SSL_CTX_ctrl(ctx, _CTRL_SET_GROUPS_LIST, 0, c_char_p(b"SM2")) == 1
            and lib.SSL_CTX_ctrl(ctx, _CTRL_SET_SIGALGS_LIST, 0, c_char_p(b"sm2sig_sm3")) == 1)  # fmt: skip


def _server_ctx(lib, pair: CertPair, protocol: str):
    files = _Files(sign_cert=pair.sign_cert, sign_key=pair.sign_key, enc_cert=pair.enc_cert, enc_key=pair.enc_key)
    try:
        if protocol == "tlcp":
            ctx = lib.SSL_CTX_new(lib.NTLS_server_method())
            lib.SSL_CTX_enable_ntls(ctx)
            ok = (lib.SSL_CTX_set_cipher_list(ctx, TLCP_CIPHERS.encode()) == 1
                  and lib.SSL_CTX_use_sign_certificate_file(ctx, files.paths["sign_cert"], _FILETYPE_PEM) == 1
                  and lib.SSL_CTX_use_sign_PrivateKey_file(ctx, files.paths["sign_key"], _FILETYPE_PEM) == 1
                  and lib.SSL_CTX_use_enc_certificate_file(ctx, files.paths["enc_cert"], _FILETYPE_PEM) == 1
                  and lib.SSL_CTX_use_enc_PrivateKey_file(ctx, files.paths["enc_key"], _FILETYPE_PEM) == 1)  # fmt: skip
        else:  # RFC 8998 TLS 1.3: one SM2 certificate (the signing one)
            ctx = lib.SSL_CTX_new(lib.TLS_server_method())
            ok = (_tls13_only(lib, ctx)
                  and lib.SSL_CTX_use_certificate_file(ctx, files.paths["sign_cert"], _FILETYPE_PEM) == 1
                  and lib.SSL_CTX_use_PrivateKey_file(ctx, files.paths["sign_key"], _FILETYPE_PEM) == 1)  # fmt: skip
        if not ok:
            err = _errors(lib)
            lib.SSL_CTX_free(ctx)
            raise TlcpError(f"cannot load the certificates: {err}")
        return ctx
    finally:
        files.close()  # loaded into memory; nothing stays on disk


def _blocking(sock: socket.socket, seconds: int = 30) -> None:
    """Tongsuo does blocking I/O on the fd: a Python timeout would make it non-blocking, so the
    timeout is set in the kernel instead."""
    sock.settimeout(None)
    tv = ctypes.create_string_buffer(16)
    ctypes.memmove(tv, (ctypes.c_long * 2)(seconds, 0), 16)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv.raw)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, tv.raw)


def _read_all(lib, ssl, limit: int = 1 << 24) -> bytes:
    chunks, total = [], 0
    buf = ctypes.create_string_buffer(16384)
    while total < limit:
        n = lib.SSL_read(ssl, buf, len(buf))
        if n <= 0:
            break
        chunks.append(buf.raw[:n])
        total += n
    return b"".join(chunks)


def _read_request(lib, ssl, limit: int = 1 << 20) -> bytes:
    """An HTTP/1.x request: headers, then Content-Length bytes of body."""
    data = b""
    buf = ctypes.create_string_buffer(16384)
    while b"\r\n\r\n" not in data and len(data) < limit:
        n = lib.SSL_read(ssl, buf, len(buf))
        if n <= 0:
            return data
        data += buf.raw[:n]
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _c, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = min(int(value.strip()), limit)
    while len(body) < length:
        n = lib.SSL_read(ssl, buf, len(buf))
        if n <= 0:
            break
        body += buf.raw[:n]
    return head + b"\r\n\r\n" + body


def _write_all(lib, ssl, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = lib.SSL_write(ssl, bytes(view[:16384]), min(len(view), 16384))
        if n <= 0:
            raise TlcpError(_errors(lib))
        view = view[n:]


class TlcpGateway:
    """TLCP on ``host:port`` in front of a plain HTTP ``upstream`` (one request per connection)."""

    def __init__(self, pair: CertPair, *, upstream: tuple[str, int], host: str = "127.0.0.1", port: int = 0,
                 protocol: str = "tlcp") -> None:  # fmt: skip
        """``protocol``: ``tlcp`` (GM/T 0024, two certificates) or ``tls13`` (RFC 8998 suites)."""
        self.lib = library()
        self.ctx = _server_ctx(self.lib, pair, protocol)
        self.upstream = upstream
        self.sock = socket.create_server((host, port))
        self.address = self.sock.getsockname()[:2]
        self._stop = threading.Event()
        self.last_error = ""
        self._thread = threading.Thread(target=self._serve, name="tlcp-gateway", daemon=True)

    def start(self) -> TlcpGateway:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.sock.close()
        self._thread.join(timeout=5)
        self.lib.SSL_CTX_free(self.ctx)

    def __enter__(self) -> TlcpGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        lib = self.lib
        _blocking(conn)
        ssl = lib.SSL_new(self.ctx)
        try:
            lib.SSL_set_fd(ssl, conn.fileno())
            if lib.SSL_accept(ssl) != 1:
                self.last_error = _errors(lib)
                return
            request = _read_request(lib, ssl)
            with socket.create_connection(self.upstream, timeout=30) as up:
                up.sendall(request)
                up.shutdown(socket.SHUT_WR)
                response = b"".join(iter(lambda: up.recv(65536), b""))
            _write_all(lib, ssl, response)
            lib.SSL_shutdown(ssl)
        except OSError:
            pass
        finally:
            lib.SSL_free(ssl)
            conn.close()


@dataclass(frozen=True)
class ClientResult:
    version: str
    cipher: str
    verify_result: int
    response: bytes


def tlcp_request(host: str, port: int, request: bytes, *, ca_pem: str | None = None,
                 server_name: str | None = None, protocol: str = "tlcp") -> ClientResult:  # fmt: skip
    """Connect with TLCP, send ``request``, read to EOF.  With ``ca_pem`` the server's certificates
    are verified (``verify_result`` 0 means the chain holds)."""
    lib = library()
    if protocol == "tlcp":
        ctx = lib.SSL_CTX_new(lib.NTLS_client_method())
        lib.SSL_CTX_enable_ntls(ctx)
        lib.SSL_CTX_set_cipher_list(ctx, TLCP_CIPHERS.encode())
    else:
        ctx = lib.SSL_CTX_new(lib.TLS_client_method())
        if not _tls13_only(lib, ctx):
            lib.SSL_CTX_free(ctx)
            raise TlcpUnavailable(f"this Tongsuo build has no RFC 8998 TLS 1.3: {_errors(lib)}")
    files = _Files(ca=ca_pem) if ca_pem else None
    try:
        if files is not None:
            if lib.SSL_CTX_load_verify_locations(ctx, files.paths["ca"], None) != 1:
                raise TlcpError(_errors(lib))
            lib.SSL_CTX_set_verify(ctx, _VERIFY_PEER, None)
        with socket.create_connection((host, port), timeout=30) as sock:
            _blocking(sock)
            ssl = lib.SSL_new(ctx)
            try:
                if server_name:
                    lib.SSL_ctrl(ssl, 55, 0, ctypes.c_char_p(server_name.encode()))  # SSL_set_tlsext_host_name
                lib.SSL_set_fd(ssl, sock.fileno())
                if lib.SSL_connect(ssl) != 1:
                    raise TlcpError(f"TLCP handshake failed: {_errors(lib)}")
                version = lib.SSL_get_version(ssl).decode()
                cipher = lib.SSL_CIPHER_get_name(lib.SSL_get_current_cipher(ssl)).decode()
                verify = int(lib.SSL_get_verify_result(ssl))
                _write_all(lib, ssl, request)
                response = _read_all(lib, ssl)
                lib.SSL_shutdown(ssl)
            finally:
                lib.SSL_free(ssl)
        return ClientResult(version=version, cipher=cipher, verify_result=verify, response=response)
    finally:
        if files is not None:
            files.close()
        lib.SSL_CTX_free(ctx)
