"""Risk rating: rule level x asset criticality, boosted for success-after-
failure and tactic progression, aggregated per entity with time decay."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .alerts import Alert
from .chains import AttackChain
from .timeutil import to_iso

LEVEL_WEIGHT = {"informational": 1.0, "low": 3.0, "medium": 10.0, "high": 25.0, "critical": 50.0}
SUCCESS_AFTER_FAILURE_TAG = "wangan.success_after_failure"
SUCCESS_AFTER_FAILURE_BOOST = 2.0
PROGRESSION_STEP = 0.5  # +50 % per additional distinct tactic in the entity's chain
DEFAULT_HALF_LIFE = 6 * 3600.0


@dataclass
class EntityRisk:
    entity: str  # "ip:203.0.113.7", "user:web01/alice", "host:web01"
    kind: str
    value: str
    score: float
    alerts: int
    max_level: str
    tactics: list[str]
    first: float | None
    last: float | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    chain_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "kind": self.kind, "value": self.value, "score": round(self.score, 2),
                "alerts": self.alerts, "max_level": self.max_level, "tactics": self.tactics,
                "first": to_iso(self.first), "last": to_iso(self.last), "chains": self.chain_ids,
                "evidence": self.evidence}


def _crit(criticality: Mapping[str, float] | Callable[[str | None], float] | None, host: str | None) -> float:
    if criticality is None:
        return 1.0
    if callable(criticality):
        return float(criticality(host))
    if host is None:
        return float(criticality.get("*", 1.0))
    return float(criticality.get(host, criticality.get("*", 1.0)))


def score_alert(a: Alert, criticality=None) -> float:
    s = LEVEL_WEIGHT.get(a.level, 3.0) * _crit(criticality, a.host)
    if SUCCESS_AFTER_FAILURE_TAG in a.tags:
        s *= SUCCESS_AFTER_FAILURE_BOOST
    if a.kind == "correlation" and a.count > 1:
        s *= 1.0 + min(a.count, 100) / 100.0  # more attempts, a little more risk
    return s


def rate(alerts: list[Alert], chains: list[AttackChain] | None = None, *,
         criticality: Mapping[str, float] | Callable[[str | None], float] | None = None,
         now: float | None = None, half_life: float = DEFAULT_HALF_LIFE, top: int = 50,
         evidence_per_entity: int = 5) -> list[EntityRisk]:
    """Score alerts (sets ``alert.score``) and return entities ranked "handle first"."""
    if now is None:
        ts = [a.timestamp for a in alerts if a.timestamp is not None]
        now = max(ts) if ts else 0.0
    chain_of: dict[int, AttackChain] = {}
    for c in chains or ():
        for s in c.steps:
            chain_of[id(s.alert)] = c
    # per entity: [kind, value, score, alerts, chain ids]; details only for the top entities
    ents: dict[str, list] = {}
    plain = criticality is None
    for a in alerts:
        if plain:
            base = LEVEL_WEIGHT.get(a.level, 3.0) * 1.0
            if SUCCESS_AFTER_FAILURE_TAG in a.tags:
                base *= SUCCESS_AFTER_FAILURE_BOOST
            if a.kind == "correlation" and a.count > 1:
                base *= 1.0 + min(a.count, 100) / 100.0
        else:
            base = score_alert(a, criticality)
        c = chain_of.get(id(a)) if chain_of else None
        if c is not None and c.progression > 1:
            base *= 1.0 + PROGRESSION_STEP * (c.progression - 1)
        ts = a.timestamp
        age = now - ts if ts is not None else 0.0
        if not age > 0.0:  # max(0.0, age), NaN included
            age = 0.0
        decayed = base * (0.5 ** (age / half_life)) if half_life > 0 else base
        a.score = decayed
        ip, user, host = a.src_ip, a.user, a.host
        if ip:
            _add(ents, "ip", ip, decayed, a, c)
        if user:
            _add(ents, "user", f"{host or '?'}/{user}", decayed, a, c)
        if host:
            _add(ents, "host", host, decayed, a, c)
    from .sigma import LEVELS
    ranked = sorted(ents.items(), key=lambda kv: -kv[1][2])[:top]  # stable: ties keep first-seen order
    out = []
    for key, (kind, value, score, al, chains_of) in ranked:
        tactics: list[str] = []
        for a in sorted(al, key=lambda x: x.timestamp or 0):
            for t in a.tactics:
                if t not in tactics:
                    tactics.append(t)
        top_alerts = sorted(al, key=lambda x: -x.score)[:evidence_per_entity]
        ts = [a.timestamp for a in al if a.timestamp is not None]
        out.append(EntityRisk(
            entity=key, kind=kind, value=value, score=score, alerts=len(al),
            max_level=max((a.level for a in al), key=lambda lv: LEVELS.get(lv, 0)), tactics=tactics,
            first=min(ts) if ts else None, last=max(ts) if ts else None,
            evidence=[{"title": a.title, "level": a.level, "author": a.author, "time": to_iso(a.timestamp),
                       "count": a.count, "score": round(a.score, 2), "log": a.evidence[-1][:500] if a.evidence else ""}
                      for a in top_alerts],
            chain_ids=sorted(chains_of),
        ))
    return out


def _add(ents: dict[str, list], kind: str, value: str, score: float, a: Alert, chain: AttackChain | None) -> None:
    key = f"{kind}:{value}"
    e = ents.get(key)
    if e is None:
        e = ents[key] = [kind, value, 0.0, [], set()]
    e[2] += score
    e[3].append(a)
    if chain is not None:
        e[4].add(chain.id)
