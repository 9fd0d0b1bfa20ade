"""The console's link to the hub: connect with the token, resume, keep an outbox, reconnect.

Commands go to the outbox (the console's SQLite file) before they go to the
wire: a command is sent only once its row is written, so a console killed at
any point never has a command applied that its own file does not know. A
command made while the hub is unreachable is sent, once, when it comes back;
the hub's command-id idempotency makes the resend safe. Every command ends
answered: applied, or refused with a reason shown; a `rate_limited` one is sent
again later, one the hub refused because it cannot write its log (`storage_full`)
is kept, shown pending, and sent again when the hub says `storage_restored`, and
sending is paced under the rate the hub announced.

The link has a heartbeat: the session pings every second and the hub sends its
clock every second, so a link the console hears nothing on for DEAD_AFTER_S is
dead (cut, black-holed, or a hung hub): it says offline and reconnects.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import itertools
import logging
import random
import select
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from console.client.replica import Replica
from console.domain.state import decode_state, encode_state
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_HUB_MESSAGE_BYTES, ProtocolError, decode, decode_batch, decode_frame, encode,
)

log = logging.getLogger(__name__)

REPLICA_KEY = "replica.state"
#: who the hub said this token is (role decides wall mode and what may be sent), for a restart offline
IDENTITY_KEY = "link.identity"
#: the epoch of the hub log the saved replica is a fold of (protocol §7)
EPOCH_KEY = "replica.epoch"
SAVE_EVERY_S = 5.0
#: a link the console heard nothing on (no event, clock, pong) for this long is dead
DEAD_AFTER_S = 4.0
#: the session's ping period (the hub answers each with a pong)
PING_EVERY_S = 1.0
#: a `rate_limited` command waits this long before it goes again
RATE_LIMITED_WAIT_S = 0.5
#: refusals that mean "not now": the hub could not log the command, so it did not decide it
#: (PROTOCOL.md §9); the command waits in the outbox and goes again on `storage_restored`
STORAGE_REFUSALS = frozenset({"storage_full", "storage_error"})
#: the longest the session applies messages before it lets the GUI run (s)
SLICE_S = 0.008
#: a gap this long between two frames means the loop waited on the socket (it was free): a new slice
IDLE_GAP_S = 0.001



class SearchFailed(Exception):
    """A search of past cases the hub did not answer: `code` says why (offline, forbidden, internal)."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

