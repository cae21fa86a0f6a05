"""Line parsers and per-line format auto-detection.

:class:`LineParser` turns one raw line into an :class:`~.event.Event`.
Supported: classic syslog (RFC 3164, with or without ``<PRI>``, also the
rsyslog ISO-timestamp variant), RFC 5424, Linux auth messages inside syslog
(sshd / sshd-session, PAM, sudo, su, useradd & friends, cron, logind — Debian
``auth.log`` and RHEL ``/var/log/secure`` share the format), auditd
(``type=... msg=audit(...)``, raw or via syslog), nginx / Apache access logs
(common & combined, optional vhost prefix), nginx and Apache (2.2 / 2.4)
error logs, and JSON lines.  A line nothing recognizes becomes an event with
``log_type == "unknown"`` (fed to the template miner by the pipeline).

A parser instance keeps tiny bounded state per stream: the last format that
matched (tried first, so a homogeneous file costs one regex per line) and a
``(host, sshd pid) -> source address`` map so multi-line sshd failures such
as ``Disconnecting: Too many authentication failures`` get their source.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import cython  # pure-Python mode declarations (no-ops when this runs as source)

from .event import (
    CAT_AUTH,
    CAT_FAULT,
    CAT_IAM,
    CAT_NETWORK,
    CAT_PRIV,
    CAT_PROCESS,
    CAT_SCHEDULED,
    CAT_SESSION,
    CAT_WEB,
    OUTCOME_FAILURE,
    OUTCOME_SUCCESS,
    Event,
    event_factory,
)
from .timeutil import BAD_STAMP, MISSING, MONTHS, Clock

F = OUTCOME_FAILURE
S = OUTCOME_SUCCESS

# --------------------------------------------------------------------------- headers
_RFC3164 = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (?:\d{4} )?(.*)", re.S
)
_ISO_SYSLOG = re.compile(
    r"(?:<(\d{1,3})>)?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)?) +(.*)", re.S
)
_RFC5424 = re.compile(
    r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\"\\]|\"(?:[^\"\\]|\\.)*\"|\\.)*\])+) ?(.*)", re.S
)
_Q = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # quoted string, unrolled loop (no backtracking blow-up)
# combined / common, optionally with "%v" (vhost) first; the timestamp is one group (parsed once per
# distinct value by Clock.access_stamp); the request line's tail is not needed
_ACCESS_HEAD = (
    r"(\S+) \S+ (\S+) \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?)\] "
    + _Q + r" (\d{3}|-) (\d+|-)"
)
_ACCESS_FAST = re.compile(_ACCESS_HEAD, re.S)
_ACCESS_FAST_VHOST = re.compile(r"(\S+) " + _ACCESS_HEAD, re.S)
_REF_UA = re.compile(r" " + _Q + " " + _Q)  # optional ' "referer" "user agent"' after the head
_NGINX_ERR = re.compile(
    r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w+)\] (\d+)[#:](\d+):? ?(?:\*\d+ )?(.*)", re.S
)
_APACHE_ERR = re.compile(
    r"(?:\[(\w{3}) (\w{3}) (\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4})\] )?\[(?:([\w-]*):)?(\w+)\]"
    r"(?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? ?(.*)",
    re.S,
)
# fast path for the common "Mmm dd hh:mm:ss host prog[pid]: msg" layout; every line it matches is
# parsed exactly like _RFC3164 + _syslog_body would (no year, no fraction, plain host and tag)
_FAST3164 = re.compile(
    r"([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?!\d{4} )([^ :\[]+) ([^ :\[]+)(?:\[(\d+)\])?: (.*)", re.S
)
_AUDIT = re.compile(r"(?:node=(\S+) )?type=(\S+) msg=audit\((\d+)(?:\.(\d+))?:(\d+)\): ?(.*)", re.S)
_KV = re.compile(r"([\w-]+)=(\"[^\"]*\"|'[^']*'|\S*)")

# --------------------------------------------------------------------------- sshd
_IPV4_MAPPED = "::ffff:"


def _addr(a: str | None) -> str | None:
    if not a:
        return None
    if a.startswith(_IPV4_MAPPED):
        a = a[7:]
    if a[:1] == "[" and a[-1] == "]":
        a = a[1:-1]
    return a


_R_FAILED = re.compile(
    r"Failed (\S+) for (invalid user |illegal user )?(.*?) from (\S+?)(?: port (\d+))?"
    r"(?: on \S+(?: port \d+)?)?(?: ssh\d*)?(?:: | \[preauth\]$|$)"
)
_R_ACCEPTED = re.compile(r"Accepted (\S+) for (.*?) from (\S+?)(?: port (\d+))?(?: ssh\d*)?(?:: |$)")
_R_INVALID = re.compile(r"(?:Invalid|Illegal) user (.*?) from (\S+?)(?: port (\d+))?(?: \[preauth\])?$")
_R_NOT_ALLOWED = re.compile(r"User (.+?) from (\S+) not allowed because")
_R_NOT_ALLOWED_NOHOST = re.compile(r"User (\S+) not allowed because")
_R_ROOT_REFUSED = re.compile(r"ROOT LOGIN REFUSED FROM (\S+?)(?: port (\d+))?(?: \[preauth\])?$")
_R_PAM_ERR = re.compile(
    r"(?:error: )?PAM: (?:[Aa]uthentication (?:failure|error)|User not known to the underlying authentication module|unknown user)"
    r" for (?:illegal user |invalid user )?(.*?) from (\S+?)(?: via \S+)?\s*$"
)
_R_RECV_DISC = re.compile(r"(?:error: )?Received disconnect from (\S+?)(?: port (\d+))?:\s*(\d+): (.*)")
_R_CLOSED = re.compile(
    r"Connection (closed|reset) by (?:(authenticating|invalid) user (.*) (?=\S+ port \d+(?: \[preauth\])?$))?"
    r"(\S+?)(?: port (\d+))?( \[preauth\])?$"
)
_R_DISCONNECTED = re.compile(
    r"Disconnected from (?:(authenticating|invalid|user) (?:user )?(.*) (?=\S+ port \d+(?: \[preauth\])?$))?"
    r"(\S+?)(?: port (\d+))?( \[preauth\])?$"
)
_R_DISCONNECTING = re.compile(r"Disconnecting (?:(authenticating|invalid) user (.*) )?(\S+) port (\d+): (.*)")
_R_MAXAUTH = re.compile(
    r"(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+?)(?: port (\d+))?"
    r"(?: ssh\d*)?(?: \[preauth\])?$"
)
_R_NOIDENT = re.compile(r"Did not receive identification string from (\S+?)(?: port (\d+))?$")
_R_BADPROTO = re.compile(r"Bad protocol version identification .* from (\S+?)(?: port (\d+))?$")
_R_NEGOTIATE = re.compile(r"(?:fatal: )?Unable to negotiate with (\S+?)(?: port (\d+))?: ")
_R_CONN_FROM = re.compile(r"Connection from (\S+?)(?: port (\d+))?(?: on .*)?$")
_R_BANNER = re.compile(r"(?:banner exchange|ssh_dispatch_run_fatal): Connection from (\S+?) port (\d+): ")
_R_TIMEOUT = re.compile(r"(?:fatal: )?Timeout before authentication for (?:connection from )?(\S+?)(?: port (\d+)|,| to |$)")
_R_REFUSED = re.compile(r"refused connect from \S*? ?\((\S+)\)")
_R_SESSION = re.compile(
    r"pam_unix\(([\w.-]+):session\): session (opened|closed) for user (\S+?)(?:\(uid=\d+\))?"
    r"(?: by (\S*?)(?:\(uid=\d+\))?)?\s*$"
)
_R_PAM_FAIL = re.compile(r"(?:\d+ more )?authentication failures?;(.*)")
_R_PAM_SVC = re.compile(r"pam_unix\(([\w.-]+?)(?::\w+)?\)")
_R_FROM_PORT = re.compile(r" from (\S+?) port (\d+)")
_R_INPUT_USERAUTH = re.compile(r"input_userauth_request: (?:invalid|illegal) user (.*?)(?: \[preauth\])?$")

# Fast paths for the usual shapes of the three most frequent sshd messages: no lazy
# quantifiers, so about a third of the cost.  Whenever one matches, the general regex
# above would match with the same groups (user without whitespace -> the first " from "
# is the one the lazy user group stops at; host without whitespace and not ending in
# ':' -> the lazy host group cannot stop earlier; fixed endings).  Otherwise the
# general regex is used.
_R_FAILED_FAST = re.compile(
    r"Failed (\S+) for (invalid user |illegal user )?(\S*) from (\S*[^\s:]) port (\d+)(?: ssh2)?(?: \[preauth\])?$"
)
_R_ACCEPTED_FAST = re.compile(r"Accepted (\S+) for (\S*) from (\S*[^\s:]) port (\d+)(?: ssh2)?(?:: |$)")
_R_INVALID_FAST = re.compile(r"(?:Invalid|Illegal) user (\S*) from (\S*[^\s:]) port (\d+)(?: \[preauth\])?$")

_SSHD_PID_FAIL = (
    "Disconnecting: Too many authentication failures",
    "fatal: Read from socket failed: Connection reset by peer",
    "fatal: Unable to negotiate a key exchange method",
    "fatal: no matching ",
    "error: kex_exchange_identification: client sent invalid protocol identifier",
    "error: kex_exchange_identification: Connection closed by remote host",
    "error: kex_exchange_identification: read: Connection reset by peer",
    "Disconnecting: Change of username or service not allowed",
)


@cython.locals(ev=Event, kv=str)
def _pam_kv(kv: str, ev: Event) -> None:
    """Parse 'logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root'."""
    i = kv.find(" user=")
    head = kv if i < 0 else kv[:i]
    if i >= 0:
        u = kv[i + 6:].strip()
        if u:
            ev.user = u
    rhost = None
    ruser = None
    logname = None
    for k, v in _KV.findall(head):
        if k == "rhost":
            rhost = v
        elif k == "ruser":
            ruser = v
        elif k == "logname":
            logname = v
        elif k == "user" and v and ev.user is None:
            ev.user = v
    if rhost:
        ev.src_ip = _addr(rhost)
    if ev.user is None:
        ev.user = ruser or logname or None
    if ruser and ev.user and ruser != ev.user:
        ev.extra = {"ruser": ruser}


# --------------------------------------------------------------------------- event constructors
# positional constructors (a keyword call of the 27-field dataclass costs 3x as much)
_new_unknown = event_factory("raw", "log_type", "message", "source", "lineno")
_new_weberr = event_factory("raw", "log_type", "timestamp", "service", "pid", "severity", "category", "message",
                            "source", "lineno")
_new_5424 = event_factory("raw", "log_type", "timestamp", "host", "program", "product", "pid", "message", "source",
                          "lineno")
_new_syslog = event_factory("raw", "log_type", "timestamp", "host", "program", "service", "product", "pid",
                            "message", "source", "lineno")
_new_json = event_factory("raw", "log_type", "timestamp", "host", "program", "user", "src_ip", "action", "outcome",
                          "message", "url", "http_method", "http_status", "user_agent", "referer", "extra", "source",
                          "lineno")
_new_audit = event_factory("raw", "log_type", "timestamp", "host", "service", "product", "source", "lineno")
_new_access = event_factory("raw", "log_type", "timestamp", "host", "service", "user", "src_ip", "action",
                            "outcome", "category", "message", "url", "http_method", "http_status", "http_bytes",
                            "user_agent", "referer", "source", "lineno")

# --------------------------------------------------------------------------- parser
_SERVICE_ALIASES = {
    "sshd-session": "sshd", "sshd-auth": "sshd", "ssh": "sshd", "sshd(pam_unix)": "sshd",
    "su(pam_unix)": "su", "su-l": "su", "CRON": "cron", "crond": "cron", "anacron": "cron",
    "audispd": "auditd", "audit": "auditd", "auditd": "auditd",
    "httpd": "apache", "apache2": "apache",
}
_AUTH_SERVICES = frozenset({"sshd", "sudo", "su", "login", "passwd", "useradd", "userdel", "usermod",
                            "groupadd", "groupdel", "gpasswd", "chpasswd", "chage", "systemd-logind",
                            "pkexec", "polkitd", "vsftpd", "proftpd", "pure-ftpd", "dovecot"})
_LEVELS = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")


# C scanners for the two most frequent layouts (compiled mode; as source the regexes run).
# Each returns exactly what its regex would: the same groups, or None where the regex does
# not match -- both patterns are deterministic (every repeat is a maximal run followed by a
# character the run cannot contain), so a left-to-right scan decides like the regex engine.
# ``\d`` is a Unicode decimal digit and ``\S`` a non-whitespace character, as in ``re``.
def _dec(c):  # a C function when compiled (parsers.pxd)
    """``\\d`` of ``re``: a Unicode decimal digit (ASCII decided without a call)."""
    return ("0" <= c <= "9") or (c > "\x7f" and c.isdecimal())


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(n=cython.Py_ssize_t, i=cython.Py_ssize_t, j=cython.Py_ssize_t,
               k=cython.Py_ssize_t, c=cython.Py_UCS4)
def _scan3164(line):
    """``_FAST3164.match(line)``: (stamp, host, program, pid or None, message) or None."""
    n = len(line)
    if n < 21:  # "Mmm dd hh:mm:ss h p: " is the shortest line the pattern matches
        return None
    c = line[0]
    if not ("A" <= c <= "Z"):
        return None
    c = line[1]
    if not ("a" <= c <= "z"):
        return None
    c = line[2]
    if not ("a" <= c <= "z"):
        return None
    c = line[4]
    if line[3] != " " or not (c == " " or _dec(c)) or not _dec(line[5]) or line[6] != " ":
        return None
    if not (_dec(line[7]) and _dec(line[8]) and line[9] == ":" and _dec(line[10])
            and _dec(line[11]) and line[12] == ":" and _dec(line[13]) and _dec(line[14])
            and line[15] == " "):
        return None
    # (?!\d{4} )
    if (_dec(line[16]) and _dec(line[17]) and _dec(line[18]) and _dec(line[19])
            and line[20] == " "):
        return None
    i = 16
    while i < n:
        c = line[i]
        if c == " " or c == ":" or c == "[":
            break
        i += 1
    if i == 16 or i >= n or line[i] != " ":
        return None
    j = i + 1
    k = j
    while k < n:
        c = line[k]
        if c == " " or c == ":" or c == "[":
            break
        k += 1
    if k == j or k >= n:
        return None
    pid = None
    if line[k] == "[":
        i = k + 1
        while i < n and _dec(line[i]):
            i += 1
        if i == k + 1 or i >= n or line[i] != "]":
            return None
        pid = line[k + 1:i]
        prog_end = k
        k = i + 1
    else:
        prog_end = k
    if k + 1 >= n or line[k] != ":" or line[k + 1] != " ":
        return None
    return line[:15], line[16:j - 1], line[j:prog_end], pid, line[k + 2:]


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(n=cython.Py_ssize_t, i=cython.Py_ssize_t, a=cython.Py_ssize_t,
               b=cython.Py_ssize_t, c=cython.Py_UCS4)
def _scan_access(line):
    """``_ACCESS_FAST.match(line)``: (client, user, stamp, request, status, size, end) or None."""
    n = len(line)
    i = 0
    while i < n and not line[i].isspace():  # (\S+)
        i += 1
    if i == 0 or i >= n or line[i] != " ":
        return None
    client = line[:i]
    a = i = i + 1
    while i < n and not line[i].isspace():  # \S+
        i += 1
    if i == a or i >= n or line[i] != " ":
        return None
    a = i = i + 1
    while i < n and not line[i].isspace():  # (\S+)
        i += 1
    if i == a or i + 1 >= n or line[i] != " " or line[i + 1] != "[":
        return None
    user = line[a:i]
    a = i + 2  # \d\d/Mmm/yyyy:hh:mm:ss
    if a + 20 > n:
        return None
    if not (_dec(line[a]) and _dec(line[a + 1]) and line[a + 2] == "/"
            and "A" <= line[a + 3] <= "Z" and "a" <= line[a + 4] <= "z" and "a" <= line[a + 5] <= "z"
            and line[a + 6] == "/" and _dec(line[a + 7]) and _dec(line[a + 8])
            and _dec(line[a + 9]) and _dec(line[a + 10]) and line[a + 11] == ":"
            and _dec(line[a + 12]) and _dec(line[a + 13]) and line[a + 14] == ":"
            and _dec(line[a + 15]) and _dec(line[a + 16]) and line[a + 17] == ":"
            and _dec(line[a + 18]) and _dec(line[a + 19])):
        return None
    i = a + 20
    if (i + 6 <= n and line[i] == " " and (line[i + 1] == "+" or line[i + 1] == "-") and _dec(line[i + 2])
            and _dec(line[i + 3]) and _dec(line[i + 4]) and _dec(line[i + 5])):
        i += 6  # (?: [+-]\d{4})?
    if i + 2 >= n or line[i] != "]" or line[i + 1] != " " or line[i + 2] != '"':
        return None
    stamp = line[a:i]
    b = i = i + 3
    while True:  # [^"\\]*(?:\\.[^"\\]*)*  then '"'
        if i >= n:
            return None
        c = line[i]
        if c == '"':
            break
        if c == "\\":
            if i + 1 >= n:
                return None
            i += 2
        else:
            i += 1
    req = line[b:i]
    i += 1
    if i >= n or line[i] != " ":
        return None
    i += 1
    if i + 3 < n and _dec(line[i]) and _dec(line[i + 1]) and _dec(line[i + 2]) and line[i + 3] == " ":
        status = line[i:i + 3]
        i += 4
    elif i + 1 < n and line[i] == "-" and line[i + 1] == " ":
        status = "-"
        i += 2
    else:
        return None
    a = i
    while i < n and _dec(line[i]):
        i += 1
    if i > a:
        size = line[a:i]
    elif i < n and line[i] == "-":
        size = "-"
        i += 1
    else:
        return None
    return client, user, stamp, req, status, size, i


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(n=cython.Py_ssize_t, i=cython.Py_ssize_t, s=cython.Py_ssize_t, e=cython.Py_ssize_t,
               c=cython.Py_UCS4, out=list)
def _kv_pairs(text):
    """``_KV.findall(text)``: the ``key=value`` pairs of an auditd record, scanned in C.

    A key is a maximal run of word characters and ``-`` followed by ``=`` (a match cannot start
    inside a run: the run would end at the same character); the value is a double- or
    single-quoted string when it is closed, else the run of non-space characters (maybe empty)."""
    out = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if not (c.isalnum() or c == "_" or c == "-"):
            i += 1
            continue
        s = i
        while i < n:
            c = text[i]
            if not (c.isalnum() or c == "_" or c == "-"):
                break
            i += 1
        if i >= n or text[i] != "=":
            continue
        key = text[s:i]
        s = i + 1
        e = -1
        if s < n and (text[s] == '"' or text[s] == "'"):
            e = text.find(text[s], s + 1)
        if e >= 0:
            e += 1
        else:
            e = s
            while e < n and not text[e].isspace():
                e += 1
        out.append((key, text[s:e]))
        i = e
    return out


def _groups(rx: re.Pattern, s: str) -> tuple | None:
    m = rx.match(s)
    return None if m is None else m.groups()


# The three most frequent sshd messages: the fast regex (a C scan when compiled), else the
# general one -- the groups of whichever matches first, as before.
def _failed_groups(msg: str) -> tuple | None:
    g = _scan_failed(msg) if cython.compiled else _groups(_R_FAILED_FAST, msg)
    return g if g is not None else _groups(_R_FAILED, msg)


def _accepted_groups(msg: str) -> tuple | None:
    g = _scan_accepted(msg) if cython.compiled else _groups(_R_ACCEPTED_FAST, msg)
    return g if g is not None else _groups(_R_ACCEPTED, msg)


def _invalid_groups(msg: str) -> tuple | None:
    g = _scan_invalid(msg) if cython.compiled else _groups(_R_INVALID_FAST, msg)
    return g if g is not None else _groups(_R_INVALID, msg)


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(n=cython.Py_ssize_t, j=cython.Py_ssize_t, a=cython.Py_ssize_t,
               k=cython.Py_ssize_t, b=cython.Py_ssize_t, d=cython.Py_ssize_t)
def _scan_user_from_port(msg, i):
    """``(\\S*) from (\\S*[^\\s:]) port (\\d+)`` at ``i``: (user, host, port, end) or None."""
    n = len(msg)
    j = i
    while j < n and not msg[j].isspace():
        j += 1
    if not msg.startswith(" from ", j):
        return None
    a = k = j + 6
    while k < n and not msg[k].isspace():
        k += 1
    if k == a or msg[k - 1] == ":" or not msg.startswith(" port ", k):
        return None
    b = d = k + 6
    while d < n and _dec(msg[d]):
        d += 1
    if d == b:
        return None
    return msg[i:j], msg[a:k], msg[b:d], d


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(n=cython.Py_ssize_t)
def _at_end(msg, e):
    """``$`` at ``e`` (end of the text, or before a final newline)."""
    n = len(msg)
    return e == n or (e == n - 1 and msg[e] == "\n")


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.locals(j=cython.Py_ssize_t, n=cython.Py_ssize_t)
def _method_end(msg, i):
    """``(\\S+) for `` at ``i``: the end of the method name, or -1."""
    n = len(msg)
    j = i
    while j < n and not msg[j].isspace():
        j += 1
    return j if j > i and msg.startswith(" for ", j) else -1


@cython.locals(i=cython.Py_ssize_t, j=cython.Py_ssize_t, e=cython.Py_ssize_t)
def _scan_failed(msg):
    """``_R_FAILED_FAST.match(msg).groups()`` or None."""
    if not msg.startswith("Failed "):
        return None
    j = _method_end(msg, 7)
    if j < 0:
        return None
    method = msg[7:j]
    i = j + 5
    inv = None
    if msg.startswith("invalid user ", i):
        inv = "invalid user "
    elif msg.startswith("illegal user ", i):
        inv = "illegal user "
    if inv is not None:
        i += 13
    r = _scan_user_from_port(msg, i)
    if r is None:
        return None
    e = r[3]
    if msg.startswith(" ssh2", e):
        e += 5
    if msg.startswith(" [preauth]", e):
        e += 10
    if not _at_end(msg, e):
        return None
    return method, inv, r[0], r[1], r[2]


@cython.locals(j=cython.Py_ssize_t, e=cython.Py_ssize_t)
def _scan_accepted(msg):
    """``_R_ACCEPTED_FAST.match(msg).groups()`` or None."""
    if not msg.startswith("Accepted "):
        return None
    j = _method_end(msg, 9)
    if j < 0:
        return None
    r = _scan_user_from_port(msg, j + 5)
    if r is None:
        return None
    e = r[3]
    if msg.startswith(" ssh2", e):
        e += 5
    if not (msg.startswith(": ", e) or _at_end(msg, e)):
        return None
    return msg[9:j], r[0], r[1], r[2]


@cython.locals(e=cython.Py_ssize_t)
def _scan_invalid(msg):
    """``_R_INVALID_FAST.match(msg).groups()`` or None."""
    if not (msg.startswith("Invalid user ") or msg.startswith("Illegal user ")):
        return None
    r = _scan_user_from_port(msg, 13)
    if r is None:
        return None
    e = r[3]
    if msg.startswith(" [preauth]", e):
        e += 10
    if not _at_end(msg, e):
        return None
    return r[0], r[1], r[2]


class LineParser:
    """Stateful (bounded) line -> Event parser for one input stream."""

    def __init__(self, clock: Clock | None = None, source: str | None = None):
        self.clock = clock or Clock()
        self.source = source
        self.counts: Counter[str] = Counter()
        self._last: Callable[[str, int], Event | None] | None = None
        self._pids: dict[tuple[str | None, int], str] = {}
        self._sub: dict[str, Callable[[Event, str], None]] = {
            "sshd": self._sshd, "sudo": self._sudo, "su": self._su,
            "useradd": self._iam, "userdel": self._iam, "usermod": self._iam, "groupadd": self._iam,
            "groupdel": self._iam, "gpasswd": self._iam, "passwd": self._passwd, "chpasswd": self._passwd,
            "cron": self._cron, "systemd-logind": self._logind, "auditd": self._audit_in_syslog,
            "kernel": self._kernel, "login": self._login,
        }
        self._svc_cache: dict[str, tuple[str, Callable[[Event, str], None] | None, str]] = {}
        self._hosts: dict[str, str] = {}
        # candidate parsers by first character (bound once: ``fn is last`` must hold)
        self._c_pri = (self._p_5424, self._p_3164, self._p_iso_syslog)
        self._c_json = (self._p_json,)
        self._c_bracket = (self._p_apache_err, self._p_access)
        self._c_audit = (self._p_audit,)
        self._c_digit = (self._p_access, self._p_nginx_err, self._p_iso_syslog)
        self._c_upper = (self._p_3164, self._p_access)
        self._c_other = (self._p_access,)
        self._by_char: dict[str, dict] = {}  # first character -> {previous format: parsers to try}

    # ------------------------------------------------------------------ public
    def parse(self, line: str, lineno: int = 0) -> Event:
        ev = self._parse(line, lineno)
        self.counts[ev.log_type] += 1
        return ev

    def parse_block(self, lines: list[str], lineno: int = 1) -> list[Event]:
        """``[parse(line, n) for n, line in enumerate(lines, lineno)]`` except that
        :attr:`counts` is left to the caller (the pipeline counts a block at once)."""
        parse = self._parse
        return [parse(line, n) for n, line in enumerate(lines, lineno)]

    @cython.locals(ev=Event, line=str)
    def _parse(self, line: str, lineno: int) -> Event:
        # Order: the previous line's format first, then the candidates for the first
        # character.  The previous format is left out when its regex cannot match a line
        # starting with this character (it would reject the line at once anyway).
        c = line[:1]
        if c == "t" or c == "n":
            c += "A" if "msg=audit(" in line[:120] else "-"
        orders = self._by_char.get(c)
        if orders is None:
            if len(self._by_char) > 4096:  # arbitrary first characters (binary junk): stay bounded
                self._by_char.clear()
            orders = self._by_char[c] = {}
        last = self._last
        order = orders.get(last)
        if order is None:
            order = orders[last] = self._order(line, last)
        for fn in order:
            ev = fn(line, lineno)
            if ev is not None:
                self._last = fn
                return ev
        return _new_unknown(line, "unknown", line, self.source, lineno)

    @cython.locals(line=str)
    def _order(self, line: str, last) -> tuple:
        cands = self._candidates(line)
        c = line[:1]
        first = () if last is None or not self._may_start(last, c) else (last,)
        return first + tuple(fn for fn in cands if fn is not last)

    def _may_start(self, fn, c: str) -> bool:
        """False only when ``fn``'s first test rejects every line starting with ``c``."""
        if fn == self._p_3164:
            return c == "<" or "A" <= c <= "Z"
        if fn == self._p_5424:
            return c == "<"
        if fn == self._p_iso_syslog:
            return c == "<" or c.isdigit()
        if fn == self._p_nginx_err:
            return c.isdigit()
        if fn == self._p_json:
            return c == "{" or c in (" ", "\t", "\n", "\r")
        if fn == self._p_audit:
            return c in ("t", "n")
        if fn == self._p_apache_err:
            return c == "["
        return True

    @cython.locals(line=str)
    def _candidates(self, line: str):
        c = line[:1]
        if c == "<":
            return self._c_pri
        if c == "{":
            return self._c_json
        if c == "[":
            return self._c_bracket
        if c in ("t", "n") and ("msg=audit(" in line[:120]):
            return self._c_audit
        if c.isdigit():
            return self._c_digit
        if c.isupper():
            return self._c_upper
        return self._c_other

    # Every parser starts with a cheap test that only rejects lines its regex
    # cannot match, so trying the previous line's format first stays cheap.

    # ------------------------------------------------------------------ syslog
    @cython.locals(ev=Event, line=str, msg=str, stamps=dict)
    def _p_3164(self, line: str, lineno: int) -> Event | None:
        if cython.compiled:
            g = _scan3164(line)  # == _FAST3164.match(line).groups(), scanned in C
        else:
            m = _FAST3164.match(line)
            g = None if m is None else m.groups()
        if g is not None:
            stamp, host, prog, pid, msg = g
            clock = self.clock
            stamps = clock.stamps
            ts = stamps.get(stamp, MISSING)
            if ts is MISSING:
                ts = clock.syslog_stamp(stamp)
            if ts is BAD_STAMP:
                return None
            if msg[:4] == "[ID " and "] " in msg[:40]:  # Solaris "[ID 800047 auth.info] "
                msg = msg[msg.index("] ") + 2:]
            ent = self._svc_cache.get(prog)
            if ent is None:
                ent = self._service_of(prog)
            h = self._hosts.get(host)  # one shared string per host name (memory, hashing, transfer)
            if h is None:
                h = self._intern_host(host)
            ev = _new_syslog(line, "syslog", ts, h, ent[2], ent[0], "linux", None if pid is None else int(pid),
                             msg, self.source, lineno)
            fn = ent[1]
            if fn is not None:
                fn(ev, msg)
            elif "authentication failure" in msg:
                self._pam_generic(ev, msg)
            elif "session opened for user" in msg or "session closed for user" in msg:
                self._session(ev, msg)
            return ev
        c = line[:1]
        if c != "<" and not ("A" <= c <= "Z"):
            return None
        m = _RFC3164.match(line)
        if m is None:
            return None
        pri, mon, day, hh, mi, ss, rest = m.groups()
        if mon not in MONTHS:
            return None
        ts = self.clock.syslog(mon, int(day), int(hh), int(mi), int(ss))
        return self._syslog_body(line, lineno, ts, pri, rest)

    @cython.locals(line=str)
    def _p_iso_syslog(self, line: str, lineno: int) -> Event | None:
        c = line[:1]
        if c != "<" and not c.isdigit():
            return None
        m = _ISO_SYSLOG.match(line)
        if m is None:
            return None
        pri, stamp, rest = m.groups()
        return self._syslog_body(line, lineno, self.clock.iso(stamp), pri, rest)

    @cython.locals(ev=Event, line=str, msg=str)
    def _p_5424(self, line: str, lineno: int) -> Event | None:
        if line[:1] != "<":
            return None
        m = _RFC5424.match(line)
        if m is None:
            return None
        pri, stamp, host, app, procid, msgid, sd, msg = m.groups()
        if msg.startswith("\ufeff"):
            msg = msg[1:]
        prog = None if app == "-" else app
        ev = _new_5424(line, "syslog", None if stamp == "-" else self.clock.iso(stamp), None if host == "-" else host,
                       prog, "linux", int(procid) if procid.isdigit() else None, msg, self.source, lineno)
        p = int(pri)
        ev.severity = _LEVELS[p & 7]
        if sd != "-":
            ev.extra = {"structured_data": sd}
            if msgid != "-":
                ev.extra["msgid"] = msgid
        elif msgid != "-":
            ev.extra = {"msgid": msgid}
        self._dispatch(ev, prog, msg)
        return ev

    @cython.locals(ev=Event, msg=str, rest=str)
    def _syslog_body(self, line: str, lineno: int, ts: float | None, pri: str | None, rest: str) -> Event:
        host = prog = None
        pid = None
        msg = rest
        if rest[:1] == "[":  # "[sshd]: msg" / "[sshd] msg"
            j = rest.find("]")
            if j > 0:
                prog = rest[1:j]
                msg = rest[j + 1:].lstrip(": ")
        else:
            i = rest.find(": ")
            if i < 0 and rest.endswith(":"):
                i = len(rest) - 1
            if i > 0:
                head = rest[:i]
                sp = head.find(" ")
                if sp < 0:
                    prog = head
                    msg = rest[i + 2:]
                else:
                    tag = head[sp + 1:]
                    if " " in tag:
                        host = head[:sp]
                        msg = rest[sp + 1:]
                    else:
                        host = head[:sp]
                        prog = tag
                        msg = rest[i + 2:]
            else:
                sp = rest.find(" ")
                if sp > 0:
                    host = rest[:sp]
                    msg = rest[sp + 1:]
        if prog is not None and prog[-1:] == "]":
            k = prog.rfind("[")
            if k > 0:
                p = prog[k + 1:-1]
                if p.isdecimal():
                    pid = int(p)
                prog = prog[:k]
        if msg[:4] == "[ID " and "] " in msg[:40]:  # Solaris "[ID 800047 auth.info] "
            msg = msg[msg.index("] ") + 2:]
        ev = _new_syslog(line, "syslog", ts, host, prog, None, "linux", pid, msg, self.source, lineno)
        if pri is not None:
            ev.severity = _LEVELS[int(pri) & 7]
        self._dispatch(ev, prog, msg)
        return ev

    @cython.locals(ev=Event, msg=str)
    def _dispatch(self, ev: Event, prog: str | None, msg: str) -> None:
        if prog is None:
            ev.service = "syslog"
            if "authentication failure" in msg:
                self._pam_generic(ev, msg)
            return
        ent = self._svc_cache.get(prog)
        if ent is None:
            ent = self._service_of(prog)
        ev.service = ent[0]
        fn = ent[1]
        if fn is not None:
            fn(ev, msg)
        elif "authentication failure" in msg:
            self._pam_generic(ev, msg)
        elif "session opened for user" in msg or "session closed for user" in msg:
            self._session(ev, msg)

    def _intern_host(self, host: str) -> str:
        if len(self._hosts) > 4096:
            self._hosts.clear()
        self._hosts[host] = host
        return host

    def _service_of(self, prog: str) -> tuple[str, Callable[[Event, str], None] | None, str]:
        svc = _SERVICE_ALIASES.get(prog)
        if svc is None:
            if prog.startswith("sshd"):
                svc = "sshd"
            elif "(pam_unix)" in prog:
                svc = prog.split("(", 1)[0]
            else:
                svc = prog.lower() if not prog.islower() else prog
        ent = (svc, self._sub.get(svc), prog)
        cache = self._svc_cache
        if len(cache) > 4096:
            cache.clear()
        cache[prog] = ent
        return ent

    # ------------------------------------------------------------------ auth sub-parsers
    @cython.locals(ev=Event)
    def _pam_generic(self, ev: Event, msg: str) -> None:
        m = _R_PAM_FAIL.search(msg)
        if m is None:
            return
        _pam_kv(m.group(1), ev)
        ev.category = CAT_AUTH
        ev.outcome = F
        svc = ev.service
        ms = _R_PAM_SVC.search(msg)
        if ms:
            svc = ms.group(1)
        ev.action = f"{svc or 'pam'}_auth_failed" if svc in ("sudo", "su", "sshd", "login") else "pam_auth_failed"
        if svc in ("sudo", "su"):
            ev.category = CAT_PRIV
            ev.target_user, ev.user = ev.user, (ev.extra or {}).get("ruser") or ev.user
            if ev.extra and "ruser" in ev.extra:
                pass

    @cython.locals(ev=Event, msg=str)
    def _session(self, ev: Event, msg: str) -> None:
        m = _R_SESSION.search(msg)
        if m is None:
            if "(pam_unix)" in (ev.program or "") and msg.startswith("session "):
                parts = msg.split()
                if len(parts) >= 5:
                    ev.action = "session_" + parts[1]
                    ev.user = parts[4]
                    ev.category = CAT_SESSION
            return
        svc, what, user, by = m.groups()
        ev.category = CAT_SESSION
        ev.action = f"session_{what}"
        if svc.startswith(("sudo", "su")) and by:
            ev.category = CAT_PRIV
            ev.action = f"{svc.split('-')[0]}_session_{what}"
            ev.user = by
            ev.target_user = user
            if what == "opened":
                ev.outcome = S
        else:
            ev.user = user

    @cython.locals(ev=Event)
    def _remember(self, ev: Event) -> None:
        if ev.pid is not None and ev.src_ip:
            pids = self._pids
            if len(pids) > 20000:
                pids.clear()
            pids[(ev.host, ev.pid)] = ev.src_ip

    @cython.locals(ev=Event)
    def _from_pid(self, ev: Event) -> None:
        if ev.pid is not None and ev.src_ip is None:
            ip = self._pids.get((ev.host, ev.pid))
            if ip:
                ev.src_ip = ip

    @cython.locals(ev=Event, msg=str, rest=str)
    def _sshd(self, ev: Event, msg: str) -> None:
        ev.category = CAT_AUTH
        c = msg[:1]
        m = None
        if c == "F" and msg.startswith("Failed "):
            g = _failed_groups(msg)
            if g is not None:
                method, inv, user, host, port = g
                ev.user, ev.src_ip = user, (_addr(host) if host[:1] in ("[", ":") else host)
                ev.src_port = int(port) if port else None
                if method == "publickey" and not inv:
                    # clients offer several keys: a rejected key of a valid user is not an attack signal
                    ev.action = "ssh_key_rejected"
                    ex = ev.extra
                    ev.extra = {"auth_method": method} if ex is None else dict(ex, auth_method=method)
                else:
                    ev.action, ev.outcome = "ssh_login", F
                    if inv:
                        ev.extra = {"invalid_user": True, "auth_method": method}
                    else:
                        ex = ev.extra
                        ev.extra = {"auth_method": method} if ex is None else dict(ex, auth_method=method)
        elif c == "A" and msg.startswith("Accepted "):
            g = _accepted_groups(msg)
            if g is not None:
                method, user, host, port = g
                ev.user, ev.src_ip = user, (_addr(host) if host[:1] in ("[", ":") else host)
                ev.src_port = int(port) if port else None
                ev.action, ev.outcome = "ssh_login", S
                ev.extra = {"auth_method": method}
        elif c in "IU" and (g := _invalid_groups(msg)) is not None:
            ev.user, ev.src_ip = g[0], _addr(g[1])
            ev.src_port = int(g[2]) if g[2] else None
            ev.action, ev.outcome = "ssh_invalid_user", F
        elif c == "U" and msg.startswith("User "):
            m = _R_NOT_ALLOWED.match(msg)
            if m:
                ev.user, ev.src_ip = m.group(1), _addr(m.group(2))
                ev.action, ev.outcome = "ssh_user_not_allowed", F
            elif m2 := _R_NOT_ALLOWED_NOHOST.match(msg):
                ev.user = m2.group(1)
                ev.action, ev.outcome = "ssh_user_not_allowed", F
        elif c == "C" and msg.startswith("Connection "):
            if m := _R_CLOSED.match(msg):
                kind, ukind, user, host, port, pre = m.groups()
                ev.src_ip = _addr(host)
                ev.src_port = int(port) if port else None
                if user is not None:
                    ev.user = user
                if pre or ukind:
                    ev.action, ev.outcome = "ssh_preauth_disconnect", F
                else:
                    ev.action = f"ssh_connection_{kind}"
            elif m := _R_CONN_FROM.match(msg):
                ev.src_ip = _addr(m.group(1))
                ev.src_port = int(m.group(2)) if m.group(2) else None
                ev.action = "ssh_connection"
                ev.category = CAT_NETWORK
        elif "Received disconnect from" in msg[:40]:
            if m := _R_RECV_DISC.match(msg):
                host, port, code, rest = m.groups()
                ev.src_ip = _addr(host)
                ev.src_port = int(port) if port else None
                if "[preauth]" in rest or code in ("3", "14") or "Auth fail" in rest:
                    ev.action, ev.outcome = "ssh_preauth_disconnect", F
                else:
                    ev.action = "ssh_disconnect"
        elif msg.startswith("Disconnected from"):
            if m := _R_DISCONNECTED.match(msg):
                ukind, user, host, port, pre = m.groups()
                ev.src_ip = _addr(host)
                ev.src_port = int(port) if port else None
                if user is not None:
                    ev.user = user
                if pre:
                    ev.action, ev.outcome = "ssh_preauth_disconnect", F
                else:
                    ev.action = "ssh_disconnect"
        elif msg.startswith("Disconnecting ") and (m := _R_DISCONNECTING.match(msg)):
            ukind, user, host, port, _ = m.groups()
            ev.user, ev.src_ip, ev.src_port = user, _addr(host), int(port)
            ev.action, ev.outcome = "ssh_preauth_disconnect", F
        elif "maximum authentication attempts exceeded" in msg:
            if m := _R_MAXAUTH.match(msg):
                ev.user, ev.src_ip = m.group(2), _addr(m.group(3))
                ev.src_port = int(m.group(4)) if m.group(4) else None
            ev.action, ev.outcome = "ssh_max_auth_exceeded", F
        elif msg.startswith("ROOT LOGIN REFUSED") and (m := _R_ROOT_REFUSED.match(msg)):
            ev.user, ev.src_ip = "root", _addr(m.group(1))
            ev.action, ev.outcome = "ssh_root_refused", F
        elif "PAM: " in msg[:15] and (m := _R_PAM_ERR.match(msg)):
            ev.user, ev.src_ip = m.group(1), _addr(m.group(2))
            ev.action, ev.outcome = "ssh_login", F
        elif msg.startswith(_SSHD_PID_FAIL):
            ev.action, ev.outcome = "ssh_preauth_failure", F
            if "Too many authentication failures" in msg:
                ev.action = "ssh_max_auth_exceeded"
                k = msg.find(" for ")
                if k > 0:
                    ev.user = msg[k + 5:].replace(" [preauth]", "") or None
        elif "authentication failure" in msg:
            self._pam_generic(ev, msg)
            ev.action = "ssh_login"
        elif msg.startswith("pam_unix(") and ":session)" in msg[:30]:
            self._session(ev, msg)
            ev.category = CAT_SESSION
        elif msg.startswith("Did not receive identification") and (m := _R_NOIDENT.match(msg)):
            ev.src_ip = _addr(m.group(1))
            ev.action, ev.outcome = "ssh_no_identification", F
        elif msg.startswith("Bad protocol version") and (m := _R_BADPROTO.match(msg)):
            ev.src_ip = _addr(m.group(1))
            ev.action, ev.outcome = "ssh_bad_protocol", F
        elif "Unable to negotiate with" in msg[:40] and (m := _R_NEGOTIATE.match(msg)):
            ev.src_ip = _addr(m.group(1))
            ev.action, ev.outcome = "ssh_negotiation_failed", F
        elif (m := _R_BANNER.match(msg)) is not None:
            ev.src_ip = _addr(m.group(1))
            ev.src_port = int(m.group(2))
            ev.action, ev.outcome = "ssh_bad_protocol", F
        elif "Timeout before authentication" in msg and (m := _R_TIMEOUT.search(msg)):
            ev.src_ip = _addr(m.group(1))
            ev.action, ev.outcome = "ssh_timeout", F
        elif msg.startswith("refused connect") and (m := _R_REFUSED.match(msg)):
            ev.src_ip = _addr(m.group(1))
            ev.action, ev.outcome = "ssh_refused_connect", F
        elif msg.startswith("input_userauth_request") and (m := _R_INPUT_USERAUTH.match(msg)):
            ev.user = m.group(1)
            ev.action, ev.outcome = "ssh_invalid_user", F
        elif "POSSIBLE BREAK-IN ATTEMPT" in msg:
            ev.action = "ssh_reverse_dns_mismatch"
        else:
            ev.category = None
            if m := _R_FROM_PORT.search(msg):
                ev.src_ip = _addr(m.group(1))
                ev.src_port = int(m.group(2))
        if ev.src_ip is not None:
            if ev.pid is not None and ev.src_ip:  # self._remember(ev), inlined
                pids = self._pids
                if len(pids) > 20000:
                    pids.clear()
                pids[(ev.host, ev.pid)] = ev.src_ip
        elif ev.outcome is not None or ev.action is not None:
            self._from_pid(ev)

    @cython.locals(ev=Event, msg=str, rest=str, part=str, kv=dict)
    def _sudo(self, ev: Event, msg: str) -> None:
        ev.category = CAT_PRIV
        if "authentication failure" in msg:
            self._pam_generic(ev, msg)
            ev.action, ev.category = "sudo_auth_failed", CAT_PRIV
            return
        if msg.startswith("pam_unix("):
            self._session(ev, msg)
            return
        i = msg.find(" : ")
        if i < 0:
            return
        ev.user = msg[:i].strip()
        status = None
        cmd = None
        kv: dict[str, str] = {}
        rest = msg[i + 3:]
        j = rest.find("COMMAND=")
        if j >= 0:
            cmd = rest[j + 8:]
            rest = rest[:j]
        for part in rest.split(" ; "):
            part = part.strip().rstrip(";").strip()
            if not part:
                continue
            k = part.find("=")
            if k > 0 and part[:k].isupper():
                kv[part[:k]] = part[k + 1:]
            elif status is None:
                status = part
        ev.target_user = kv.get("USER", "root")
        ev.extra = {"command": cmd, "tty": kv.get("TTY"), "pwd": kv.get("PWD")}
        if status:
            ev.action, ev.outcome = "sudo", F
            ev.extra["reason"] = status
        else:
            ev.action, ev.outcome = "sudo", S

    @cython.locals(ev=Event, msg=str)
    def _su(self, ev: Event, msg: str) -> None:
        ev.category = CAT_PRIV
        if "authentication failure" in msg:
            self._pam_generic(ev, msg)
            ev.action, ev.category = "su_auth_failed", CAT_PRIV
            return
        if "session opened" in msg or "session closed" in msg:
            self._session(ev, msg)
            return
        low = msg[:12]
        parts = msg.split()
        if msg.startswith("Successful su for ") and len(parts) >= 6:
            ev.target_user, ev.user = parts[3], parts[5]
            ev.action, ev.outcome = "su", S
        elif msg.startswith("FAILED su for ") and len(parts) >= 6:
            ev.target_user, ev.user = parts[3], parts[5]
            ev.action, ev.outcome = "su", F
        elif low.startswith(("(to ", "FAILED SU (to ")):
            k = msg.find("(to ")
            tail = msg[k + 4:].split()
            if len(tail) >= 2:
                ev.target_user, ev.user = tail[0].rstrip(")"), tail[1]
            ev.action, ev.outcome = "su", F if msg.startswith("FAILED") else S
        elif msg[:2] in ("+ ", "- ") and len(parts) >= 3 and ":" in parts[2]:
            ev.user, ev.target_user = parts[2].split(":", 1)
            ev.action, ev.outcome = "su", S if msg[0] == "+" else F
        elif msg.startswith("BAD SU ") and len(parts) >= 5:
            ev.user, ev.target_user = parts[2], parts[4]
            ev.action, ev.outcome = "su", F
        elif " to " in msg and len(parts) >= 3 and parts[1] == "to":
            ev.user, ev.target_user = parts[0], parts[2]
            ev.action, ev.outcome = "su", S
        elif msg.startswith("failed: ") and "changing from" in msg:
            ev.user, ev.target_user = parts[-3], parts[-1]
            ev.action, ev.outcome = "su", F

    @cython.locals(ev=Event, msg=str)
    def _iam(self, ev: Event, msg: str) -> None:
        ev.category = CAT_IAM
        prog = ev.service
        if msg.startswith(("new user: ", "new group: ")):
            kv = dict(x.split("=", 1) for x in msg.split(": ", 1)[1].split(", ") if "=" in x)
            name = kv.get("name")
            ev.target_user = name
            ev.extra = {k.lower(): v for k, v in kv.items()}
            ev.action = "user_created" if msg.startswith("new user") else "group_created"
            ev.outcome = S
        elif msg.startswith(("delete user ", "removed group ", "delete ")):
            ev.action, ev.outcome = "user_deleted" if "user" in msg[:12] else "group_deleted", S
            q = msg.split("'")
            if len(q) >= 2:
                ev.target_user = q[1]
        elif msg.startswith(("add '", "add ")) and "to group" in msg:
            q = msg.split("'")
            ev.action, ev.outcome = "group_member_added", S
            if len(q) >= 4:
                ev.target_user = q[1]
                ev.extra = {"group": q[3]}
        elif msg.startswith("change user "):
            ev.action, ev.outcome = "user_modified", S
            q = msg.split("'")
            if len(q) >= 2:
                ev.target_user = q[1]
        elif msg.startswith("failed adding user"):
            ev.action, ev.outcome = "user_created", F
        else:
            ev.action = f"{prog}"

    @cython.locals(ev=Event, msg=str)
    def _passwd(self, ev: Event, msg: str) -> None:
        ev.category = CAT_IAM
        if "password changed for" in msg:
            ev.target_user = msg.rsplit(" ", 1)[-1]
            ev.action, ev.outcome = "password_changed", S
        elif "authentication failure" in msg:
            self._pam_generic(ev, msg)

    @cython.locals(ev=Event, msg=str)
    def _cron(self, ev: Event, msg: str) -> None:
        ev.category = CAT_SCHEDULED
        if msg.startswith("(") and ") CMD (" in msg:
            k = msg.find(")")
            ev.user = msg[1:k]
            ev.action = "cron_exec"
            ev.extra = {"command": msg[k + 7:-1] if msg.endswith(")") else msg[k + 7:]}
        elif "session opened" in msg or "session closed" in msg:
            self._session(ev, msg)
            ev.category = CAT_SCHEDULED
        elif ") REPLACE (" in msg or ") BEGIN EDIT (" in msg or ") END EDIT (" in msg:
            k = msg.find(")")
            ev.user = msg[1:k]
            ev.action = "crontab_modified"

    @cython.locals(ev=Event, msg=str)
    def _logind(self, ev: Event, msg: str) -> None:
        ev.category = CAT_SESSION
        if msg.startswith("New session ") and " of user " in msg:
            ev.user = msg.rsplit(" ", 1)[-1].rstrip(".")
            ev.action = "session_opened"

    @cython.locals(ev=Event, msg=str)
    def _login(self, ev: Event, msg: str) -> None:
        ev.category = CAT_AUTH
        if "authentication failure" in msg:
            self._pam_generic(ev, msg)
        elif msg.startswith("FAILED LOGIN"):
            ev.action, ev.outcome = "login", F
            k = msg.find("FOR '")
            if k > 0:
                ev.user = msg[k + 5:].split("'", 1)[0]
        elif msg.startswith("ROOT LOGIN"):
            ev.user = "root"
            ev.action, ev.outcome = "login", S

    @cython.locals(ev=Event, msg=str)
    def _kernel(self, ev: Event, msg: str) -> None:
        if "segfault at" in msg or "Out of memory" in msg or "general protection" in msg or "Call Trace" in msg:
            ev.category = CAT_FAULT
            ev.action = "kernel_fault"
        elif "promiscuous mode" in msg:
            ev.category = CAT_NETWORK
            ev.action = "promiscuous_mode"

    @cython.locals(ev=Event, msg=str)
    def _audit_in_syslog(self, ev: Event, msg: str) -> None:
        k = msg.find("type=")
        if k >= 0:
            m = _AUDIT.match(msg, k)
            if m:
                self._audit_fields(ev, m)

    # ------------------------------------------------------------------ auditd
    @cython.locals(ev=Event, line=str)
    def _p_audit(self, line: str, lineno: int) -> Event | None:
        if not line.startswith(("type=", "node=")):
            return None
        m = _AUDIT.match(line)
        if m is None:
            return None
        frac = m.group(4)
        ev = _new_audit(line, "auditd", int(m.group(3)) + (int(frac) / 1000 if frac else 0), m.group(1), "auditd",
                        "linux", self.source, lineno)
        self._audit_fields(ev, m)
        return ev

    @cython.locals(ev=Event)
    def _audit_fields(self, ev: Event, m: re.Match) -> None:
        typ = m.group(2)
        body = m.group(6)
        kv: dict[str, Any] = {"type": typ, "serial": m.group(5)}
        decoded = []
        for k, v in (_kv_pairs(body) if cython.compiled else _KV.findall(body)):
            if v[:1] in ("'", '"'):
                v = v[1:-1]
            elif k in _HEX_KEYS and len(v) >= 2 and len(v) % 2 == 0 and _is_hex(v):
                try:
                    v = bytes.fromhex(v).replace(b"\x00", b" ").decode("utf-8", "replace")
                    decoded.append(v)
                except ValueError:
                    pass
            if k == "msg" and v.startswith("audit("):
                continue
            kv.setdefault(k, v)
        # USER_* records nest "msg='op=... acct=... res=success'"
        inner = kv.get("msg")
        if isinstance(inner, str) and "=" in inner:
            for k, v in (_kv_pairs(inner) if cython.compiled else _KV.findall(inner)):
                kv.setdefault(k, v.strip("\"'"))
        ev.extra = kv
        ev.message = body
        if decoded:
            ev.search_text = ev.raw + "\n" + "\n".join(decoded)
        ev.action = typ.lower()
        res = kv.get("res") or kv.get("success")
        if res in ("success", "yes", "1"):
            ev.outcome = S
        elif res in ("failed", "no", "0", "fail"):
            ev.outcome = F
        acct = kv.get("acct") or kv.get("id")
        if acct and acct != "?":
            ev.user = acct
        elif kv.get("auid") not in (None, "4294967295", "-1", "unset"):
            ev.user = kv.get("auid")
        addr = kv.get("addr") or kv.get("hostname")
        if addr and addr not in ("?", "", "-"):
            ev.src_ip = _addr(addr)
        exe = kv.get("exe") or kv.get("comm")
        if exe:
            ev.program = exe.rsplit("/", 1)[-1]
        if typ in ("USER_AUTH", "USER_LOGIN", "USER_ERR", "USER_ACCT", "CRED_ACQ", "USER_START"):
            ev.category = CAT_AUTH
        elif typ in ("USER_CMD",):
            ev.category = CAT_PRIV
        elif typ in ("ADD_USER", "DEL_USER", "ADD_GROUP", "DEL_GROUP", "USER_CHAUTHTOK", "USER_MGMT", "ACCT_LOCK"):
            ev.category = CAT_IAM
        elif typ in ("EXECVE", "SYSCALL", "PROCTITLE", "PATH", "CWD"):
            ev.category = CAT_PROCESS
        elif typ.startswith(("ANOM_", "AVC")):
            ev.category = CAT_FAULT

    # ------------------------------------------------------------------ web
    @cython.locals(line=str, web_stamps=dict)
    def _p_access(self, line: str, lineno: int) -> Event | None:
        if '] "' not in line:  # both layouts need it
            return None
        if cython.compiled:
            g = _scan_access(line)  # == _ACCESS_FAST.match(line): groups + end, scanned in C
        else:
            m = _ACCESS_FAST.match(line)
            g = None if m is None else m.groups() + (m.end(),)
        if g is not None:
            vhost = None
            client, user, stamp, req, status, size, p = g
        else:
            m = _ACCESS_FAST_VHOST.match(line)
            if m is None:
                return None
            vhost, client, user, stamp, req, status, size = m.groups()
            p = m.end()
        # ' "referer" "agent"': the quoted-string regex, done with find() when there is no backslash
        ref = ua = None
        if line.startswith(' "', p):
            if line.find("\\", p) < 0:
                j = line.find('"', p + 2)
                if j > 0 and line.startswith(' "', j + 1):
                    k = line.find('"', j + 3)
                    if k > 0:
                        ref, ua = line[p + 2:j], line[j + 3:k]
            else:
                mq = _REF_UA.match(line, p)
                if mq is not None:
                    ref, ua = mq.groups()
        clock = self.clock
        web_stamps = clock.web_stamps
        ts = web_stamps.get(stamp, MISSING)
        if ts is MISSING:
            ts = clock.access_stamp(stamp)
        if ts is BAD_STAMP:
            return None
        parts = req.split(" ")
        if len(parts) >= 2:
            method, url = parts[0], parts[1]
        else:
            method, url = None, (None if req == "-" else req)
        if status != "-":
            st = int(status)
            outcome = F if st >= 400 else S
        else:
            st = outcome = None
        return _new_access(line, "web_access", ts, vhost, "webserver", None if user == "-" else user,
                           _addr(client) if client[0] in "[:" else client, "http_request", outcome, CAT_WEB, req,
                           url, method, st, None if size == "-" else int(size),
                           None if ua is None or ua == "-" else ua, None if ref is None or ref == "-" else ref,
                           self.source, lineno)

    @cython.locals(ev=Event, line=str, msg=str)
    def _p_nginx_err(self, line: str, lineno: int) -> Event | None:
        if line[4:5] != "/":
            return None
        m = _NGINX_ERR.match(line)
        if m is None:
            return None
        y, mo, d, hh, mi, ss, level, pid, _tid, msg = m.groups()
        ev = _new_weberr(line, "web_error", self.clock.ymd(int(y), int(mo), int(d), int(hh), int(mi), int(ss)),
                         "nginx", int(pid), level, CAT_FAULT, msg, self.source, lineno)
        k = msg.find(", client: ")
        if k >= 0:
            tail = msg[k + 10:]
            ev.src_ip = _addr(tail.split(",", 1)[0].strip())
            r = tail.find('request: "')
            if r >= 0:
                req = tail[r + 10:].split('"', 1)[0].split(" ")
                if len(req) >= 2:
                    ev.http_method, ev.url = req[0], req[1]
            h = tail.find('host: "')
            if h >= 0:
                ev.host = tail[h + 7:].split('"', 1)[0]
        if msg.startswith("user \"") and ("password mismatch" in msg or "was not found in" in msg):
            ev.user = msg[6:].split('"', 1)[0]
            ev.category, ev.action, ev.outcome = CAT_AUTH, "http_basic_auth", F
        elif "no user/password was provided for basic authentication" in msg:
            ev.category, ev.action, ev.outcome = CAT_AUTH, "http_basic_auth", F
        elif "limiting requests" in msg:
            ev.action = "rate_limited"
        elif "access forbidden by rule" in msg:
            ev.action, ev.outcome = "access_forbidden", F
        else:
            ev.action = "server_error"
        return ev

    @cython.locals(ev=Event, line=str, msg=str)
    def _p_apache_err(self, line: str, lineno: int) -> Event | None:
        if line[:1] != "[":
            return None
        m = _APACHE_ERR.match(line)
        if m is None:
            return None
        _dow, mon, dd, hh, mi, ss, yyyy, module, level, pid, client, msg = m.groups()
        ts = None
        if yyyy and mon in MONTHS:
            ts = self.clock.ymd(int(yyyy), MONTHS[mon], int(dd), int(hh), int(mi), int(ss))
        ev = Event(raw=line, log_type="web_error", service="apache", category=CAT_FAULT, timestamp=ts,
                   pid=int(pid) if pid else None, severity=level, message=msg,
                   source=self.source, lineno=lineno)
        if module:
            ev.extra = {"module": module}
        if client:
            c = client
            if c.startswith("["):  # [v6]:port
                k = c.find("]")
                port = c[k + 2:]
                ev.src_ip = c[1:k]
                ev.src_port = int(port) if port.isdigit() else None
            elif c.count(":") == 1:
                a, p = c.split(":")
                ev.src_ip = a
                ev.src_port = int(p) if p.isdigit() else None
            else:
                ev.src_ip = _addr(c)
        if ("user " in msg and (" not found" in msg or "authentication failure" in msg or "password mismatch" in msg)) \
                or msg.startswith(("AH01617", "AH01618", "AH01790")):
            ev.category, ev.action, ev.outcome = CAT_AUTH, "http_basic_auth", F
            k = msg.find("user ")
            ev.user = msg[k + 5:].split(":", 1)[0].split(" ", 1)[0] or None
        elif "File does not exist" in msg or "AH00128" in msg:
            ev.action, ev.outcome = "file_not_found", F
        elif "client denied by server configuration" in msg:
            ev.action, ev.outcome = "access_forbidden", F
        else:
            ev.action = "server_error"
        return ev

    # ------------------------------------------------------------------ JSON
    @cython.locals(ev=Event, line=str)
    def _p_json(self, line: str, lineno: int) -> Event | None:
        c = line[:1]
        if c != "{" and (c not in " \t\n\r" or line.lstrip(" \t\n\r")[:1] != "{"):
            return None  # json.loads can only give a dict for "{...}" (after JSON whitespace)
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(obj, dict):
            return None
        flat: dict[str, Any] = {}
        _flatten(obj, "", flat, 0)
        # the first non-empty value per role in key priority order (one pass over the keys)
        best = [None] * _N_ROLES
        rank = [_NO_RANK] * _N_ROLES
        roles = _JSON_ROLES
        for k, v in flat.items():
            r = roles.get(k)
            if r is not None and v is not None and v != "":
                i, p = r
                if p < rank[i]:
                    rank[i] = p
                    best[i] = v
        ts_v, host, prog, user, src, message, url, method, st, ua, ref = best
        g = flat.get
        if isinstance(ts_v, str):
            ts = self.clock.iso(ts_v)
        elif isinstance(ts_v, (int, float)) and not isinstance(ts_v, bool):
            ts = float(ts_v) / (1000.0 if ts_v > 1e11 else 1.0)
        else:
            ts = None
        action, outcome = g("event.action"), g("event.outcome")
        ev = _new_json(line, "json", ts, _s(host), _s(prog), _s(user), _s(src), _s(action), _s(outcome),
                       _s(message), _s(url), _s(method),
                       int(st) if isinstance(st, int) or (isinstance(st, str) and st.isdecimal()) else None,
                       _s(ua), _s(ref), flat, self.source, lineno)
        if ev.url or ev.http_status is not None:
            ev.category = CAT_WEB
            ev.service = "webserver"
        else:
            ev.product = "linux"
            if ev.program:
                ev.service = _SERVICE_ALIASES.get(ev.program, ev.program)
                msg = ev.message
                if isinstance(msg, str) and ev.service in self._sub:
                    self._sub[ev.service](ev, msg)
        cat = g("event.category")
        if isinstance(cat, str):
            ev.category = cat
        vals = [v for v in flat.values() if isinstance(v, str)]
        ev.search_text = line + "\n" + "\n".join(vals)
        return ev


