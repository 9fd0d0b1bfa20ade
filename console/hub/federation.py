"""Town and district hubs federated over NATS JetStream (FEDERATION.md).

Three jobs, one NATS connection per hub:

- **publish**: every committed event of this hub's log goes to the stream
  `DUTY_EVENTS` on subject `duty.events.<center>`, the wire envelope byte for byte,
  several consecutive ones per message when they queued up (one per line, as the hub
  batches to a busy console), with `Nats-Msg-Id` = `<log epoch>:<seq of the last one>`. The cursor is the last seq JetStream
  acknowledged; after a failure (NATS gone, a partition) it is read back from the
  stream's last message on the subject, so a town catches up from exactly there and
  a publish whose ack was lost is not stored twice (JetStream drops the repeated
  Msg-Id within its window; past the window the cursor already skips it).
- **hand-offs in**: escalate, request cooperation, accept and decline travel between
  hubs as commands on `duty.handoff.<center>` (stream `DUTY_HANDOFFS`), read by a
  durable pull consumer with explicit ack. Each is applied through the core like a
  console's command (the same rules, the same audit), keyed by (sender, command id)
  in the hub's idempotency table; it is acked only after its result is committed, so
  a crash before the ack redelivers it and the retry gets the first result and no
  second effect. The result goes back on `duty.result.<origin center>`.
- **follow** (a district hub): one consumer per town on its events subject, started
  from the stream position saved with the replica; each town's events are folded in
  order into a replica `State`, saved in the district's store with that position (at most
  every second, and when the town goes quiet), so a restart neither loses nor applies an
  event twice (a seq at or below the replica's is skipped). Each town's incident events
  are also committed to the district's own log with town-qualified ids (district.py):
  that is what the district's consoles see. A copy committed after the last replica save
  is counted at the next start and not committed again.

A hub that cannot reach NATS keeps serving its consoles (nothing here is on the
command path); the link is retried in the background and catches up when it returns.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import msgspec

from console.domain.apply import apply
from console.domain.model import FINAL_STATUSES
from console.domain.state import State, decode_state, encode_state
from console.hub.auth import Principal
from console.hub import district
from console.hub.core import HubCore
from console.hub.log import EventRow
from console.protocol import messages as m
from console.protocol.codec import (
    MAX_HUB_MESSAGE_BYTES,
    ProtocolError,
    decode,
    decode_batch,
    encode,
    encode_batch,
)

log = logging.getLogger(__name__)

EVENTS_STREAM = "DUTY_EVENTS"
HANDOFF_STREAM = "DUTY_HANDOFFS"
#: the commands that may cross hubs; anything else arriving on a hand-off subject is refused
HANDOFF_TYPES = frozenset({"cmd.escalate", "cmd.request_cooperation", "cmd.accept_handoff", "cmd.decline_handoff"})
#: roles a remote sender may claim (the receiving hub's rules decide the rest)
HANDOFF_ROLES = frozenset({"commander", "operator"})
#: events read from the log per publish round, and messages fetched per pull
PUBLISH_BATCH = 500
#: events published as one message at most (one envelope per line, codec.encode_batch), and its
#: size bound (NATS refuses more than 1 MiB by default). One JetStream ack per message, not per
#: event: sequential per-event acks held a loaded town to a few hundred events/s (P10: 1,580
#: events unpublished after 6 s at 286 ev/s per town, load average 11)
EVENTS_PER_MESSAGE = 200
MESSAGE_BYTES = 256 << 10
FETCH_BATCH = 256
#: how long one pull waits for messages before asking again (seconds). nats-py's fetch of a batch
#: returns short batches only when this runs out, so it bounds the latency: at 1.0 the hand-off
#: round trip p99 was 964 ms, at 0.1 it is 34 ms (200 in a row, loopback)
FETCH_WAIT_S = 0.1
#: how long a failed link waits before trying again (seconds)
RETRY_S = 0.5
#: a message fetched but not acked (its hub died) is delivered again after this long (seconds)
ACK_WAIT_S = 10
#: a district saves each town's replica at most this often while events keep coming, and
#: whenever they pause (seconds); the mirror stays exactly-once in between (_mirrored_since_saved)
REPLICA_SAVE_S = 1.0
#: the district picture is logged at most this often (seconds)
PICTURE_LOG_S = 10.0
#: seconds between pings on the NATS link: two unanswered and the link is redone
PING_S = 5
#: how long a console's forwarded hand-off waits for the town's answer before it is told
#: "kept, sent when the link returns" (seconds)
FORWARD_WAIT_S = 3.0


def events_subject(center: str) -> str:
    """The subject a center's hub publishes its events on."""
    return f"duty.events.{center}"


