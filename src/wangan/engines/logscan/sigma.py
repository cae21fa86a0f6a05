"""Sigma rule loading and compilation to in-process Python predicates.

Detection rules (``detection:`` + ``condition:``) compile to closures
``pred(event, lowered_text) -> bool``.  Supported: field maps, lists of maps,
keyword lists, value lists, ``null``, wildcards ``*``/``?`` (with ``\\``
escapes), modifiers ``contains startswith endswith all re (i m s) cidr base64
base64offset windash cased exists lt lte gt gte``, condition expressions with
``and or not ( )``, ``1 of x*``, ``any of``, ``all of``, ``N of``, ``them``.
Old-style aggregations (``| count() by``) are rejected as unsupported.

Correlation rules (Sigma v2 ``correlation:``) are parsed into
:class:`CorrelationRule` and executed by :mod:`.correlation`.

Performance: each rule gets a *necessary condition* -- a set of keys of which
at least one must be present for the rule to possibly match: a literal that
must occur in the event text (from verbatim fields / keywords) or an exact
value of an indexed derived field (``action``, ``category``, ``log_type``).
All literals of all rules go into one multi-pattern scanner (Hyperscan,
pyahocorasick, RE2 set or a pure-Python fallback); per event only rules whose
key was hit (plus the few rules without a necessary condition, filtered by
logsource) are evaluated.  :meth:`RuleSet.match_block` runs Hyperscan once over
a block of lines; selections and conditions compile to generated functions
with the field tests inlined (:func:`_gen_bool`).
"""

from __future__ import annotations

import base64
import fnmatch
import ipaddress
import logging
import operator
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import cython  # pure-Python mode declarations (no-ops when this runs as source)
import yaml

from .event import _FIELDS, DERIVED_FIELDS, Event, field_at

log = logging.getLogger(__name__)

try:  # C loader is ~10x faster
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

BUILTIN_RULES_DIR = Path(__file__).with_name("rules")

LEVELS = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}

TACTIC_ORDER = (
    "reconnaissance", "resource-development", "initial-access", "execution", "persistence",
    "privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement",
    "collection", "command-and-control", "exfiltration", "impact",
)
_TACTICS = frozenset(TACTIC_ORDER)

# --------------------------------------------------------------------------- field mapping
# Sigma / ECS / common field names -> Event attribute.  Unknown names fall back
# to ``event.extra`` (auditd keys, JSON fields), first exact then case-folded.
FIELD_MAP: dict[str, str] = {}
for _attr, _names in {
    "http_method": ("cs-method", "http.request.method", "method", "request_method"),
    "url": ("cs-uri-query", "c-uri", "cs-uri", "uri", "url", "url.original", "request", "c-uri-query"),
    "http_status": ("sc-status", "http.response.status_code", "status", "status_code"),
    "user_agent": ("cs-user-agent", "c-useragent", "user_agent.original", "useragent", "user_agent", "http_user_agent"),
    "referer": ("cs-referer", "cs-referrer", "http.request.referrer", "referer", "referrer"),
    "src_ip": ("c-ip", "src_ip", "source.ip", "source.address", "sourceip", "SourceIp", "ClientIP", "client_ip",
               "IpAddress", "src", "rhost", "addr"),
    "src_port": ("source.port", "src_port", "SourcePort", "c-port"),
    "user": ("cs-username", "user", "user.name", "User", "username", "SubjectUserName", "acct"),
    "target_user": ("user.target.name", "target_user", "TargetUserName"),
    "host": ("cs-host", "host", "host.name", "hostname", "Hostname", "Computer", "ComputerName"),
    "program": ("program", "process.name", "ProcessName", "appname"),
    "pid": ("pid", "process.pid", "ProcessId"),
    "service": ("service", "service.name"),
    "action": ("action", "event.action"),
    "outcome": ("outcome", "event.outcome"),
    "category": ("category", "event.category"),
    "log_type": ("log_type", "event.dataset"),
    "severity": ("severity", "log.level", "level"),
    "message": ("message", "Message", "msg"),
    "http_bytes": ("sc-bytes", "http.response.body.bytes", "bytes"),
    "raw": ("raw", "event.original"),
}.items():
    for _n in _names:
        FIELD_MAP[_n] = _attr
FIELD_MAP.update({"CommandLine": "extra:command", "process.command_line": "extra:command",
                  "command": "extra:command", "cs-uri-stem": "func:url_path", "url.path": "func:url_path",
                  "c-uri-stem": "func:url_path", "url_query": "func:url_query", "url.query": "func:url_query"})
EQ_INDEX_FIELDS = ("action", "category", "log_type")


@cython.locals(ev=Event)
def _url_path(ev: Event) -> str | None:
    u = ev.url
    if u is None:
        return None
    k = u.find("?")
    return u if k < 0 else u[:k]


@cython.locals(ev=Event)
def _url_query(ev: Event) -> str | None:
    u = ev.url
    if u is None:
        return None
    k = u.find("?")
    return None if k < 0 else u[k + 1:]


_FUNCS = {"url_path": _url_path, "url_query": _url_query}


def field_getter(name: str) -> tuple[Callable[[Event], Any], str | None]:
    """-> (getter, attribute name or None).  Attribute is None for extra/func fields."""
    target = FIELD_MAP.get(name)
    if target is None and name in Event.__dataclass_fields__:  # type: ignore[attr-defined]
        target = name
    if target is not None:
        if target.startswith("extra:"):
            key = target[6:]
            return (lambda ev: ev.extra.get(key) if ev.extra else None), None
        if target.startswith("func:"):
            return _FUNCS[target[5:]], None
        return operator.attrgetter(target), target
    low = name.lower()

    def get_extra(ev: Event) -> Any:
        ex = ev.extra
        if not ex:
            return None
        v = ex.get(name)
        if v is None and low != name:
            v = ex.get(low)
        return v

    return get_extra, None


# --------------------------------------------------------------------------- rule objects
class UnsupportedRule(ValueError):
    pass


