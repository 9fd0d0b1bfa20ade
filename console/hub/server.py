"""The websocket server: handshake auth, hello, resume or snapshot, then the read loop.

Every message a client sends is checked here (size, shape, type, role, rate);
whatever is wrong is counted and answered with an error, and the session and
the hub go on.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from http import HTTPStatus

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from console.domain.state import encode_state
from console.hub.auth import Principal, TokenRegistry
from console.hub.channel import DEFAULT_QUEUE_LIMIT, Channel
from console.hub.core import HubCore
from console.hub.limits import COMMAND_RATE, DEFAULT_COMMAND_RATE, RateLimiter, role_rate  # noqa: F401
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_STRING_BYTES, ProtocolError, decode, decode_frame, encode,
)

log = logging.getLogger(__name__)

#: how long a resume waits for the log to hold the whole state before serving what is logged
RESUME_SETTLE_S = 3.0
#: close code of a session whose token was removed from the tokens file or expired
CLOSE_TOKEN_REVOKED = 4401
#: how often the tokens file is checked for changes and open sessions for revoked tokens (s)
TOKEN_CHECK_INTERVAL = 2.0


async def _close_quietly(ws, code: int, reason: str) -> None:
    try:
        await ws.close(code, reason)
    except Exception:  # the socket may already be gone
        pass


class HubServer:
    """Serves one HubCore over websockets to consoles, field units and sources."""

    def __init__(self, core: HubCore, tokens: TokenRegistry, *, host: str = "127.0.0.1", port: int = 8765,
                 queue_limit: int = DEFAULT_QUEUE_LIMIT, ssl_context: ssl.SSLContext | None = None):
        self.core = core
        self.tokens = tokens
        self.ssl_context = ssl_context
        #: command rate per principal, over all its connections
        self.limiter = RateLimiter()
        self._token_task: asyncio.Task | None = None
        self.host = host
        self.port = port
        self.queue_limit = queue_limit
        self._server: Server | None = None
        self._clock_task: asyncio.Task | None = None
        #: called with (camera, frame bytes) for every frame published (drill recording)
        self.frame_taps: list = []

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        self._server = await serve(
            self._session, self.host, self.port, process_request=self._authenticate,
            compression=None, max_size=MAX_FRAME_BYTES + 1024, max_queue=64,
            ping_interval=20, ping_timeout=20, logger=log, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        self._clock_task = asyncio.create_task(self._clock_loop(), name="hub-clock")
        self._token_task = asyncio.create_task(self._token_loop(), name="hub-tokens")

    async def stop(self) -> None:
        for task in (self._clock_task, self._token_task):
            if task is not None:
                task.cancel()
        self._clock_task = self._token_task = None
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def url(self) -> str:
        return f"{'wss' if self.ssl_context else 'ws'}://{self.host}:{self.port}"

    def subscribed_cameras(self) -> set[str]:
        """Cameras at least one live client wants frames of."""
        wanted: set[str] = set()
        for ch in self.core.channels:
            if ch.live:
                wanted |= ch.cameras
        return wanted

    def publish_frame(self, camera: str, data: bytes) -> int:
        """Offer an encoded binary frame to every client subscribed to its camera."""
        for tap in self.frame_taps:
            tap(camera, data)
        n = 0
        for ch in self.core.channels:
            if ch.live and camera in ch.cameras:
                ch.push_frame(camera, data)
                n += 1
        return n

    # ------------------------------------------------------------------ handshake

    def _authenticate(self, connection: ServerConnection, request):
        principal = self.tokens.lookup(request.headers.get("Authorization"))
        if principal is None:
            self.core.counters["auth_refused"] += 1
            log.info("handshake refused from %s: missing or unknown token", connection.remote_address)
            return connection.respond(HTTPStatus.UNAUTHORIZED, "missing or unknown bearer token\n")
        connection.principal = principal  # read back in _session
        return None

    async def _session(self, ws: ServerConnection) -> None:
        principal: Principal = ws.principal
        core = self.core
        ch = Channel(ws, principal, queue_limit=self.queue_limit)
        core.channels.add(ch)
        core.counters["sessions"] += 1
        log.info("session open: %s (%s, center %s)", principal.name, principal.role, principal.center)
        try:
            await ch.send_now(encode("hello", m.Hello(
                role=principal.role, name=principal.name, center=principal.center,
                protocol=m.PROTOCOL_VERSION, hub_seq=core.committed_seq,
                first_seq=core.store.first_seq(), clock=core.clock.now(), clock_rate=core.clock.rate,
                max_message_bytes=MAX_MESSAGE_BYTES, max_commands_per_s=role_rate(principal.role)[0],
                mode=core.mode, storage=core.storage_fault or "ok")))
            notice = core.storage_notice()
            if notice is not None:  # the log cannot be written: say so before anything else
                await ch.send_now(notice)
            ch.start()
            async for raw in ws:
                if ch.dropped:
                    break
                await self._receive(ch, raw)
        except ConnectionClosed:
            pass
        finally:
            core.channels.discard(ch)
            await ch.stop()
            log.info("session closed: %s", principal.name)

    # ------------------------------------------------------------------ messages

    async def _reply(self, ch: Channel, data: bytes) -> None:
        if ch.backlog_done.is_set():
            ch.push(data)
        else:
            await ch.send_now(data)

    async def _error(self, ch: Channel, code: str, reason: str, ref: str | None = None) -> None:
        self.core.counters[f"rejected.{code}"] += 1
        ch.counters[f"rejected.{code}"] += 1
        log.info("rejected message from %s: %s: %s", ch.principal.name, code, reason[:200])
        await self._reply(ch, encode("error", m.Error(code=code, reason=reason[:500], ref=ref)))

    async def _receive(self, ch: Channel, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            await self._receive_frame(ch, raw)
            return
        try:
            msg = decode(raw, max_string=MAX_STRING_BYTES)
        except ProtocolError as exc:
            await self._error(ch, exc.code, exc.reason, exc.ref)
            return
        t = msg.type
        if t == "resume":
            await self._resume(ch, msg.body.last_seq)
        elif t == "subscribe":
            ch.cameras = set(msg.body.cameras[:256])
        elif t == "ping":
            await self._reply(ch, encode("pong", m.Pong(t=msg.body.t, clock=self.core.clock.now())))
        elif t in m.COMMAND_BODIES:
            if not msg.id:
                await self._error(ch, "malformed", f"{t} needs a command id", None)
            elif not self.limiter.take(ch.principal.name, ch.principal.role):
                await self._error(ch, "rate_limited",
                                  f"more than {role_rate(ch.principal.role)[0]:.0f} commands/s", msg.id)
            else:
                # Decided now; answered when logged. Reading the next message does not wait.
                future = self.core.submit(ch.principal, msg.id, t, msg.body)
                asyncio.ensure_future(self._answer(ch, msg.id, future))
        else:
            await self._error(ch, "unexpected", f"{t} is not a client message", msg.id)

    async def _answer(self, ch: Channel, command_id: str, future: asyncio.Future) -> None:
        try:
            result = await future
        except Exception as exc:  # the store lookup of an old result failed
            result = m.Result(ok=False, code="internal", message=str(exc)[:200])
        try:
            await self._reply(ch, encode("result", result, id=command_id))
        except ConnectionClosed:
            pass  # the client resends after reconnecting and gets this same result

    async def _receive_frame(self, ch: Channel, raw: bytes) -> None:
        if ch.principal.role != "ingest":
            await self._error(ch, "forbidden", "only ingest clients send frames")
            return
        try:
            frame = decode_frame(raw)
        except ProtocolError as exc:
            await self._error(ch, exc.code, exc.reason)
            return
        self.core.counters["frames_in"] += 1
        self.publish_frame(frame.camera, raw)

    # ------------------------------------------------------------------ tokens

    def reload_tokens(self, *, force: bool = True) -> None:
        """Re-read the tokens file (SIGHUP, or a change seen) and close the sessions it revoked."""
        self.tokens.reload(force=force)
        self.close_revoked()

    def close_revoked(self) -> int:
        """Close (4401) every session whose token is gone from the registry or expired."""
        n = 0
        for ch in list(self.core.channels):
            if not ch.dropped and not self.tokens.still_valid(ch.principal):
                ch.dropped = True  # nothing more is sent to it, nothing more is read from it
                ch.queue.clear()
                n += 1
                self.core.counters["sessions_revoked"] += 1
                log.warning("closing the session of %s: token revoked or expired", ch.principal.name)
                asyncio.ensure_future(_close_quietly(ch.ws, CLOSE_TOKEN_REVOKED, "token revoked or expired"))
        return n

    async def _token_loop(self) -> None:
        while True:
            await asyncio.sleep(TOKEN_CHECK_INTERVAL)
            try:
                self.reload_tokens(force=False)
            except Exception:  # never let a bad file end the watcher
                log.exception("token check failed")

    # ------------------------------------------------------------------ resume

    async def _resume(self, ch: Channel, last_seq: int) -> None:
        core = self.core
        if ch.live:
            await self._error(ch, "unexpected", "resume was already given on this connection")
            return
        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(core._db, core.store.first_seq)
        # Nothing may be sent that is not yet in the log: wait until the log holds all of state,
        # but not for ever (a full disk): the tail is then served up to what is logged.
        await core.wait_settled(RESUME_SETTLE_S)
        head = core.committed_seq
        too_far = (last_seq <= 0 or last_seq > head or head - last_seq > core.resume_window
                   or (first and last_seq < first - 1))
        ch.live = True
        if too_far:
            state = core.scoped_state(ch.center)
            ch.after = state.seq
            data = encode_state(state)
            await ch.send_now(encode("snapshot", m.Snapshot(seq=state.seq, state=msgspec.Raw(data))))
            core.counters["snapshots"] += 1
        else:
            ch.after = head
            await self._send_tail(ch, last_seq, head)
            core.counters["resumes"] += 1
        await ch.send_now(encode("live", m.Live(seq=ch.after)))
        ch.backlog_done.set()

    async def _send_tail(self, ch: Channel, last_seq: int, head: int) -> None:
        core = self.core
        loop = asyncio.get_running_loop()
        after = last_seq
        while after < head:
            rows = await loop.run_in_executor(core._db, core.store.events_after, after, 2000)
            if not rows:
                break
            for seq, type_, _ts, data in rows:
                if seq > head:
                    return
                after = seq
                if ch.center is not None:
                    msg = decode(data)
                    if not core.visible(ch.center, core._scope_incident(type_, msg.body)):
                        continue
                await ch.send_now(data)

    # ------------------------------------------------------------------ clock

    async def _clock_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            data = encode("clock", m.Clock(clock=self.core.clock.now(), rate=self.core.clock.rate))
            for ch in list(self.core.channels):
                if ch.backlog_done.is_set():
                    ch.push(data)