def handoff_subject(center: str) -> str:
    """The subject hand-off commands for a center's hub arrive on."""
    return f"duty.handoff.{center}"


def result_subject(center: str) -> str:
    """The subject the results of a center's hand-offs come back on."""
    return f"duty.result.{center}"


def msg_id(epoch: str, seq: int) -> str:
    """`Nats-Msg-Id` of one logged event: this log's epoch and the event's seq."""
    return f"{epoch}:{seq}"


def parse_msg_id(value: str) -> tuple[str, int]:
    """(epoch, seq) of a `Nats-Msg-Id` made by `msg_id`; ValueError otherwise."""
    epoch, _, seq = value.rpartition(":")
    if not epoch:
        raise ValueError(f"not an event id: {value!r}")
    return epoch, int(seq)


async def ensure_streams(js) -> None:
    """Create (or keep) the two streams; every hub calls this, the first one creates them."""
    from nats.js.api import StreamConfig

    for name, subjects in ((EVENTS_STREAM, ["duty.events.*"]),
                           (HANDOFF_STREAM, ["duty.handoff.*", "duty.result.*"])):
        try:
            await js.stream_info(name)
        except Exception:  # noqa: BLE001 - NotFoundError: make it
            await js.add_stream(StreamConfig(name=name, subjects=subjects))


@dataclass
class Replica:
    """One town's events folded into a state on the district hub: the district picture of that town."""

    epoch: str = ""
    state: State = field(default_factory=State)
    #: the stream sequence of the last message folded (where a restarted follower goes on from)
    stream_seq: int = 0
    #: the district log's seq when this replica was saved: its mirrored events up to there are in
    district_seq: int = 0


