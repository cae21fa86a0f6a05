"""Detection rules per organization: the engine's built-in pack plus uploaded Sigma rules, with the
organization's overrides (enabled, level) applied; and the checks behind the rule pages.

Compiled rule sets are cached per process and keyed by a version of the organization's rule data, so
an edit is picked up by the next scan in every process without any message passing.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, Max

from wangan.engines.logscan import Pipeline, RuleSet, load_rules
from wangan.logs.models import CustomRule, RuleOverride

_CACHE_SIZE = 32
_lock = threading.Lock()
_cache: OrderedDict[tuple, RuleSet] = OrderedDict()
_builtin: RuleSet | None = None


@dataclass
class RuleInfo:
    """One rule as the rule pages show it."""

    id: str
    title: str
    level: str
    default_level: str
    author: str
    kind: str  # detection | correlation
    tactics: list[str]
    techniques: list[str]
    builtin: bool
    is_enabled: bool = True
    description: str = ""
    custom_pk: int | None = None


@dataclass
class RuleCheck:
    """What the engine's loader made of an uploaded rule file."""

    rules: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def builtin_rules() -> RuleSet:
    """The engine's built-in pack, loaded once per process (read-only: never mutate it)."""
    global _builtin
    with _lock:
        if _builtin is None:
            _builtin = load_rules(builtin=True)
        return _builtin


def _version(organization_id: int) -> tuple:
    o = RuleOverride.objects.filter(organization_id=organization_id).aggregate(n=Count("id"), at=Max("updated_at"))
    c = CustomRule.objects.filter(organization_id=organization_id).aggregate(n=Count("id"), at=Max("created_at"))
    return (organization_id, o["n"], o["at"], c["n"], c["at"])


def _load_with_custom(texts: list[str]) -> RuleSet:
    if not texts:
        return load_rules(builtin=True)
    with tempfile.TemporaryDirectory(prefix="wangan-rules-") as tmp:
        for i, text in enumerate(texts):
            (Path(tmp) / f"custom-{i:04d}.yml").write_text(text, encoding="utf-8")
        return load_rules([tmp], builtin=True)


def _apply_overrides(rs: RuleSet, overrides: dict[str, tuple[bool, str]]) -> RuleSet:
    disabled = {rid for rid, (enabled, _level) in overrides.items() if not enabled}
    if disabled:
        rs.rules = [r for r in rs.rules if r.id not in disabled]
        for i, r in enumerate(rs.rules):
            r.index = i
        rs.correlations = [c for c in rs.correlations if c.id not in disabled]
    for r in [*rs.rules, *rs.correlations]:
        level = overrides.get(r.id, (True, ""))[1]
        if level:
            r.level = level
    rs.finalize()
    return rs


def ruleset_for(*, organization_id: int) -> RuleSet:
    """The compiled rules an organization's scans run (cached; rebuilt after any rule change)."""
    key = _version(organization_id)
    with _lock:
        rs = _cache.get(key)
        if rs is not None:
            _cache.move_to_end(key)
            return rs
    overrides = {o.rule_id: (o.is_enabled, o.level) for o in RuleOverride.objects.filter(organization_id=organization_id)}
    texts = list(CustomRule.objects.filter(organization_id=organization_id).order_by("pk").values_list("text", flat=True))
    rs = _apply_overrides(_load_with_custom(texts), overrides)
    with _lock:
        _cache[key] = rs
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return rs


def rule_catalog(*, organization_id: int) -> list[RuleInfo]:
    """Built-in and uploaded rules with the organization's overrides (disabled rules included)."""
    overrides = {o.rule_id: o for o in RuleOverride.objects.filter(organization_id=organization_id)}
    customs = list(CustomRule.objects.filter(organization_id=organization_id))
    rows: list[RuleInfo] = []
    for r in builtin_rules().rules:
        rows.append(_info(r, "detection", True, overrides))
    for c in builtin_rules().correlations:
        rows.append(_info(c, "correlation", True, overrides))
    by_id = {c.rule_id: c for c in customs}
    if customs:
        rs = _load_with_custom([c.text for c in customs])
        for r in [*rs.rules, *rs.correlations]:
            if not r.builtin:
                info = _info(r, "correlation" if hasattr(r, "type") else "detection", False, overrides)
                info.custom_pk = by_id[r.id].pk if r.id in by_id else None
                rows.append(info)
    rows.sort(key=lambda i: (not i.builtin, i.kind, i.title.lower()))
    return rows


def _info(r, kind: str, builtin: bool, overrides: dict) -> RuleInfo:
    o = overrides.get(r.id)
    return RuleInfo(
        id=r.id, title=r.title, level=(o.level if o is not None and o.level else r.level), default_level=r.level,
        author=r.author, kind=kind, tactics=list(r.tactics), techniques=list(r.techniques), builtin=builtin,
        is_enabled=o.is_enabled if o is not None else True, description=r.description,
    )  # fmt: skip


def rule_known(*, organization_id: int, rule_id: str) -> bool:
    if any(r.id == rule_id for r in [*builtin_rules().rules, *builtin_rules().correlations]):
        return True
    return CustomRule.objects.filter(organization_id=organization_id, rule_id=rule_id).exists()


def rule_text_check(text: str) -> RuleCheck:
    """Run the engine's loader over an uploaded file (no built-ins) and report what it made of it."""
    out = RuleCheck()
    with tempfile.TemporaryDirectory(prefix="wangan-rulecheck-") as tmp:
        path = Path(tmp) / "upload.yml"
        path.write_text(text, encoding="utf-8")
        rs = load_rules([path], builtin=False)
    for _path, reason in rs.report.unsupported:
        out.problems.append(reason)
    for r in rs.rules:
        out.rules.append(r.meta() | {"kind": "detection"})
    for c in rs.correlations:
        out.rules.append(c.meta() | {"kind": "correlation"})
    return out


def text_digest(text: str) -> str:
    return hashlib.new("sm3", text.encode("utf-8")).hexdigest()


@dataclass
class LineVerdict:
    """One sample line: how the engine normalized it and which rules matched."""

    line: str
    log_type: str
    fields: dict[str, Any]
    matched: bool
    matched_rules: list[dict[str, str]]


def rule_test_lines(*, organization_id: int, rule_id: str, lines: list[str]) -> list[LineVerdict]:
    """Parse each sample line and match it against the organization's rules (disabled rules included,
    so a rule can be tried before it is switched on)."""
    customs = list(CustomRule.objects.filter(organization_id=organization_id).values_list("text", flat=True))
    rs = _load_with_custom(customs)
    overrides = {o.rule_id: (True, o.level) for o in RuleOverride.objects.filter(organization_id=organization_id)}
    rs = _apply_overrides(rs, overrides)
    pipe = Pipeline(rs, template_mining=False)
    verdicts = []
    for n, line in enumerate(lines, 1):
        ev = pipe.parser_for("sample").parse(line, n)
        hits = {r.id: r for r in rs.match(ev)}
        for alert in pipe.feed(ev):  # correlations fire on the line that completes them
            hits.setdefault(alert.rule_id, alert)
        verdicts.append(LineVerdict(
            line=line, log_type=ev.log_type,
            fields={k: v for k, v in ev.to_ecs().items() if k not in ("event.original", "log.file.path", "log.file.line")},
            matched=rule_id in hits,
            matched_rules=[{"id": rid, "title": r.title, "level": r.level, "author": r.author} for rid, r in hits.items()],
        ))  # fmt: skip
    return verdicts