@dataclass(eq=False)
class SigmaRule:
    id: str
    title: str
    level: str
    author: str
    tags: tuple[str, ...]
    logsource: dict[str, str]
    pred: Callable[[Event, str], bool]
    keys: frozenset | None  # necessary keys (None: evaluate always)
    name: str | None = None
    description: str = ""
    status: str = ""
    references: tuple[str, ...] = ()
    falsepositives: tuple[str, ...] = ()
    path: str = ""
    builtin: bool = False
    generate: bool = True  # False when only used as a correlation base rule
    tactics: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    index: int = 0

    @property
    def severity(self) -> int:
        return LEVELS.get(self.level, 2)

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "level": self.level, "author": self.author,
                "tags": list(self.tags), "tactics": list(self.tactics), "techniques": list(self.techniques),
                "path": self.path, "builtin": self.builtin}


@dataclass(eq=False)
class CorrelationRule:
    id: str
    title: str
    type: str  # event_count | value_count | temporal | temporal_ordered
    rules: tuple[str, ...]
    group_by: tuple[str, ...]
    timespan: float
    condition: dict[str, Any]
    level: str = "medium"
    author: str = ""
    tags: tuple[str, ...] = ()
    name: str | None = None
    generate: bool = False
    description: str = ""
    path: str = ""
    builtin: bool = False
    tactics: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()

    @property
    def severity(self) -> int:
        return LEVELS.get(self.level, 2)

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "level": self.level, "author": self.author,
                "tags": list(self.tags), "tactics": list(self.tactics), "techniques": list(self.techniques),
                "type": self.type, "path": self.path, "builtin": self.builtin}


def split_tags(tags: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tactics, techniques = [], []
    for t in tags:
        t = str(t).lower()
        if not t.startswith("attack."):
            continue
        v = t[7:].replace("_", "-")
        if v in _TACTICS:
            tactics.append(v)
        elif re.fullmatch(r"t\d{4}(\.\d{3})?", v):
            techniques.append(v.upper())
    return tuple(tactics), tuple(techniques)


# --------------------------------------------------------------------------- value compilation
_WILDCARD = re.compile(r"\\\\|\\\*|\\\?|\*|\?")


def _split_wild(s: str) -> tuple[list[tuple[str, str]], bool]:
    """-> ([(kind, text)], has_wildcard) with kind 'lit' / '*' / '?'."""
    out: list[tuple[str, str]] = []
    buf = []
    pos = 0
    wild = False
    for m in _WILDCARD.finditer(s):
        buf.append(s[pos:m.start()])
        t = m.group()
        if t in ("*", "?"):
            if buf:
                out.append(("lit", "".join(buf)))
                buf = []
            out.append((t, t))
            wild = True
        else:
            buf.append(t[1])
        pos = m.end()
    buf.append(s[pos:])
    lit = "".join(buf)
    if lit or not out:
        out.append(("lit", lit))
    return [x for x in out if not (x[0] == "lit" and x[1] == "")] or [("lit", "")], wild


def _wild_regex(parts: list[tuple[str, str]], kind: str, flags: int) -> re.Pattern:
    body = "".join(re.escape(t) if k == "lit" else (".*" if k == "*" else ".") for k, t in parts)
    if kind == "equals":
        body = f"\\A(?:{body})\\Z"
    elif kind == "startswith":
        body = f"\\A(?:{body})"
    elif kind == "endswith":
        body = f"(?:{body})\\Z"
    return re.compile(body, flags | re.S)


def _best_literal(parts: list[tuple[str, str]]) -> str | None:
    lits = [t for k, t in parts if k == "lit"]
    if not lits:
        return None
    best = max(lits, key=len)
    return best


MIN_LITERAL = 3


def _lit_key(s: str | None) -> frozenset | None:
    if s is None:
        return None
    s = s.lower()
    if len(s.strip()) < MIN_LITERAL:
        return None
    return frozenset({("lit", s)})


# substrings present in a large share of ordinary lines: poor prefilter keys
COMMON_LITERALS = frozenset({"get", "post", "head", "put", "http", "http/1.1", "200", "404", "301", "302", "sshd",
                             "root", "user", "for", "from", "port", "ssh2", "session", "mozilla", "html", "www",
                             "com", "/index", "index", "php", ".php", ".js", ".css", "pam", "the", "and"})


def _key_score(keys: frozenset | None) -> float:
    if keys is None:
        return -1.0
    score = 1e9
    for k in keys:
        if k[0] == "eq":
            s = 100.0
        elif k[1] in COMMON_LITERALS:
            s = 0.5
        else:
            s = float(len(k[1]))
        score = min(score, s)
    return score - len(keys) * 0.01


def _and_keys(children: list[frozenset | None]) -> frozenset | None:
    best = None
    best_score = -1.0
    for k in children:
        s = _key_score(k)
        if s > best_score:
            best, best_score = k, s
    return best


def _or_keys(children: list[frozenset | None]) -> frozenset | None:
    out: set = set()
    for k in children:
        if k is None:
            return None
        out |= k
    return frozenset(out) if out else None


def _to_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else str(v)


_WINDASH = ("-", "/", "\u2013", "\u2014", "\u2015")


def _b64_offsets(s: bytes) -> list[str]:
    out = []
    for i in range(3):
        enc = base64.b64encode(b"\x00" * i + s).decode()
        start = (0, 2, 3)[i]
        end_trim = (0, -3, -2)[(len(s) + i) % 3]
        out.append(enc[start:end_trim or None] if end_trim else enc[start:])
    return out


def compile_item(fname: str | None, mods: list[str], values: list[Any]) -> tuple[Callable[[Event, str], bool], frozenset | None]:
    """One ``field|mods: values`` entry (fname None = keyword search)."""
    mods = [m.lower() for m in mods]
    for m in mods:
        if m not in _KNOWN_MODS:
            raise UnsupportedRule(f"modifier {m!r}")
    is_all = "all" in mods
    cased = "cased" in mods
    kind = "contains" if fname is None else "equals"
    for k in ("contains", "startswith", "endswith"):
        if k in mods:
            kind = k
    if fname is None:
        getter, attr = None, None
        verbatim = True
    else:
        getter, attr = field_getter(fname)
        # extra fields (auditd keys, JSON values, sudo COMMAND ...) appear verbatim in the
        # event's search text (decoded values are appended to it by the parsers)
        verbatim = attr is None or attr not in DERIVED_FIELDS

    if "exists" in mods:
        want = bool(values[0]) if values else True
        g = getter

        def p_exists(ev, low, g=g, want=want):
            v = g(ev)
            return (v is not None and v != "") == want
        return p_exists, None

    # ---- expand transforming modifiers into plain string values
    vals: list[Any] = list(values) if values else [None]
    if "windash" in mods:
        ex = []
        for v in vals:
            if isinstance(v, str) and ("-" in v or "/" in v):
                for d in _WINDASH:
                    ex.append(re.sub(r"(?<![\w])[-/]", d, v))
            else:
                ex.append(v)
        vals = ex
    if "base64offset" in mods or "base64" in mods:
        ex = []
        for v in vals:
            b = _to_str(v).encode()
            if "base64offset" in mods:
                ex.extend(_b64_offsets(b))
            else:
                ex.append(base64.b64encode(b).decode())
        vals = ex
        cased = True
        if kind == "equals" and "base64offset" in mods:
            kind = "contains"

    preds: list[Callable] = []
    keys: list[frozenset | None] = []

    if "re" in mods:
        flags = 0
        if "i" in mods:
            flags |= re.I
        if "m" in mods:
            flags |= re.M
        if "s" in mods:
            flags |= re.S
        for v in vals:
            rx = re.compile(_to_str(v), flags)
            preds.append(_mk_re(getter, rx))
            keys.append(None)
    elif "cidr" in mods:
        nets = [ipaddress.ip_network(_to_str(v), strict=False) for v in vals]
        preds.append(_mk_cidr(getter, nets))
        keys.append(None)
    elif any(m in mods for m in ("lt", "lte", "gt", "gte")):
        opname = next(m for m in ("lt", "lte", "gt", "gte") if m in mods)
        op = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}[opname]
        for v in vals:
            preds.append(_mk_num(getter, op, float(v)))
            keys.append(None)
    else:
        # group plain literals by kind for fast set / tuple checks; wildcards -> regex
        lits: list[str] = []
        for v in vals:
            if v is None:
                preds.append(_mk_null(getter))
                keys.append(None)
                continue
            s = _to_str(v)
            if not isinstance(v, str):  # numbers / bools: exact string equality
                s_parts, wild = [("lit", s)], False
            else:
                s_parts, wild = _split_wild(s)
            if wild:
                rx = _wild_regex([(k, t if cased else t.lower()) for k, t in s_parts], kind, 0)
                preds.append(_mk_re(getter, rx, lower=not cased))
                lit = _best_literal(s_parts)
                keys.append(_lit_key(lit) if verbatim else None)
            else:
                lit = "".join(t for _, t in s_parts)
                lits.append(lit if cased else lit.lower())
                if verbatim:
                    keys.append(_lit_key(lit))
                elif attr in EQ_INDEX_FIELDS and kind == "equals":
                    keys.append(frozenset({("eq", attr, lit.lower())}))
                else:
                    keys.append(None)
        if lits:
            if is_all:
                for lit in lits:
                    preds.append(_mk_lits(getter, kind, [lit], cased, attr))
            else:
                preds.append(_mk_lits(getter, kind, lits, cased, attr))
    if is_all:
        pred = _and(preds)
        return pred, _and_keys(keys)
    return _or(preds), _or_keys(keys)


