"""A syslog receiver (UDP and TCP; RFC 3164 and RFC 5424 messages; RFC 6587 framing on TCP).

Messages go into one bounded queue; a single consumer hands them to a *sink* in batches (at most
``batch_size`` messages or every ``flush_interval`` seconds) on one worker thread, so the database
work never blocks the event loop and the sink is never called concurrently.

What happens when the queue is full differs by transport, on purpose:

* TCP: the reader waits for room, so TCP flow control slows the sender down (back-pressure);
* UDP has no flow control: the datagram is refused and counted (``queue_full``).

Every refusal (full queue, over-long message, binary data, broken framing) is counted and the counts
are handed to the sink with the next batch, so they are recorded with it: nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
Sink = Callable[[list[str], dict[str, int], int], None]  # (lines, refused counts, bytes received)


def decode_message(data: bytes) -> str | None:
    """bytes → text (UTF-8, then GB18030 which covers GBK, then UTF-8 with replacement); None if binary."""
    data = data.rstrip(b"\r\n\x00")
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


@dataclass
class ReceiverStats:
    received: int = 0
    stored: int = 0
    batches: int = 0
    bytes: int = 0
    refused: Counter = field(default_factory=Counter)  # all refusals since start
    sink_errors: int = 0

    def line(self, depth: int) -> str:
        refused = sum(self.refused.values())
        detail = ", ".join(f"{k}={v}" for k, v in sorted(self.refused.items())) or "-"
        return (f"received={self.received} stored={self.stored} batches={self.batches} queue={depth} "
                f"refused={refused} ({detail}) sink_errors={self.sink_errors}")  # fmt: skip


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, receiver: SyslogReceiver):
        self.receiver = receiver

    def datagram_received(self, data: bytes, addr) -> None:
        self.receiver.offer_nowait(data)


class SyslogReceiver:
    """Receives syslog over UDP and TCP and hands batches of message lines to ``sink``."""

    def __init__(self, sink: Sink, *, queue_size: int = 50_000, batch_size: int = 5_000, flush_interval: float = 2.0,
                 max_message: int = MAX_MESSAGE, analyse: Callable[[], None] | None = None,
                 analyse_interval: float = 300.0, status_interval: float = 60.0):  # fmt: skip
        self.sink = sink
        self.queue: asyncio.Queue[tuple[str, int]] | None = None
        self.queue_size = queue_size
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_message = max_message
        self.analyse = analyse
        self.analyse_interval = analyse_interval
        self.status_interval = status_interval
        self.stats = ReceiverStats()
        self._pending_refused: Counter = Counter()  # refusals not yet handed to the sink
        self._udp_transport: asyncio.DatagramTransport | None = None
        self._tcp_server: asyncio.base_events.Server | None = None
        self._consumer: asyncio.Task | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="syslog-sink")
        self._clients: set[asyncio.Task] = set()
        self._stopping = asyncio.Event()
        self.udp_port: int | None = None
        self.tcp_port: int | None = None

    # --- intake -------------------------------------------------------------------------------
    def _refuse(self, reason: str, n: int = 1) -> None:
        self.stats.refused[reason] += n
        self._pending_refused[reason] += n

    def _prepare(self, data: bytes) -> str | None:
        self.stats.bytes += len(data)
        if len(data) > self.max_message:
            self._refuse("line_too_long")
            return None
        text = decode_message(data)
        if text is None:
            self._refuse("binary")
            return None
        if not text.strip():
            return None
        return text

    def offer_nowait(self, data: bytes) -> None:
        """UDP path: enqueue or refuse at once (no flow control to lean on)."""
        text = self._prepare(data)
        if text is None:
            return
        self.stats.received += 1
        try:
            self.queue.put_nowait((text, len(data)))
        except asyncio.QueueFull:
            self._refuse("queue_full")

    async def offer(self, data: bytes) -> None:
        """TCP path: wait for room (the sender is slowed down by TCP flow control)."""
        text = self._prepare(data)
        if text is None:
            return
        self.stats.received += 1
        await self.queue.put((text, len(data)))

    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._clients.add(task)
        try:
            while True:
                first = await reader.read(1)
                if not first:
                    return
                if first.isdigit():  # RFC 6587 octet counting: "LEN SP MSG"
                    digits = first
                    while True:
                        c = await reader.readexactly(1)
                        if c == b" ":
                            break
                        if not c.isdigit() or len(digits) > 9:
                            self._refuse("framing")
                            await self._resync(reader)
                            digits = b""
                            break
                        digits += c
                    if not digits:
                        continue
                    n = int(digits)
                    if n > self.max_message:
                        self._refuse("line_too_long")
                        await self._discard(reader, n)
                        continue
                    await self.offer(await reader.readexactly(n))
                else:  # non-transparent framing: one message per line
                    try:
                        rest = await reader.readuntil(b"\n")
                    except asyncio.LimitOverrunError:
                        self._refuse("line_too_long")
                        await self._resync(reader)
                        continue
                    except asyncio.IncompleteReadError as exc:
                        rest = exc.partial  # last message without a newline
                        if first + rest:
                            await self.offer(first + rest)
                        return
                    await self.offer(first + rest)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self._clients.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _resync(self, reader: asyncio.StreamReader) -> None:
        """Skip to the next newline after a broken frame or an over-long line."""
        while True:
            try:
                await reader.readuntil(b"\n")
                return
            except asyncio.LimitOverrunError as exc:
                await reader.readexactly(exc.consumed)
            except asyncio.IncompleteReadError:
                return

    async def _discard(self, reader: asyncio.StreamReader, n: int) -> None:
        while n > 0:
            chunk = await reader.read(min(n, 65536))
            if not chunk:
                return
            n -= len(chunk)

    # --- output -------------------------------------------------------------------------------
    async def _flush(self, items: list[tuple[str, int]]) -> None:
        refused = dict(self._pending_refused)
        self._pending_refused.clear()
        if not items and not refused:
            return
        lines = [t for t, _n in items]
        size = sum(n for _t, n in items)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self.sink, lines, refused, size)
        except Exception:  # keep receiving; the counts say what was lost
            log.exception("syslog sink failed; %d messages not stored", len(lines))
            self.stats.sink_errors += 1
            self.stats.refused["sink_error"] += len(lines)
            self._pending_refused["sink_error"] += len(lines)
            return
        self.stats.stored += len(lines)
        self.stats.batches += 1

    async def _consume(self) -> None:
        queue = self.queue
        last_analyse = last_status = time.monotonic()
        while not self._stopping.is_set():
            items: list[tuple[str, int]] = []
            deadline = time.monotonic() + self.flush_interval
            while len(items) < self.batch_size and not self._stopping.is_set():
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    break
                try:
                    items.append(await asyncio.wait_for(queue.get(), min(timeout, 0.5)))
                except TimeoutError:
                    continue
                while len(items) < self.batch_size and not queue.empty():
                    items.append(queue.get_nowait())
            await self._flush(items)
            now = time.monotonic()
            if self.analyse is not None and now - last_analyse >= self.analyse_interval:
                last_analyse = now
                await asyncio.get_running_loop().run_in_executor(self._executor, self.analyse)
            if now - last_status >= self.status_interval:
                last_status = now
                log.info("syslog: %s", self.stats.line(queue.qsize()))

    # --- lifecycle ------------------------------------------------------------------------------
    async def start(self, *, host: str = "0.0.0.0", udp_port: int | None = None, tcp_port: int | None = None) -> None:  # noqa: S104
        """Bind the listeners (port 0 picks a free port; see ``udp_port``/``tcp_port`` afterwards)."""
        loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue(maxsize=self.queue_size)
        if udp_port is not None:
            self._udp_transport, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=(host, udp_port))
            self.udp_port = self._udp_transport.get_extra_info("sockname")[1]
        if tcp_port is not None:
            self._tcp_server = await asyncio.start_server(self._tcp_client, host, tcp_port, limit=self.max_message + 2)
            self.tcp_port = self._tcp_server.sockets[0].getsockname()[1]
        self._consumer = asyncio.create_task(self._consume())

    async def stop(self) -> None:
        """Stop listening, store what is queued, run the final analysis."""
        if self._udp_transport is not None:
            self._udp_transport.close()
        if self._tcp_server is not None:
            self._tcp_server.close()
            for task in list(self._clients):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._tcp_server.wait_closed(), 2)
        self._stopping.set()
        if self._consumer is not None:
            await self._consumer  # finishes the batch in hand, then returns (no cancellation mid-write)
        rest = []
        while self.queue is not None and not self.queue.empty():
            rest.append(self.queue.get_nowait())
        for i in range(0, len(rest), self.batch_size):
            await self._flush(rest[i : i + self.batch_size])
        await self._flush([])
        if self.analyse is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self.analyse)
        self._executor.shutdown(wait=True)