class Federation:
    """One hub's link to the other hubs over NATS JetStream (see the module docstring).

    `center` is the center this hub serves (its subjects); `follow` the towns a
    district hub follows. Start with `start()`, stop with `close()`.
    """

    def __init__(self, core: HubCore, center: str, url: str, *, follow: list[str] | tuple[str, ...] = (),
                 auth: NatsAuth | None = None):
        self.core = core
        self.center = center
        self.url = url
        self.auth = auth or NatsAuth()
        self.follow = list(follow)
        #: why the link is down, in words for the log and the status line ("" while linked)
        self.link_error = ""
        self.counters: Counter[str] = Counter()
        #: the last seq of this hub's log that JetStream acknowledged
        self.cursor = 0
        self.replicas: dict[str, Replica] = {t: Replica() for t in self.follow}
        #: set whenever a follower folded new events (tests and the city runner wait on it)
        self.changed = asyncio.Event()
        self.connected = asyncio.Event()
        self.nc = None
        self.js = None
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._results: dict[str, asyncio.Future] = {}
        self._resync = True
        self._pictured = 0.0
        self._outbox_wake = asyncio.Event()
        #: a district mirrors its towns' incident events into its own log (district.py)
        self.mirror = bool(self.follow)
        #: per town: mirrored events already in the district's log past the saved replica
        self._skip: dict[str, int] = {}
        #: per town: the stream position of its last saved replica
        self._saved_at: dict[str, int] = {}

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Load the saved replicas and start linking in the background (never waits for NATS)."""
        for town, rep in self.replicas.items():
            raw = await self.core._blocking(self._get_setting, self._replica_key(town))
            if raw is not None:
                saved = msgspec.json.decode(raw)
                rep.epoch, rep.state = saved["epoch"], decode_state(saved["state"].encode("latin-1"))
                rep.stream_seq = saved.get("stream_seq", 0)
                rep.district_seq = saved.get("district_seq", 0)
            self._saved_at[town] = rep.stream_seq
        if self.mirror:
            self._skip = await self.core._blocking(self._mirrored_since_saved)
        self.core.commit_listeners.append(self._on_commit)
        self.core.forwarders.append(self._forward)
        self._tasks.append(asyncio.create_task(self._link(), name=f"federation-{self.center}"))

    async def close(self) -> None:
        """Stop every task and drop the connection; safe to call twice."""
        if self._on_commit in self.core.commit_listeners:
            self.core.commit_listeners.remove(self._on_commit)
        if self._forward in self.core.forwarders:
            self.core.forwarders.remove(self._forward)
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping
                pass
        self._tasks.clear()
        for town, rep in self.replicas.items():  # an orderly stop keeps what was folded since the last save
            if rep.stream_seq > self._saved_at.get(town, rep.stream_seq):
                try:
                    await asyncio.wait_for(self._save_replica(town), 5.0)
                except Exception as exc:  # noqa: BLE001 - the next start refolds from the last save
                    log.warning("district replica of %s not saved at stop (%s)", town, exc)
        if self.nc is not None:
            try:
                await self.nc.close()
            except Exception:  # noqa: BLE001
                pass
            self.nc = None

    def _on_commit(self, rows: list[EventRow]) -> None:
        self._wake.set()

    async def _link(self) -> None:
        """Connect (retrying while NATS is away), then run publish, hand-offs and follows."""
        import nats

        while self.nc is None:
            try:
                self.nc = await nats.connect(self.url, **self.auth.connect_kwargs(), connect_timeout=2,
                                             allow_reconnect=True, error_cb=self._on_error,
                                             max_reconnect_attempts=-1, reconnect_time_wait=RETRY_S,
                                             # a dead route (no RST) is noticed in ~10 s, not nats-py's 4 min
                                             ping_interval=PING_S, max_outstanding_pings=2,
                                             disconnected_cb=self._on_disconnect, reconnected_cb=self._on_reconnect,
                                             name=f"duty-hub-{self.center}")
            except Exception as exc:  # noqa: BLE001 - no server yet: the hub serves its consoles meanwhile
                self.counters["connect_failures"] += 1
                self._link_down(exc)
                await asyncio.sleep(RETRY_S * (4 if self.link_error.startswith("NATS refused") else 1))
        self.link_error = ""
        log.info("linked to NATS %s as %s", redact(self.url), self.center)
        self.js = self.nc.jetstream(timeout=2)
        while True:
            try:
                await ensure_streams(self.js)
                break
            except Exception as exc:  # noqa: BLE001
                log.warning("JetStream not ready (%s); retrying", exc)
                await asyncio.sleep(RETRY_S)
        self.connected.set()
        jobs = [("publish", self._publish_loop), ("handoffs", self._handoff_loop), ("results", self._results_loop),
                ("outbox", self._outbox_loop)]
        jobs += [(f"follow {town}", lambda town=town: self._follow_loop(town)) for town in self.follow]
        await asyncio.gather(*(self._forever(name, job) for name, job in jobs))

    async def _forever(self, name: str, job) -> None:
        """Run a loop again after any failure (an ack or a publish while NATS is away raises)."""
        while True:
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the link comes back; what was not acked comes again
                self.counters[f"restarts.{name}"] += 1
                log.warning("federation %s stopped (%s: %s); starting it again", name, type(exc).__name__, exc)
                await asyncio.sleep(RETRY_S)

    def _link_down(self, exc: BaseException) -> None:
        """Say once (not every retry) why the link is down; an auth refusal is named as such."""
        text = str(exc) or type(exc).__name__
        if "authorization" in text.lower() or "authentication" in text.lower():
            why = (f"NATS refused this hub's credentials ({text.strip()}): check --nats-user/--nats-password "
                   f"or --nats-token; the hub keeps serving its consoles and tries again")
        elif "ssl" in text.lower() or "tls" in text.lower() or "certificate" in text.lower():
            why = f"TLS to NATS failed ({text.strip()}): check --nats-tls-ca/--nats-tls-cert; retrying"
        else:
            why = f"NATS {redact(self.url)} unreachable ({text.strip()}); retrying"
        if why != self.link_error:
            log.warning("%s", redact_text(why, self.auth))
        self.link_error = why

    async def _on_error(self, exc: Exception) -> None:
        """nats-py's error callback (an auth refusal after a reconnect lands here)."""
        self.counters["link_errors"] += 1
        self._link_down(exc)

    async def _on_disconnect(self) -> None:
        self.counters["disconnects"] += 1
        self.connected.clear()

    async def _on_reconnect(self) -> None:
        self.counters["reconnects"] += 1
        self.link_error = ""
        self._resync = True
        self.connected.set()
        self._wake.set()

    # ------------------------------------------------------------------ publish

    async def _last_published(self) -> int:
        """The seq of this log's last event in the stream (0: none, or only another epoch's)."""
        try:
            last = await self.js.get_last_msg(EVENTS_STREAM, events_subject(self.center))
        except Exception as exc:  # noqa: BLE001 - NotFoundError: nothing published yet
            if type(exc).__name__ in ("NotFoundError", "MsgNotFoundError") or "no message found" in str(exc):
                return 0
            raise
        epoch, seq = parse_msg_id((last.headers or {}).get("Nats-Msg-Id", ""))
        return seq if epoch == self.core.epoch else 0

    async def _publish_loop(self) -> None:
        subject = events_subject(self.center)
        while True:
            try:
                if self._resync:
                    self.cursor = await self._last_published()
                    self._resync = False
                rows = await self.core.events_after(self.cursor, PUBLISH_BATCH)
                i = 0
                while i < len(rows):  # what queued up goes in few messages: one JetStream ack each
                    chunk, size = [rows[i][3]], len(rows[i][3])
                    i += 1
                    while i < len(rows) and len(chunk) < EVENTS_PER_MESSAGE and size + len(rows[i][3]) < MESSAGE_BYTES:
                        chunk.append(rows[i][3])
                        size += len(rows[i][3])
                        i += 1
                    last = rows[i - 1][0]
                    ack = await self.js.publish(subject, encode_batch(chunk),
                                                headers={"Nats-Msg-Id": msg_id(self.core.epoch, last)})
                    self.counters["published.duplicate" if ack.duplicate else "published"] += len(chunk)
                    self.counters["published.messages"] += 1
                    self.cursor = last
                if len(rows) == PUBLISH_BATCH:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - NATS away: keep the cursor, re-read it when back
                self.counters["publish_failures"] += 1
                self._resync = True
                log.debug("publish from seq %d failed: %s", self.cursor, exc)
                await asyncio.sleep(RETRY_S)
                continue
            self._wake.clear()
            try:  # woken by a commit; the timeout also catches up after an outage with no new commits
                await asyncio.wait_for(self._wake.wait(), 1.0)
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ hand-offs

    async def send_handoff(self, to_center: str, sender: Principal, type_: str, body: m.Body,
                           command_id: str | None = None) -> str:
        """Send a hand-off command to the hub serving `to_center`; returns its command id.

        Durable once this returns: it is in this hub's outbox (the store's `handoff_outbox`),
        sent now if the link is up, else when it returns, also after a restart of this hub.
        Sending the same id again is harmless (deduplicated by NATS, then by the receiver's
        idempotency table): an id already sent is published again at once.
        """
        if type_ not in HANDOFF_TYPES:
            raise ValueError(f"{type_} is not a hand-off command")
        command_id = command_id or uuid.uuid4().hex
        mid = f"{self.center}:{sender.name}:{command_id}"
        headers = {"Nats-Msg-Id": mid, "Duty-Origin": self.center,
                   "Duty-Sender": sender.name, "Duty-Role": sender.role, "Duty-Center": sender.center or ""}
        self._results.setdefault(command_id, asyncio.get_running_loop().create_future())
        data = encode(type_, body, id=command_id)
        if getattr(self.core.store, "handoff_add", None) is None:  # a store without an outbox
            await self._publish_handoff(to_center, headers, data)
            return command_id
        if await self.core._blocking(self.core.store.handoff_add, mid, to_center, headers, data):
            self.counters["handoffs_kept"] += 1
            self._outbox_wake.set()
        elif self.js is not None:  # sent before (or still waiting): a deliberate resend
            await self._publish_handoff(to_center, headers, data)
        return command_id

    async def _publish_handoff(self, to_center: str, headers: dict[str, str], data: bytes) -> None:
        if self.js is None:
            raise ConnectionError("not linked to NATS yet")
        ack = await self.js.publish(handoff_subject(to_center), data, headers=headers)
        self.counters["handoffs_sent.duplicate" if ack.duplicate else "handoffs_sent"] += 1

    async def _outbox_loop(self) -> None:
        """Send what the outbox keeps, oldest first; a row leaves it only after JetStream's ack."""
        store = self.core.store
        if getattr(store, "handoff_pending", None) is None:
            await asyncio.Event().wait()
        while True:
            self._outbox_wake.clear()
            for mid, to_center, headers, data in await self.core._blocking(store.handoff_pending):
                await self._publish_handoff(to_center, headers, data)  # raises while NATS is away
                await self.core._blocking(store.handoff_sent, mid)
            try:  # woken by a new hand-off; the timeout retries after an outage
                await asyncio.wait_for(self._outbox_wake.wait(), 1.0)
            except TimeoutError:
                pass

    def outbox_depth(self) -> int:
        """Hand-offs kept and not yet acknowledged by JetStream (blocking; for tests and status)."""
        depth = getattr(self.core.store, "handoff_depth", None)
        return 0 if depth is None else depth()

    # ------------------------------------------------------------------ a district console's hand-offs

    def _forward(self, principal: Principal, command_id: str | None, type_: str,
                 body: m.Body) -> asyncio.Future | None:
        """A core forwarder: a command on a followed town's incident is that town's hub's to decide.

        Accepting or declining a town's hand-off goes to the town as a hand-off command;
        anything else on a town's incident is refused here (the town's log is the record).
        """
        got = district.target(type_, body) if self.follow else None
        if got is None or got[0] not in self.replicas:
            return None
        town, local = got
        loop = asyncio.get_running_loop()
        if type_ not in ("cmd.accept_handoff", "cmd.decline_handoff") or not command_id:
            self.counters["forward_refused"] += 1
            fut = loop.create_future()
            fut.set_result(m.Result(ok=False, code="out_of_scope", message=(
                f"{getattr(body, 'incident', '') or getattr(body, 'task', '')} is kept by {town}'s hub: "
                f"from {self.center} only its hand-off is accepted or declined")))
            return fut
        self.counters["forwarded"] += 1
        sender = Principal(token="", role=principal.role, name=principal.name, center=principal.center or self.center)
        local_body = msgspec.structs.replace(body, incident=local)
        return asyncio.ensure_future(self._forwarded(town, sender, type_, local_body, command_id))

    async def _forwarded(self, town: str, sender: Principal, type_: str, body: m.Body, command_id: str) -> m.Result:
        try:
            cid = await self.send_handoff(town, sender, type_, body, command_id=command_id)
        except Exception as exc:  # noqa: BLE001 - the store failed: nothing was kept
            return m.Result(ok=False, code="internal", message=f"the hand-off was not kept: {exc}"[:200])
        try:
            result = await self.result(cid, FORWARD_WAIT_S)
        except TimeoutError:
            return m.Result(ok=True, message=f"kept for {town}'s hub: it is applied there when the link returns")
        return msgspec.structs.replace(result, seqs=[])  # the town's seqs are not this log's

    async def result(self, command_id: str, timeout: float) -> m.Result:
        """The receiving hub's answer to a hand-off this hub sent (TimeoutError if none in time)."""
        fut = self._results.setdefault(command_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(asyncio.shield(fut), timeout)

    async def _handoff_loop(self) -> None:
        sub = await self._pull(handoff_subject(self.center), f"handoff-{self.center}", HANDOFF_STREAM)
        while True:
            for msg in await self._fetch(sub):
                result = await self._apply_handoff(msg)
                origin = (msg.headers or {}).get("Duty-Origin", "")
                if origin:
                    cid = (msg.headers or {}).get("Nats-Msg-Id", "").rpartition(":")[2]
                    await self.js.publish(result_subject(origin), msgspec.json.encode(result),
                                          headers={"Duty-Command": cid, "Nats-Msg-Id": f"result:{self.center}:{cid}"})
                await msg.ack()  # only now: its result is committed and sent

    async def _apply_handoff(self, msg) -> m.Result:
        """Apply one incoming hand-off through the core (the same rules and idempotency as a console's)."""
        h = msg.headers or {}
        try:
            cmd = decode(msg.data)
        except ProtocolError as exc:
            self.counters["handoffs_refused.malformed"] += 1
            return m.Result(ok=False, code="malformed", message=str(exc)[:200])
        if cmd.type not in HANDOFF_TYPES or h.get("Duty-Role") not in HANDOFF_ROLES or not cmd.id:
            self.counters["handoffs_refused.forbidden"] += 1
            return m.Result(ok=False, code="forbidden", message=f"{cmd.type} cannot cross hubs as sent")
        sender = Principal(token="", role=h["Duty-Role"], name=h.get("Duty-Sender", "?"),
                           center=h.get("Duty-Center") or None)
        result = await self.core.submit(sender, cmd.id, cmd.type, cmd.body)
        self.counters["handoffs_applied" if result.ok else f"handoffs_refused.{result.code}"] += 1
        return result

    async def _results_loop(self) -> None:
        sub = await self._pull(result_subject(self.center), f"result-{self.center}", HANDOFF_STREAM)
        while True:
            for msg in await self._fetch(sub):
                cid = (msg.headers or {}).get("Duty-Command", "")
                fut = self._results.setdefault(cid, asyncio.get_running_loop().create_future())
                if not fut.done():
                    fut.set_result(msgspec.json.decode(msg.data, type=m.Result))
                await msg.ack()

    # ------------------------------------------------------------------ follow (district)

    async def _follow_loop(self, town: str) -> None:
        """Fold one town's events, strictly in stream order, from the position saved with the picture.

        The position is the replica's, not a durable consumer's: a consumer's unacked
        messages come back only after the ack wait, behind newer ones, and a fold must
        not see seq 3 before seq 2. So each (re)start makes a fresh consumer from the
        stream sequence after the last one folded and saved.
        """
        rep = self.replicas[town]
        sub = None
        loop = asyncio.get_running_loop()
        unsaved, saved_at = False, 0.0
        while True:
            if sub is None:
                sub = await self._pull(events_subject(town), None, EVENTS_STREAM, start=rep.stream_seq + 1)
            try:
                msgs = await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_S)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - nothing new (timeout), or the consumer is gone
                if unsaved:  # quiet now: save what was folded
                    await self._save_replica(town)
                    unsaved, saved_at = False, loop.time()
                if type(exc).__name__ != "TimeoutError" and not isinstance(exc, TimeoutError):
                    self.counters["follow.resubscribes"] += 1
                    await self._unsubscribe(sub)
                    sub = None
                    await asyncio.sleep(RETRY_S)
                continue
            folded = False
            mirrored: list[tuple[str, m.Body]] = []
            mirrored_at: list[float] = []
            for msg in msgs:
                stream_seq = msg.metadata.sequence.stream
                if stream_seq <= rep.stream_seq:
                    self.counters["follow.duplicates"] += 1
                    continue
                try:
                    epoch, _last = parse_msg_id((msg.headers or {}).get("Nats-Msg-Id", ""))
                    events = decode_batch(msg.data, max_bytes=MAX_HUB_MESSAGE_BYTES)
                except ValueError as exc:
                    events, epoch = [ProtocolError("malformed", str(exc))], rep.epoch
                if epoch != rep.epoch:  # a new log in that town: its picture starts again
                    if rep.epoch:
                        self.counters["follow.epoch_changes"] += 1
                    rep.epoch, rep.state = epoch, State()
                rep.stream_seq = stream_seq
                for event in events:
                    if isinstance(event, ProtocolError) or event.seq is None:
                        self.counters["follow.malformed"] += 1
                        log.error("a message from %s that is not an event (%s)", town, event)
                        continue
                    seq = event.seq
                    if seq <= rep.state.seq:
                        self.counters["follow.duplicates"] += 1
                        continue
                    if seq != rep.state.seq + 1:
                        self.counters["follow.gaps"] += 1  # the town's log was pruned past what was published
                    apply(rep.state, event)
                    rep.state.seq = seq
                    folded = True
                    self.counters["follow.applied"] += 1
                    if self.mirror and (copy := district.mirror(town, event.type, event.body)) is not None:
                        if self._skip.get(town, 0) > 0:  # already in the district's log (a crash before the save)
                            self._skip[town] -= 1
                            self.counters["mirror.skipped"] += 1
                        else:
                            mirrored.append((event.type, copy))
                            mirrored_at.append(event.ts)
            if mirrored:  # the district's own events; the replica that covers them is saved after they commit
                self.core.emit(mirrored, at=mirrored_at)
                self.counters["mirror.events"] += len(mirrored)
            if msgs:  # the position is the replica's (see above): an ack only stops a redelivery
                await msgs[-1].ack()  # AckPolicy.ALL: the batch up to here
            unsaved = unsaved or bool(msgs)
            if unsaved and loop.time() - saved_at >= REPLICA_SAVE_S:
                await self._save_replica(town)
                unsaved, saved_at = False, loop.time()
            if folded:
                self.changed.set()
                self._log_picture()

    async def _save_replica(self, town: str) -> None:
        """Save one town's replica with its stream position and the district seq it covers.

        Every mirrored event of this town up to that seq is in the district's log (waited for
        here); one committed after a save is counted at the next start (`_mirrored_since_saved`).
        """
        rep = self.replicas[town]
        seq = self.core.state.seq
        await self.core.wait_committed(seq)
        rep.district_seq = seq
        saved = msgspec.json.encode({"epoch": rep.epoch, "stream_seq": rep.stream_seq,
                                     "district_seq": rep.district_seq,
                                     "state": encode_state(rep.state).decode("latin-1")})
        await self.core._blocking(self._put_setting, self._replica_key(town), saved)
        self._saved_at[town] = rep.stream_seq
        self.counters["follow.saves"] += 1

    @staticmethod
    async def _unsubscribe(sub) -> None:
        try:
            await sub.unsubscribe()
        except Exception:  # noqa: BLE001 - the connection may be gone with it
            pass

    def picture(self) -> dict[str, dict[str, int]]:
        """Per followed town: its last seq, its open incidents, and those escalated to this center."""
        out = {}
        for town, rep in self.replicas.items():
            open_ = [i for i in rep.state.incidents.values() if i.status not in FINAL_STATUSES]
            out[town] = {"seq": rep.state.seq, "incidents": len(open_),
                         "escalated": sum(1 for i in open_ if i.offered_to == self.center)}
        return out

    def _log_picture(self) -> None:
        """One line of the district picture, at most every PICTURE_LOG_S (what `make city` shows)."""
        now = time.monotonic()
        if now - self._pictured < PICTURE_LOG_S:
            return
        self._pictured = now
        log.info("district picture: %s", "  ".join(
            f"{t} seq={p['seq']} open={p['incidents']} escalated={p['escalated']}" for t, p in self.picture().items()))

    def district_offers(self) -> list[tuple[str, str]]:
        """(town, incident id) of every incident a followed town has escalated to this district, not answered."""
        out = []
        for town, rep in self.replicas.items():
            for inc in rep.state.incidents.values():
                if inc.offered_to == self.center and inc.offer_kind == "escalation":
                    out.append((town, inc.id))
        return sorted(out)

    # ------------------------------------------------------------------ helpers

    async def _pull(self, subject: str, durable: str | None, stream: str, start: int | None = None):
        """A pull subscription with explicit ack: durable by name, or (`start`) a fresh one from that
        stream sequence that the server drops a while after its reader is gone."""
        from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=ACK_WAIT_S)
        if start is not None:
            config.deliver_policy, config.opt_start_seq = DeliverPolicy.BY_START_SEQUENCE, start
            # a follower's position is its replica's: one ack per batch (its last) is enough
            config.ack_policy = AckPolicy.ALL
            config.inactive_threshold = 60.0
        while True:
            try:
                return await self.js.pull_subscribe(subject, durable=durable, stream=stream, config=config)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - NATS away at start: wait for it
                log.debug("consumer %s not ready: %s", durable, exc)
                await asyncio.sleep(RETRY_S)

    async def _fetch(self, sub) -> list:
        try:
            return await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_S)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - timeout (nothing new) or NATS away: try again
            await asyncio.sleep(0 if self.connected.is_set() else RETRY_S)
            return []

    def _mirrored_since_saved(self) -> dict[str, int]:
        """Per town, its mirrored events in the district's log after its saved replica's `district_seq`.

        They were committed but the replica that covers them was not saved (the hub died in
        between); the follower refolds those town events and must not commit them again.
        """
        skip = {town: 0 for town in self.replicas}
        start = min((rep.district_seq for rep in self.replicas.values()), default=0)
        while True:
            rows = self.core.store.events_after(start, 2000)
            for seq, type_, _ts, data in rows:
                if type_ not in district.MIRRORED:
                    continue
                town = district.town_of(type_, decode(data).body)
                if town in skip and seq > self.replicas[town].district_seq:
                    skip[town] += 1
            if len(rows) < 2000:
                return skip
            start = rows[-1][0]

    @staticmethod
    def _replica_key(town: str) -> str:
        return f"federation.replica.{town}"

    def _get_setting(self, key: str) -> bytes | None:
        get = getattr(self.core.store, "get_setting", None)
        return None if get is None else get(key)

    def _put_setting(self, key: str, value: bytes) -> None:
        put = getattr(self.core.store, "put_setting", None)
        if put is not None:
            put(key, value)


