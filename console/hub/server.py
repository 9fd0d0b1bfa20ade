"""The websocket server: handshake auth, hello, resume or snapshot, then the read loop.

Every message a client sends is checked here (size, shape, type, role, rate);
whatever is wrong is counted and answered with an error, and the session and
the hub go on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
import struct
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
from console.hub.selection import CommanderSelections
from console.hub.views import TOWN_FIGURE_ROLES, credentials_message, gets_credentials
from console.hub.presence import PagePresence
from console.hub.static import StaticPages, is_upgrade
from console.hub.limits import (  # noqa: F401 (COMMAND_RATE, DEFAULT_COMMAND_RATE: read here by older callers)
    COMMAND_RATE, DEFAULT_COMMAND_RATE, MAX_UNAUTHENTICATED_PER_ADDRESS, AdmissionGate, LogThrottle, RateLimiter,
    role_rate, unauthenticated_cap,
)
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_STRING_CHARS, ProtocolError, decode, decode_frame, encode,
    encode_batch,
)

#: who may search past cases (a search reads the center's whole history: not a phone, not a source)
SEARCH_ROLES = frozenset({"commander", "operator"})
log = logging.getLogger(__name__)


def _not_per_connection(record: logging.LogRecord) -> bool:
    """websockets says "connection open" / "connection closed" for every TCP connection, refused
    or not: a flood of unauthenticated sockets would be a flood of lines (sessions are logged here)."""
    return record.msg not in ("connection open", "connection closed")


#: what websockets itself logs (handshake failures, listening, closing), without its per-connection lines
_ws_log = logging.getLogger(f"{__name__}.websockets")
_ws_log.addFilter(_not_per_connection)

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
#: a connection over the unauthenticated caps may send its upgrade request this long to be
#: told 503; then it is cut (one that sends nothing must not hold a file descriptor)
REFUSE_GRACE_S = 1.0
#: connections the kernel queues for accept(): asyncio's 100 is full within a millisecond of a
#: flood, and a console's connect then waits for SYN retries (1 s, 3 s, …) before the hub sees it
LISTEN_BACKLOG = 1024
#: what the loop says when accept() fails (asyncio.selector_events): too many open files
ACCEPT_FAILED = "socket.accept() out of system resource"
#: one log line per kind of flood (refused handshakes, failed accepts) per this many seconds
FLOOD_LOG_INTERVAL_S = 10.0


_BUSY_BODY = b"too many connections waiting, retry\n"
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(_BUSY_BODY), _BUSY_BODY))
#: the most a connection over the caps may send before its request is complete (headers only)
_EARLY_BYTES = 16 << 10


def _unread_bytes(transport) -> int:
    """Bytes the kernel holds for this socket that the loop has not read yet (0 if unknown)."""
    try:
        import fcntl
        import termios
        sock = transport.get_extra_info("socket")
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
    except (ImportError, OSError, AttributeError, ValueError):
        return 0


class _GatedConnection(ServerConnection):
    """A connection that holds a place in the hub's AdmissionGate until it authenticates or closes.

    With no place for it when it connects, websockets is not started for it (a
    flood costs little): it is cut after REFUSE_GRACE_S (sooner when too many
    wait), unless its upgrade request comes first; then it takes the place of a
    socket that has sent nothing for SPEAKER_EVICT_AFTER_S (a client that speaks
    goes before sockets that do not) and is served, or is answered 503. A socket
    silent for EVICT_AFTER_S gives its place to any newcomer; it is cut then.
    """

    def __init__(self, *args, hub: "HubServer", **kwargs):
        super().__init__(*args, **kwargs)
        self.hub = hub
        self.address = ""
        #: over the caps, websockets not started: what it sent so far (None once started)
        self.early: bytearray | None = None
        #: it has sent something (its upgrade request, mostly)
        self.heard = False
        self.cut_timer: asyncio.TimerHandle | None = None

    @property
    def refused(self) -> bool:
        """Over the caps: not (yet) handed to websockets."""
        return self.early is not None

    def silent(self) -> bool:
        """It has sent nothing: nothing read, nothing waiting to be read (a busy loop reads late)."""
        transport = getattr(self, "transport", None)
        return not self.heard and (transport is None or _unread_bytes(transport) == 0)

    def connection_made(self, transport) -> None:
        peer = transport.get_extra_info("peername")
        self.address = str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)
        gate = self.hub.gate
        # a place is taken only from a socket that has sent nothing for EVICT_AFTER_S
        evicted = gate.admit(self, self.address, lambda c, waited: waited >= gate.evict_after_s and c.silent())
        if evicted is None:
            self.transport = transport
            self.early = bytearray()
            self.hub._refuse_early(self, transport)
            return
        self._start(transport, evicted)

    def _start(self, transport, evicted: list) -> None:
        for old in evicted:
            self.hub.core.counters["evicted.unauthenticated"] += 1
            old.transport.abort()
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.heard = True
        if self.early is None:
            super().data_received(data)
            return
        self.early += data
        if b"\r\n\r\n" not in self.early:  # the request is not complete yet
            if len(self.early) > _EARLY_BYTES:
                self.transport.abort()
            return
        gate = self.hub.gate
        evicted = gate.admit(self, self.address,
                             lambda c, waited: waited >= gate.speaker_evict_after_s and c.silent())
        if evicted is None:
            self.hub.core.counters["refused.busy_503"] += 1
            self.transport.write(_BUSY)
            self.transport.close()  # after the answer (the request was read whole: no reset)
            return
        self.hub._refusing.pop(self, None)
        if self.cut_timer is not None:
            self.cut_timer.cancel()
        request, self.early = bytes(self.early), None
        self._start(self.transport, evicted)
        super().data_received(request)

    def eof_received(self):
        if self.early is not None:
            return None  # close
        return super().eof_received()

    def connection_lost(self, exc) -> None:
        self.settle()
        if self.early is not None:  # websockets never started for it
            self.hub._refusing.pop(self, None)
            if self.cut_timer is not None:
                self.cut_timer.cancel()
            return
        super().connection_lost(exc)

    def settle(self) -> None:
        """Authenticated or gone: its place in the gate is free again (idempotent)."""
        self.hub.gate.release(self)


async def _close_quietly(ws, code: int, reason: str) -> None:
    try:
        await ws.close(code, reason)
    except Exception:  # the socket may already be gone
        pass


class HubServer:
    """Serves one HubCore over websockets to consoles, field units and sources."""

    def __init__(self, core: HubCore, tokens: TokenRegistry, *, host: str = "127.0.0.1", port: int = 8765,
                 queue_limit: int = DEFAULT_QUEUE_LIMIT, ssl_context: ssl.SSLContext | None = None,
                 heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S, pages: StaticPages | None = None,
                 max_unauthenticated: int | None = None,
                 max_unauthenticated_per_address: int = MAX_UNAUTHENTICATED_PER_ADDRESS):
        self.core = core
        #: connections not yet authenticated, per hub and per address (over either: HTTP 503)
        self.gate = AdmissionGate(max_unauthenticated or unauthenticated_cap(), max_unauthenticated_per_address)
        #: connections over the caps held for their request, oldest first (bounded by the hub cap:
        #: beyond it the oldest silent one is cut)
        self._refusing: dict[_GatedConnection, None] = {}
        #: floods (refused handshakes, failed accepts) are logged once per interval with a count
        self.flood_log = LogThrottle(log, FLOOD_LOG_INTERVAL_S)
        self._loop_handler = None
        #: plain HTTP on the same port: the field page (console/hub/static.py)
        self.pages = pages or StaticPages()
        #: /metrics, /healthz, /readyz on the same port (console/hub/metrics.py)
        self.metrics = HubMetrics(self)
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self.tokens = tokens
        self.ssl_context = ssl_context
        #: command rate per principal, over all its connections
        self.limiter = RateLimiter()
        #: what each center's duty commander has selected, for its walls (console/hub/selection.py)
        self.selections = CommanderSelections(core)
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
        loop = asyncio.get_running_loop()
        self._loop_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._on_loop_exception)
        self._server = await serve(
            self._session, self.host, self.port, process_request=self._authenticate,
            compression=None, max_size=MAX_FRAME_BYTES + 1024, max_queue=64,
            create_connection=functools.partial(_GatedConnection, hub=self),
            ping_interval=None, logger=_ws_log, ssl=self.ssl_context)  # the heartbeat is ours (_tick_loop)
        self.port = self._server.sockets[0].getsockname()[1]
        for listening in self._server.sockets:
            # A longer kernel queue than asyncio's (it also accepts that many per turn of the loop: a
            # large number there takes a flood's descriptors in one go): listen() again on a dup.
            with socket.fromfd(listening.fileno(), listening.family, listening.type) as dup:
                dup.listen(LISTEN_BACKLOG)
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
        loop = asyncio.get_running_loop()
        if loop.get_exception_handler() == self._on_loop_exception:
            loop.set_exception_handler(self._loop_handler)
        self.flood_log.flush()

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
            self.flood_log.log(logging.INFO, "handshake refused", "handshake refused from %s: missing or unknown token",
                               connection.remote_address)
            return connection.respond(HTTPStatus.UNAUTHORIZED, "missing or unknown bearer token\n")
        connection.principal = principal  # read back in _session
        return None

    def _refuse_early(self, connection: _GatedConnection, transport) -> None:
        """A connection over the unauthenticated caps: told 503 if it asks in time, cut in any case."""
        core = self.core
        core.counters["refused.busy"] += 1
        self.flood_log.log(logging.WARNING, "connections over the cap",
                           "refusing connections (HTTP 503): %d not yet authenticated (cap %d), %d from %s (cap %d)",
                           self.gate.pending, self.gate.max_total, self.gate.waiting(connection.address),
                           connection.address, self.gate.max_per_address)
        if len(self._refusing) >= self.gate.max_total:
            # Too many wait to be told: the oldest that has sent nothing is cut (no answer, no
            # descriptor held), so a newcomer always has a moment to send its request, and a
            # console among a flood of silent sockets is heard (then admitted: data_received).
            oldest = next((c for c in self._refusing if c.silent()), None)
            core.counters["cut.over_cap"] += 1
            if oldest is None:
                transport.abort()
                return
            del self._refusing[oldest]
            oldest.transport.abort()
        self._refusing[connection] = None
        connection.cut_timer = asyncio.get_running_loop().call_later(REFUSE_GRACE_S, self._cut_late, connection)

    def _cut_late(self, connection: _GatedConnection) -> None:
        self.core.counters["cut.no_request"] += 1
        connection.transport.abort()

    def _on_loop_exception(self, loop, context: dict) -> None:
        """Failed accepts (no file descriptor left) are counted and logged once per interval, without a traceback."""
        if context.get("message") == ACCEPT_FAILED:
            self.core.counters["accept_failed"] += 1
            self.flood_log.log(logging.ERROR, "accept failed",
                               "cannot accept connections: %s (%d connections open, %d not yet authenticated)",
                               context.get("exception"), len(self.core.channels), self.gate.pending)
            return
        if self._loop_handler is not None:
            self._loop_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    async def _session(self, ws: ServerConnection) -> None:
        principal: Principal = ws.principal
        if isinstance(ws, _GatedConnection):
            ws.settle()  # authenticated: no longer counts against the unauthenticated caps
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
            self.selections.session_closed(principal)
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
            msg = decode(raw, max_string=MAX_STRING_CHARS)
        except ProtocolError as exc:
            await self._error(ch, exc.code, exc.reason, exc.ref)
            return
        t = msg.type
        if t == "resume":
            await self._resume(ch, msg.body.last_seq, msg.body.epoch)
        elif t == "subscribe":
            ch.cameras = set(msg.body.cameras[:256])
        elif t == "search" and msg.id:  # past cases: the live state and the store's archive (off the loop)
            asyncio.ensure_future(self._search(ch, msg.id, msg.body))
        elif t == "ping":
            b = msg.body
            ch.alarm = (b.alarm_p95_s, b.alarm_n)
            figures = self.core.alarm_figures
            figures.console(ch.principal.name, ch.principal.center, b.alarm_p50_s, b.alarm_p95_s, b.alarm_n)
            told = figures.towns and ch.principal.role in TOWN_FIGURE_ROLES  # a phone needs no town's figure
            await self._reply(ch, encode("pong", m.Pong(t=b.t, clock=self.core.clock.now(),
                                                        towns=figures.town_list() if told else [])))
        elif t == "selected":
            if self.selections.may_select(ch.principal):
                self.selections.selected(ch.principal, msg.body.incident)
            else:
                await self._error(ch, "forbidden", "only a commander's selection is followed")
        elif t == "heartbeat":
            if ch.principal.role != "ingest":
                await self._error(ch, "forbidden", "only ingest sources send heartbeats", msg.id)
            elif self.core.health is not None:  # no reply: a heartbeat is only heard (console/hub/health.py)
                self.core.health.heard(msg.body.source or ch.principal.name, msg.body.every_s)
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

    async def _search(self, ch: Channel, ref: str, query) -> None:
        """Answer a search of past cases with what the principal's center sees (field and ingest: refused)."""
        if ch.principal.role not in SEARCH_ROLES:
            await self._error(ch, "forbidden", f"role {ch.principal.role} may not search cases", ref)
            return
        try:
            found = await self.core.search_cases(query, ch.principal.center)
        except Exception as exc:  # the store could not be read: said, not hidden
            log.exception("case search failed")
            await self._error(ch, "internal", f"search failed: {exc}"[:200], ref)
            return
        try:
            await self._reply(ch, encode("found", found, id=ref))
        except (ConnectionClosed, ConnectionError):
            pass

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
        view = core.view_for(ch.principal)
        too_far = too_far or not view.resumes_from_tail  # a field or ingest view: always a snapshot
        scanned = last_seq
        while not too_far and not view.full(core.state):  # a town: can its gap be replayed from the log?
            head = core.committed_seq
            if scanned >= head:
                break  # nothing awaited since `head` was read: no event can slip between tail and live
            too_far = not await core.tail_servable(view, scanned, head)
            scanned = head
        ch.live = True
        if too_far:
            state = core.view_state(ch.principal)
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
        if core.camera_credentials and gets_credentials(ch.principal):  # apart from the view, never stored
            await ch.send_now(credentials_message(core.state, core.camera_credentials))
        selection = self.selections.for_new(ch.principal)
        if selection is not None:
            await ch.send_now(selection)
        ch.backlog_done.set()

    async def _send_tail(self, ch: Channel, last_seq: int, head: int) -> None:
        """The events after `last_seq` up to `head`, as batch frames (a long backlog is not one frame per event)."""
        core = self.core
        view = core.view_for(ch.principal)
        scoped = not view.full(core.state)
        after = last_seq
        batch: list[bytes] = []
        size = 0
        while after < head:
            rows = [row for row in await core.events_after(after, 2000) if row[0] <= head]
            if not rows:
                break
            after = rows[-1][0]
            for _seq, type_, _ts, data in rows:
                if scoped and not core.tail_event(view, type_, decode(data).body):
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
            self.flood_log.flush()
