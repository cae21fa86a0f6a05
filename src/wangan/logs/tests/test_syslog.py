"""The syslog receiver on loopback: UDP and TCP, RFC 5424 and 3164, framing, bounded queue, counted refusals."""

import asyncio
import socket
import threading
import time

import pytest
from django.db import connections

from wangan.logs.ingest import StreamSession
from wangan.logs.models import Alert, IngestBatch, LogEvent
from wangan.logs.syslog import SyslogReceiver

RFC5424 = "<34>1 2026-03-03T10:00:0{i}+08:00 web02 sshd 4242 - - Failed password for root from 203.0.113.9 port 5{i} ssh2"
RFC3164 = "<38>Mar  3 10:00:1{i} web02 sshd[4243]: Failed password for admin from 203.0.113.9 port 6{i} ssh2"


class Loop:
    """An asyncio loop in a thread, like the management command's process."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout=10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def _wait(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _udp(port: int, messages: list[bytes]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for m in messages:
            s.sendto(m, ("127.0.0.1", port))


def _tcp(port: int, payload: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)


@pytest.mark.django_db(transaction=True)
def test_udp_and_tcp_messages_are_stored_with_alerts(engineer, source):
    session = StreamSession(source=source, channel="syslog")

    def sink(lines, refused, size):
        try:
            session.store(lines, refused=refused, received_bytes=size)
        finally:
            connections.close_all()

    def analyse():
        try:
            return session.analyse()
        finally:
            connections.close_all()  # the executor thread's connection would outlive the test database

    receiver = SyslogReceiver(sink, batch_size=100, flush_interval=0.2, analyse=analyse)
    loop = Loop()
    try:
        loop.run(receiver.start(host="127.0.0.1", udp_port=0, tcp_port=0))
        _udp(receiver.udp_port, [RFC5424.format(i=i).encode() for i in range(5)] + [b"\x00\x01binary\x00"])
        framed = b"".join(f"{len(m.encode())} {m}".encode() for m in (RFC5424.format(i=i) for i in range(5, 8)))
        _tcp(receiver.tcp_port, framed)  # RFC 6587 octet counting
        _tcp(receiver.tcp_port, "".join(RFC3164.format(i=i) + "\n" for i in range(6)).encode())  # LF framing
        assert _wait(lambda: receiver.stats.stored == 14), receiver.stats.line(0)
        loop.run(receiver.stop())
    finally:
        loop.close()
    session.close()
    events = LogEvent.objects.filter(source=source)
    assert events.count() == 14
    assert events.filter(host="web02", process="sshd", src_ip="203.0.113.9", outcome="failure").count() == 14
    assert events.filter(user="admin").count() == 6
    batches = IngestBatch.objects.filter(channel="syslog")
    assert sum(b.accepted for b in batches) == 14 and all(len(b.sm3) == 64 for b in batches)
    assert sum(b.reasons.get("binary", 0) for b in batches) == 1  # the binary datagram is on record
    assert Alert.objects.filter(scan=session.scan, title="SSH Brute Force").exists()
    session.scan.refresh_from_db()
    assert session.scan.status == "done" and session.scan.events == 14


def test_full_queue_refuses_udp_and_counts_it_never_silently():
    release = threading.Event()
    calls = []

    def sink(lines, refused, size):
        release.wait(5)
        calls.append((list(lines), dict(refused)))

    receiver = SyslogReceiver(sink, queue_size=3, batch_size=1, flush_interval=0.05, max_message=200)
    loop = Loop()
    try:
        loop.run(receiver.start(host="127.0.0.1", udp_port=0, tcp_port=0))
        _udp(receiver.udp_port, [b"<13>Mar  3 10:00:00 h app: first"])
        assert _wait(lambda: receiver.queue.qsize() == 0)  # taken by the (blocked) sink
        _udp(receiver.udp_port, [f"<13>Mar  3 10:00:00 h app: m{i}".encode() for i in range(20)])
        _tcp(receiver.tcp_port, b"<13>Mar  3 10:00:00 h app: " + b"x" * 500 + b"\n")  # over max_message
        # both must have arrived: 21 datagrams received (stored or refused) and the over-long TCP line
        assert _wait(lambda: receiver.stats.received >= 21 and receiver.stats.refused.get("line_too_long", 0) >= 1)
        release.set()
        loop.run(receiver.stop())
    finally:
        release.set()
        loop.close()
    stored = sum(len(lines) for lines, _r in calls)
    refused = {}
    for _lines, r in calls:
        for k, v in r.items():
            refused[k] = refused.get(k, 0) + v
    assert refused.get("queue_full", 0) > 0 and refused.get("line_too_long") == 1
    assert stored + refused["queue_full"] == 21  # every datagram is either stored or counted
    assert receiver.stats.refused == refused