_KNOWN_MODS = frozenset({"contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "base64",
                         "base64offset", "windash", "cased", "exists", "lt", "lte", "gt", "gte"})


def _value(ev: Event, getter, lower: bool) -> str | None:
    if getter is None:
        return None
    v = getter(ev)
    if v is None:
        return None
    if not isinstance(v, str):
        v = _to_str(v)
    return v.lower() if lower else v


def _mk_lits(getter, kind: str, lits: list[str], cased: bool, attr: str | None = None):
    p = _mk_lits_closure(getter, kind, lits, cased)
    # description for _and / _or code generation (see _gen_bool)
    if getter is None:
        if not cased:
            p._inline = ("kw", None, tuple(lits), False)  # type: ignore[attr-defined]
    elif attr is not None and attr.isidentifier():
        consts = frozenset(lits) if kind == "equals" else tuple(lits)
        p._inline = (kind, attr, consts, not cased)  # type: ignore[attr-defined]
    return p


def _mk_lits_closure(getter, kind: str, lits: list[str], cased: bool):
    if getter is None:  # keyword search over the event text
        if cased:
            def p_kw_cased(ev, low, lits=tuple(lits)):
                return any(map(ev.text.__contains__, lits))
            return p_kw_cased
        if len(lits) == 1:
            x0 = lits[0]
            return lambda ev, low, x0=x0: x0 in low

        def p_kw(ev, low, lits=tuple(lits)):
            return any(map(low.__contains__, lits))
        return p_kw
    lower = not cased
    if kind == "equals":
        s = frozenset(lits)

        def p_eq(ev, low, g=getter, s=s, lower=lower):
            v = g(ev)
            if v is None:
                return False
            if not isinstance(v, str):
                v = _to_str(v)
            return (v.lower() if lower else v) in s
        return p_eq
    if kind == "startswith":
        t = tuple(lits)

        def p_sw(ev, low, g=getter, t=t, lower=lower):
            v = g(ev)
            if v is None:
                return False
            if not isinstance(v, str):
                v = _to_str(v)
            return (v.lower() if lower else v).startswith(t)
        return p_sw
    if kind == "endswith":
        t = tuple(lits)

        def p_ew(ev, low, g=getter, t=t, lower=lower):
            v = g(ev)
            if v is None:
                return False
            if not isinstance(v, str):
                v = _to_str(v)
            return (v.lower() if lower else v).endswith(t)
        return p_ew
    t = tuple(lits)

    def p_ct(ev, low, g=getter, t=t, lower=lower):
        v = g(ev)
        if v is None:
            return False
        if not isinstance(v, str):
            v = _to_str(v)
        if lower:
            v = v.lower()
        return any(map(v.__contains__, t))
    return p_ct


def _mk_re(getter, rx: re.Pattern, lower: bool = False):
    search = rx.search
    if getter is None:
        if lower:
            return lambda ev, low: search(low) is not None
        return lambda ev, low: search(ev.text) is not None

    def p_re(ev, low):
        v = _value(ev, getter, lower)
        return v is not None and search(v) is not None
    return p_re


