"""Command line: ``logscan scan FILE... [--rules DIR] [--format json|table]``.

``main(argv)`` returns an exit code; the platform CLI exposes it as
``wangan logs scan``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .pipeline import scan
from .sigma import LEVELS
from .timeutil import to_iso


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="logscan", description="Scan Linux auth/syslog/auditd/web logs with Sigma rules.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("scan", help="scan log files (plain, .gz, .zip)")
    sp.add_argument("files", nargs="+", help="log files")
    sp.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra Sigma rule file or directory (repeatable)")
    sp.add_argument("--no-builtin", action="store_true", help="do not load the built-in rule pack")
    sp.add_argument("--format", choices=("json", "table"), default="table")
    sp.add_argument("--workers", type=int, default=1, help="worker processes for files (default 1)")
    sp.add_argument("--min-level", choices=tuple(LEVELS), default="low", help="lowest alert level to report")
    sp.add_argument("--max-alerts", type=int, default=200, help="alerts listed in the output (all are counted)")
    sp.add_argument("--fail-on", choices=tuple(LEVELS), default=None, help="exit 1 if an alert of this level or higher was found")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    res = scan(args.files, rules=args.rules or None, builtin=not args.no_builtin, workers=max(1, args.workers),
               min_level=args.min_level)
    out = sys.stdout
    if args.format == "json":
        json.dump(res.to_dict(max_alerts=args.max_alerts), out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
    else:
        _table(res, out, args.max_alerts)
    if args.fail_on:
        floor = LEVELS[args.fail_on]
        if any(LEVELS.get(a.level, 0) >= floor for a in res.alerts):
            return 1
    return 0


def _table(res, out, max_alerts: int) -> None:
    st = res.stats
    w = out.write
    w(f"events {st['events']}  unknown {st['unknown_lines']}  alerts {st['alerts']}  rules {st['rules']}"
      f"+{st['correlation_rules']} corr  {st['events_per_s']} ev/s  prefilter {st['prefilter']}\n")
    rd = st["read"]
    bad = {k: v for k, v in rd.items() if k not in ("files", "lines", "bytes", "errors") and v}
    if bad:
        w(f"input problems: {bad}\n")
    if res.risks:
        w("\n== Handle first ==\n")
        for r in res.risks[:15]:
            w(f"{r.score:8.1f}  {r.entity:40.40}  {r.max_level:13} alerts={r.alerts:<5} {','.join(r.tactics)}\n")
    if res.chains:
        w("\n== Attack chains ==\n")
        for c in res.chains[:10]:
            w(f"#{c.id} {c.max_level} ips={','.join(c.src_ips[:3])} users={','.join(c.users[:3])} "
              f"hosts={','.join(c.hosts[:3])}  {' -> '.join(c.tactics)}\n")
            for s in c.steps[:12]:
                w(f"    {to_iso(s.timestamp) or '-':25.25} {s.level:13} {s.title}  [{s.author}]\n")
    w("\n== Alerts ==\n")
    for a in res.alerts[:max_alerts]:
        w(f"{to_iso(a.timestamp) or '-':25.25} {a.level:13} {a.title}  src={a.src_ip or '-'} user={a.user or '-'} "
          f"host={a.host or '-'} x{a.count}  (author: {a.author})\n")
    if len(res.alerts) > max_alerts:
        w(f"... {len(res.alerts) - max_alerts} more\n")
    if res.rules.get("unsupported"):
        w(f"\n{len(res.rules['unsupported'])} rule(s) not supported, see --format json\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
