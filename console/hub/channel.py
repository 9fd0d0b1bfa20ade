"""One connected client as the hub sees it: a bounded send queue and its writer.

A slow or stalled client cannot grow the hub's memory: its event queue has a
hard bound, and when that is reached the client is dropped (it can resume).
Camera frames never queue: one slot per camera, the newest frame wins.
A client that stops reading cannot hold a writer either: every send has a
deadline, and a send still blocked after it ends the connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from typing import Any

from console.hub.auth import Principal
from console.protocol.codec import encode_batch

log = logging.getLogger(__name__)

#: close code sent to a client whose send queue overflowed or whose socket stopped taking
#: data for SEND_DEADLINE_S (application range 4000–4999)
CLOSE_SLOW_CONSUMER = 4008
#: close code sent to a client the hub heard nothing from (no message, no pong) for too long
CLOSE_NO_HEARTBEAT = 4009
#: a send (to the socket's buffers) that takes longer than this ends the connection
SEND_DEADLINE_S = 5.0
#: how long a close handshake may take before the socket is simply cut (a dead link never answers)
CLOSE_GRACE_S = 1.0
#: default bound on queued text messages per client
DEFAULT_QUEUE_LIMIT = 20_000
#: at most this many queued messages, and this many bytes, go out as one batch frame
MAX_BATCH = 500
MAX_BATCH_BYTES = 512 * 1024


class Channel:
    """The hub's side of one websocket: who it is, what it wants, what waits to be sent."""

    def __init__(self, ws: Any, principal: Principal, *, queue_limit: int = DEFAULT_QUEUE_LIMIT):
        self.ws = ws
        self.principal = principal
        self.queue_limit = queue_limit
        self.queue: deque[bytes] = deque()
        self.frames: dict[str, bytes] = {}
        self.cameras: set[str] = set()
        #: live fan-out starts once the client has resumed; events ≤ `after` come from the backlog
        self.live = False
        #: the console's latest alarm-to-screen report from its pings: (p95 seconds or None, alerts)
        self.alarm: tuple[float | None, int] = (None, 0)
        self.after = 0
        self.backlog_done = asyncio.Event()
        self.dropped = False
        #: loop time of the client's last pong (or of the connection), and of the last ping sent
        self.heard_at = asyncio.get_running_loop().time()
        self.probed_at = self.heard_at
        self._probe: asyncio.Task | None = None
        self.peak_queue = 0
        self.counters: Counter[str] = Counter()
        self._wake = asyncio.Event()
        self._writer: asyncio.Task | None = None
        #: token bucket for commands
        self.tokens = 100.0
        self.tokens_at = 0.0

    @property
    def center(self) -> str | None:
        return self.principal.center

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer:{self.principal.name}")

    def push(self, data: bytes) -> bool:
        """Queue one text message; drop the client (False) when the bound is reached."""
        if self.dropped:
            return False
        if len(self.queue) >= self.queue_limit:
            self.drop("send queue full")
            return False
        self.queue.append(data)
        if len(self.queue) > self.peak_queue:
            self.peak_queue = len(self.queue)
        self._wake.set()
        return True

    def push_many(self, datas: list[bytes]) -> bool:
        """Queue several text messages in order; drop the client (False) when they would pass the bound."""
        if self.dropped:
            return False
        if len(self.queue) + len(datas) > self.queue_limit:
            self.drop("send queue full")
            return False
        self.queue.extend(datas)
        if len(self.queue) > self.peak_queue:
            self.peak_queue = len(self.queue)
        self._wake.set()
        return True

    def push_frame(self, camera: str, data: bytes) -> None:
        """Offer a camera frame; an unsent older frame of the same camera is replaced."""
        if self.dropped:
            return
        if camera in self.frames:
            self.counters["frames_replaced"] += 1
        self.frames[camera] = data
        self._wake.set()

    def heard(self) -> None:
        """The client answered a ping: it is there, and it reads what the hub sends."""
        self.heard_at = asyncio.get_running_loop().time()

    def probe(self) -> None:
        """Ask the client's websocket library for a pong (every library answers pings by itself)."""
        if self._probe is None or self._probe.done():
            self.probed_at = asyncio.get_running_loop().time()
            self._probe = asyncio.ensure_future(self._ping())

    async def _ping(self) -> None:
        try:
            waiter = await asyncio.wait_for(self.ws.ping(), SEND_DEADLINE_S)
            await waiter
            self.heard()
        except Exception:  # no answer or a closed socket: the heartbeat check drops the client
            pass

    def drop(self, reason: str, code: int = CLOSE_SLOW_CONSUMER, *, handshake: bool = True) -> None:
        """Stop sending and close the socket; the client may reconnect and resume."""
        if self.dropped:
            return
        self.dropped = True
        self.queue.clear()
        self.frames.clear()
        self.counters[f"dropped.{code}"] += 1
        log.warning("dropping client %s (%s): %s", self.principal.name, self.principal.role, reason)
        if handshake:
            asyncio.ensure_future(self._close(code, reason))
        else:
            self.abort()

    async def _close(self, code: int, reason: str) -> None:
        try:
            # A dead or stalled link never completes the handshake: give it a moment, then cut.
            await asyncio.wait_for(self.ws.close(code, reason[:100]), CLOSE_GRACE_S)
        except Exception:  # timed out, or the socket is already gone
            self.abort()

    def abort(self) -> None:
        """Cut the TCP connection now (no close handshake)."""
        transport = getattr(self.ws, "transport", None)
        if transport is not None:
            transport.abort()

    async def send_now(self, data: bytes) -> None:
        """Send bypassing the queue (handshake replies and the resume backlog), within the send deadline."""
        await self._send(data, text=True)

    async def _send(self, data: bytes, *, text: bool) -> None:
        try:
            await asyncio.wait_for(self.ws.send(data, text=text), SEND_DEADLINE_S)
        except asyncio.TimeoutError:
            self.counters["send_deadline"] += 1
            self.drop(f"socket took no data for {SEND_DEADLINE_S:.0f} s")
            raise ConnectionError("send deadline passed") from None

    async def _write_loop(self) -> None:
        await self.backlog_done.wait()
        try:
            while not self.dropped:
                if self.queue:
                    await self._send(self._take_batch(), text=True)
                elif self.frames:
                    cam = next(iter(self.frames))
                    await self._send(self.frames.pop(cam), text=False)
                    self.counters["frames_sent"] += 1
                else:
                    self._wake.clear()
                    await self._wake.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # connection closed under us: the reader ends the session
            log.debug("writer for %s ended: %s", self.principal.name, exc)

    def _take_batch(self) -> bytes:
        """Everything queued (up to a bound) as one frame: a busy client gets fewer, fuller frames."""
        queue = self.queue
        batch = [queue.popleft()]
        size = len(batch[0])
        while queue and len(batch) < MAX_BATCH and size + len(queue[0]) <= MAX_BATCH_BYTES:
            data = queue.popleft()
            batch.append(data)
            size += len(data)
        if len(batch) > 1:
            self.counters["batches"] += 1
        return encode_batch(batch)

    async def stop(self) -> None:
        """End the writer (the session is over)."""
        self.dropped = True
        if self._probe is not None:
            self._probe.cancel()
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except (asyncio.CancelledError, Exception):
                pass
