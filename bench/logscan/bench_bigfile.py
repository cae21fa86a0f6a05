"""Memory on a big file: does a scan stream, or does it grow with the input?

Builds a file of ``--gb`` gigabytes from copies of the generated mixed corpus (corpus.py), scans it with
the engine in a child process (``scan([file], workers=N)``, all built-in and sample Sigma rules,
correlations, chains, risk) and samples the resident memory of the child and its workers every
half second.  Reported: events/s, peak RSS overall and peak RSS during the first fifth of the run — if
the scan streams, the two are about the same however big the file is.

    PYTHONPATH=src python bench/logscan/bench_bigfile.py --gb 5 --workers 1
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

SHARED = REPO.parent / "shared" / "data"


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _family(pid: int) -> list[int]:
    """The process and its descendants (the scan's worker pool)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            children = []
        todo.extend(int(c) for c in children)
    return out


def _scan(path: str, workers: int, queue) -> None:
    from wangan.engines.logscan import _compiled, load_rules, scan

    sigma_dir = SHARED / "sigma-rules"
    rules = load_rules([sigma_dir] if sigma_dir.is_dir() else None)
    t = time.perf_counter()
    res = scan([path], rules=rules, workers=workers)
    queue.put({"seconds": time.perf_counter() - t, "events": res.stats.get("lines"),
               "alerts": len(res.alerts), "chains": len(res.chains), "compiled": _compiled.compiled_modules(),
               "rules": len(rules.rules), "correlations": len(rules.correlations)})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--json", default=str(HERE / "results-bigfile.json"))
    a = ap.parse_args()
    wd = Path(a.workdir or tempfile.mkdtemp(prefix="logscan-big-"))
    wd.mkdir(parents=True, exist_ok=True)
    piece, big = wd / "piece.log", wd / "big.log"
    corpus.write(str(piece), 2_000_000, 7)
    target = int(a.gb * 1024**3)
    copies = 0
    with open(big, "wb") as out:
        while out.tell() < target:
            with open(piece, "rb") as src:
                shutil.copyfileobj(src, out, 16 * 1024 * 1024)
            copies += 1
    size, lines = big.stat().st_size, 2_000_000 * copies
    print(f"file: {size / 1024**3:.2f} GiB, {lines:,} lines ({copies} copies of the 2 M-line corpus)")

    queue = mp.get_context("fork").Queue()
    child = mp.get_context("fork").Process(target=_scan, args=(str(big), a.workers, queue))
    t0 = time.perf_counter()
    child.start()
    samples: list[tuple[float, int]] = []
    while child.is_alive():
        samples.append((time.perf_counter() - t0, sum(_rss_kib(p) for p in _family(child.pid))))
        time.sleep(0.5)
    result = queue.get(timeout=60)
    child.join()
    total = time.perf_counter() - t0
    first = [kib for at, kib in samples if at <= total / 5]
    out = {
        "file_gib": round(size / 1024**3, 2), "lines": lines, "workers": a.workers,
        "seconds": round(result["seconds"], 1), "events_per_s": round(lines / result["seconds"]),
        "peak_rss_mib": round(max(k for _, k in samples) / 1024), "peak_rss_first_fifth_mib": round(max(first) / 1024),
        "rss_mib_by_tenth": [round(max((k for at, k in samples if i * total / 10 <= at < (i + 1) * total / 10), default=0)
                                   / 1024) for i in range(10)],
        **{k: result[k] for k in ("alerts", "chains", "compiled", "rules", "correlations")},
        "python": sys.version.split()[0],
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    if not a.workdir:
        shutil.rmtree(wd, ignore_errors=True)


if __name__ == "__main__":
    main()