def _mk_cidr(getter, nets):
    def p_cidr(ev, low):
        v = _value(ev, getter, False)
        if not v:
            return False
        try:
            ip = ipaddress.ip_address(v)
        except ValueError:
            return False
        return any(ip in n for n in nets if n.version == ip.version)
    return p_cidr


def _mk_num(getter, op, ref: float):
    def p_num(ev, low):
        v = getter(ev) if getter else None
        if v is None:
            return False
        try:
            return op(float(v), ref)
        except (TypeError, ValueError):
            return False
    return p_num


def _mk_null(getter):
    if getter is None:
        return lambda ev, low: False

    def p_null(ev, low):
        v = getter(ev)
        return v is None or v == ""
    return p_null


def _and(preds: list[Callable]) -> Callable:
    if len(preds) == 1:
        return preds[0]
    return _gen_bool("and", preds)


def _or(preds: list[Callable]) -> Callable:
    if len(preds) == 1:
        return preds[0]
    return _gen_bool("or", preds)


def _gen_bool(op: str, preds: list[Callable]) -> Callable:
    """``p1(ev, low) and p2(ev, low) and ...`` (or ``or``) as one predicate: nested
    conjunctions / disjunctions are flattened and literal tests on event attributes /
    the lowered text are inlined, so a typical selection costs one call instead of one
    per field.  Same evaluation order and short-circuiting.

    Compiled, the result is a :class:`_Prog` evaluated in C; as source, a generated
    Python function (faster than looping over the parts in the interpreter)."""
    parts: list[Callable] = []
    for p in preds:
        sub = getattr(p, "_bool", None)
        if sub is not None and sub[0] == op:
            parts.extend(sub[1])
        else:
            parts.append(p)
    if cython.compiled:
        return _Prog(op, parts)
    ns: dict[str, Any] = {"_to_str": _to_str}
    lines = ["def p(ev, low):"]
    fail, ok = ("False", "True") if op == "and" else ("True", "False")
    for i, p in enumerate(parts):
        inl = getattr(p, "_inline", None)
        if inl is None:
            ns[f"P{i}"] = p
            lines.append(f"    if {'not ' if op == 'and' else ''}P{i}(ev, low): return {fail}")
            continue
        kind, attr, consts, lower = inl
        ns[f"C{i}"] = consts
        if kind == "kw":
            cond = (f"{consts[0]!r} in low" if len(consts) == 1
                    else f"any(map(low.__contains__, C{i}))")
        else:
            v = "v.lower()" if lower else "v"
            if kind == "equals":
                cond = f"{v} in C{i}"
            elif kind == "startswith":
                cond = f"{v}.startswith(C{i})"
            elif kind == "endswith":
                cond = f"{v}.endswith(C{i})"
            elif len(consts) == 1:
                cond = f"{consts[0]!r} in {v}"
            else:
                cond = f"any(map({v}.__contains__, C{i}))"
            lines.append(f"    v = ev.{attr}")
            if op == "and":
                lines.append("    if v is None: return False")
                lines.append("    if not isinstance(v, str): v = _to_str(v)")
            else:
                lines.append("    if v is not None:")
                lines.append("        if not isinstance(v, str): v = _to_str(v)")
                lines.append(f"        if {cond}: return True")
                continue
        lines.append(f"    if {'not (' + cond + ')' if op == 'and' else cond}: return {fail}")
    lines.append(f"    return {ok}")
    exec("\n".join(lines) + "\n", ns)  # noqa: S102 - generated from compiled rule parts, constants by name
    fn = ns["p"]
    fn._bool = (op, tuple(parts))
    return fn


def _not(p: Callable) -> Callable:
    return _Prog("not", [p]) if cython.compiled else _py_not(p)


def _py_not(p: Callable) -> Callable:
    return lambda ev, low: not p(ev, low)


# --------------------------------------------------------------------------- compiled predicates
# part kinds of a _Prog (see _gen_bool: the same tests the generated code inlines)
_K_CALL, _K_KW1, _K_KWN, _K_EQ, _K_SW, _K_EW, _K_CT1, _K_CTN = range(8)
_FIELD_INDEX = {name: i for i, name in enumerate(_FIELDS)}


@cython.cclass
class _Part:
    """One test of a :class:`_Prog`: a call of another predicate, a keyword test on the
    lowered text, or a literal test on one event field."""

    def __init__(self, p: Callable):
        self.fn = p
        self.kind = _K_CALL
        self.field = -1
        self.consts = None
        self.c0 = None
        self.lower = False
        inl = getattr(p, "_inline", None)
        if inl is None:
            return
        kind, attr, consts, lower = inl
        self.consts = consts
        self.c0 = consts[0] if isinstance(consts, tuple) and len(consts) == 1 else None
        if kind == "kw":
            self.kind = _K_KW1 if len(consts) == 1 else _K_KWN
            return
        if attr not in _FIELD_INDEX:  # not an event field: keep the call
            return
        self.field = _FIELD_INDEX[attr]
        self.lower = bool(lower)
        if kind == "equals":
            self.kind = _K_EQ
        elif kind == "startswith":
            self.kind = _K_SW
        elif kind == "endswith":
            self.kind = _K_EW
        else:
            self.kind = _K_CT1 if len(consts) == 1 else _K_CTN


