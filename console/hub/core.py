"""The hub's authoritative core: one domain state, the sequencer and the commit pipeline.

Commands are decided and applied synchronously on the loop (so two commanders
racing for one person cannot both win), then their events are written to the
log in batches by one committer task, and only then fanned out and answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import msgspec

from console.domain.apply import apply
from console.domain.model import Incident
from console.domain.rules import Actor, CommandRefused, can_see, decide
from console.domain.state import State, decode_state, encode_state
from console.hub.auth import Principal
from console.hub.channel import Channel
from console.protocol import messages as m
from console.protocol.codec import Message, decode, encode
from console.store import Store

log = logging.getLogger(__name__)

#: a client further behind than this many events gets a snapshot instead of the tail
DEFAULT_RESUME_WINDOW = 50_000
#: a snapshot is saved to the store every this many events (fast restart)
SNAPSHOT_EVERY = 20_000

EventListener = Callable[[str, m.Body, float, State], None]
#: (incident id or None, a center the event names or None)
Scope = tuple[str | None, str | None]


class Clock:
    """Hub time: real time, or scenario time running `rate` times faster from `start`."""

    def __init__(self, start: float | None = None, rate: float = 1.0):
        self.rate = rate
        self.start = time.time() if start is None else start
        self._t0 = time.monotonic()
        self.paused = False

    def now(self) -> float:
        return self.start + (time.monotonic() - self._t0) * self.rate

    def set_rate(self, rate: float) -> None:
        """Change speed without a jump in hub time."""
        self.start, self._t0, self.rate = self.now(), time.monotonic(), rate


class HubCore:
    """State, sequencing, log, fan-out, idempotent commands and audit."""

    def __init__(self, store: Store, *, clock: Clock | None = None, mode: str = "live",
                 resume_window: int = DEFAULT_RESUME_WINDOW):
        self.store = store
        self.clock = clock or Clock()
        self.mode = mode
        self.resume_window = resume_window
        self.state = State()
        self.channels: set[Channel] = set()
        self.counters: Counter[str] = Counter()
        self.listeners: list[EventListener] = []
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-db")
        self._batch: list[tuple[int, str, float, bytes, Scope]] = []
        self._batch_ready = asyncio.Event()
        self._committed = asyncio.Condition()
        self.committed_seq = 0
        self._results: dict[str, m.Result] = {}
        self._inflight: dict[str, asyncio.Future] = {}
        self._committer: asyncio.Task | None = None
        self._last_snapshot = 0

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Recover state from the store (snapshot + tail), then start committing."""
        await self._recover()
        self._committer = asyncio.create_task(self._commit_loop(), name="hub-committer")

    async def _recover(self) -> None:
        loop = asyncio.get_running_loop()
        snap = await loop.run_in_executor(self._db, self.store.latest_snapshot, None)
        if snap is not None:
            self.state = decode_state(snap[1])
            self._last_snapshot = snap[0]
        after = self.state.seq
        while True:
            rows = await loop.run_in_executor(self._db, self.store.events_after, after, 5000)
            if not rows:
                break
            for seq, _type, _ts, data in rows:
                apply(self.state, decode(data))
                after = seq
        self.committed_seq = self.state.seq
        if self.committed_seq:
            log.info("recovered state at seq %d", self.committed_seq)

    async def close(self) -> None:
        """Flush what is pending and stop; safe to call twice."""
        if self._committer is not None:
            while self._batch:
                self._batch_ready.set()
                await asyncio.sleep(0.01)
            self._committer.cancel()
            try:
                await self._committer
            except asyncio.CancelledError:
                pass
            self._committer = None
        for ch in list(self.channels):
            await ch.stop()
        self._db.shutdown(wait=True)

    # ------------------------------------------------------------------ events

    def emit(self, events: list[tuple[str, m.Body]]) -> list[int]:
        """Sequence, encode and apply events now; they are logged and sent by the committer."""
        seqs = []
        now = self.clock.now()
        for type_, body in events:
            seq = self.state.seq + 1
            data = encode(type_, body, seq=seq, ts=now)
            scope = self._scope_incident(type_, body)
            apply(self.state, Message(type_, body, seq, now))
            self._batch.append((seq, type_, now, data, scope))
            seqs.append(seq)
            for listener in self.listeners:
                try:
                    listener(type_, body, now, self.state)
                except Exception:
                    log.exception("event listener failed on %s", type_)
        self.counters["events"] += len(events)
        if events:
            self._batch_ready.set()
        return seqs

    def _scope_incident(self, type_: str, body: m.Body) -> Scope:
        """The incident an event concerns and the centers it names (for center scoping).

        A hand-off names its centers explicitly: a town that declines an offer no
        longer sees the incident afterwards, but must still see its own answer.
        """
        incident = getattr(body, "incident", None)
        if incident is None and type_.startswith("task_") and type_ != "task_dispatched":
            task = self.state.tasks.get(getattr(body, "task", ""))
            incident = task.incident if task else None
        named = getattr(body, "to_center", None) or getattr(body, "center", None)
        return incident, named

    def visible(self, center: str | None, scope: Scope) -> bool:
        """Whether an event goes to a center's consoles (None: every center)."""
        incident_id, named = scope
        if center is None or incident_id is None or center == named:
            return True
        inc = self.state.incidents.get(incident_id)
        return inc is None or can_see(self.state, center, inc)

    async def _commit_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._batch_ready.wait()
            self._batch_ready.clear()
            batch, self._batch = self._batch, []
            if not batch:
                continue
            rows = [(seq, t, ts, data) for seq, t, ts, data, _ in batch]
            while True:
                try:
                    await loop.run_in_executor(self._db, self.store.append_events, rows)
                    break
                except Exception as exc:  # full disk, locked file: keep the events and retry
                    self.counters["store_errors"] += 1
                    log.error("event log write failed (%s); retrying in 1 s", exc)
                    await asyncio.sleep(1.0)
            for seq, _t, _ts, data, scope in batch:
                for ch in list(self.channels):
                    if ch.live and seq > ch.after and self.visible(ch.center, scope):
                        ch.push(data)
            async with self._committed:
                self.committed_seq = batch[-1][0]
                self._committed.notify_all()
            if self.committed_seq - self._last_snapshot >= SNAPSHOT_EVERY:
                self._last_snapshot = self.committed_seq
                snap = encode_state(self.state)
                loop.run_in_executor(self._db, self.store.save_snapshot, self.state.seq, snap)

    async def wait_committed(self, seq: int) -> None:
        async with self._committed:
            await self._committed.wait_for(lambda: self.committed_seq >= seq)

    # ------------------------------------------------------------------ commands

    async def command(self, principal: Principal, command_id: str | None, type_: str,
                      body: m.Body) -> m.Result:
        """Apply one command once: a retried id gets the first result and no second effect."""
        if command_id:
            if command_id in self._results:
                self.counters["retries"] += 1
                return self._results[command_id]
            if command_id in self._inflight:
                self.counters["retries"] += 1
                return await asyncio.shield(self._inflight[command_id])
            stored = await asyncio.get_running_loop().run_in_executor(
                self._db, self.store.command_result, command_id)
            if stored is not None:
                self.counters["retries"] += 1
                return msgspec.json.decode(stored, type=m.Result)
            fut = self._inflight[command_id] = asyncio.get_running_loop().create_future()
        try:
            result = await self._run(principal, type_, body)
        except Exception as exc:  # a bug must not end the session: answer and log
            log.exception("command %s failed", type_)
            result = m.Result(ok=False, code="internal", message=str(exc)[:200])
        if command_id:
            self._results[command_id] = result
            self._inflight.pop(command_id).set_result(result)
            data = msgspec.json.encode(result)
            asyncio.get_running_loop().run_in_executor(
                self._db, self.store.save_command_result, command_id, principal.name, data)
        return result

    async def _run(self, principal: Principal, type_: str, body: m.Body) -> m.Result:
        actor = Actor(principal.name, principal.role, principal.center)
        try:
            events = decide(self.state, type_, body, actor, self.clock.now())
        except CommandRefused as exc:
            self.counters[f"refused.{exc.code}"] += 1
            if exc.code in ("forbidden", "out_of_scope", "conflict"):
                self._audit(principal, type_, f"refused:{exc.code}", {"message": exc.message})
            return m.Result(ok=False, code=exc.code, message=exc.message, holder=exc.holder)
        seqs = self.emit(events)
        if type_.startswith("cmd.") and principal.role in ("commander", "operator"):
            self._audit(principal, type_, "ok", {"body": msgspec.to_builtins(body), "seqs": seqs})
        if seqs:
            await self.wait_committed(seqs[-1])
        return m.Result(ok=True, seqs=seqs)

    def inject(self, principal: Principal, type_: str, body: m.Body) -> list[int]:
        """Run a command from an in-process source (scenario, simulator) without waiting.

        Same rules as a client's command; a refusal is counted and logged, not raised.
        """
        actor = Actor(principal.name, principal.role, principal.center)
        try:
            events = decide(self.state, type_, body, actor, self.clock.now())
        except CommandRefused as exc:
            self.counters[f"source_refused.{exc.code}"] += 1
            log.debug("source command %s refused: %s", type_, exc.message)
            return []
        return self.emit(events)

    def _audit(self, principal: Principal, action: str, outcome: str, detail: dict) -> None:
        asyncio.get_running_loop().run_in_executor(
            self._db, self.store.audit, principal.name, principal.role, action, outcome, detail)

    # ------------------------------------------------------------------ snapshots

    def scoped_state(self, center: str | None) -> State:
        """The state a center sees: everything for the district, its own incidents for a town."""
        if center is None or center == self.state.district():
            return self.state
        s = self.state
        incidents: dict[str, Incident] = {i: inc for i, inc in s.incidents.items() if can_see(s, center, inc)}
        alerts = {inc.alert: s.alerts[inc.alert] for inc in incidents.values() if inc.alert in s.alerts}
        tasks = {t: task for t, task in s.tasks.items() if task.incident in incidents}
        return msgspec.structs.replace(s, incidents=incidents, alerts=alerts, tasks=tasks)
