"""One connected client as the hub sees it: a bounded send queue and its writer.

A slow or stalled client cannot grow the hub's memory: its event queue has a
hard bound, and when that is reached the client is dropped (it can resume).
Camera frames never queue: one slot per camera, the newest frame wins.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from typing import Any

from console.hub.auth import Principal
from console.protocol.codec import encode_batch

log = logging.getLogger(__name__)

#: close code sent to a client whose send queue overflowed (application range 4000–4999)
CLOSE_SLOW_CONSUMER = 4008
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
        self.after = 0
        self.backlog_done = asyncio.Event()
        self.dropped = False
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

    def push_frame(self, camera: str, data: bytes) -> None:
        """Offer a camera frame; an unsent older frame of the same camera is replaced."""
        if self.dropped:
            return
        if camera in self.frames:
            self.counters["frames_replaced"] += 1
        self.frames[camera] = data
        self._wake.set()

    def drop(self, reason: str) -> None:
        """Stop sending and close the socket; the client may reconnect and resume."""
        if self.dropped:
            return
        self.dropped = True
        self.queue.clear()
        self.frames.clear()
        log.warning("dropping client %s (%s): %s", self.principal.name, self.principal.role, reason)
        asyncio.ensure_future(self._close(reason))

    async def _close(self, reason: str) -> None:
        try:
            await self.ws.close(CLOSE_SLOW_CONSUMER, reason[:100])
        except Exception:  # the socket may already be gone
            pass

    async def send_now(self, data: bytes) -> None:
        """Send bypassing the queue (handshake replies and the resume backlog)."""
        await self.ws.send(data, text=True)

    async def _write_loop(self) -> None:
        await self.backlog_done.wait()
        ws = self.ws
        try:
            while not self.dropped:
                if self.queue:
                    await ws.send(self._take_batch(), text=True)
                elif self.frames:
                    cam = next(iter(self.frames))
                    await ws.send(self.frames.pop(cam))
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
        self.dropped = True
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except (asyncio.CancelledError, Exception):
                pass
