"""A real hub on 127.0.0.1 and a small raw protocol client, for integration tests."""

from __future__ import annotations

import asyncio
import itertools
from contextlib import asynccontextmanager

from websockets.asyncio.client import connect

from console.scenarios import build_marathon_baseline
from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.hub.server import HubServer
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode
from console.store import Store

_ids = itertools.count(1)


@asynccontextmanager
async def running_hub(db_url: str, *, baseline: bool = True, **server_kw):
    """A hub with the marathon baseline loaded and no world running.

    `port=` picks the port (0, the default, takes a free one): a hub restarted on
    the same file and port is what a console sees after an outage. `tokens=` a
    TokenRegistry (default: the demo tokens); other keywords go to HubServer.
    """
    port = server_kw.pop("port", 0)
    store = Store(db_url)
    core = HubCore(store, clock=Clock(), resume_window=server_kw.pop("resume_window", 50_000))
    await core.start()
    if baseline and core.state.seq == 0:
        seqs = core.emit([("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))])
        await core.wait_committed(seqs[-1])
    tokens = server_kw.pop("tokens", None) or TokenRegistry.demo()
    server = HubServer(core, tokens, port=port, **server_kw)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        await core.close()
        store.close()


class Client:
    """A raw protocol client: every message it receives is kept in order."""

    def __init__(self, ws):
        self.ws = ws
        self.hello: m.Hello | None = None
        self.events: list = []
        self.results: dict[str, m.Result] = {}
        self.errors: list[m.Error] = []
        #: the envelope `id` of each error in `errors` (None when it named no command)
        self.error_ids: list[str | None] = []
        self.snapshot = None
        #: session messages no field above keeps (`drill`, `commander_selected`, ...), in order
        self.session: list = []
        self.live = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        self._waiters: dict[str, asyncio.Future] = {}
        self._pongs: list[asyncio.Future] = []

    @classmethod
    @asynccontextmanager
    async def connect(cls, url: str, token: str, *, last_seq: int | None = 0):
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                           compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            client = cls(ws)
            if last_seq is not None:
                await ws.send(encode("resume", m.Resume(last_seq=last_seq)), text=True)
                await asyncio.wait_for(client.live.wait(), 10)
            try:
                yield client
            finally:
                client._reader.cancel()

    async def _read(self):
        async for raw in self.ws:
            if isinstance(raw, bytes):
                continue
            for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                self._on(msg)

    def _on(self, msg) -> None:
        if isinstance(msg, Exception):
            raise msg
        if msg.type == "hello":
            self.hello = msg.body
        elif msg.type == "snapshot":
            self.snapshot = msg
        elif msg.type == "live":
            self.live.set()
        elif msg.type == "result":
            self.results[msg.id] = msg.body
            fut = self._waiters.pop(msg.id, None)
            if fut and not fut.done():
                fut.set_result(msg.body)
        elif msg.type == "error":
            self.errors.append(msg.body)
            self.error_ids.append(msg.id)
        elif msg.type == "pong":
            if self._pongs:
                fut = self._pongs.pop(0)
                if not fut.done():
                    fut.set_result(msg.body)
        elif msg.type in m.EVENT_BODIES:
            self.events.append(msg)
        else:
            self.session.append(msg)

    async def command(self, type_: str, body, command_id: str | None = None, timeout: float = 10) -> m.Result:
        command_id = command_id or f"c{next(_ids)}"
        fut = self._waiters[command_id] = asyncio.get_running_loop().create_future()
        await self.ws.send(encode(type_, body, id=command_id), text=True)
        return await asyncio.wait_for(fut, timeout)

    async def round_trip(self, timeout: float = 10) -> None:
        """Ping the hub and wait for its pong: whatever the hub queued for this client before
        the ping has been read by now (a barrier for "nothing else came")."""
        fut = asyncio.get_running_loop().create_future()
        self._pongs.append(fut)
        await self.ws.send(encode("ping", m.Ping(t=0.0)), text=True)
        await asyncio.wait_for(fut, timeout)

    async def wait_for(self, predicate, timeout: float = 10) -> None:
        async def poll():
            while not predicate():
                await asyncio.sleep(0.01)
        await asyncio.wait_for(poll(), timeout)