class Session:
    """One console's connection to one hub, surviving outages and restarts."""

    def __init__(self, url: str, token: str, replica: Replica, *, store=None, frames=None,
                 backoff: tuple[float, float] = (0.25, 5.0), ping_every_s: float = PING_EVERY_S,
                 dead_after_s: float = DEAD_AFTER_S, ssl=None):
        self.url = url
        #: the TLS context of a wss:// hub (protocol/tls.client_context); None: the default
        self.ssl = ssl
        self.token = token
        self.replica = replica
        self.store = store
        self.frames = frames
        self.backoff = backoff
        self.ping_every_s = ping_every_s
        self.dead_after_s = dead_after_s
        self.on_result: list[Callable[[str, m.Result], None]] = []
        #: told the cameras' credentials (`camera_credentials`): the video code keeps them in memory only
        self.on_credentials: list[Callable[[list], None]] = []
        #: the sources this session says are alive (`heartbeat`, PROTOCOL.md §8.2): name → every_s
        #: ("" the session's own principal); an `ingest` client only (the gateway, an AI box)
        self.beats: dict[str, float] = {}
        self._ws: ClientConnection | None = None
        #: the hub socket's descriptor while connected (-1: none), and whether a frame's messages are
        #: still being applied: what `input_pending` looks at
        self._fd = -1
        self._in_frame = False
        replica.input_pending = self.input_pending
        self._cameras: list[str] = []
        #: the incident a commander's desk has selected (reported to the hub, again after a reconnect)
        self._selected: str | None = None
        #: the hub refused `selected` as unknown (it predates it): not sent again to it
        self._selection_unheard = False
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-db")
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._saved_seq = -1
        self._saved_epoch = ""
        self.live = asyncio.Event()
        #: every command not yet answered, encoded, by id, in the order made (the outbox in memory)
        self._commands: dict[str, bytes] = {}
        #: searches of past cases waiting for their `found` (request id → future)
        self._searches: dict[str, asyncio.Future] = {}
        self._order: dict[str, int] = {}
        self._made = itertools.count()
        #: outbox writes not yet done: a command is sent only after its row is written
        self._saving: dict[str, asyncio.Future] = {}
        #: commands to send on this connection: (order made, id), earliest first
        self._sendq: list[tuple[int, str]] = []
        self._queued: set[str] = set()
        self._wake = asyncio.Event()
        #: client-side token bucket under the hub's announced command rate
        self._rate = 50.0
        self._tokens = 0.0
        self._tokens_at = 0.0
        self._hold_until = 0.0
        self._heard_at = 0.0
        #: commands the hub refused for its storage: kept (outbox row unconfirmed), sent again when restored
        self._held: set[str] = set()
        #: the hub's storage as last told: "ok", "storage_full" or "storage_error" (hello, notices)
        self._hub_storage = "ok"
        #: epoch of the hub log on this connection (from `hello`)
        self._hub_epoch = ""
        #: figures the fault suite reads: how long a dead link took to be noticed (s)
        self.dead_noticed_s: list[float] = []
        replica.set_link("offline", url=url)

    # ------------------------------------------------------------------ life

    async def restore(self) -> bool:
        """Put the last known state back on screen before the hub answers (console restart)."""
        if self.store is None:
            return False
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(self._db, self.store.get_setting, REPLICA_KEY)
        epoch = await loop.run_in_executor(self._db, self.store.get_setting, EPOCH_KEY)
        pending = await loop.run_in_executor(self._db, self.store.outbox_pending)
        for command_id, raw in pending:
            try:
                msg = decode(raw)
            except ProtocolError:
                continue
            self._keep(command_id, raw)
            self.replica.command_restored(command_id, msg.type, msg.body)
        await self._restore_identity(loop)
        if data is None:
            return False
        try:
            self.replica.load_state(decode_state(data))
        except msgspec.DecodeError as exc:
            self.replica.notify("warning", "cache", f"local state cache unreadable, starting empty: {exc}")
            return False
        self.replica.folded_from(epoch.decode() if epoch else "")
        self._saved_seq, self._saved_epoch = self.replica.state.seq, self.replica.epoch
        return True

    def attach_store(self, store) -> None:
        """Keep this session in `store` from now on: a console started with no local file (nothing to
        restore) connects before its store is loaded, and the commands made meanwhile (not yet
        answered) get their outbox rows now, in the order made, before any answer is confirmed on them.
        """
        self.store = store
        for command_id, data in self._commands.items():  # kept in the order made (`_keep`)
            self._write_row(command_id, data)
        link = self.replica.link
        if link.role:  # the hub's hello came first: its identity was not kept then
            self._save_identity(link.user, link.role, link.center)

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
            self.replica.identify(ident.get("user", ""), ident.get("role", ""), ident.get("center"))

    def _save_identity(self, user: str, role: str, center: str | None) -> None:
        if self.store is None:
            return
        data = msgspec.json.encode({"token": self._token_tag(), "user": user, "role": role, "center": center})
        asyncio.get_running_loop().run_in_executor(self._db, self.store.put_setting, IDENTITY_KEY, data)

    def start(self) -> None:
        """Connect, and keep reconnecting until `close`."""
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
        replica = self.replica
        if self.store is None or (replica.state.seq == self._saved_seq and replica.epoch == self._saved_epoch):
            return
        started = time.perf_counter()
        data = encode_state(replica.state)  # on the loop: the state must not change meanwhile
        self._encode_s = time.perf_counter() - started
        self._saved_seq, self._saved_epoch = replica.state.seq, replica.epoch
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._db, self._save_replica, data, replica.epoch.encode())

    def _save_replica(self, data: bytes, epoch: bytes) -> None:
        self.store.put_setting(REPLICA_KEY, data)
        self.store.put_setting(EPOCH_KEY, epoch)

    @property
    def outbox_depth(self) -> int:
        """Commands made and not yet answered by the hub."""
        return len(self._commands)

    # ------------------------------------------------------------------ commands (CommandSink)

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None:
        """Keep the command in the outbox, then (once its row is written) send it if connected."""
        data = encode(type_, body, id=command_id)
        self._keep(command_id, data)
        if self.store is not None:
            self._write_row(command_id, data)
        if self._ws is not None and self.live.is_set():
            self._enqueue(command_id)
        else:
            self.replica.command_queued(command_id)

    async def heartbeat(self, source: str, every_s: float) -> bool:
        """Say once that `source` (an AI box the gateway speaks for) is alive; False when not connected."""
        ws = self._ws
        if ws is None or not self.live.is_set():
            return False
        try:
            await asyncio.wait_for(ws.send(encode("heartbeat", m.Heartbeat(source=source, every_s=every_s)), text=True),
                                   self.ping_every_s)
        except (asyncio.TimeoutError, ConnectionClosed):
            return False
        return True

    def _keep(self, command_id: str, data: bytes) -> None:
        if command_id not in self._commands:
            self._commands[command_id] = data
            self._order[command_id] = next(self._made)

    def _write_row(self, command_id: str, data: bytes) -> None:
        """The command's outbox row, written on the store's one thread (its send waits for it)."""
        saved = asyncio.get_running_loop().run_in_executor(self._db, self.store.outbox_add, command_id, data)
        self._saving[command_id] = saved
        saved.add_done_callback(lambda fut, cid=command_id: self._saved(cid, fut))

    def _saved(self, command_id: str, fut: asyncio.Future) -> None:
        self._saving.pop(command_id, None)
        if not fut.cancelled() and fut.exception() is not None:
            # Still in memory (self._commands): sent from there, now or when the hub is back.
            self.replica.count("outbox_errors")
            self.replica.notify("error", "local_store",
                                f"could not keep the command in the local file ({fut.exception()}); "
                                "it is sent from memory and lost if the console stops first")

    def _enqueue(self, command_id: str) -> None:
        if command_id in self._commands and command_id not in self._queued:
            self._queued.add(command_id)
            heapq.heappush(self._sendq, (self._order[command_id], command_id))
            self._wake.set()

    def send_control(self, command_id: str, type_: str, body: m.Body) -> None:
        """Send a control message now, without the outbox (a stale replay control must not be resent)."""
        if self._ws is not None and self.live.is_set():
            asyncio.ensure_future(self._send(encode(type_, body, id=command_id)))
        else:
            self.replica.command_answered(command_id)
            self.replica.notify("warning", "offline", "not connected to the hub")

    def report_selection(self, incident: str | None) -> None:
        """A commander's desk selected `incident` (None: nothing): the hub tells the center's walls.

        Only a commander's console reports it (the hub refuses the others); sent again after every
        `live` (none too: the walls name the commander on duty). Not queued offline: presence, not a command.
        """
        self._selected = incident
        if (self._ws is not None and self.live.is_set() and self.replica.link.role == "commander"
                and not self._selection_unheard):
            asyncio.ensure_future(self._send(encode("selected", m.Selected(incident=incident))))

    def subscribe(self, cameras: list[str]) -> None:
        """Ask for frames of these cameras only (the visible tiles)."""
        self._cameras = list(cameras)
        if self._ws is not None and self.live.is_set():
            asyncio.ensure_future(self._send(encode("subscribe", m.Subscribe(cameras=self._cameras))))

    def search_cases(self, query: m.CaseQuery) -> asyncio.Future:
        """Ask the hub for past cases (its live state and its archive); the future gets `CasesFound`.

        Not a command: not kept in the outbox, never resent. Offline, or when the hub refuses it
        (an `error` naming it), the future fails with `SearchFailed` saying why.
        """
        fut = asyncio.get_running_loop().create_future()
        if self._ws is None or not self.live.is_set():
            fut.set_exception(SearchFailed("offline", "not connected to the hub"))
            return fut
        ref = f"s-{uuid.uuid4().hex[:12]}"
        self._searches[ref] = fut
        fut.add_done_callback(lambda _f, r=ref: self._searches.pop(r, None))
        asyncio.ensure_future(self._send(encode("search", query, id=ref)))
        return fut

    async def _send(self, data: bytes) -> None:
        ws = self._ws
        if ws is not None:
            try:
                await ws.send(data, text=True)
            except ConnectionClosed:
                pass

    async def _send_loop(self, ws: ClientConnection) -> None:
        """This connection's command sender: in the order made, each after its row is written, paced."""
        loop = asyncio.get_running_loop()
        while True:
            while not self._sendq:
                self._wake.clear()
                await self._wake.wait()
            _, command_id = heapq.heappop(self._sendq)
            self._queued.discard(command_id)
            data = self._commands.get(command_id)
            if data is None:
                continue  # answered meanwhile
            saving = self._saving.get(command_id)
            if saving is not None:
                await asyncio.wait({saving})  # write first, then send (a failed write is said, and sent anyway)
            await self._pace(loop)
            self.replica.command_queued(command_id, False)
            await ws.send(data, text=True)

    async def _pace(self, loop) -> None:
        """Wait for a token of the client-side bucket (rate and burst = the hub's announced rate)."""
        while True:
            now = loop.time()
            if now < self._hold_until:
                await asyncio.sleep(self._hold_until - now)
                continue
            self._tokens = min(self._rate, self._tokens + (now - self._tokens_at) * self._rate)
            self._tokens_at = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return
            await asyncio.sleep((1.0 - self._tokens) / self._rate)

    # ------------------------------------------------------------------ connection

    async def _run(self) -> None:
        delay = self.backoff[0]
        replica = self.replica
        while not self._stopping:
            if replica.link.reconnects == 0:
                # After a loss the console goes on saying "offline" until a hub answers again.
                replica.set_link("connecting")
            error = ""
            try:
                async with connect(self.url, additional_headers={"Authorization": f"Bearer {self.token}"},
                                   compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES,
                                   open_timeout=5, ping_interval=None, close_timeout=1,
                                   **({"ssl": self.ssl} if self.ssl is not None else {})) as ws:
                    delay = self.backoff[0]
                    await self._serve(ws)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                error = f"hub refused: HTTP {exc.response.status_code}"
                if exc.response.status_code in (401, 403):  # 503: the hub is busy; the retry is the answer
                    replica.notify("error", "auth", error)
            except (OSError, ConnectionClosed, asyncio.TimeoutError, InvalidHandshake) as exc:
                # InvalidHandshake: cut before answering (a busy hub sheds connections): retried like a refusal
                error = str(exc) or type(exc).__name__
            except Exception as exc:
                log.exception("session error")
                error = repr(exc)
            finally:
                self._ws = None
                self.live.clear()
                for fut in list(self._searches.values()):  # their answers will never come on this link
                    if not fut.done():
                        fut.set_exception(SearchFailed("offline", "the link to the hub was lost"))
            if self._stopping:
                break
            replica.link_lost(error)
            await asyncio.sleep(delay * (0.8 + 0.4 * random.random()))
            delay = min(self.backoff[1], delay * 2)

    def input_pending(self) -> bool:
        """Whether the hub's frames wait to be folded: in the socket, read and queued, or half applied.

        A cheap poll (no read): the window asks it before a paint or a tick step, which then
        waits a moment so the session takes the frame first (P2 in bench/PERF.md).
        """
        ws = self._ws
        if ws is None:
            return False
        # frames websockets has read and queued (its Assembler's queue: not public API, hence getattr)
        if self._in_frame or len(getattr(getattr(ws, "recv_messages", None), "frames", ())):
            return True
        if self._fd < 0:
            return False
        try:
            return bool(select.select((self._fd,), (), (), 0)[0])
        except (OSError, ValueError):  # closed meanwhile
            return False

    async def _serve(self, ws: ClientConnection) -> None:
        self._ws = ws
        sock = ws.transport.get_extra_info("socket") if ws.transport is not None else None
        self._fd = sock.fileno() if sock is not None else -1
        self.replica.set_link("resuming")
        self._heard_at = asyncio.get_running_loop().time()
        self._sendq, self._queued = [], set()
        await ws.send(encode("resume", m.Resume(last_seq=self.replica.state.seq, epoch=self.replica.epoch)),
                      text=True)
        helpers = [asyncio.create_task(self._heartbeat(ws), name="console-heartbeat"),
                   asyncio.create_task(self._send_loop(ws), name="console-sender")]
        loop = asyncio.get_running_loop()
        # The slice runs across frames: frames already buffered come out of `async for` without
        # the loop running in between, so a backlog of small frames held the GUI thread as long
        # as one huge frame would (P1: 0.6-0.75 s freezes). Waiting for the socket starts a new one.
        slice_start = idle_from = time.perf_counter()
        replica, events = self.replica, m.EVENT_BODIES
        try:
            async for raw in ws:
                self._heard_at = loop.time()
                now = time.perf_counter()
                if now - idle_from > IDLE_GAP_S:
                    slice_start = now  # the loop was free meanwhile
                elif now - slice_start > SLICE_S:
                    await asyncio.sleep(0)
                    slice_start = time.perf_counter()
                if isinstance(raw, bytes):
                    self._on_frame(raw)
                    idle_from = time.perf_counter()
                    continue
                self._in_frame = True
                for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                    if time.perf_counter() - slice_start > SLICE_S:
                        # A big batch must not hold the GUI thread: let ticks and paints run.
                        await asyncio.sleep(0)
                        slice_start = time.perf_counter()
                    if isinstance(msg, ProtocolError):
                        self.replica.count(msg.code)
                        self.replica.notify("warning", msg.code, f"bad message from hub: {msg.reason}")
                        continue
                    try:
                        if msg.type in events:  # the flood's path, without a coroutine per event
                            replica.apply_event(msg)
                            if msg.ts:
                                replica.event_time(msg.ts)
                            if replica.take_yield():
                                # The window wants to show a new alert now: messages already buffered
                                # would otherwise all be applied first, without the loop getting back to the GUI.
                                await asyncio.sleep(0)
                        else:
                            await self._on_message(ws, msg)
                    except Exception as exc:  # a message we cannot apply must not end the session
                        log.exception("failed to handle %s", msg.type)
                        self.replica.count("apply_errors")
                        self.replica.notify("error", "apply", f"{msg.type}: {exc}")
                self._in_frame = False
                idle_from = time.perf_counter()
        finally:
            self._fd, self._in_frame = -1, False
            for task in helpers:
                task.cancel()

    async def _on_message(self, ws: ClientConnection, msg) -> None:
        t = msg.type
        replica = self.replica
        if t == "hello":
            b: m.Hello = msg.body
            self._hub_epoch = b.epoch
            self._selection_unheard = False  # perhaps another hub, or this one upgraded
            self._hub_storage = b.storage
            if b.max_commands_per_s > 0:
                self._rate = b.max_commands_per_s
            if not replica.hello(b):
                replica.notify("warning", "other_log",
                               "this hub's log is not the one the screen came from (a new or restored hub): "
                               "its whole state replaces what was shown")
            self._save_identity(b.name, b.role, b.center)
        elif t == "snapshot":
            replica.load_state(decode_state(msg.body.state))
            replica.folded_from(self._hub_epoch)
        elif t == "live":
            replica.folded_from(self._hub_epoch)
            replica.set_link("online")
            self.live.set()
            for command_id in self._commands:  # made offline, or lost in flight: all go, in order
                if command_id in self._held and self._hub_storage != "ok":
                    continue  # would be refused again: it waits for storage_restored
                self._held.discard(command_id)
                self._enqueue(command_id)
            if self._cameras:
                await ws.send(encode("subscribe", m.Subscribe(cameras=self._cameras)), text=True)
            if replica.link.role == "commander" and not self._selection_unheard:  # none too: who is on duty
                await ws.send(encode("selected", m.Selected(incident=self._selected)), text=True)
        elif t == "result":
            await self._on_result(msg.id or "", msg.body)
        elif t == "found":
            fut = self._searches.get(msg.id or "")
            if fut is not None and not fut.done():
                fut.set_result(msg.body)
        elif t == "error" and (fut := self._searches.get(msg.id or msg.body.ref or "")) is not None:
            if not fut.done():
                fut.set_exception(SearchFailed(msg.body.code, msg.body.reason))
        elif t == "error":
            await self._on_error(msg.id, msg.body)
        elif t == "pong":
            replica.pong(msg.body.t, msg.body.clock, msg.body.towns)
        elif t == "clock":
            replica.hub_clock(msg.body.clock, msg.body.rate)
        elif t == "drill":
            replica.drill_status(msg.body)
        elif t == "commander_selected":  # a wall: what the duty commander looks at
            replica.commander = msg.body
        elif t == "camera_credentials":  # never folded, stored or logged
            for fn in self.on_credentials:
                fn(msg.body.cameras)
        else:  # a valid message the hub should not send: counted and told, like a malformed one
            replica.count("unexpected")
            replica.notify("warning", "unexpected", f"unexpected message from hub: {t}")

    async def _on_error(self, command_id: str | None, error: m.Error) -> None:
        replica = self.replica
        replica.count(f"hub_error.{error.code}")
        command_id = command_id or error.ref
        if command_id and error.code == "rate_limited" and command_id in self._commands:
            # Not an answer: the hub did not look at it. It goes again, after a pause.
            self._hold_until = asyncio.get_running_loop().time() + RATE_LIMITED_WAIT_S
            self._tokens = 0.0
            self._enqueue(command_id)
        elif command_id and (command_id in self._commands or command_id in replica.pending):
            await self._on_result(command_id, m.Result(ok=False, code=error.code, message=error.reason))
        elif error.code == "unexpected" and error.reason.startswith("selected "):
            self._selection_unheard = True  # a hub from before `selected`: nothing to tell anyone, stop saying it
        else:
            if error.code in STORAGE_REFUSALS or error.code == "storage_restored":
                self._storage_told(error.code)
            replica.notify("error", error.code, error.reason)

    def _storage_told(self, code: str) -> None:
        """A hub notice about its log: when writable again, the commands it refused for storage go again."""
        self._hub_storage = "ok" if code == "storage_restored" else code
        if code == "storage_restored" and self._held:
            held, self._held = self._held, set()
            for command_id in held:
                self._enqueue(command_id)  # in the order they were made (the send queue is ordered)

    def _hold_for_storage(self, command_id: str, code: str) -> None:
        """Not an answer: the hub did not decide it. It stays made, shown pending, and goes again later."""
        self._held.add(command_id)
        if self._hub_storage == "ok":
            self._hub_storage = code  # refused before the notice arrived
        self.replica.count(f"held.{code}")
        self.replica.command_queued(command_id)

    async def _on_result(self, command_id: str, result: m.Result) -> None:
        if result.code in STORAGE_REFUSALS and command_id in self._commands:
            self._hold_for_storage(command_id, result.code)
            return
        pending = self.replica.command_answered(command_id)
        kept = self._commands.pop(command_id, None) is not None
        self._order.pop(command_id, None)
        if kept and self.store is not None:
            # After the row's own write (one store thread, in order): the answer lands on that row.
            await asyncio.get_running_loop().run_in_executor(
                self._db, self.store.outbox_confirm, command_id, msgspec.json.encode(result))
        if not result.ok:
            what = pending.type if pending else "command"
            self.replica.notify("warning", result.code, f"{what}: {result.message}", reason=result.reason,
                                subject=result.subject, holder=result.holder or "")
        for cb in self.on_result:
            cb(command_id, result)
        await self._maybe_save()

    def _on_frame(self, raw: bytes) -> None:
        try:
            frame = decode_frame(raw)
        except ProtocolError as exc:
            self.replica.count("bad_frames")
            self.replica.notify("warning", exc.code, f"bad camera frame: {exc.reason}")
            return
        if self.frames is not None:
            self.frames.submit(frame)

    async def _heartbeat(self, ws: ClientConnection) -> None:
        """Ping every second; a link silent for `dead_after_s` is cut here, and the session reconnects."""
        loop = asyncio.get_running_loop()
        next_ping = loop.time()
        beat_due: dict[str, float] = {}  # a new connection says so at once
        while True:
            now = loop.time()
            silent = now - self._heard_at
            if silent > self.dead_after_s:
                self.dead_noticed_s.append(silent)
                self.replica.set_link("offline")
                log.info("no word from the hub for %.1f s: the link is dead, reconnecting", silent)
                ws.transport.abort()  # a close handshake would wait on the dead link
                return
            if now >= next_ping:
                next_ping = now + self.ping_every_s
                try:
                    # A black-holed link can block a send: the silence check must not wait on it.
                    now_t = time.time()
                    alarm = self.replica.alarm.summary(now_t)
                    ping = m.Ping(t=now_t, alarm_p95_s=alarm["p95_s"], alarm_n=alarm["n"], alarm_p50_s=alarm["p50_s"])
                    await asyncio.wait_for(ws.send(encode("ping", ping), text=True), self.ping_every_s)
                except asyncio.TimeoutError:
                    pass
                except ConnectionClosed:
                    return
                if self._save_task is None or self._save_task.done():
                    # Its own task: a slow local disk must not hold the heartbeat.
                    self._save_task = asyncio.ensure_future(self._maybe_save())
            for source, every_s in list(self.beats.items()):
                if now >= beat_due.get(source, now):
                    beat_due[source] = now + every_s
                    try:
                        await asyncio.wait_for(ws.send(encode("heartbeat", m.Heartbeat(source=source, every_s=every_s)),
                                                       text=True), self.ping_every_s)
                    except asyncio.TimeoutError:
                        pass
                    except ConnectionClosed:
                        return
            await asyncio.sleep(min(0.25, self.ping_every_s, *self.beats.values()))

    _last_save = 0.0
    _encode_s = 0.0
    _save_task: asyncio.Future | None = None

    async def _maybe_save(self) -> None:
        # Encoding blocks the GUI thread: a big state is saved less often (≤ 1 % of the time).
        now = time.monotonic()
        if now - self._last_save >= max(SAVE_EVERY_S, 100 * self._encode_s):
            self._last_save = now
            await self.save()
