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
from collections import Counter, deque
from dataclasses import dataclass, field

import msgspec

from console.domain.apply import apply
from console.domain.model import FINAL_STATUSES
from console.domain.state import State, decode_state, encode_state
from console.hub.auth import Principal
from console.hub import district
from console.hub.core import HubCore
from console.hub.link_health import ALIVE_S, LinkAlarms, alive_subject
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
HANDOFF_TYPES = frozenset({"cmd.escalate", "cmd.request_cooperation", "cmd.accept_handoff", "cmd.decline_handoff",
                           "cmd.start_drill", "cmd.end_drill"})
#: what a district console may send on a followed town's incident (or, starting a drill, into a town)
FORWARDED_TYPES = frozenset({"cmd.accept_handoff", "cmd.decline_handoff", "cmd.start_drill", "cmd.end_drill"})
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
#: how often an idle follower checks that its stream and consumer are still the ones it reads (seconds)
FOLLOW_CHECK_S = 5.0
#: how long a hand-off sent waits for its result before it is sent again, besides after every
#: reconnect (seconds; past JetStream's 2-minute dedup window each repeat is stored, and the
#: receiver's idempotency table answers it with the first result, no second effect)
HANDOFF_RESEND_S = 300.0
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
    #: the identity of the stream `stream_seq` counts in (its creation time): a stream made again
    #: (a NATS server that lost its data) numbers from 1 again, and the follower reads it from there
    stream_id: str = ""