@dataclass(frozen=True)
class NatsAuth:
    """How a hub proves itself to NATS: a user and password, or a token; TLS if a CA or cert is given.

    From the hub's config or command line (`--nats-user`, `--nats-password`, `--nats-token`,
    `--nats-tls-ca`, `--nats-tls-cert`, `--nats-tls-key`). Never logged: `repr` hides the secrets.
    """

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None

    def connect_kwargs(self) -> dict:
        """Keyword arguments for `nats.connect`."""
        kw: dict = {}
        if self.user:
            kw["user"], kw["password"] = self.user, self.password or ""
        if self.token:
            kw["token"] = self.token
        if self.tls_ca or self.tls_cert:
            import ssl

            ctx = ssl.create_default_context(cafile=self.tls_ca)
            if self.tls_cert:
                ctx.load_cert_chain(self.tls_cert, self.tls_key)
            kw["tls"] = ctx
        return kw

    def secrets(self) -> list[str]:
        """The values that must never appear in a log line."""
        return [v for v in (self.password, self.token) if v]


def redact(url: str) -> str:
    """A NATS URL without any user:password@ or token@ in it."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}://***@{rest.rpartition('@')[2]}"


def redact_text(text: str, auth: NatsAuth) -> str:
    """`text` with every secret of `auth` replaced by ***."""
    for secret in auth.secrets():
        text = text.replace(secret, "***")
    return text
