"""The gateway's link to the hub: an ingest client of the websocket protocol (PROTOCOL.md).

It keeps a copy of the hub's state (snapshot, then every event, applied with
the domain's own `apply`) so the gateway can place an alert without asking:
which grid a point is in, where a camera stands, whether an alert id exists,
which incident an earlier CAP message opened. Commands go out with a fresh id
and their `result` comes back to the caller; a lost connection fails what was
waiting (the HTTP client gets 503 and may retry) and reconnects with resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from console.domain.apply import apply
from console.domain.state import State, decode_state
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, ProtocolError, decode_batch, encode

log = logging.getLogger(__name__)


class HubUnavailable(Exception):
    """No live session with the hub right now."""


class HubLink:
    """One websocket to the hub as an `ingest` principal, with a state replica."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.state = State()
        self.mode = "live"
        self.live = asyncio.Event()
        self._ws = None
        self._task: asyncio.Task | None = None
        self._waiting: dict[str, asyncio.Future] = {}
        self._clock = (0.0, 0.0, 1.0)  # hub time, local monotonic, rate
        #: alert id → incident id, for every alert this link saw raised or updated
        self.incident_of: dict[str, str] = {}
        self.last_error = ""

    # ------------------------------------------------------------------ life
    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gateway-hub-link")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def hub_now(self) -> float:
        """Hub time now, estimated from the last hello / clock / pong."""
        t, at, rate = self._clock
        return t + (time.monotonic() - at) * rate if at else time.time()

    async def _run(self) -> None:
        delay = 0.2
        while True:
            try:
                async with connect(self.url, additional_headers={"Authorization": f"Bearer {self.token}"},
                                   compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES,
                                   open_timeout=5, ping_interval=10, ping_timeout=10) as ws:
                    self._ws = ws
                    delay = 0.2
                    await ws.send(encode("resume", m.Resume(last_seq=self.state.seq)).decode())
                    async for raw in ws:
                        if isinstance(raw, str):
                            self._receive(raw)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                self.last_error = f"hub refused the gateway's token ({exc.response.status_code})"
                log.error("%s", self.last_error)
            except (OSError, ConnectionClosed, asyncio.TimeoutError) as exc:
                self.last_error = f"hub connection: {exc}"
                log.info("gateway hub link down: %s", exc)
            finally:
                self._ws = None
                self.live.clear()
                for fut in self._waiting.values():
                    if not fut.done():
                        fut.set_exception(HubUnavailable("the hub connection closed"))
                self._waiting.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    # ------------------------------------------------------------------ receive
    def _receive(self, raw: str) -> None:
        for msg in decode_batch(raw):
            if isinstance(msg, ProtocolError):
                log.warning("hub sent a message we cannot read: %s", msg)
                continue
            t = msg.type
            if t == "hello":
                self.mode = msg.body.mode
                self._clock = (msg.body.clock, time.monotonic(), msg.body.clock_rate)
            elif t == "snapshot":
                self.state = decode_state(bytes(msg.body.state))
                self.incident_of = {}
                self._learn(self.state.incidents.values())
            elif t == "live":
                self.live.set()
            elif t == "clock":
                self._clock = (msg.body.clock, time.monotonic(), msg.body.rate)
            elif t in ("result", "error"):
                key = msg.id if t == "result" else (msg.body.ref or msg.id)
                fut = self._waiting.pop(key or "", None)
                if fut is not None and not fut.done():
                    fut.set_result(msg.body if t == "result" else
                                   m.Result(ok=False, code=msg.body.code, message=msg.body.reason))
            elif msg.seq is not None and msg.seq > self.state.seq:
                apply(self.state, msg)
                if t in ("alert_raised", "alert_updated"):
                    self.incident_of[msg.body.alert.id] = msg.body.incident
                elif t == "view_changed":  # an ingest view gets incidents as records (PROTOCOL.md)
                    self._learn(msg.body.incidents)

    def _learn(self, incidents) -> None:
        """Remember which incident each alert opened or joined."""
        for inc in incidents:
            self.incident_of[inc.alert] = inc.id
            for step in inc.timeline:  # updates joined to an incident name their alert first
                if step.what in ("alert_updated", "alert_cancelled") and step.note:
                    self.incident_of[step.note.split(" ", 1)[0]] = inc.id

    # ------------------------------------------------------------------ commands
    async def command(self, type_: str, body: m.Body, *, timeout: float = 5.0) -> m.Result:
        """Send one command and wait for its result; HubUnavailable without a live session."""
        ws = self._ws
        if ws is None or not self.live.is_set():
            raise HubUnavailable(self.last_error or "not connected to the hub yet")
        cid = f"gw-{uuid.uuid4().hex[:16]}"
        fut = asyncio.get_running_loop().create_future()
        self._waiting[cid] = fut
        try:
            await ws.send(encode(type_, body, id=cid).decode())
            return await asyncio.wait_for(fut, timeout)
        except ConnectionClosed:
            raise HubUnavailable("the hub connection closed") from None
        finally:
            self._waiting.pop(cid, None)