class Federation:
    """One hub's link to the other hubs over NATS JetStream (see the module docstring).

    `center` is the center this hub serves (its subjects); `follow` the towns a
    district hub follows. Start with `start()`, stop with `close()`.
    """

    def __init__(self, core: HubCore, center: str, url: str, *, follow: list[str] | tuple[str, ...] = (),
                 auth: NatsAuth | None = None, alarms: bool = True):
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
        #: per town: the town's events in the district's log past the saved replica, oldest first, as
        #: (type, body bytes, ts): the refold skips a copy only if it is the next one of these
        self._skip: dict[str, deque[tuple[str, bytes, float]]] = {}
        #: per town: the stream position of its last saved replica
        self._saved_at: dict[str, int] = {}
        #: bumped at every reconnect: each loop then subscribes again (the server may have lost its
        #: streams and consumers with its data)
        self._generation = 0
        #: hand-offs this process sent and has no result for yet, by command id: (to center, headers,
        #: data, when sent); sent again after a reconnect or HANDOFF_RESEND_S (JetStream may have lost them)
        self._unanswered: dict[str, tuple[str, dict[str, str], bytes, float]] = {}
        #: per followed town: why its stream is not being followed right now ("" or absent: followed)
        self.follow_trouble: dict[str, str] = {}
        self._attached = False
        #: the link's health as alarms in this hub's log (link_health.py); None: not raised
        self.alarms = LinkAlarms(self) if alarms else None
        self._closing = False
        #: monotonic time this hub's publishing began failing (None: publishing, or nothing to publish)
        self.publish_failing_since: float | None = None
        #: per town: the stream position seen behind the stream's end at the last idle check
        self._behind: dict[str, int] = {}
        self._resent_generation = 0

    # ------------------------------------------------------------------ life

    def attach(self) -> None:
        """Take over, in the core, every command on a followed town's incident (safe to call twice).

        Call before the hub's port opens: a console that reconnects resends its unanswered
        decisions at once, and a decision on `T3/…` that reached the core before this would be
        decided by the district itself and never reach T3 (`start` attaches too).
        """
        if self._attached:
            return
        self._attached = True
        self.core.commit_listeners.append(self._on_commit)
        self.core.forwarders.append(self._forward)

    async def start(self) -> None:
        """Load the saved replicas and start linking in the background (never waits for NATS)."""
        self.attach()
        for town, rep in self.replicas.items():
            raw = await self.core._blocking(self._get_setting, self._replica_key(town))
            if raw is not None:
                saved = msgspec.json.decode(raw)
                rep.epoch, rep.state = saved["epoch"], decode_state(saved["state"].encode("latin-1"))
                rep.stream_seq = saved.get("stream_seq", 0)
                rep.district_seq = saved.get("district_seq", 0)
                rep.stream_id = saved.get("stream_id", "")
            self._saved_at[town] = rep.stream_seq
        if self.mirror:
            self._skip = await self.core._blocking(self._mirrored_since_saved)
        self._tasks.append(asyncio.create_task(self._link(), name=f"federation-{self.center}"))
        if self.alarms is not None:
            self._tasks.append(asyncio.create_task(self.alarms.run(), name=f"federation-alarms-{self.center}"))

    async def close(self) -> None:
        """Stop every task and drop the connection; safe to call twice."""
        self._closing = True
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
        if self.follow:
            await self.nc.subscribe(alive_subject("*"), cb=self._on_alive)  # nats-py subscribes again on reconnect
        jobs = [("publish", self._publish_loop), ("handoffs", self._handoff_loop), ("results", self._results_loop),
                ("outbox", self._outbox_loop), ("alive", self._alive_loop)]
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
        if not self._closing:
            self._link_down(ConnectionError("connection lost"))

    async def _on_reconnect(self) -> None:
        self.counters["reconnects"] += 1
        if self.link_error:
            log.info("NATS link back (%s)", self.center)
        self.link_error = ""
        self._resync = True
        self._generation += 1
        self.connected.set()
        self._wake.set()

    async def _alive_loop(self) -> None:
        """Say every ALIVE_S that this hub is there (a district tells a silent town from a quiet one)."""
        while True:
            if self.connected.is_set():
                await self.nc.publish(alive_subject(self.center), b"")
            await asyncio.sleep(ALIVE_S)

    async def _on_alive(self, msg) -> None:
        town = msg.subject.rpartition(".")[2]
        if self.alarms is not None and town in self.replicas:
            self.alarms.heard[town] = time.monotonic()

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
                if self._resync:  # after a reconnect the server may be a new one without the streams
                    await ensure_streams(self.js)
                    cursor = await self._last_published()
                    if cursor < self.cursor:
                        log.warning("the stream holds %s's log only up to seq %d (published up to %d): "
                                    "publishing again from there", self.center, cursor, self.cursor)
                        self.counters["republished_from"] = cursor
                    self.cursor = cursor
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
                    if self.publish_failing_since is not None:
                        self.publish_failing_since = None
                        log.info("publishing %s's events again (up to seq %d)", self.center, last)
                if len(rows) == PUBLISH_BATCH:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - NATS away: keep the cursor, re-read it when back
                self.counters["publish_failures"] += 1
                self._resync = True
                # once per outage at warning (every retry would flood the log): the district is blind meanwhile
                if self.publish_failing_since is None:
                    log.warning("publishing %s's events from seq %d failed (%s: %s); the district does not "
                                "see them until this succeeds", self.center, self.cursor, type(exc).__name__, exc)
                else:
                    log.debug("publish from seq %d failed again: %s", self.cursor, exc)
                if self.publish_failing_since is None:
                    self.publish_failing_since = time.monotonic()
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
        cid = headers["Nats-Msg-Id"].rpartition(":")[2]
        fut = self._results.get(cid)
        if fut is None or not fut.done():  # kept until its result comes: a wiped stream loses what it held
            self._unanswered[cid] = (to_center, headers, data, time.monotonic())

    async def _resend_unanswered(self, generation: int) -> int:
        """Send again the hand-offs whose result has not come, after a reconnect or HANDOFF_RESEND_S.

        A NATS server that came back without its data lost what its streams held; a repeat that
        was not lost is dropped by JetStream (its Msg-Id) or answered with the first result by the
        receiver's idempotency table, so sending again is always safe. Returns how many.
        """
        now, n = time.monotonic(), 0
        if generation != self._resent_generation and self._unanswered:
            await ensure_streams(self.js)
        for cid, (to_center, headers, data, sent_at) in list(self._unanswered.items()):
            fut = self._results.get(cid)
            if fut is not None and fut.done():
                self._unanswered.pop(cid, None)
            elif generation != self._resent_generation or now - sent_at >= HANDOFF_RESEND_S:
                await self._publish_handoff(to_center, headers, data)
                self.counters["handoffs_resent"] += 1
                n += 1
        self._resent_generation = generation
        return n

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
            await self._resend_unanswered(self._generation)
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
        if got is None:
            return None
        town, local = got
        loop = asyncio.get_running_loop()
        if town not in self.replicas or type_ not in FORWARDED_TYPES or not command_id:
            self.counters["forward_refused"] += 1
            fut = loop.create_future()
            fut.set_result(m.Result(ok=False, code="out_of_scope", message=(
                f"{getattr(body, 'incident', '') or getattr(body, 'task', '')} is kept by {town}'s hub: "
                f"from {self.center} only its hand-off is accepted or declined")))
            return fut
        self.counters["forwarded"] += 1
        sender = Principal(token="", role=principal.role, name=principal.name, center=principal.center or self.center)
        local_body = (district.drill_for_town(body) if type_ == "cmd.start_drill"
                      else msgspec.structs.replace(body, incident=local))
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
        async for msg in self._durable(handoff_subject(self.center), f"handoff-{self.center}"):
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
        async for msg in self._durable(result_subject(self.center), f"result-{self.center}"):
            cid = (msg.headers or {}).get("Duty-Command", "")
            fut = self._results.setdefault(cid, asyncio.get_running_loop().create_future())
            if not fut.done():
                fut.set_result(msgspec.json.decode(msg.data, type=m.Result))
            self._unanswered.pop(cid, None)
            await msg.ack()

    async def _durable(self, subject: str, durable: str):
        """The messages of a durable hand-off consumer, subscribed again after every reconnect and
        whenever its consumer is gone (a NATS server that lost its data lost the consumer too)."""
        while True:
            generation = self._generation
            sub = await self._pull(subject, durable, HANDOFF_STREAM)
            while generation == self._generation:
                msgs = await self._fetch(sub)
                if msgs is None:
                    break
                for msg in msgs:
                    yield msg
            # the old inbox only; a durable consumer stays (its position is the server's)
            await self._unsubscribe(sub)

    # ------------------------------------------------------------------ follow (district)

    async def _follow_loop(self, town: str) -> None:
        """Fold one town's events, strictly in stream order, from the position saved with the picture.

        The position is the replica's, not a durable consumer's: a consumer's unacked
        messages come back only after the ack wait, behind newer ones, and a fold must
        not see seq 3 before seq 2. So each (re)start makes a fresh consumer from the
        stream sequence after the last one folded and saved; before it, the stream is
        compared with that position (`_check_stream`), and while nothing comes the stream
        and the consumer are checked every FOLLOW_CHECK_S (`_follow_healthy`).
        """
        rep = self.replicas[town]
        sub = None
        generation = -1
        loop = asyncio.get_running_loop()
        unsaved, saved_at, checked_at = False, 0.0, loop.time()
        while True:
            if sub is None or generation != self._generation:
                if sub is not None:
                    self.counters["follow.resubscribes"] += 1
                    await self._unsubscribe(sub)
                    sub = None
                generation = self._generation
                await self._check_stream(town)
                sub = await self._pull(events_subject(town), None, EVENTS_STREAM, start=rep.stream_seq + 1)
                checked_at = loop.time()
            try:
                msgs = await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_S)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - nothing new (timeout), or the consumer is gone
                if unsaved:  # quiet now: save what was folded
                    await self._save_replica(town)
                    unsaved, saved_at = False, loop.time()
                if not _is_timeout(exc):
                    self.counters["follow.resubscribes"] += 1
                    await self._unsubscribe(sub)
                    sub = None
                    await asyncio.sleep(RETRY_S)
                elif loop.time() - checked_at >= FOLLOW_CHECK_S:
                    checked_at = loop.time()
                    if not await self._follow_healthy(town, sub):
                        await self._unsubscribe(sub)
                        sub = None
                continue
            self._fold(town, msgs)
            if msgs:  # the position is the replica's (see above): an ack only stops a redelivery
                await msgs[-1].ack()  # AckPolicy.ALL: the batch up to here
            unsaved = unsaved or bool(msgs)
            if unsaved and loop.time() - saved_at >= REPLICA_SAVE_S:
                await self._save_replica(town)
                unsaved, saved_at = False, loop.time()

    def _fold(self, town: str, msgs: list) -> None:
        """Fold fetched messages of one town into its replica and commit the district's copies."""
        rep = self.replicas[town]
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
                    log.warning("%s's hub started a new log (%s): its picture starts again", town, epoch)
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
                    log.warning("%s's events %d..%d are not in the stream (its log no longer holds them): "
                                "the district's picture of %s may miss them", town, rep.state.seq + 1, seq - 1, town)
                apply(rep.state, event)
                rep.state.seq = seq
                folded = True
                self.counters["follow.applied"] += 1
                if self.mirror and (copy := district.mirror(town, event.type, event.body)) is not None:
                    if self._already_mirrored(town, event.type, copy, event.ts):
                        self.counters["mirror.skipped"] += 1
                    else:
                        mirrored.append((event.type, copy))
                        mirrored_at.append(event.ts)
        if mirrored:  # the district's own events; the replica that covers them is saved after they commit
            self.core.emit(mirrored, at=mirrored_at)
            self.counters["mirror.events"] += len(mirrored)
        if msgs:  # the town's events flow again (a refold of what the replica has counts too)
            if self.follow_trouble.pop(town, None):
                log.info("following %s again at stream seq %d (its seq %d)", town, rep.stream_seq, rep.state.seq)
            if self.alarms is not None:
                self.alarms.heard[town] = time.monotonic()
        if folded:
            self.changed.set()
            self._log_picture()

    def _already_mirrored(self, town: str, type_: str, copy: m.Body, ts: float) -> bool:
        """Whether this copy is in the district's log already (committed after the last replica save).

        The copies committed after the save are the first ones the refold makes, in order; the
        district's log may hold other events on the town's incidents between them (older releases
        decided some there), which match no copy. So a copy found among those left is skipped and
        everything before it dropped; a copy not found means the mirror stopped before it: none
        of the rest is a copy.
        """
        left = self._skip.get(town)
        if not left:
            return False
        key = (type_, msgspec.json.encode(copy), ts)
        while left:
            if left.popleft() == key:
                return True
        return False

    async def _check_stream(self, town: str) -> None:
        """Compare the events stream with this town's saved position before reading it again.

        A stream made again (its identity changed: a NATS server that lost its data) or shorter
        than the position numbers from 1 again: the follower reads it from there. The town
        publishes its log again when it finds its events missing there (`_publish_loop`), and
        the refold skips what the replica already has (by the town's seq), so nothing is folded
        or mirrored twice.
        """
        rep = self.replicas[town]
        while True:
            try:
                await ensure_streams(self.js)
                info = await self.js.stream_info(EVENTS_STREAM)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - NATS away: the reconnect comes back here
                log.debug("stream info for %s not available: %s", town, exc)
                await asyncio.sleep(RETRY_S)
        identity = info.created.isoformat() if info.created else ""
        why = ""
        if rep.stream_id and identity and identity != rep.stream_id:
            why = f"the events stream is a new one (made {identity})"
        elif info.state.last_seq < rep.stream_seq:
            why = f"the events stream ends at {info.state.last_seq}, before this district's position {rep.stream_seq}"
        if why:
            self.counters["follow.resyncs"] += 1
            self.follow_trouble[town] = why
            log.warning("following %s: %s; reading it again from its start (the town publishes its log again)",
                        town, why)
            rep.stream_seq = 0
            if self.alarms is not None:
                self.alarms.latch(town)
        rep.stream_id = identity or rep.stream_id

    async def _follow_healthy(self, town: str, sub) -> bool:
        """An idle follower's check: same stream, position within it, consumer there, not stalled.

        False (with a warning) means subscribe again; `_check_stream` then decides where from.
        """
        rep = self.replicas[town]
        try:
            info = await self.js.stream_info(EVENTS_STREAM)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            if type(exc).__name__ != "NotFoundError":
                return True  # NATS away: the reconnect resubscribes
            info = None
        identity = info.created.isoformat() if info is not None and info.created else ""
        if info is None or (identity and rep.stream_id and identity != rep.stream_id) \
                or info.state.last_seq < rep.stream_seq:
            log.warning("following %s: the events stream is gone or was made again", town)
            self.follow_trouble[town] = "the events stream was lost"
            return False
        try:
            await sub.consumer_info()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            if type(exc).__name__ == "NotFoundError":
                log.warning("following %s: its consumer is gone; subscribing again", town)
                return False
            return True
        try:
            last = await self.js.get_last_msg(EVENTS_STREAM, events_subject(town))
        except Exception:  # noqa: BLE001 - nothing from that town yet
            return True
        behind = last.seq > rep.stream_seq
        if behind and self._behind.get(town) == rep.stream_seq:  # no progress for a whole check interval
            self.counters["follow.stalls"] += 1
            self.follow_trouble[town] = f"stalled at {rep.stream_seq} of {last.seq}"
            log.warning("following %s: stalled at stream seq %d while the stream holds %d; subscribing again",
                        town, rep.stream_seq, last.seq)
            if self.alarms is not None:
                self.alarms.latch(town)
            self._behind.pop(town, None)
            return False
        self._behind[town] = rep.stream_seq if behind else -1
        return True

    async def _save_replica(self, town: str) -> None:
        """Save one town's replica with its stream position and the district seq it covers.

        Every mirrored event of this town up to that seq is in the district's log (waited for
        here); one committed after a save is recognised at the next start (`_mirrored_since_saved`).
        """
        rep = self.replicas[town]
        seq = self.core.state.seq
        await self.core.wait_committed(seq)
        rep.district_seq = seq
        saved = msgspec.json.encode({"epoch": rep.epoch, "stream_seq": rep.stream_seq,
                                     "district_seq": rep.district_seq, "stream_id": rep.stream_id,
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
            real = [i for i in open_ if i.exercise is None]  # drills (演练) are counted apart
            out[town] = {"seq": rep.state.seq, "incidents": len(real),
                         "escalated": sum(1 for i in real if i.offered_to == self.center),
                         "drills": len(open_) - len(real)}
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
            except Exception as exc:  # noqa: BLE001 - NATS away at start, or a server without the streams
                log.debug("consumer %s on %s not ready: %s", durable, subject, exc)
                await asyncio.sleep(RETRY_S)
                try:
                    await ensure_streams(self.js)
                except Exception:  # noqa: BLE001 - still away
                    pass

    async def _fetch(self, sub) -> list | None:
        """What a pull brings ([] on a timeout: nothing new), or None when the consumer is gone."""
        try:
            return await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - timeout (nothing new) or NATS away: try again
            if _is_timeout(exc):
                return []
            self.counters["resubscribes"] += 1
            log.debug("pull from %s failed (%s: %s); subscribing again", sub, type(exc).__name__, exc)
            await asyncio.sleep(RETRY_S)
            return None

    def _mirrored_since_saved(self) -> dict[str, deque[tuple[str, bytes, float]]]:
        """Per town, the events on its incidents in the district's log after its saved replica's
        `district_seq`, oldest first, as (type, body bytes, ts).

        Copies among them were committed but the replica that covers them was not saved (the hub
        died in between): the follower refolds those town events and must not commit them again.
        Not every one is a copy (a district log may hold its own events on a town's incident), so
        the refold skips only a copy equal to the next one of these (`_already_mirrored`), never
        a count of them.
        """
        left: dict[str, deque[tuple[str, bytes, float]]] = {town: deque() for town in self.replicas}
        start = min((rep.district_seq for rep in self.replicas.values()), default=0)
        while True:
            rows = self.core.store.events_after(start, 2000)
            for seq, type_, _ts, data in rows:
                if type_ not in district.MIRRORED:
                    continue
                event = decode(data)
                town = district.town_of(type_, event.body)
                if town in left and seq > self.replicas[town].district_seq:
                    left[town].append((type_, msgspec.json.encode(event.body), event.ts))
            if len(rows) < 2000:
                return left
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


def _is_timeout(exc: BaseException) -> bool:
    """A pull that ran out of time with nothing new (nats-py raises its own TimeoutError for it)."""
    return isinstance(exc, TimeoutError) or type(exc).__name__ == "TimeoutError"


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
