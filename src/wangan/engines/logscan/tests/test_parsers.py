from __future__ import annotations

from datetime import UTC, datetime

from wangan.engines.logscan.parsers import LineParser
from wangan.engines.logscan.timeutil import CST, Clock


def p(line: str, **kw):
    return LineParser(Clock(reference=datetime(2026, 3, 15, tzinfo=CST).timestamp())).parse(line, **kw)


def test_sshd_failed_invalid_user_debian():
    e = p("Mar  3 10:00:01 bastion sshd[4242]: Failed password for invalid user oracle from 203.0.113.9 port 51234 ssh2")
    assert (e.log_type, e.host, e.program, e.pid) == ("syslog", "bastion", "sshd", 4242)
    assert (e.user, e.src_ip, e.src_port, e.action, e.outcome, e.category) == (
        "oracle", "203.0.113.9", 51234, "ssh_login", "failure", "authentication")
    assert e.timestamp == datetime(2026, 3, 3, 10, 0, 1, tzinfo=CST).timestamp()


def test_sshd_accepted_rhel_secure_and_sshd_session():
    e = p("Mar  3 10:00:01 rhel9 sshd-session[77]: Accepted publickey for wangfang from 2001:db8::7 port 40022 ssh2: ED25519 SHA256:xyz")
    assert (e.service, e.user, e.src_ip, e.outcome) == ("sshd", "wangfang", "2001:db8::7", "success")


def test_sshd_multiline_source_from_pid():
    lp = LineParser()
    lp.parse("Mar  3 10:00:00 h sshd[9]: Connection from 198.51.100.4 port 5555 on 192.0.2.1 port 22")
    e = lp.parse("Mar  3 10:00:03 h sshd[9]: Disconnecting: Too many authentication failures for root [preauth]")
    assert (e.outcome, e.src_ip, e.user) == ("failure", "198.51.100.4", "root")


def test_pam_unix_rhost_user_and_injection():
    e = p("Mar  3 10:00:00 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.44  user=root")
    assert (e.src_ip, e.user, e.outcome) == ("192.0.2.44", "root", "failure")
    e = p("Mar  3 10:00:00 h daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=x ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152")
    assert e.src_ip == "192.0.2.2"


def test_sudo_success_and_failure():
    e = p("Mar  3 10:00:00 web01 sudo:  liuyang : TTY=pts/1 ; PWD=/home/liuyang ; USER=root ; COMMAND=/usr/bin/tail -f /var/log/x ; y")
    assert (e.user, e.target_user, e.action, e.outcome, e.category) == ("liuyang", "root", "sudo", "success", "privileged")
    assert e.extra["command"] == "/usr/bin/tail -f /var/log/x ; y"
    e = p("Mar  3 10:00:00 web01 sudo:     mike : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/ls")
    assert (e.outcome, e.extra["reason"]) == ("failure", "3 incorrect password attempts")


def test_su_variants():
    assert p("Mar  3 10:00:00 h su: FAILED su for root by chenjing").outcome == "failure"
    e = p("Mar  3 10:00:00 h su[5]: pam_unix(su-l:session): session opened for user root(uid=0) by chenjing(uid=1000)")
    assert (e.user, e.target_user, e.outcome, e.category) == ("chenjing", "root", "success", "privileged")
    e = p("Mar  3 10:00:00 h su(pam_unix)[2298]: authentication failure; logname= uid=1342 euid=0 tty= ruser=dcid rhost=  user=root")
    assert (e.service, e.outcome, e.target_user, e.user) == ("su", "failure", "root", "dcid")


def test_useradd_uid0():
    e = p("Mar  3 10:00:00 h useradd[1337]: new user: name=sysbak, UID=0, GID=0, home=/root, shell=/bin/bash")
    assert (e.action, e.target_user, e.extra["uid"], e.category) == ("user_created", "sysbak", "0", "iam")


def test_rfc5424_and_iso_syslog():
    e = p('<34>1 2026-03-03T10:00:00.123Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="App"] \ufeff\'su root\' failed for lonvick on /dev/pts/8')
    assert (e.host, e.program, e.severity, e.timestamp) == ("mymachine.example.com", "su", "crit",
                                                          datetime(2026, 3, 3, 10, 0, 0, 123000, tzinfo=UTC).timestamp())
    assert "exampleSDID" in e.extra["structured_data"]
    e = p("2026-03-03T10:00:00.5+08:00 host sshd[2716]: Connection closed by 192.0.2.112 [preauth]")
    assert (e.host, e.src_ip, e.outcome) == ("host", "192.0.2.112", "failure")


