"""Sigma correlation rules and behaviour detectors over sliding windows.

State is bounded: every correlation keeps at most ``max_groups`` groups (LRU
eviction) and groups whose window has passed are swept periodically, so a
long-running :class:`~.pipeline.Pipeline` does not grow without limit.
Windows use *event time*; input should be roughly time-ordered (the
multi-process scanner replays matches in file order, exactly like a serial scan).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import Any

import cython  # pure-Python mode declarations (no-ops when this runs as source)

from .alerts import MAX_EVIDENCE, Alert
from .event import _FIELDS, Event, dataclass_factory, field_at
from .sigma import CorrelationRule, SigmaRule, field_getter, split_tags
from .timeutil import CST

_OPS: dict[str, Callable[[float, float], bool]] = {
    "gte": lambda a, b: a >= b, "gt": lambda a, b: a > b, "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b, "eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
}


def _cond_ok(cond: dict[str, Any], n: int) -> bool:
    ok = False
    for k, v in cond.items():
        op = _OPS.get(k)
        if op is None:
            continue
        if not op(n, float(v)):
            return False
        ok = True
    return ok


@cython.cclass
class _Group:
    # compiled: an extension type (correlation.pxd), so the feeders read and write its fields
    # as struct members; as source, a __slots__ class
    if not cython.compiled:
        __slots__ = ("last", "first", "items", "values", "stages", "evidence")

    def __init__(self) -> None:
        self.last = 0.0
        self.first: float | None = None
        self.items: deque = deque()
        self.values: dict[Any, float] = {}
        self.stages: list[float] = []
        self.evidence: deque = deque(maxlen=MAX_EVIDENCE)


_new_corr_alert = dataclass_factory(Alert, "kind", "rule_id", "rule_name", "title", "level", "author", "tags", "tactics",
                                    "techniques", "timestamp", "first_ts", "host", "src_ip", "user", "event", "count",
                                    "evidence", "group", "description")


def _compile_cond(cond: dict[str, Any]) -> Callable[[int], bool]:
    """``_cond_ok(cond, n)`` as one closure (known operators only; none -> never)."""
    checks = [(_OPS[k], float(v)) for k, v in cond.items() if k in _OPS]
    if not checks:
        return lambda n: False
    if len(checks) == 1:
        op, v = checks[0]
        if op is _OPS["gte"]:
            return lambda n: n >= v
        return lambda n: op(n, v)
    return lambda n: all(op(n, v) for op, v in checks)


def _compile_key(getters: list[Callable[[Event], Any]]) -> Callable[[Event], tuple | None]:
    """Group key of an event, or None when a group-by field is missing / empty."""
    if len(getters) == 1:
        g0 = getters[0]

        def key1(ev):
            k = g0(ev)
            return None if k is None or k == "" else (k,)
        return key1
    if len(getters) == 2:
        g0, g1 = getters

        def key2(ev):
            a = g0(ev)
            if a is None or a == "":
                return None
            b = g1(ev)
            return None if b is None or b == "" else (a, b)
        return key2

    def keyn(ev):
        key = tuple(g(ev) for g in getters)
        return None if any(k is None or k == "" for k in key) else key
    return keyn


class Correlator:
    def __init__(self, correlations: Iterable[CorrelationRule], max_groups: int = 50000, sweep_every: int = 5000):
        self.rules = list(correlations)
        self.max_groups = max_groups
        self.sweep_every = sweep_every
        self._consumers: dict[str, list[CorrelationRule]] = {}
        for c in self.rules:
            for ref in c.rules:
                self._consumers.setdefault(ref, []).append(c)
        self._getters = {c.id: [field_getter(g)[0] for g in c.group_by] for c in self.rules}
        # event field number of a single group-by field (-1: not a plain event field)
        self._key_field = {c.id: (_FIELDS.index(a) if len(c.group_by) == 1 and (a := field_getter(c.group_by[0])[1])
                                  in _FIELDS else -1) for c in self.rules}
        self._vgetter = {c.id: field_getter(str(c.condition["field"]))[0] for c in self.rules if c.type == "value_count"}
        self._state: dict[str, OrderedDict] = {c.id: OrderedDict() for c in self.rules}
        # per correlation: (key function, condition check, state); per feeding rule: its consumers
        self._plan = {c.id: (_compile_key(self._getters[c.id]), _compile_cond(c.condition), self._state[c.id])
                      for c in self.rules}
        self._by_rule: dict[Any, list[tuple[CorrelationRule, Callable]]] = {}
        self._feeders = {c.id: self._make_feeder(c) for c in self.rules}
        self._n = 0
        self.fired = 0
        self.evicted = 0

    def consumes(self, rule: SigmaRule | CorrelationRule) -> bool:
        return rule.id in self._consumers or (rule.name is not None and str(rule.name) in self._consumers)

    def group_count(self) -> int:
        return sum(len(s) for s in self._state.values())

    def _consumers_of(self, rule: SigmaRule | CorrelationRule) -> list[tuple[CorrelationRule, Callable]]:
        consumers = self._consumers.get(rule.id)
        if rule.name is not None and str(rule.name) != rule.id:
            by_name = self._consumers.get(str(rule.name))
            if by_name:
                consumers = (consumers or []) + [c for c in by_name if c not in (consumers or ())]
        pairs = [(c, self._feeders[c.id]) for c in consumers or ()]
        if len(self._by_rule) > 10000:
            self._by_rule.clear()
        self._by_rule[rule] = pairs
        return pairs

    def feed(self, rule: SigmaRule | CorrelationRule, ev: Event) -> list[Alert]:
        consumers = self._by_rule.get(rule)
        if consumers is None:
            consumers = self._consumers_of(rule)
        if not consumers:
            return []
        self._n += 1
        if self._n % self.sweep_every == 0 and ev.timestamp is not None:
            self.sweep(ev.timestamp)
        out: list[Alert] = []
        for c, feed_one in consumers:
            a = feed_one(rule, ev)
            if a is not None:
                out.append(a)
                out.extend(self.feed(c, ev))  # correlations of correlations
        return out

    def _make_feeder(self, c: CorrelationRule) -> Callable[[Any, Event], Alert | None]:
        """``lambda rule, ev: self._feed_one(c, rule, ev)``, specialised (same state, same
        results) for the two counting types with everything bound as closure variables."""
        if c.type not in ("event_count", "value_count"):
            return lambda rule, ev: self._feed_one(c, rule, ev)
        keyf, cond, states = self._plan[c.id]
        getters = self._getters[c.id]
        g0 = getters[0] if len(getters) == 1 else None
        kf = self._key_field[c.id]
        # the usual condition "gte: N" compared in place (same result as cond(count))
        gte = float(c.condition["gte"]) if set(c.condition) & set(_OPS) == {"gte"} else None
        span = c.timespan
        get, move_to_end, popitem = states.get, states.move_to_end, states.popitem
        fire = self._fire
        now = time.time
        new_group = _Group

        if c.type == "event_count":
            @cython.locals(ev=Event, st=_Group)
            def feed_event_count(rule, ev):
                if g0 is not None:
                    k = field_at(ev, kf) if kf >= 0 else g0(ev)
                    if k is None or k == "":
                        return None
                    key = (k,)
                else:
                    key = keyf(ev)
                    if key is None:
                        return None
                ts = ev.timestamp
                if ts is None:
                    ts = now()
                st = get(key)
                if st is None:
                    st = states[key] = new_group()
                    if len(states) > self.max_groups:
                        popitem(last=False)
                        self.evicted += 1
                else:
                    move_to_end(key)
                st.last = ts
                items = st.items
                items.append(ts)
                horizon = ts - span
                while items[0] < horizon:
                    items.popleft()
                count = len(items)
                st.evidence.append(ev.raw[:2000])
                if not (count >= gte if gte is not None else cond(count)):
                    return None
                first = items[0]
                items.clear()
                return fire(c, st, key, ts, first, count, ev)
            return feed_event_count

        vget = self._vgetter[c.id]

        @cython.locals(ev=Event, st=_Group)
        def feed_value_count(rule, ev):
            if g0 is not None:
                k = field_at(ev, kf) if kf >= 0 else g0(ev)
                if k is None or k == "":
                    return None
                key = (k,)
            else:
                key = keyf(ev)
                if key is None:
                    return None
            ts = ev.timestamp
            if ts is None:
                ts = now()
            st = get(key)
            if st is None:
                st = states[key] = new_group()
                if len(states) > self.max_groups:
                    popitem(last=False)
                    self.evicted += 1
            else:
                move_to_end(key)
            st.last = ts
            v = vget(ev)
            if v is None:
                return None
            vals = st.values
            vals[v] = ts
            first = st.first
            if len(vals) > 4096 or (first is not None and first < ts - span):
                for k in [k for k, t in vals.items() if t < ts - span]:
                    del vals[k]
                st.first = min(vals.values()) if vals else None
            elif first is None:
                st.first = ts
            count = len(vals)
            st.evidence.append(ev.raw[:2000])
            if not (count >= gte if gte is not None else cond(count)):
                return None
            first = min(vals.values())
            vals.clear()
            st.first = None
            return fire(c, st, key, ts, first, count, ev)
        return feed_value_count

    @cython.locals(ev=Event)
    def _feed_one(self, c: CorrelationRule, rule: Any, ev: Event) -> Alert | None:
        keyf, cond, states = self._plan[c.id]
        key = keyf(ev)
        if key is None:
            return None
        ts = ev.timestamp
        if ts is None:
            ts = time.time()
        st = states.get(key)
        if st is None:
            st = states[key] = _Group()
            if len(states) > self.max_groups:
                states.popitem(last=False)
                self.evicted += 1
        else:
            states.move_to_end(key)
        st.last = ts
        span = c.timespan
        typ = c.type
        if typ == "event_count":
            items = st.items
            items.append(ts)
            horizon = ts - span
            while items[0] < horizon:
                items.popleft()
            count = len(items)
            st.evidence.append(ev.raw[:2000])
            if not cond(count):
                return None
            first = items[0]
            items.clear()
        elif typ == "value_count":
            v = self._vgetter[c.id](ev)
            if v is None:
                return None
            vals = st.values
            vals[v] = ts
            if len(vals) > 4096 or (st.first is not None and st.first < ts - span):
                for k in [k for k, t in vals.items() if t < ts - span]:
                    del vals[k]
                st.first = min(vals.values()) if vals else None
            elif st.first is None:
                st.first = ts
            count = len(vals)
            st.evidence.append(ev.raw[:2000])
            if not cond(count):
                return None
            first = min(vals.values())
            vals.clear()
            st.first = None
        else:  # temporal / temporal_ordered
            idx = None
            for i, ref in enumerate(c.rules):
                if ref == rule.id or (rule.name is not None and ref == str(rule.name)):
                    idx = i
                    break
            if idx is None:
                return None
            if typ == "temporal":
                vals = st.values
                vals[idx] = ts
                for k in [k for k, t in vals.items() if t < ts - span]:
                    del vals[k]
                st.evidence.append(ev.raw[:2000])
                count = len(vals)
                if count != len(c.rules):
                    return None
                first = min(vals.values())
                vals.clear()
            else:
                stages = st.stages
                if stages and ts - stages[0] > span:
                    stages.clear()
                    st.evidence.clear()
                if idx == 0:
                    if not stages:
                        stages.append(ts)
                    elif len(stages) == 1:
                        stages[0] = ts
                    st.evidence.append(ev.raw[:2000])
                elif len(stages) == idx:
                    stages.append(ts)
                    st.evidence.append(ev.raw[:2000])
                count = len(stages)
                if count != len(c.rules):
                    return None
                first = stages[0]
                stages.clear()
        return self._fire(c, st, key, ts, first, count, ev)

    @cython.locals(ev=Event)
    def _fire(self, c: CorrelationRule, st: _Group, key: tuple, ts: float, first: float, count: int,
              ev: Event) -> Alert:
        self.fired += 1
        evidence = list(st.evidence)
        st.evidence.clear()
        group = dict(zip(c.group_by, key, strict=True))
        temporal = c.type.startswith("temporal")
        return _new_corr_alert(
            "correlation", c.id, c.name, c.title, c.level, c.author, c.tags, c.tactics, c.techniques, ts, first,
            ev.host if (temporal or "host.name" in c.group_by or "host" in c.group_by) else _pick(group, "host"),
            ev.src_ip if temporal else _pick(group, "ip"), ev.user if temporal else _pick(group, "user"),
            ev, count, evidence, group, c.description)

    def sweep(self, now: float) -> None:
        for c in self.rules:
            states = self._state[c.id]
            horizon = now - c.timespan
            while states:
                k, st = next(iter(states.items()))
                if st.last >= horizon:
                    break
                states.popitem(last=False)


def _pick(group: dict[str, Any], what: str) -> Any:
    for k, v in group.items():
        kl = k.lower()
        if what == "ip" and ("ip" in kl or "address" in kl or kl in ("c-ip", "rhost")):
            return v
        if what == "user" and "user" in kl and "agent" not in kl:
            return v
        if what == "host" and "host" in kl and "rhost" not in kl:
            return v
    return None


# --------------------------------------------------------------------------- behaviour detectors
_BEHAVIOUR_AUTHOR = "Wangan logscan team"
PRIVILEGED_USERS = frozenset({"root", "admin", "administrator", "toor"})


class BehaviourDetector:
    """Baselines Sigma cannot express: new source IP for a privileged account,
    privileged activity outside working hours."""

    def __init__(self, tz: tzinfo | None = None, work_hours: tuple[int, int] = (8, 20), weekends_off: bool = True,
                 privileged_users: Iterable[str] = PRIVILEGED_USERS, max_accounts: int = 20000,
                 max_ips_per_account: int = 64):
        self.tz = tz or CST
        self.work_hours = work_hours
        self.weekends_off = weekends_off
        self.privileged = set(privileged_users)
        self.max_accounts = max_accounts
        self.max_ips = max_ips_per_account
        self._seen: OrderedDict[tuple, OrderedDict] = OrderedDict()
        self._offhours_done: OrderedDict[tuple, None] = OrderedDict()

    @cython.locals(ev=Event)
    def feed(self, ev: Event) -> list[Alert]:
        out: list[Alert] = []
        act = ev.action
        if act is None:
            return out
        if act in ("sudo", "su", "su_session_opened", "sudo_session_opened") and ev.outcome == "success" and ev.user:
            if ev.user not in self.privileged and len(self.privileged) < 10000:
                self.privileged.add(ev.user)  # sudoers are privileged accounts
            a = self._offhours(ev, ev.user)
            if a:
                out.append(a)
        elif act == "ssh_login" and ev.outcome == "success" and ev.user:
            if ev.user in self.privileged:
                a = self._new_ip(ev)
                if a:
                    out.append(a)
                if ev.user in PRIVILEGED_USERS:
                    a = self._offhours(ev, ev.user)
                    if a:
                        out.append(a)
            else:
                self._remember(ev)
        return out

    @cython.locals(ev=Event)
    def _remember(self, ev: Event) -> bool:
        key = (ev.host, ev.user)
        ips = self._seen.get(key)
        if ips is None:
            ips = self._seen[key] = OrderedDict()
            if len(self._seen) > self.max_accounts:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(key)
        known = bool(ips)
        new = ev.src_ip not in ips
        ips[ev.src_ip] = None
        ips.move_to_end(ev.src_ip)
        if len(ips) > self.max_ips:
            ips.popitem(last=False)
        return known and new

    @cython.locals(ev=Event)
    def _new_ip(self, ev: Event) -> Alert | None:
        if not ev.src_ip:
            return None
        if not self._remember(ev):
            return None
        tags = ("attack.initial-access", "attack.t1078")
        tac, tech = split_tags(tags)
        return Alert(kind="behaviour", rule_id="wangan-behaviour-new-source-ip", rule_name="new_source_ip_privileged",
                     title="New Source IP For Privileged Account", level="medium", author=_BEHAVIOUR_AUTHOR,
                     tags=tags, tactics=tac, techniques=tech, timestamp=ev.timestamp, first_ts=ev.timestamp,
                     host=ev.host, src_ip=ev.src_ip, user=ev.user, event=ev, evidence=[ev.raw[:2000]],
                     description="A privileged account logged in from an address not seen for it before.")

    @cython.locals(ev=Event)
    def _offhours(self, ev: Event, user: str) -> Alert | None:
        if ev.timestamp is None:
            return None
        dt = datetime.fromtimestamp(ev.timestamp, self.tz)
        start, end = self.work_hours
        off = not (start <= dt.hour < end) or (self.weekends_off and dt.weekday() >= 5)
        if not off:
            return None
        key = (ev.host, user, dt.date())
        if key in self._offhours_done:
            return None
        self._offhours_done[key] = None
        if len(self._offhours_done) > 50000:
            self._offhours_done.popitem(last=False)
        tags = ("attack.privilege-escalation", "attack.t1078.003")
        tac, tech = split_tags(tags)
        return Alert(kind="behaviour", rule_id="wangan-behaviour-off-hours", rule_name="off_hours_privileged",
                     title="Privileged Activity Outside Working Hours", level="low", author=_BEHAVIOUR_AUTHOR,
                     tags=tags, tactics=tac, techniques=tech, timestamp=ev.timestamp, first_ts=ev.timestamp,
                     host=ev.host, src_ip=ev.src_ip, user=user, event=ev, evidence=[ev.raw[:2000]],
                     description=f"Privileged activity at {dt.strftime('%Y-%m-%d %H:%M')} (local), outside "
                                 f"{start:02d}:00-{end:02d}:00{' / weekend' if dt.weekday() >= 5 else ''}.")