@cython.cclass
class _Prog:
    """``and`` / ``or`` of parts, or ``not`` of one predicate, evaluated without the
    interpreter (compiled mode only; as source :func:`_gen_bool` generates code)."""

    def __init__(self, op: str, parts: list[Callable]):
        self.op = 0 if op == "and" else 1 if op == "or" else 2
        self.parts = tuple(_Part(p) for p in parts)
        self._bool = (op, tuple(parts))
        # whether a test looks at the lower-cased event text (a keyword, or a predicate that may)
        self.needs_low = any(pt.kind in (_K_KW1, _K_KWN) or (pt.kind == _K_CALL and not (
            type(pt.fn) is _Prog and cython.cast(_Prog, pt.fn).needs_low is False)) for pt in self.parts)

    def __call__(self, ev, low):
        return self.run(ev, low)

    @cython.locals(p=_Part, ok=cython.bint, is_and=cython.bint, k=cython.int, sv=str)
    def run(self, ev, low):  # cpdef (sigma.pxd): C calls between compiled predicates
        if self.op == 2:
            return not _call_part(cython.cast(_Part, self.parts[0]), ev, low)
        is_and = self.op == 0
        for p in self.parts:
            k = p.kind
            if k == _K_CALL:
                ok = _call_part(p, ev, low)
            elif k == _K_KW1:
                ok = p.c0 in low
            elif k == _K_KWN:
                ok = False
                for c in p.consts:
                    if c in low:
                        ok = True
                        break
            else:
                v = field_at(ev, p.field)
                if v is None:
                    if is_and:
                        return False
                    continue
                sv = v if isinstance(v, str) else _to_str(v)
                if k == _K_EQ:
                    # the constants are lower case when ``lower``: a value found as it is needs
                    # no lower-cased copy (derived fields such as action / outcome always are)
                    ok = sv in p.consts
                    if not ok and p.lower:
                        ok = sv.lower() in p.consts
                    if is_and:
                        if not ok:
                            return False
                    elif ok:
                        return True
                    continue
                if p.lower:
                    sv = sv.lower()
                if k == _K_SW:
                    ok = sv.startswith(p.consts)
                elif k == _K_EW:
                    ok = sv.endswith(p.consts)
                elif k == _K_CT1:
                    ok = p.c0 in sv
                else:
                    ok = False
                    for c in p.consts:
                        if c in sv:
                            ok = True
                            break
            if is_and:
                if not ok:
                    return False
            elif ok:
                return True
        return is_and


def _call_part(p, ev, low):  # a C function when compiled (sigma.pxd)
    fn = p.fn
    if type(fn) is _Prog:
        return cython.cast(_Prog, fn).run(ev, low)
    return bool(fn(ev, low))




def compile_detection_item(item: Any) -> tuple[Callable, frozenset | None]:
    """A named search identifier's body."""
    if isinstance(item, dict):
        parts = []
        for key, val in item.items():
            key = "" if key is None else str(key)
            fname, *mods = key.split("|")
            values = val if isinstance(val, list) else [val]
            parts.append(compile_item(fname or None, mods, values))
        if not parts:
            raise UnsupportedRule("empty selection")
        return _and([p for p, _ in parts]), _and_keys([k for _, k in parts])
    if isinstance(item, list):
        if item and all(isinstance(x, dict) for x in item):
            parts = [compile_detection_item(x) for x in item]
            return _or([p for p, _ in parts]), _or_keys([k for _, k in parts])
        if any(isinstance(x, (dict, list)) for x in item):
            raise UnsupportedRule("mixed list in detection")
        return compile_item(None, [], item)
    if isinstance(item, (str, int, float)):
        return compile_item(None, [], [item])
    raise UnsupportedRule(f"detection item of type {type(item).__name__}")


# --------------------------------------------------------------------------- condition parser
_TOK = re.compile(r"\s*(\(|\)|[^\s()]+)")


class _CondParser:
    def __init__(self, text: str, idents: dict[str, tuple[Callable, frozenset | None]]):
        if "|" in text:
            raise UnsupportedRule("aggregation in condition (use Sigma correlation rules)")
        self.toks = _TOK.findall(text)
        self.i = 0
        self.idents = idents

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        t = self.peek()
        if t is None:
            raise UnsupportedRule("unexpected end of condition")
        self.i += 1
        return t

    def parse(self):
        r = self.expr()
        if self.peek() is not None:
            raise UnsupportedRule(f"unexpected token {self.peek()!r} in condition")
        return r

    def expr(self):
        parts = [self.term()]
        while (self.peek() or "").lower() == "or":
            self.take()
            parts.append(self.term())
        if len(parts) == 1:
            return parts[0]
        return _or([p for p, _ in parts]), _or_keys([k for _, k in parts])

    def term(self):
        parts = [self.factor()]
        while (self.peek() or "").lower() == "and":
            self.take()
            parts.append(self.factor())
        if len(parts) == 1:
            return parts[0]
        return _and([p for p, _ in parts]), _and_keys([k for _, k in parts])

    def factor(self):
        t = self.take()
        tl = t.lower()
        if tl == "not":
            p, _ = self.factor()
            return _not(p), None
        if t == "(":
            r = self.expr()
            if self.take() != ")":
                raise UnsupportedRule("missing )")
            return r
        if (tl in ("1", "any", "all") or tl.isdigit()) and (self.peek() or "").lower() == "of":
            self.take()
            target = self.take()
            if target.lower() == "them":
                names = [n for n in self.idents if not n.startswith("_")]
            else:
                names = [n for n in self.idents if fnmatch.fnmatchcase(n, target)]
            if not names:
                raise UnsupportedRule(f"no identifiers match {target!r}")
            parts = [self.idents[n] for n in names]
            if tl == "all":
                return _and([p for p, _ in parts]), _and_keys([k for _, k in parts])
            if tl in ("1", "any"):
                return _or([p for p, _ in parts]), _or_keys([k for _, k in parts])
            n = int(tl)
            preds = tuple(p for p, _ in parts)
            return (lambda ev, low: sum(1 for p in preds if p(ev, low)) >= n), None
        if t in self.idents:
            return self.idents[t]
        raise UnsupportedRule(f"unknown identifier {t!r} in condition")


def compile_rule(doc: dict[str, Any], path: str = "", builtin: bool = False) -> SigmaRule:
    det = doc.get("detection")
    if not isinstance(det, dict):
        raise UnsupportedRule("no detection section")
    cond = det.get("condition")
    if cond is None:
        raise UnsupportedRule("no condition")
    idents = {}
    for name, item in det.items():
        if name in ("condition", "timeframe"):
            continue
        idents[str(name)] = compile_detection_item(item)
    conds = cond if isinstance(cond, list) else [cond]
    compiled = [_CondParser(str(c), idents).parse() for c in conds]
    pred, keys = (compiled[0] if len(compiled) == 1
                  else (_or([p for p, _ in compiled]), _or_keys([k for _, k in compiled])))
    if cython.compiled and getattr(pred, "_inline", None) is not None:
        pred = _Prog("and", [pred])  # a lone field test: evaluated in C as well
    tags = tuple(str(t) for t in (doc.get("tags") or ()))
    tactics, techniques = split_tags(tags)
    ls = doc.get("logsource") or {}
    return SigmaRule(
        id=str(doc.get("id") or doc.get("name") or doc.get("title")),
        title=str(doc.get("title", "")),
        level=str(doc.get("level", "medium")).lower(),
        author=str(doc.get("author", "") or "unknown"),
        tags=tags, logsource={k: str(v).lower() for k, v in ls.items() if k in ("product", "category", "service")},
        pred=pred, keys=keys, name=doc.get("name"), description=str(doc.get("description", "") or ""),
        status=str(doc.get("status", "") or ""), references=tuple(doc.get("references") or ()),
        falsepositives=tuple(str(x) for x in (doc.get("falsepositives") or ())),
        path=path, builtin=builtin, tactics=tactics, techniques=techniques,
    )


