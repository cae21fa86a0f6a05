"""Factories and sample log lines for the log service tests (fictitious hosts, documentation addresses)."""

import factory

from wangan.accounts.tests.factories import OrganizationFactory
from wangan.logs.models import LogSource

ATTACKER = "203.0.113.7"

AUTH_LOG = "\n".join([
    *[f"Mar  3 10:00:0{i} web01 sshd[100]: Failed password for root from {ATTACKER} port 4022{i} ssh2" for i in range(1, 8)],
    f"Mar  3 10:00:09 web01 sshd[100]: Accepted password for root from {ATTACKER} port 40229 ssh2",
    "Mar  3 10:00:10 web01 sshd[100]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)",
    "Mar  3 10:01:00 web01 sudo:     root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/sbin/useradd -o -u 0 backdoor",
    "Mar  3 10:01:01 web01 useradd[200]: new user: name=backdoor, UID=0, GID=0, home=/home/backdoor, shell=/bin/bash",
    "Mar  3 10:02:00 web01 sudo:     root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/rm -rf /var/log/auth.log",
    "Mar  3 10:03:00 web01 kernel: Out of memory: Killed process 4321 (java) total-vm:8000000kB",
    "Mar  3 10:04:00 web01 sshd[300]: Accepted publickey for alice from 198.51.100.20 port 50000 ssh2",
]) + "\n"


class LogSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogSource

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"web{n:02d}")
    host = "web01"
    type = "linux_auth"
    criticality = 4

CUSTOM_RULE = """title: Test Backdoor Account Name
id: 0b6f3c2e-4f0a-4a53-9c1e-7d8a5e1f2a10
status: experimental
description: A local account named like a backdoor was created (test rule).
author: 测试作者 Test Author
date: 2026-11-01
tags:
  - attack.persistence
  - attack.t1136.001
logsource:
  product: linux
detection:
  keywords:
    - 'name=backdoor'
  condition: keywords
level: high
"""
