"""Attack chains: alerts linked per entity and laid out as a timeline.

Alerts are joined (union-find) when they share a source address or a
``host/user`` pair within ``window`` seconds of each other; alerts that only
name a host (e.g. ``useradd`` creating a UID-0 account, a log wipe seen in
syslog) attach to the most recent chain active on that host.  The user of an
alert from a source address whose main tactic is reconnaissance or credential
access (a failed or invalid-user login, a brute force) is a name the attacker
tried, not one it acts as: such an alert links by its address only, so that
scanners guessing ``root`` or ``admin`` do not all fall into one chain.  Each
chain is ordered by time; steps carry their ATT&CK tactic so the chain shows the
progression (e.g. credential-access -> initial-access -> privilege-escalation
-> persistence -> defense-evasion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .alerts import Alert
from .event import dataclass_factory
from .sigma import LEVELS, TACTIC_ORDER
from .timeutil import to_iso

_TACTIC_RANK = {t: i for i, t in enumerate(TACTIC_ORDER)}


@dataclass(slots=True)
class ChainStep:
    timestamp: float | None
    title: str
    level: str
    tactic: str | None
    techniques: tuple[str, ...]
    rule_id: str
    author: str
    kind: str
    src_ip: str | None
    user: str | None
    host: str | None
    count: int
    evidence: str
    alert: Alert = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"timestamp": to_iso(self.timestamp), "title": self.title, "level": self.level, "tactic": self.tactic,
                "techniques": list(self.techniques), "rule_id": self.rule_id, "author": self.author, "kind": self.kind,
                "source_ip": self.src_ip, "user": self.user, "host": self.host, "count": self.count,
                "evidence": self.evidence}


@dataclass
class AttackChain:
    id: int
    steps: list[ChainStep]
    src_ips: list[str]
    users: list[str]
    hosts: list[str]
    tactics: list[str]  # distinct, in order of first appearance in time
    start: float | None
    end: float | None
    max_level: str
    score: float = 0.0

    @property
    def progression(self) -> int:
        return len(self.tactics)

    @property
    def stages(self) -> list[str]:
        """Distinct tactics in ATT&CK kill-chain order."""
        return sorted(self.tactics, key=lambda t: _TACTIC_RANK.get(t, 99))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": to_iso(self.start), "end": to_iso(self.end), "max_level": self.max_level,
                "score": round(self.score, 2), "progression": self.progression, "tactics": self.tactics,
                "stages": self.stages, "source_ips": self.src_ips, "users": self.users, "hosts": self.hosts,
                "steps": [s.to_dict() for s in self.steps]}


_new_step = dataclass_factory(ChainStep, *ChainStep.__dataclass_fields__)  # positional, C stores when built


class _UF:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, x: int) -> int:
        p = self.p
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra < rb:
            self.p[rb] = ra
        elif rb < ra:
            self.p[ra] = rb


def _primary_tactic(a: Alert) -> str | None:
    # the first tactic a rule lists is its main one (e.g. success after brute force: initial-access)
    return a.tactics[0] if a.tactics else None


# main tactics of alerts whose user is a name an attacker tried (see the module docstring)
_GUESSED_USER_TACTICS = frozenset({"reconnaissance", "credential-access"})


def _entities(a: Alert) -> list[str]:
    keys = []
    ip, user = a.src_ip, a.user
    if ip:
        keys.append("ip:" + ip)
        if user and a.tactics and a.tactics[0] in _GUESSED_USER_TACTICS:
            return keys
    if user and a.host:
        keys.append(f"u:{a.host}/{user}")
    elif user and not ip:
        keys.append("u:?/" + user)
    return keys


def build_chains(alerts: list[Alert], window: float = 86400.0, min_steps: int = 2,
                 min_level: str = "low", max_alerts: int = 200000) -> list[AttackChain]:
    floor = LEVELS.get(min_level, 2)
    al = [a for a in alerts if LEVELS.get(a.level, 2) >= floor]
    al.sort(key=lambda a: (a.timestamp if a.timestamp is not None else 0.0))
    al = al[-max_alerts:]
    uf = _UF(len(al))
    last: dict[str, tuple[int, float]] = {}
    host_last: dict[str, tuple[int, float]] = {}
    union = uf.union
    for i, a in enumerate(al):
        ts = a.timestamp or 0.0
        keys = _entities(a)
        cur = (i, ts)
        for k in keys:
            prev = last.get(k)
            if prev is not None and ts - prev[1] <= window:
                union(prev[0], i)
            last[k] = cur
        host = a.host
        if host:
            if not keys:
                prev = host_last.get(host)
                if prev is not None and ts - prev[1] <= window:
                    union(prev[0], i)
            host_last[host] = cur
    groups: dict[int, list[Alert]] = {}
    for i, a in enumerate(al):
        groups.setdefault(uf.find(i), []).append(a)
    chains: list[AttackChain] = []
    for members in groups.values():
        if len(members) < min_steps:
            continue
        steps = []
        tactics: list[str] = []
        for a in members:
            t = _primary_tactic(a)
            if t and t not in tactics:
                tactics.append(t)
            steps.append(_new_step(a.timestamp, a.title, a.level, t, a.techniques, a.rule_id, a.author, a.kind,
                                   a.src_ip, a.user, a.host, a.count, a.evidence[-1] if a.evidence else "", a))
        if len(tactics) < 2 and len(members) < 3:
            continue
        ts = [a.timestamp for a in members if a.timestamp is not None]
        chains.append(AttackChain(
            id=0, steps=steps,
            src_ips=sorted({a.src_ip for a in members if a.src_ip}),
            users=sorted({a.user for a in members if a.user}),
            hosts=sorted({a.host for a in members if a.host}),
            tactics=tactics, start=min(ts) if ts else None, end=max(ts) if ts else None,
            max_level=max((a.level for a in members), key=lambda lv: LEVELS.get(lv, 0)),
            score=sum(a.score for a in members) * (1 + 0.5 * (len(tactics) - 1)),
        ))
    chains.sort(key=lambda c: (-c.progression, -LEVELS.get(c.max_level, 0), -c.score))
    for i, c in enumerate(chains, 1):
        c.id = i
    return chains