_TIMESPAN = re.compile(r"(\d+)\s*([smhdwMy]?)")


def parse_timespan(s: Any) -> float:
    if isinstance(s, (int, float)):
        return float(s)
    m = _TIMESPAN.fullmatch(str(s).strip())
    if not m:
        raise UnsupportedRule(f"bad timespan {s!r}")
    mult = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}[m.group(2)]
    return float(int(m.group(1)) * mult)


def compile_correlation(doc: dict[str, Any], path: str = "", builtin: bool = False) -> CorrelationRule:
    c = doc["correlation"]
    typ = str(c.get("type", "")).lower()
    if typ not in ("event_count", "value_count", "temporal", "temporal_ordered"):
        raise UnsupportedRule(f"correlation type {typ!r}")
    rules = c.get("rules") or []
    if isinstance(rules, str):
        rules = [rules]
    gb = c.get("group-by") or c.get("group_by") or []
    if isinstance(gb, str):
        gb = [gb]
    cond = c.get("condition") or {}
    if typ in ("event_count", "value_count") and not isinstance(cond, dict):
        raise UnsupportedRule("correlation condition must be a mapping")
    if typ == "value_count" and "field" not in cond:
        raise UnsupportedRule("value_count needs condition.field")
    tags = tuple(str(t) for t in (doc.get("tags") or ()))
    tactics, techniques = split_tags(tags)
    return CorrelationRule(
        id=str(doc.get("id") or doc.get("name") or doc.get("title")), title=str(doc.get("title", "")),
        type=typ, rules=tuple(str(r) for r in rules), group_by=tuple(str(g) for g in gb),
        timespan=parse_timespan(c.get("timespan", "5m")), condition=dict(cond) if isinstance(cond, dict) else {},
        level=str(doc.get("level", "medium")).lower(), author=str(doc.get("author", "") or "unknown"),
        tags=tags, name=doc.get("name"), generate=bool(c.get("generate", doc.get("generate", False))),
        description=str(doc.get("description", "") or ""), path=path, builtin=builtin,
        tactics=tactics, techniques=techniques,
    )


# --------------------------------------------------------------------------- rule set / matcher
@dataclass
class LoadReport:
    files: int = 0
    rules: int = 0
    correlations: int = 0
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def as_dict(self) -> dict:
        return {"files": self.files, "rules": self.rules, "correlations": self.correlations,
                "unsupported": [{"path": p, "reason": r} for p, r in self.unsupported]}


def iter_rule_files(paths: Iterable[str | os.PathLike]) -> Iterable[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".yml", ".yaml") and x.is_file())
        elif p.is_file():
            yield p


def load_rules(paths: Iterable[str | os.PathLike] | None = None, *, builtin: bool = True) -> RuleSet:
    """Load Sigma rules from files/directories (plus the built-in pack)."""
    rs = RuleSet()
    sources: list[tuple[Path, bool]] = []
    if builtin:
        sources += [(p, True) for p in iter_rule_files([BUILTIN_RULES_DIR])]
    if paths:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        sources += [(p, False) for p in iter_rule_files(paths)]
    for path, is_builtin in sources:
        rs.report.files += 1
        try:
            with open(path, encoding="utf-8") as fh:
                docs = list(yaml.load_all(fh, Loader=_Loader))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
            rs.report.unsupported.append((str(path), f"unreadable: {e}"))
            continue
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            rs.add_doc(doc, str(path), is_builtin)
    rs.finalize()
    return rs


