"""HTTP benchmark of the crypto service: SM2 sign requests/s and latency, 50 concurrent clients.

Starts a real platform (``wangan run --no-worker --no-demo``: waitress, embedded SQLite) on a free
loopback port with a temporary data directory, registers a benchmark application with
``wangan cryptoapp register``, then runs for a fixed time each:

* single  — POST /api/v1/crypto/sign/        one 64-byte message per request
* batch   — POST /api/v1/crypto/sign/batch/  100 messages per request
* engine  — the GM engine alone in this process (same message, same key type), for scale

Every request is HMAC-SM3 signed with a fresh nonce, as a real application sends it, so the server
does the whole path: authentication, replay store, quota, usage counters, signing.

    python bench/cryptosvc/bench_http.py [--seconds 15] [--clients 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from wangan.cryptosvc import requestauth  # noqa: E402  (Django-free module)
from wangan.engines import gm  # noqa: E402

WANGAN = str(Path(sys.executable).with_name("wangan"))
MESSAGE = b"x" * 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: str, port: int, threads: int) -> tuple[subprocess.Popen, str, str]:
    env = dict(os.environ, WANGAN_DATA_DIR=data_dir, WANGAN_WEB_THREADS=str(threads), WANGAN_ENV="embedded")
    run = lambda *a: subprocess.run([WANGAN, *a], env=env, check=True, capture_output=True, text=True)  # noqa: E731
    run("migrate", "--no-input")
    run("demo")
    out = run("cryptoapp", "register", "--as", "secadmin", "--organization", "星河示范区管理委员会",
              "--zone", "internet", "--name", "bench", "--quota", "1000000000").stdout  # fmt: skip
    creds = dict(line.split("=", 1) for line in out.strip().splitlines())
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([WANGAN, "run", "--no-worker", "--no-demo", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return proc, creds["app_key"], creds["secret"]
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start; see " + str(Path(data_dir) / "server.log"))


def client_loop(port, app_key, secret, path, body_fn, stop_at, latencies, errors, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine, bad = [], 0
    while time.perf_counter() < stop_at:
        body = body_fn()
        headers = requestauth.signed_headers(app_key=app_key, secret=secret, method="POST", path=path, body=body)
        headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine.append(time.perf_counter() - t0)
        bad += not ok
    with lock:
        latencies.extend(mine)
        errors[0] += bad


def run_http(port, app_key, secret, *, path, body_fn, items, clients, seconds) -> dict:
    latencies: list[float] = []
    errors, lock = [0], threading.Lock()
    stop_at = time.perf_counter() + seconds
    threads = [threading.Thread(target=client_loop, args=(port, app_key, secret, path, body_fn, stop_at, latencies,
                                                          errors, lock)) for _ in range(clients)]  # fmt: skip
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n, "errors": errors[0], "seconds": round(elapsed, 2),
        "requests_per_s": round(n / elapsed, 1), "signatures_per_s": round(n * items / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if n else None,
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 1) if n else None,
    }  # fmt: skip


def engine_rate(seconds: float) -> float:
    key = gm.generate_private_key()
    n, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        key.sign(MESSAGE)
        n += 1
    return round(n / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (WANGAN_WEB_THREADS)")
    parser.add_argument("--json")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="wangan-bench-crypto-")
    port = free_port()
    proc, app_key, secret = start_server(data_dir, port, args.threads)
    try:
        single_body = json.dumps({"data": base64.b64encode(MESSAGE).decode()}).encode()
        batch_body = json.dumps({"items": [{"data": base64.b64encode(MESSAGE).decode()}] * 100}).encode()
        # warm-up: key unwrapping cache, connections, SQLite pages
        run_http(port, app_key, secret, path="/api/v1/crypto/sign/", body_fn=lambda: single_body, items=1,
                 clients=4, seconds=2)  # fmt: skip
        single = run_http(port, app_key, secret, path="/api/v1/crypto/sign/", body_fn=lambda: single_body, items=1,
                          clients=args.clients, seconds=args.seconds)  # fmt: skip
        batch = run_http(port, app_key, secret, path="/api/v1/crypto/sign/batch/", body_fn=lambda: batch_body,
                         items=100, clients=args.clients, seconds=args.seconds)  # fmt: skip
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    engine = engine_rate(min(args.seconds, 5))
    shutil.rmtree(data_dir, ignore_errors=True)
    result = {
        "clients": args.clients, "server_threads": args.threads, "message_bytes": len(MESSAGE),
        "single": single, "batch_100": batch, "engine_sign_per_s": engine,
        "ratio_single_vs_engine": round(single["signatures_per_s"] / engine, 3),
        "ratio_batch_vs_engine": round(batch["signatures_per_s"] / engine, 3),
        "ratio_batch_vs_single": round(batch["signatures_per_s"] / max(single["signatures_per_s"], 1e-9), 1),
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
