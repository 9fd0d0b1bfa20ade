"""The websocket server: handshake auth, hello, resume or snapshot, then the read loop.

Every message a client sends is checked here (size, shape, type, role, rate);
whatever is wrong is counted and answered with an error, and the session and
the hub go on.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from http import HTTPStatus

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from console.domain.state import encode_state
from console.hub.auth import Principal, TokenRegistry
from console.hub.channel import CLOSE_NO_HEARTBEAT, DEFAULT_QUEUE_LIMIT, MAX_BATCH, MAX_BATCH_BYTES, Channel
from console.hub.core import HubCore
from console.hub.enrol import field_enrol
from console.hub.metrics import HubMetrics
from console.hub.presence import PagePresence
from console.hub.static import StaticPages, is_upgrade
from console.hub.limits import COMMAND_RATE, DEFAULT_COMMAND_RATE, RateLimiter, role_rate  # noqa: F401
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_STRING_BYTES, ProtocolError, decode, decode_frame, encode,
    encode_batch,
)

log = logging.getLogger(__name__)

#: a client that answered no ping for this long is cut off (checked once a second: a dead or
#: non-reading session is gone within 10 s). Only pongs count: a client that still sends but no
#: longer reads is as stuck as a dead one, and its pong waits behind what it has not read.
HEARTBEAT_TIMEOUT_S = 8.5
#: the hub pings every client this often (a websocket ping: every library answers it by itself)
PROBE_EVERY_S = 2.0
#: the kernel's send buffer per client socket: small, so a client that stops reading blocks
#: the hub's writer (and meets the send deadline) within a second, not after megabytes
SEND_BUFFER_BYTES = 256 * 1024
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
                 queue_limit: int = DEFAULT_QUEUE_LIMIT, ssl_context: ssl.SSLContext | None = None,
                 heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S, pages: StaticPages | None = None):
        self.core = core
        #: plain HTTP on the same port: the field page (console/hub/static.py)
        self.pages = pages or StaticPages()
        #: /metrics, /healthz, /readyz on the same port (console/hub/metrics.py)
        self.metrics = HubMetrics(self)
        self.heartbeat_timeout_s = heartbeat_timeout_s
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
        #: field pages online or not, as events (console/hub/presence.py)
        self.presence = PagePresence(core)

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        self._server = await serve(
            self._session, self.host, self.port, process_request=self._authenticate,
            compression=None, max_size=MAX_FRAME_BYTES + 1024, max_queue=64,
            ping_interval=None, logger=log, ssl=self.ssl_context)  # the heartbeat is ours (_tick_loop)
        self.port = self._server.sockets[0].getsockname()[1]
        self._clock_task = asyncio.create_task(self._tick_loop(), name="hub-clock")
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

    @property
    def page_url(self) -> str:
        """Where the field page is served (https with TLS)."""
        return f"{'https' if self.ssl_context else 'http'}://{self.host}:{self.port}/field/"

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
        if not is_upgrade(request):  # a browser fetching the field page, or Prometheus
            return self.metrics.respond(request) or self.pages.respond(request)
        principal = self.tokens.lookup_request(request.headers.get("Authorization"), request.path)
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
        sock = ws.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        core.channels.add(ch)
        core.counters["sessions"] += 1
        log.info("session open: %s (%s, center %s)", principal.name, principal.role, principal.center)
        try:
            await ch.send_now(encode("hello", m.Hello(
                role=principal.role, name=principal.name, center=principal.center,
                protocol=m.PROTOCOL_VERSION, hub_seq=core.committed_seq,
                first_seq=await core.first_seq(), clock=core.clock.now(), clock_rate=core.clock.rate,
                max_message_bytes=MAX_MESSAGE_BYTES, max_commands_per_s=role_rate(principal.role)[0],
                mode=core.mode, storage=core.storage_fault or "ok", epoch=core.epoch,
                resource=principal.resource)))
            notice = core.storage_notice()
            if notice is not None:  # the log cannot be written: say so before anything else
                await ch.send_now(notice)
            ch.start()
            async for raw in ws:
                if ch.dropped:
                    break
                await self._receive(ch, raw)
        except (ConnectionClosed, ConnectionError):  # gone, or cut for a missed send deadline
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
        # The envelope `id` names the command refused (where a client matches answers), as `ref` does.
        await self._reply(ch, encode("error", m.Error(code=code, reason=reason[:500], ref=ref), id=ref))

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
            await self._resume(ch, msg.body.last_seq, msg.body.epoch)
        elif t == "subscribe":
            ch.cameras = set(msg.body.cameras[:256])
        elif t == "ping":
            await self._reply(ch, encode("pong", m.Pong(t=msg.body.t, clock=self.core.clock.now())))
        elif t == "field.enrol" and msg.id:  # the hub's tokens, not the domain's (console/hub/enrol.py)
            await self._reply(ch, encode("result", field_enrol(self, ch.principal, msg.body), id=msg.id))
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
        except (ConnectionClosed, ConnectionError):
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

    async def _resume(self, ch: Channel, last_seq: int, epoch: str = "") -> None:
        core = self.core
        if ch.live:
            await self._error(ch, "unexpected", "resume was already given on this connection")
            return
        first = await core.first_seq()
        # Nothing may be sent that is not yet in the log: wait until the log holds all of state,
        # but not for ever (a full disk): the tail is then served up to what is logged.
        await core.wait_settled(RESUME_SETTLE_S)
        head = core.committed_seq
        other_log = bool(epoch) and epoch != core.epoch  # its seqs count in another log: nothing to splice
        too_far = (other_log or last_seq <= 0 or last_seq > head or head - last_seq > core.resume_window
                   or (first and last_seq < first - 1))
        ch.live = True
        if too_far:
            state = core.scoped_state(ch.center)
            ch.after = state.seq
            data = encode_state(state)
            await ch.send_now(encode("snapshot", m.Snapshot(seq=state.seq, state=msgspec.Raw(data))))
            core.counters["snapshots"] += 1
            if other_log:
                core.counters["snapshots.other_log"] += 1
        else:
            ch.after = head
            await self._send_tail(ch, last_seq, head)
            core.counters["resumes"] += 1
        await ch.send_now(encode("live", m.Live(seq=ch.after)))
        ch.backlog_done.set()

    async def _send_tail(self, ch: Channel, last_seq: int, head: int) -> None:
        """The events after `last_seq` up to `head`, as batch frames (a long backlog is not one frame per event)."""
        core = self.core
        after = last_seq
        batch: list[bytes] = []
        size = 0
        while after < head:
            rows = [row for row in await core.events_after(after, 2000) if row[0] <= head]
            if not rows:
                break
            after = rows[-1][0]
            for _seq, type_, _ts, data in rows:
                if ch.center is not None:
                    msg = decode(data)
                    if not core.visible(ch.center, core.scope_of(type_, msg.body)):
                        continue
                if batch and (len(batch) >= MAX_BATCH or size + len(data) > MAX_BATCH_BYTES):
                    await ch.send_now(encode_batch(batch))
                    batch, size = [], 0
                batch.append(data)
                size += len(data)
        if batch:
            await ch.send_now(encode_batch(batch))

    # ------------------------------------------------------------------ clock

    async def _tick_loop(self) -> None:
        """Once a second: the hub clock to every live client, and the heartbeat check."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(1.0)
            data = encode("clock", m.Clock(clock=self.core.clock.now(), rate=self.core.clock.rate))
            now = loop.time()
            for ch in list(self.core.channels):
                if ch.backlog_done.is_set():
                    ch.push(data)
                silent = now - ch.heard_at
                if silent > self.heartbeat_timeout_s:
                    self.core.counters["dropped.no_heartbeat"] += 1
                    # No close handshake: a dead link would only make it wait.
                    ch.drop(f"no pong for {silent:.0f} s", code=CLOSE_NO_HEARTBEAT, handshake=False)
                elif now - ch.probed_at >= PROBE_EVERY_S:
                    ch.probe()
            self.presence.tick(self.core.channels, now)