class RuleSet:
    """Compiled rules + the prefilter; :meth:`match` is the hot path."""

    def __init__(self) -> None:
        self.rules: list[SigmaRule] = []
        self.correlations: list[CorrelationRule] = []
        self.report = LoadReport()
        self._idx_cache: dict[tuple, Any] = {}
        self._scanner: Any = None
        self._block_scanner: Any = None
        self._lit_ids: dict[str, int] = {}
        self.backend = "none"

    def add_doc(self, doc: dict, path: str = "", builtin: bool = False) -> None:
        try:
            if "correlation" in doc:
                self.correlations.append(compile_correlation(doc, path, builtin))
                self.report.correlations += 1
            elif "detection" in doc:
                if "action" in doc:
                    raise UnsupportedRule("multi-document 'action' rules")
                r = compile_rule(doc, path, builtin)
                r.index = len(self.rules)
                self.rules.append(r)
                self.report.rules += 1
        except (UnsupportedRule, re.error, ValueError, TypeError, KeyError) as e:
            self.report.unsupported.append((path, f"{doc.get('title', '?')}: {e}"))

    def finalize(self) -> None:
        # base rules referenced only by non-generating correlations don't alert themselves
        by_ref: dict[str, SigmaRule] = {}
        for r in self.rules:
            by_ref[r.id] = r
            if r.name:
                by_ref[str(r.name)] = r
        gen: dict[str, bool] = {}
        for c in self.correlations:
            for ref in c.rules:
                if ref in by_ref:
                    gen[by_ref[ref].id] = gen.get(by_ref[ref].id, False) or c.generate
        for rid, g in gen.items():
            if not g:
                by_ref[rid].generate = False
        lits = sorted({k[1] for r in self.rules if r.keys for k in r.keys if k[0] == "lit"})
        self._lit_ids = {lit: i for i, lit in enumerate(lits)}
        self._lit_list = lits
        self._scanner, self.backend = build_scanner(lits)
        self._block_scanner = build_block_scanner(lits) if self.backend == "hyperscan" else None
        self._idx_cache.clear()

    def lookup(self, ref: str) -> SigmaRule | CorrelationRule | None:
        for r in self.rules:
            if r.id == ref or r.name == ref:
                return r
        for c in self.correlations:
            if c.id == ref or c.name == ref:
                return c
        return None

    def __len__(self) -> int:
        return len(self.rules)

    # ---------------------------------------------------------------- logsource gating
    @staticmethod
    def applies(ls: dict[str, str], sig: tuple) -> bool:
        product, log_type, service, category = sig
        p = ls.get("product")
        # "any": our extension for cross-format rules
        if (p is not None and p != "any" and p != product
                and not (p == "linux" and product is None and log_type == "web_error")):
            return False
        c = ls.get("category")
        if c is not None:
            if c == "webserver":
                if not (log_type == "web_access" or (log_type == "json" and category == "web")):
                    return False
            elif c == "process_creation":
                if category != "process":
                    return False
            else:
                return False
        s = ls.get("service")
        if s is not None:
            if s == "syslog":
                if log_type != "syslog":
                    return False
            elif s == "auth":
                if category not in ("authentication", "privileged", "iam", "session"):
                    return False
            elif s in ("apache", "nginx"):
                if service not in (s, "webserver"):
                    return False
            elif s != service:
                return False
        return True

    def _index(self, sig: tuple):
        """Candidate tables for one event signature (product, log_type, service, category):
        ``(by literal id, by action value, static, always)``.  Rules whose logsource cannot
        apply are left out; an equality key on ``category`` / ``log_type`` is decided by the
        signature itself (static candidates)."""
        idx_lit: dict[int, list[SigmaRule]] = {}
        idx_act: dict[str, list[SigmaRule]] = {}
        static: list[SigmaRule] = []
        always: list[SigmaRule] = []
        fixed = {"log_type": sig[1], "category": sig[3]}
        for r in self.rules:
            if not self.applies(r.logsource, sig):
                continue
            if r.keys is None:
                always.append(r)
                continue
            if any(k[0] == "eq" and k[1] in fixed and fixed[k[1]] == k[2] for k in r.keys):
                static.append(r)
                continue
            for k in r.keys:
                if k[0] == "lit":
                    idx_lit.setdefault(self._lit_ids[k[1]], []).append(r)
                elif k[1] == "action":
                    idx_act.setdefault(k[2], []).append(r)
                elif k[1] not in fixed:  # pragma: no cover - EQ_INDEX_FIELDS has no other field
                    raise AssertionError(k)
        entry = (idx_lit, idx_act, tuple(static), tuple(always))
        if len(self._idx_cache) > 1024:
            self._idx_cache.clear()
        self._idx_cache[sig] = entry
        return entry

    @cython.locals(ev=Event)
    def match(self, ev: Event) -> list[SigmaRule]:
        """Rules matching one event (in rule order; rules without a prefilter key last)."""
        sig = (ev.product, ev.log_type, ev.service, ev.category)
        entry = self._idx_cache.get(sig)
        if entry is None:
            entry = self._index(sig)
        st = ev.search_text
        low = (ev.raw if st is None else st).lower()
        return self._eval(ev, entry, self._scanner(low) if entry[0] else None, low)

    @cython.locals(ev=Event)
    def _eval(self, ev: Event, entry: tuple, hits: Iterable[int] | None, low: str | None) -> list[SigmaRule]:
        idx_lit, idx_act, static, always = entry
        # candidates: while they come from one list (rule order, no repeats) it is used as it is;
        # a second list makes a set, sorted back into rule order afterwards
        src = static if static else None
        cands: set[SigmaRule] | None = None
        if hits and idx_lit:
            for h in hits:
                rl = idx_lit.get(h)
                if rl:
                    if src is None and cands is None:
                        src = rl
                    else:
                        if cands is None:
                            cands = set(src)
                            src = None
                        cands.update(rl)
        if idx_act:
            rl = idx_act.get(ev.action)  # type: ignore[arg-type]
            if rl:
                if src is None and cands is None:
                    src = rl
                else:
                    if cands is None:
                        cands = set(src)
                        src = None
                    cands.update(rl)
        if src is None and cands is None and not always:
            return []
        out = []
        for r in (src if src is not None else cands or ()):
            p = r.pred
            if type(p) is _Prog:
                # field tests only: the lower-cased text is not needed (nor made)
                if low is None and cython.cast(_Prog, p).needs_low:
                    st = ev.search_text
                    low = (ev.raw if st is None else st).lower()
                ok = cython.cast(_Prog, p).run(ev, "" if low is None else low)
            else:
                if low is None:
                    st = ev.search_text
                    low = (ev.raw if st is None else st).lower()
                ok = p(ev, low)
            if ok:
                out.append(r)
        if cands is not None and len(out) > 1:
            out.sort(key=_BY_INDEX)
        if always:
            if low is None:
                st = ev.search_text
                low = (ev.raw if st is None else st).lower()
            for r in always:
                if r.pred(ev, low) and r not in out:
                    out.append(r)
        return out

    @cython.locals(ev=Event, i=cython.Py_ssize_t)
    def match_block(self, events: list[Event], lines: list[str] | None = None) -> list[tuple[int, list[SigmaRule]]]:
        """Match a block of events; ``lines[i]`` must be ``events[i].raw`` when given.

        Equivalent to ``[(i, self.match(e)) for i, e in enumerate(events)]`` restricted to
        non-empty results, but the literal prefilter runs once over the whole block (one
        Hyperscan call instead of one per line)."""
        block = self._block_scanner
        if block is None or lines is None:
            out = []
            for i, ev in enumerate(events):
                m = self.match(ev)
                if m:
                    out.append((i, m))
            return out
        hits = self._block_hits(block, events, lines)
        get = self._idx_cache.get
        index = self._index
        ev_eval = self._eval
        out = []
        entry = None
        lp = llt = lsv = lcat = None
        for i in range(len(events)):
            ev = events[i]
            p, lt, sv, cat = ev.product, ev.log_type, ev.service, ev.category
            # the previous event's table when its signature is the very same (runs of one format)
            if entry is None or p is not lp or lt is not llt or sv is not lsv or cat is not lcat:
                sig = (p, lt, sv, cat)
                entry = get(sig)
                if entry is None:
                    entry = index(sig)
                lp, llt, lsv, lcat = p, lt, sv, cat
            h = hits[i]
            if h is None and not entry[2] and not entry[3]:
                act = entry[1]
                if not act or ev.action not in act:
                    continue
            if h is _RESCAN:
                st = ev.search_text
                low = (ev.raw if st is None else st).lower()
                m = ev_eval(ev, entry, self._scanner(low) if entry[0] else None, low)
            else:
                m = ev_eval(ev, entry, h, None)
            if m:
                out.append((i, m))
        return out

    @cython.locals(ev=Event)
    def _block_hits(self, block, events: list[Event], lines: list[str]) -> list[Any]:
        """Per line: the literal ids found in it (lowered text semantics), None, or _RESCAN for
        lines that need a per-line scan (non-ASCII text, extra search text)."""
        hits: list[Any] = [None] * len(lines)
        text = "\n".join(lines)
        if not text.isascii():
            used = list(lines)
            for i, line in enumerate(lines):
                if not line.isascii():
                    used[i] = ""
                    hits[i] = _RESCAN
            text = "\n".join(used)
        else:
            used = lines
        # ASCII only: caseless Hyperscan matching == matching the lower-cased text
        found = block(text.encode("ascii"), len(lines))
        if found is None:  # too many matches (degenerate input): scan line by line
            for i in range(len(lines)):
                hits[i] = _RESCAN
        elif found:
            ns = list(map(operator.add, accumulate(map(len, used)), range(1, len(used) + 1)))
            for lid, to in found:
                i = bisect_right(ns, to)
                h = hits[i]
                if h is None:
                    hits[i] = [lid]
                elif h is not _RESCAN:
                    h.append(lid)
        for i, ev in enumerate(events):
            if ev.search_text is not None:
                hits[i] = _RESCAN
        return hits

    def match_all(self, ev: Event) -> list[SigmaRule]:
        """Reference implementation without the prefilter (for tests)."""
        st = ev.search_text
        low = (ev.raw if st is None else st).lower()
        sig = (ev.product, ev.log_type, ev.service, ev.category)
        return [r for r in self.rules if self.applies(r.logsource, sig) and r.pred(ev, low)]


