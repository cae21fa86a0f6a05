"""Normalized, ECS-style log event.

One :class:`Event` is produced per input line by :mod:`.parsers`.  It is a
``__slots__`` dataclass so millions of them stay cheap; fields follow the
Elastic Common Schema where a natural equivalent exists (see
:meth:`Event.to_ecs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import cython  # pure-Python mode: the declarations below are no-ops when this runs as source

from . import _compiled

_slots = _compiled.helper("_slots")  # C constructors when built (see dataclass_factory)

# event.category values used by the engine (ECS-like, plus a few of our own)
CAT_AUTH = "authentication"
CAT_PRIV = "privileged"  # sudo / su / privilege changes
CAT_IAM = "iam"  # user / group management
CAT_SESSION = "session"
CAT_WEB = "web"
CAT_FAULT = "fault"  # errors, crashes
CAT_PROCESS = "process"
CAT_SCHEDULED = "scheduled"  # cron
CAT_NETWORK = "network"
CAT_OTHER = "other"

OUTCOME_SUCCESS = "success"
OUTCOME_FAILURE = "failure"

# fields whose values are *derived* by the normalizer (not substrings of the
# raw line); the Sigma prefilter must not use their values as literals.
DERIVED_FIELDS = frozenset(
    {"timestamp", "action", "outcome", "category", "log_type", "service", "product", "severity"}
)


@cython.dataclasses.dataclass
@cython.cclass
class Event:
    # Compiled, an extension type: code that declares ``ev`` as an Event (``cython.locals``)
    # reads and writes these fields as struct members; as source, a ``__slots__`` dataclass
    # (below).  Same fields, defaults, ``__init__``, ``__eq__`` and ``__repr__`` either way.
    raw: str
    log_type: str = "unknown"  # parser that produced it: syslog, auditd, web_access, ...
    timestamp: float | None = None  # epoch seconds, UTC
    host: str | None = None
    program: str | None = None  # process.name as logged (e.g. "sshd-session")
    service: str | None = None  # normalized service (e.g. "sshd", "nginx")
    product: str | None = None  # Sigma logsource product ("linux")
    pid: int | None = None
    user: str | None = None  # user.name (the acting / authenticating user)
    target_user: str | None = None  # user.target.name (sudo USER=, su to, new user)
    src_ip: str | None = None  # source.address: IP, or host name when only a name was logged
    src_port: int | None = None
    action: str | None = None  # event.action
    outcome: str | None = None  # success / failure / None
    category: str | None = None  # authentication / privileged / web / fault / ...
    severity: str | None = None  # log level for error logs (error, warn, crit ...)
    message: str | None = None
    url: str | None = None  # url.original (path + query as logged)
    http_method: str | None = None
    http_status: int | None = None
    http_bytes: int | None = None
    user_agent: str | None = None
    referer: str | None = None
    extra: dict[str, Any] | None = None  # parser specific fields (auditd keys, JSON fields, command ...)
    source: str | None = None  # file name the line came from
    lineno: int = 0
    search_text: str | None = None  # text the keyword search runs over (defaults to raw)

    # ------------------------------------------------------------------ helpers
    @property
    def datetime(self) -> datetime | None:
        if self.timestamp is None:
            return None
        return datetime.fromtimestamp(self.timestamp, tz=UTC)

    @property
    def text(self) -> str:
        return self.search_text if self.search_text is not None else self.raw

    def get(self, name: str, default: Any = None) -> Any:
        """Field by attribute name, falling back to ``extra``."""
        if name in _ATTRS:
            v = getattr(self, name)
            return default if v is None else v
        if self.extra:
            return self.extra.get(name, default)
        return default

    def to_ecs(self) -> dict[str, Any]:
        """ECS-style flat dict (only non-empty fields)."""
        d: dict[str, Any] = {}
        if self.timestamp is not None:
            d["@timestamp"] = self.datetime.isoformat().replace("+00:00", "Z")
        for attr, key in _ECS_NAMES:
            v = getattr(self, attr)
            if v is not None:
                d[key] = v
        if self.extra:
            for k, v in self.extra.items():
                d.setdefault(f"labels.{k}" if "." not in k else k, v)
        return d


if not cython.compiled:  # running as source: the memory-saving __slots__ layout
    Event = dataclass(slots=True)(Event)  # noqa: F811 - same class, re-made with slots

# classes whose C-built instances are not tracked by the cyclic GC (see dataclass_factory)
_UNTRACKED = (Event,)
_FIELDS: tuple[str, ...] = tuple(Event.__dataclass_fields__)  # type: ignore[attr-defined]
_ATTRS = frozenset(_FIELDS)
_DEFAULTS = {n: f.default for n, f in Event.__dataclass_fields__.items()}  # type: ignore[attr-defined]
_astuple = attrgetter(*_FIELDS)


def field_at(ev, i):  # a C function for compiled callers (event.pxd)
    """Field number ``i`` of :data:`_FIELDS` (a struct read when compiled): Sigma field tests and
    correlation keys name their field by number."""
    if i < 12:
        if i == 0:
            return ev.raw
        if i == 1:
            return ev.log_type
        if i == 2:
            return ev.timestamp
        if i == 3:
            return ev.host
        if i == 4:
            return ev.program
        if i == 5:
            return ev.service
        if i == 6:
            return ev.product
        if i == 7:
            return ev.pid
        if i == 8:
            return ev.user
        if i == 9:
            return ev.target_user
        if i == 10:
            return ev.src_ip
        return ev.src_port
    if i == 12:
        return ev.action
    if i == 13:
        return ev.outcome
    if i == 14:
        return ev.category
    if i == 15:
        return ev.severity
    if i == 16:
        return ev.message
    if i == 17:
        return ev.url
    if i == 18:
        return ev.http_method
    if i == 19:
        return ev.http_status
    if i == 20:
        return ev.http_bytes
    if i == 21:
        return ev.user_agent
    if i == 22:
        return ev.referer
    if i == 23:
        return ev.extra
    if i == 24:
        return ev.source
    if i == 25:
        return ev.lineno
    return ev.search_text


def dataclass_factory(cls: type, *names: str) -> Callable[..., Any]:
    """A constructor of dataclass ``cls`` taking exactly ``names`` (in that order)
    as positional arguments, every other field at its default.

    Hot paths build one object per line / per alert; a positional call of the
    dataclass ``__init__`` costs about a third of a keyword call with a dozen
    fields (see the engine notes in bench/logscan/README.md).

    With the optional C helper (``_slots.pyx``, built with the engine) the constructor is a
    ``SlotMaker`` doing the same stores in C; :class:`Event` instances built by it are not
    tracked by the cyclic GC (their fields never lead back to them, like a tuple of atomic
    values), which keeps GC passes from traversing every retained event.
    """
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    unknown = [n for n in names if n not in fields]
    if unknown or len(set(names)) != len(names) or getattr(cls, "__post_init__", None) is not None:
        raise ValueError(f"bad field names {names!r}")
    ns: dict[str, Any] = {"_cls": cls, "_new": cls.__new__}  # object.__new__ for a __slots__ class
    body = ["    o = _new(_cls)"]
    for n, f in fields.items():
        if n in names:
            value = n
        elif f.default is not MISSING:
            d = f.default
            if d is None or d == () or type(d) in (bool, int, float, str):
                value = repr(d)  # a constant in the generated code
            else:
                ns[f"_d_{n}"] = d
                value = f"_d_{n}"
        elif f.default_factory is not MISSING:
            ns[f"_f_{n}"] = f.default_factory
            value = f"_f_{n}()"
        else:
            raise ValueError(f"field {n!r} has no default and must be given")
        body.append(f"    o.{n} = {value}")
    if _slots is not None:
        # the same assignments, done in C (``_slots.pyx``): no frame, no per-field STORE_ATTR
        slots = []
        for n, f in fields.items():
            if n in names:
                slots.append((n, 0, names.index(n)))
            elif f.default is not MISSING:
                slots.append((n, 1, f.default))
            else:
                slots.append((n, 2, f.default_factory))
        try:
            return _slots.SlotMaker(cls, slots, untrack=cls in _UNTRACKED)
        except TypeError:  # neither a plain slots class nor a Cython dataclass: the generated constructor
            pass
    # same object as cls(...) would build (plain dataclass __init__: no __post_init__), one frame less
    src = f"def make({', '.join(names)}):\n" + "\n".join(body) + "\n    return o\n"
    exec(src, ns)  # noqa: S102 - source built from the dataclass' own field names
    return ns["make"]


def event_factory(*names: str) -> Callable[..., Event]:
    """Positional :class:`Event` constructor for ``names`` (see :func:`dataclass_factory`)."""
    return dataclass_factory(Event, *names)


def event_to_tuple(ev: Event) -> tuple:
    """All fields in declaration order (compact transfer between processes)."""
    return _astuple(ev)


def event_from_tuple(t: tuple) -> Event:
    return _from_fields(*t)


_from_fields = dataclass_factory(Event, *_FIELDS)  # == Event(*fields), built as the parsers build events

_ECS_NAMES = (
    ("log_type", "event.dataset"),
    ("host", "host.name"),
    ("program", "process.name"),
    ("pid", "process.pid"),
    ("service", "service.name"),
    ("user", "user.name"),
    ("target_user", "user.target.name"),
    ("src_ip", "source.address"),
    ("src_port", "source.port"),
    ("action", "event.action"),
    ("outcome", "event.outcome"),
    ("category", "event.category"),
    ("severity", "log.level"),
    ("url", "url.original"),
    ("http_method", "http.request.method"),
    ("http_status", "http.response.status_code"),
    ("http_bytes", "http.response.body.bytes"),
    ("user_agent", "user_agent.original"),
    ("referer", "http.request.referrer"),
    ("message", "message"),
    ("raw", "event.original"),
    ("source", "log.file.path"),
    ("lineno", "log.file.line"),
)
