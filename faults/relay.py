"""A TCP relay on 127.0.0.1 that can cut its connections or black-hole them.

Put it between a client and a hub: `cut()` closes every connection both ways
(a network drop the peers see at once); `black_hole()` stops forwarding and
closes nothing (a dead route: neither peer is told, bytes pile up in the
socket buffers), and `heal()` forwards again. New connections made during a
black hole are accepted and then hear nothing, as across a real dead route.
"""

from __future__ import annotations

import asyncio
import contextlib


class Relay:
    """Forwards 127.0.0.1:`port` to 127.0.0.1:`target_port`, with faults on demand."""

    def __init__(self, target_port: int, *, port: int = 0, chunk: int = 65536):
        self.target_port = target_port
        self.port = port
        self.chunk = chunk
        self._server: asyncio.base_events.Server | None = None
        self._open = asyncio.Event()
        self._open.set()
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task] = set()
        #: figures: connections accepted, cuts made, black holes made
        self.accepted = 0
        self.cuts = 0
        self.holes = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def black_holed(self) -> bool:
        return not self._open.is_set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self._open.set()
        self.cut()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def cut(self) -> None:
        """Close every current connection, both sides (RST, like a dropped route that is noticed)."""
        if self._links:
            self.cuts += 1
        for a, b in list(self._links):
            for w in (a, b):
                transport = w.transport
                if transport is not None and not transport.is_closing():
                    transport.abort()
        self._links.clear()

    def black_hole(self) -> None:
        """Stop forwarding in both directions, closing nothing."""
        if self._open.is_set():
            self.holes += 1
        self._open.clear()

    def heal(self) -> None:
        """Forward again (what was held back in the buffers flows on, if the peers are still there)."""
        self._open.set()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            hub_r, hub_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.transport.abort()
            return
        pair = (client_w, hub_w)
        self._links.add(pair)
        up = asyncio.ensure_future(self._pump(client_r, hub_w))
        down = asyncio.ensure_future(self._pump(hub_r, client_w))
        self._tasks |= {up, down}
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (up, down):
                task.cancel()
            self._tasks -= {up, down}
            self._links.discard(pair)
            for w in pair:
                if w.transport is not None and not w.transport.is_closing():
                    w.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await self._open.wait()  # black hole: stop reading, so the sender's buffers fill
            data = await reader.read(self.chunk)
            if not data:
                return
            await self._open.wait()  # a chunk read just before the hole is held, not forwarded
            writer.write(data)
            await writer.drain()