_RESCAN = object()
_BY_INDEX = operator.attrgetter("index")


# --------------------------------------------------------------------------- multi-literal scanner
def build_scanner(lits: list[str], backend: str | None = None) -> tuple[Callable[[str], list[int]], str]:
    """-> (scan(lowered_text) -> literal ids, backend name)."""
    backend = backend or os.environ.get("WANGAN_LOGSCAN_PREFILTER") or "auto"
    if not lits:
        return (lambda text: ()), "none"
    order = ["hyperscan", "ahocorasick", "re2", "python"] if backend == "auto" else [backend]
    for b in order:
        try:
            if b == "hyperscan":
                return _hyperscan_scanner(lits), b
            if b == "ahocorasick":
                return _aho_scanner(lits), b
            if b == "re2":
                return _re2_scanner(lits), b
            if b == "python":
                return _py_scanner(lits), b
        except ImportError:
            continue
        except Exception as e:  # pragma: no cover - backend specific failure
            log.warning("prefilter backend %s failed: %s", b, e)
            continue
    return _py_scanner(lits), "python"


def _hyperscan_scanner(lits: list[str]):
    import hyperscan  # type: ignore

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    exprs = ["".join(f"\\x{b:02x}" for b in lit.encode("utf-8")).encode() for lit in lits]
    flags = [hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_CASELESS] * len(lits)
    db.compile(expressions=exprs, ids=list(range(len(lits))), elements=len(lits), flags=flags)
    scan = db.scan

    def on_match(i, frm, to, flags, ctx):
        ctx.append(i)

    def scanner(text: str) -> list[int]:
        out: list[int] = []
        scan(text.encode("utf-8", "surrogatepass"), match_event_handler=on_match, context=out)
        return out
    return scanner


def build_block_scanner(lits: list[str], max_per_line: int = 64):
    """Hyperscan scanner for a block of ASCII lines joined with newlines:
    ``scan(data, n_lines) -> [(literal id, end offset), ...]`` in offset order
    (every occurrence), or None when the block has more than ``max_per_line``
    matches per line on average (then per-line scanning is cheaper).  None
    (no block scanner) when Hyperscan is missing or a literal contains a newline."""
    if not lits or any("\n" in lit for lit in lits):
        return None
    try:
        import hyperscan  # type: ignore
    except ImportError:  # pragma: no cover
        return None
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    exprs = ["".join(f"\\x{b:02x}" for b in lit.encode("utf-8")).encode() for lit in lits]
    db.compile(expressions=exprs, ids=list(range(len(lits))), elements=len(lits),
               flags=[hyperscan.HS_FLAG_CASELESS] * len(lits))
    scan = db.scan
    terminated = hyperscan.ScanTerminated

    def scanner(data: bytes, n_lines: int) -> list[tuple[int, int]] | None:
        out: list[tuple[int, int]] = []
        limit = max_per_line * n_lines + 16
        append = out.append

        def on_match(i, frm, to, flags, ctx):
            append((i, to))
            return len(out) > limit

        try:
            scan(data, match_event_handler=on_match)
        except terminated:
            return None
        return out
    return scanner


def _aho_scanner(lits: list[str]):
    import ahocorasick  # type: ignore

    a = ahocorasick.Automaton()
    for i, lit in enumerate(lits):
        a.add_word(lit, i)
    a.make_automaton()
    it = a.iter

    def scanner(text: str) -> list[int]:
        return [v for _, v in it(text)]
    return scanner


def _re2_scanner(lits: list[str]):
    import re2  # type: ignore

    s = re2.Set.SearchSet(re2.Options())
    for lit in lits:
        s.Add(re.escape(lit))
    s.Compile()
    match = s.Match
    return lambda text: match(text) or ()


def _py_scanner(lits: list[str]):
    # bucket by first 2 chars isn't possible without positions; keep it simple
    items = tuple(enumerate(lits))

    def scanner(text: str) -> list[int]:
        return [i for i, lit in items if lit in text]
    return scanner