_JSON_TS = ("@timestamp", "timestamp", "time", "ts", "datetime", "date", "event.created")
# field roles of JSON keys, in priority order (the first non-empty key wins)
_JSON_KEYS = (
    _JSON_TS,
    ("host.name", "hostname", "host", "server"),
    ("process.name", "program", "app", "appname", "ident", "syslog_identifier"),
    ("user.name", "user", "username", "remote_user", "usr"),
    ("source.ip", "source.address", "src_ip", "client.ip", "client_ip", "remote_addr", "remote_ip", "ip", "clientip",
     "c-ip"),
    ("message", "msg", "log"),
    ("url.original", "request_uri", "uri", "url", "path", "cs-uri-query"),
    ("http.request.method", "method", "request_method", "cs-method"),
    ("http.response.status_code", "status", "status_code", "sc-status"),
    ("user_agent.original", "http_user_agent", "user_agent", "useragent", "cs-user-agent"),
    ("http.request.referrer", "http_referer", "referer", "referrer"),
)
_JSON_ROLES = {k: (i, p) for i, keys in enumerate(_JSON_KEYS) for p, k in enumerate(keys)}
assert len(_JSON_ROLES) == sum(map(len, _JSON_KEYS)), "a JSON key has two roles"
_N_ROLES = len(_JSON_KEYS)
_NO_RANK = 1 << 30


def _first(d: dict, keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = d.get(k)
        if v is not None and v != "":
            return v
    return None


def _s(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)


def _flatten(obj: Any, prefix: str, out: dict, depth: int) -> None:
    if depth > 8 or len(out) > 512:
        return
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            _flatten(v, key + ".", out, depth + 1)
        else:
            out[key] = v


_HEX = frozenset("0123456789ABCDEFabcdef")
_HEX_KEYS = frozenset({"proctitle", "cmd", "a0", "a1", "a2", "a3", "data", "name"})


def _is_hex(s: str) -> bool:
    return all(c in _HEX for c in s)
