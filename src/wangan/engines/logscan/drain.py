"""A small Drain-style online log template miner.

Drain (He et al., ICWS 2017) groups log messages into templates with a
fixed-depth parse tree: first by token count, then by the first tokens, then
by similarity to existing clusters.  Variable-looking tokens (numbers, IPs,
hex, paths with digits) are masked up front.  This is an independent, compact
implementation; it is used for lines no parser recognizes so that a *new*
template after a learning period can be reported as an anomaly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MASKS = (
    (re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?$"), "<IP>"),
    (re.compile(r"^[0-9a-fA-F:]{6,}$"), "<HEX>"),
    (re.compile(r"^[-+]?\d+(?:[.,:]\d+)*[a-zA-Z%]{0,3}$"), "<NUM>"),
    (re.compile(r"^0x[0-9a-fA-F]+$"), "<HEX>"),
    (re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"), "<UUID>"),
)
_HAS_DIGIT = re.compile(r"\d")
WILDCARD = "<*>"


def _mask(tok: str) -> str:
    if not _HAS_DIGIT.search(tok):
        return tok
    for rx, rep in _MASKS:
        if rx.match(tok):
            return rep
    return tok


@dataclass(eq=False)
class Cluster:
    id: int
    tokens: list[str]
    size: int = 1
    first_seen: float | None = None
    example: str = ""

    @property
    def template(self) -> str:
        return " ".join(self.tokens)


@dataclass
class DrainMiner:
    depth: int = 4  # tree depth incl. length layer
    sim_threshold: float = 0.5
    max_children: int = 100
    max_clusters: int = 10000
    max_tokens: int = 64
    clusters: list[Cluster] = field(default_factory=list)
    _root: dict = field(default_factory=dict)
    dropped: int = 0

    def add(self, message: str, ts: float | None = None) -> tuple[Cluster | None, bool]:
        """-> (cluster, is_new)."""
        toks = [_mask(t) for t in message.split()[: self.max_tokens]]
        if not toks:
            return None, False
        node = self._root.setdefault(len(toks), {})
        for i in range(min(self.depth - 2, len(toks))):
            t = toks[i]
            key = t if not _HAS_DIGIT.search(t) and not t.startswith("<") else WILDCARD
            child = node.get(key)
            if child is None:
                if len(node) >= self.max_children:
                    key = WILDCARD
                    child = node.get(key)
                if child is None:
                    child = node[key] = {}
            node = child
        leaf: list[Cluster] = node.setdefault("__clusters__", [])  # type: ignore[assignment]
        best, best_sim = None, -1.0
        for c in leaf:
            sim, n_wild = self._sim(c.tokens, toks)
            if sim > best_sim:
                best, best_sim = c, sim
        if best is not None and best_sim >= self.sim_threshold:
            best.tokens = [a if a == b else WILDCARD for a, b in zip(best.tokens, toks, strict=True)]
            best.size += 1
            return best, False
        if len(self.clusters) >= self.max_clusters:
            self.dropped += 1
            return None, False
        c = Cluster(id=len(self.clusters) + 1, tokens=toks, first_seen=ts, example=message[:500])
        self.clusters.append(c)
        leaf.append(c)
        return c, True

    @staticmethod
    def _sim(a: list[str], b: list[str]) -> tuple[float, int]:
        same = 0
        wild = 0
        for x, y in zip(a, b, strict=True):  # same-length leaf (tree is keyed by length)
            if x == WILDCARD:
                wild += 1
            elif x == y:
                same += 1
        return same / len(a), wild

    def templates(self) -> list[dict]:
        return [{"id": c.id, "template": c.template, "count": c.size, "example": c.example}
                for c in sorted(self.clusters, key=lambda c: -c.size)]
