"""The console's link to the hub: connect with the token, resume, keep an outbox, reconnect.

Commands go to the outbox (the console's SQLite file) before they go to the
wire, so a command made while the hub is unreachable is sent, once, when it
comes back; the hub's command-id idempotency makes the resend safe.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from console.client.replica import PendingCommand, Replica
from console.domain.state import decode_state, encode_state
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_HUB_MESSAGE_BYTES, ProtocolError, decode, decode_batch, decode_frame, encode,
)

log = logging.getLogger(__name__)

REPLICA_KEY = "replica.state"
#: who the hub said this token is (role decides wall mode and what may be sent), for a restart offline
IDENTITY_KEY = "link.identity"
SAVE_EVERY_S = 5.0
#: the longest the session applies messages before it lets the GUI run (s)
SLICE_S = 0.008


class Session:
    """One console's connection to one hub, surviving outages and restarts."""

    def __init__(self, url: str, token: str, replica: Replica, *, store=None, frames=None,
                 backoff: tuple[float, float] = (0.25, 5.0), ping_every_s: float = 2.0, ssl=None):
        self.url = url
        #: the TLS context of a wss:// hub (protocol/tls.client_context); None: the default
        self.ssl = ssl
        self.token = token
        self.replica = replica
        self.store = store
        self.frames = frames
        self.backoff = backoff
        self.ping_every_s = ping_every_s
        self.on_result: list[Callable[[str, m.Result], None]] = []
        self._ws: ClientConnection | None = None
        self._cameras: list[str] = []
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-db")
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._outbox_depth = 0
        self._saved_seq = -1
        self.live = asyncio.Event()
        replica.link.url = url

    # ------------------------------------------------------------------ life

    async def restore(self) -> bool:
        """Put the last known state back on screen before the hub answers (console restart)."""
        if self.store is None:
            return False
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(self._db, self.store.get_setting, REPLICA_KEY)
        pending = await loop.run_in_executor(self._db, self.store.outbox_pending)
        self._outbox_depth = len(pending)
        for command_id, raw in pending:
            try:
                msg = decode(raw)
            except ProtocolError:
                continue
            self.replica.pending[command_id] = PendingCommand(command_id, msg.type, msg.body, time.time(), queued=True)
        await self._restore_identity(loop)
        if data is None:
            return False
        try:
            self.replica.load_state(decode_state(data))
        except msgspec.DecodeError as exc:
            self.replica.notify("warning", "cache", f"local state cache unreadable, starting empty: {exc}")
            return False
        self._saved_seq = self.replica.state.seq
        return True

    def _token_tag(self) -> str:
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]  # not the token itself

    async def _restore_identity(self, loop) -> None:
        """The role the hub gave this token last time: a wall restarted while its hub is down stays a wall."""
        raw = await loop.run_in_executor(self._db, self.store.get_setting, IDENTITY_KEY)
        try:
            ident = msgspec.json.decode(raw) if raw is not None else None
        except msgspec.DecodeError:
            ident = None
        if isinstance(ident, dict) and ident.get("token") == self._token_tag():
            link = self.replica.link
            link.user, link.role, link.center = ident.get("user", ""), ident.get("role", ""), ident.get("center")

    def _save_identity(self, hello: m.Hello) -> None:
        if self.store is None:
            return
        data = msgspec.json.encode({"token": self._token_tag(), "user": hello.name, "role": hello.role,
                                    "center": hello.center})
        asyncio.get_running_loop().run_in_executor(self._db, self.store.put_setting, IDENTITY_KEY, data)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="console-session")

    async def close(self) -> None:
        """Stop the link and save the replica; safe to call twice."""
        if self._stopping:
            return
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await asyncio.wait_for(self._task, 5)
            except (asyncio.CancelledError, asyncio.TimeoutError, Exception):
                pass
        await self.save()
        self._db.shutdown(wait=True)

    async def save(self) -> None:
        """Write the replica to the local file (restart shows it before the hub answers)."""
        if self.store is None or self.replica.state.seq == self._saved_seq:
            return
        started = time.perf_counter()
        data = encode_state(self.replica.state)  # on the loop: the state must not change meanwhile
        self._encode_s = time.perf_counter() - started
        self._saved_seq = self.replica.state.seq
        await asyncio.get_running_loop().run_in_executor(self._db, self.store.put_setting, REPLICA_KEY, data)

    @property
    def outbox_depth(self) -> int:
        return self._outbox_depth

    # ------------------------------------------------------------------ commands (CommandSink)

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None:
        """Keep the command in the outbox, then send it if connected."""
        data = encode(type_, body, id=command_id)
        self._outbox_depth += 1
        loop = asyncio.get_running_loop()
        saved = loop.run_in_executor(self._db, self._outbox_add, command_id, data) if self.store else None
        pending = self.replica.pending.get(command_id)
        if self._ws is not None and self.live.is_set():
            asyncio.ensure_future(self._send_after(saved, data))
        else:
            if pending is not None:
                pending.queued = True
            if saved is not None:
                saved.add_done_callback(self._check_saved)

    def _check_saved(self, saved) -> None:
        if not saved.cancelled() and saved.exception() is not None:
            # Still in memory (replica.pending): flushed from there when the hub is back.
            self.replica.counters["outbox_errors"] += 1
            self.replica.notify("error", "local_store",
                                f"could not keep the command in the local file: {saved.exception()}")

    def _outbox_add(self, command_id: str, data: bytes) -> None:
        self.store.outbox_add(command_id, data)

    async def _send_after(self, saved, data: bytes) -> None:
        if saved is not None:
            try:
                await saved
            except Exception as exc:  # full disk, locked file: say so, and still send it now
                self.replica.counters["outbox_errors"] += 1
                self.replica.notify("error", "local_store",
                                    f"could not keep the command in the local file ({exc}); sending it now")
        ws = self._ws
        if ws is not None:
            try:
                await ws.send(data, text=True)
            except ConnectionClosed:
                pass  # stays in the outbox; flushed after reconnect

    def send_control(self, command_id: str, type_: str, body: m.Body) -> None:
        """Send a control message now, without the outbox (a stale replay control must not be resent)."""
        if self._ws is not None and self.live.is_set():
            asyncio.ensure_future(self._send(encode(type_, body, id=command_id)))
        else:
            self.replica.pending.pop(command_id, None)
            self.replica.notify("warning", "offline", "not connected to the hub")

    def subscribe(self, cameras: list[str]) -> None:
        """Ask for frames of these cameras only (the visible tiles)."""
        self._cameras = list(cameras)
        if self._ws is not None and self.live.is_set():
            asyncio.ensure_future(self._send(encode("subscribe", m.Subscribe(cameras=self._cameras))))

    async def _send(self, data: bytes) -> None:
        ws = self._ws
        if ws is not None:
            try:
                await ws.send(data, text=True)
            except ConnectionClosed:
                pass

    # ------------------------------------------------------------------ connection

    async def _run(self) -> None:
        delay = self.backoff[0]
        link = self.replica.link
        while not self._stopping:
            link.state = "connecting"
            try:
                async with connect(self.url, additional_headers={"Authorization": f"Bearer {self.token}"},
                                   compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES,
                                   open_timeout=5, ping_interval=10, ping_timeout=10,
                                   **({"ssl": self.ssl} if self.ssl is not None else {})) as ws:
                    delay = self.backoff[0]
                    await self._serve(ws)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                link.last_error = f"hub refused: HTTP {exc.response.status_code}"
                self.replica.notify("error", "auth", link.last_error)
            except (OSError, ConnectionClosed, asyncio.TimeoutError) as exc:
                link.last_error = str(exc) or type(exc).__name__
            except Exception as exc:
                log.exception("session error")
                link.last_error = repr(exc)
            finally:
                self._ws = None
                self.live.clear()
            if self._stopping:
                break
            link.state = "offline"
            link.reconnects += 1
            await asyncio.sleep(delay * (0.8 + 0.4 * random.random()))
            delay = min(self.backoff[1], delay * 2)

    async def _serve(self, ws: ClientConnection) -> None:
        self._ws = ws
        link = self.replica.link
        link.state = "resuming"
        await ws.send(encode("resume", m.Resume(last_seq=self.replica.state.seq)), text=True)
        pinger = asyncio.create_task(self._ping_loop(ws))
        try:
            async for raw in ws:
                slice_start = time.perf_counter()
                if isinstance(raw, bytes):
                    self._on_frame(raw)
                    continue
                for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                    if time.perf_counter() - slice_start > SLICE_S:
                        # A big batch must not hold the GUI thread: let ticks and paints run.
                        await asyncio.sleep(0)
                        slice_start = time.perf_counter()
                    if isinstance(msg, ProtocolError):
                        self.replica.counters[msg.code] += 1
                        self.replica.notify("warning", msg.code, f"bad message from hub: {msg.reason}")
                        continue
                    try:
                        await self._on_message(ws, msg)
                    except Exception as exc:  # a message we cannot apply must not end the session
                        log.exception("failed to handle %s", msg.type)
                        self.replica.counters["apply_errors"] += 1
                        self.replica.notify("error", "apply", f"{msg.type}: {exc}")
        finally:
            pinger.cancel()

    async def _on_message(self, ws: ClientConnection, msg) -> None:
        t = msg.type
        replica = self.replica
        link = replica.link
        if t in m.EVENT_BODIES:
            replica.apply_event(msg)
            if msg.ts:
                link.clock, link.clock_wall = max(link.clock, msg.ts), time.time()
            if replica.yield_requested:
                # The window wants to show a new alert now: messages already buffered would
                # otherwise all be applied first, without the loop getting back to the GUI.
                replica.yield_requested = False
                await asyncio.sleep(0)
        elif t == "hello":
            b: m.Hello = msg.body
            link.user, link.role, link.center, link.mode = b.name, b.role, b.center, b.mode
            self._save_identity(b)
            link.clock, link.clock_wall, link.clock_rate = b.clock, time.time(), b.clock_rate
        elif t == "snapshot":
            replica.load_state(decode_state(msg.body.state))
        elif t == "live":
            link.state = "online"
            self.live.set()
            await self._flush_outbox(ws)
            if self._cameras:
                await ws.send(encode("subscribe", m.Subscribe(cameras=self._cameras)), text=True)
        elif t == "result":
            await self._on_result(msg.id or "", msg.body)
        elif t == "error":
            replica.counters[f"hub_error.{msg.body.code}"] += 1
            replica.notify("error", msg.body.code, msg.body.reason)
            if msg.id and msg.id in replica.pending:
                await self._on_result(msg.id, m.Result(ok=False, code=msg.body.code, message=msg.body.reason))
        elif t == "pong":
            link.rtt_ms = (time.time() - msg.body.t) * 1000.0
            link.clock, link.clock_wall = msg.body.clock, time.time()
        elif t == "clock":
            link.clock, link.clock_wall, link.clock_rate = msg.body.clock, time.time(), msg.body.rate
        elif t == "drill":
            replica.drill = msg.body
            if msg.body.markers:
                replica.drill_markers = list(msg.body.markers)
            link.clock, link.clock_wall = msg.body.position, time.time()
            link.clock_rate = msg.body.speed if msg.body.playing else 0.0
        else:  # a valid message the hub should not send: counted and told, like a malformed one
            replica.counters["unexpected"] += 1
            replica.notify("warning", "unexpected", f"unexpected message from hub: {t}")

    async def _on_result(self, command_id: str, result: m.Result) -> None:
        pending = self.replica.pending.pop(command_id, None)
        if self.store is not None:
            await asyncio.get_running_loop().run_in_executor(
                self._db, self.store.outbox_confirm, command_id, msgspec.json.encode(result))
        self._outbox_depth = max(0, self._outbox_depth - 1) if pending is not None else self._outbox_depth
        if not result.ok:
            what = pending.type if pending else "command"
            self.replica.notify("warning", result.code, f"{what}: {result.message}")
        for cb in self.on_result:
            cb(command_id, result)
        await self._maybe_save()

    async def _flush_outbox(self, ws: ClientConnection) -> None:
        """Send, in order, every command not yet confirmed (made offline, or lost in flight)."""
        if self.store is not None:
            pending = await asyncio.get_running_loop().run_in_executor(self._db, self.store.outbox_pending)
        else:
            pending = []
        # Commands the local file failed to keep are still in memory: they go too.
        kept = {cid for cid, _ in pending}
        pending += [(cid, encode(p.type, p.body, id=cid)) for cid, p in self.replica.pending.items()
                    if cid not in kept]
        self._outbox_depth = len(pending)
        for command_id, data in pending:
            if command_id in self.replica.pending:
                self.replica.pending[command_id].queued = False
            await ws.send(data, text=True)

    def _on_frame(self, raw: bytes) -> None:
        try:
            frame = decode_frame(raw)
        except ProtocolError as exc:
            self.replica.counters["bad_frames"] += 1
            self.replica.notify("warning", exc.code, f"bad camera frame: {exc.reason}")
            return
        if self.frames is not None:
            self.frames.submit(frame)

    async def _ping_loop(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.ping_every_s)
            try:
                await ws.send(encode("ping", m.Ping(t=time.time())), text=True)
            except ConnectionClosed:
                return
            await self._maybe_save()

    _last_save = 0.0
    _encode_s = 0.0

    async def _maybe_save(self) -> None:
        # Encoding blocks the GUI thread: a big state is saved less often (≤ 1 % of the time).
        now = time.monotonic()
        if now - self._last_save >= max(SAVE_EVERY_S, 100 * self._encode_s):
            self._last_save = now
            await self.save()
