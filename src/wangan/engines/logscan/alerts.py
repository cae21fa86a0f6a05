"""Alert record shared by detection, correlation, chains and risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cython  # pure-Python mode declarations (no-ops when this runs as source)

from .event import Event, dataclass_factory
from .timeutil import to_iso

MAX_EVIDENCE = 10


@dataclass(slots=True, eq=False)
class Alert:
    kind: str  # sigma | correlation | behaviour | anomaly
    rule_id: str
    title: str
    level: str
    author: str  # shown with every match (Detection Rule License)
    tags: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    timestamp: float | None = None
    first_ts: float | None = None
    host: str | None = None
    src_ip: str | None = None
    user: str | None = None
    event: Event | None = None
    count: int = 1
    evidence: list[str] = field(default_factory=list)
    group: dict[str, Any] = field(default_factory=dict)
    rule_name: str | None = None
    score: float = 0.0
    description: str = ""

    def to_dict(self, with_event: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind, "rule_id": self.rule_id, "rule_name": self.rule_name, "title": self.title,
            "level": self.level, "author": self.author, "tags": list(self.tags), "tactics": list(self.tactics),
            "techniques": list(self.techniques), "timestamp": to_iso(self.timestamp),
            "first_timestamp": to_iso(self.first_ts), "host": self.host, "source_ip": self.src_ip,
            "user": self.user, "count": self.count, "evidence": list(self.evidence), "group": dict(self.group),
            "score": round(self.score, 2),
        }
        if self.event is not None:
            d["log"] = {"file": self.event.source, "line": self.event.lineno}
            if with_event:
                d["event"] = self.event.to_ecs()
        return d


_new_rule_alert = dataclass_factory(Alert, "kind", "rule_id", "title", "level", "author", "tags", "tactics", "techniques",
                                    "timestamp", "first_ts", "host", "src_ip", "user", "event", "evidence", "rule_name",
                                    "description")


@cython.locals(ev=Event)
def alert_from_rule(rule: Any, ev: Event, kind: str = "sigma") -> Alert:
    ts = ev.timestamp
    return _new_rule_alert(kind, rule.id, rule.title, rule.level, rule.author, rule.tags, rule.tactics,
                           rule.techniques, ts, ts, ev.host, ev.src_ip, ev.user, ev, [ev.raw[:2000]],
                           getattr(rule, "name", None), getattr(rule, "description", ""))