def test_rfc3164_with_pri_and_no_host():
    e = p("<38>Mar  3 10:00:00 sshd[8148]: Connection closed by 61.0.0.1 [preauth]")
    assert (e.host, e.program, e.severity) == (None, "sshd", "info")


def test_year_inference_new_year():
    ref = datetime(2026, 1, 1, 0, 5, tzinfo=CST).timestamp()
    lp = LineParser(Clock(reference=ref))
    dec = lp.parse("Dec 31 23:59:58 h sshd[1]: Connection from 192.0.2.1 port 1")
    jan = lp.parse("Jan  1 00:00:02 h sshd[1]: Connection from 192.0.2.1 port 1")
    assert datetime.fromtimestamp(dec.timestamp, CST).year == 2025
    assert datetime.fromtimestamp(jan.timestamp, CST).year == 2026
    assert jan.timestamp - dec.timestamp == 4


def test_feb29_in_leap_year_only():
    lp = LineParser(Clock(reference=datetime(2026, 3, 1, tzinfo=CST).timestamp()))
    e = lp.parse("Feb 29 12:00:00 h kernel: x")
    assert datetime.fromtimestamp(e.timestamp, CST).year == 2024


def test_auditd_raw_and_hex():
    e = p("type=USER_LOGIN msg=audit(1772323200.123:77): pid=1 uid=0 auid=4294967295 ses=1 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.5 terminal=sshd res=failed'")
    assert (e.log_type, e.action, e.outcome, e.user, e.src_ip) == ("auditd", "user_login", "failure", "root", "203.0.113.5")
    assert e.timestamp == 1772323200.123
    e = p("type=EXECVE msg=audit(1772323200.5:78): argc=3 a0=\"nc\" a1=\"-e\" a2=2F62696E2F7368")
    assert e.extra["a0"] == "nc" and e.extra["a2"] == "/bin/sh" and "/bin/sh" in e.text


def test_nginx_and_apache_access():
    e = p('203.0.113.8 - bob [03/Mar/2026:10:00:00 +0000] "GET /a.php?id=1 HTTP/1.1" 404 12 "-" "curl/8.0"')
    assert (e.log_type, e.src_ip, e.user, e.http_method, e.url, e.http_status, e.user_agent, e.referer) == (
        "web_access", "203.0.113.8", "bob", "GET", "/a.php?id=1", 404, "curl/8.0", None)
    assert e.timestamp == datetime(2026, 3, 3, 10, tzinfo=UTC).timestamp()
    e = p('192.0.2.1 - - [03/Mar/2026:10:00:00 +0800] "\\x16\\x03\\x01" 400 150 "-" "-"')
    assert e.http_status == 400 and e.url == "\\x16\\x03\\x01"
    e = p('192.0.2.1 - - [03/Mar/2026:10:00:00 +0800] "GET / HTTP/1.0" 200 5')  # common log format
    assert e.http_status == 200 and e.user_agent is None


def test_error_logs():
    e = p('2026/03/03 10:00:00 [error] 2865#0: *66647 user "xyz": password mismatch, client: 192.0.2.43, server: www, request: "GET / HTTP/1.1", host: "www.example.com"')
    assert (e.log_type, e.service, e.src_ip, e.user, e.outcome, e.url) == ("web_error", "nginx", "192.0.2.43", "xyz", "failure", "/")
    e = p("[Tue Sep 30 14:25:44.895897 2014] [authz_core:error] [pid 31858] [client 198.51.100.7:38870] AH01630: client denied by server configuration: /var/www/")
    assert (e.service, e.src_ip, e.src_port, e.pid, e.severity) == ("apache", "198.51.100.7", 38870, 31858, "error")
    e = p("[Thu Jul 11 01:21:41 2013] [error] [client 192.0.2.113] user  not found: /")
    assert e.src_ip == "192.0.2.113" and e.outcome == "failure"


def test_json_lines():
    e = p('{"@timestamp":"2026-03-03T10:00:00Z","host":{"name":"app1"},"source":{"ip":"192.0.2.9"},"user":{"name":"zhao"},"message":"登录失败"}')
    assert (e.log_type, e.host, e.src_ip, e.user, e.message) == ("json", "app1", "192.0.2.9", "zhao", "登录失败")
    assert p("{not json").log_type == "unknown"
    assert p("[1, 2]").log_type in ("unknown",)


def test_unknown_line():
    e = p("this is not a log line at all")
    assert e.log_type == "unknown" and e.message == e.raw
