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
from dataclasses import dataclass
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import msgspec

from console.domain.apply import apply
from console.domain.archive import ARCHIVE_ABOVE, archivable
from console.domain.casesearch import CaseQuery, CasesFound, hit_of, merge_hits, search_state
from console.domain.commands import decide
from console.domain.rules import Actor, CommandRefused
from console.domain.state import State, decode_state, encode_state
from console.hub.auth import Principal
from console.hub import views
from console.hub.channel import Channel
from console.hub.log import EventRow, HubLog, LogReader
from console.protocol import messages as m
from console.protocol.codec import Message, decode, encode
from console.store.audit import AuditCheckpoints

log = logging.getLogger(__name__)

#: a client further behind than this many events gets a snapshot instead of the tail
DEFAULT_RESUME_WINDOW = 50_000
#: after a scan, the next one waits until this many more incidents exist
ARCHIVE_SCAN_STEP = 100
#: a snapshot is saved to the store every this many events (fast restart)
SNAPSHOT_EVERY = 20_000
#: results kept in memory for quick retries (older ones are read back from the store)
RESULTS_IN_MEMORY = 10_000
#: stored results are pruned to their bounds (store/commands.py) every this many results
PRUNE_RESULTS_EVERY = 1_000
#: a failed log write is retried after this long (full disk, locked file)
STORE_RETRY_S = 0.5
#: the audit chain head is checkpointed at most this often (and when the hub stops)
CHECKPOINT_EVERY_S = 1.0
#: what every client is told while the log cannot be written
STORAGE_FULL_TEXT = "storage full, commands refused"

EventListener = Callable[[str, m.Body, float, State], None]
#: (seq, type, ts, envelope bytes, state after it): sees exactly what is logged and sent (drill recording)
EnvelopeTap = Callable[[int, str, float, bytes, State], None]
#: called with the rows of each batch once they are logged (federation publishes them): never blocks
CommitListener = Callable[[list[EventRow]], None]
#: what was sent of an event that a view (console/hub/views.py) must not hold as it is
_MISSING = object()


@dataclass(slots=True)
class _Pending:
    """A command's answer, given once its events (if any) are logged and sent."""

    seq: int
    command_id: str | None
    actor: str
    result: m.Result
    future: asyncio.Future
    #: audit entries written in the same transaction as the command's events and result
    audit: list = ()


def _done(loop: asyncio.AbstractEventLoop, result: m.Result) -> asyncio.Future:
    fut = loop.create_future()
    fut.set_result(result)
    return fut


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

    def set_time(self, t: float) -> None:
        """Jump to hub time t (a drill review seeking), keeping the rate."""
        self.start, self._t0 = t, time.monotonic()


class HubCore:
    """State, sequencing, log, fan-out, idempotent commands and audit.

    `store` is the log port (console/hub/log.py). With `read_only` the core serves
    a log it does not write (a recording): it starts from the `state` it is given
    instead of recovering, makes no events of its own (no archiving, no source
    commands), keeps no snapshots, and writes nothing; its events are fed in from
    the log it serves (`ReviewCore.feed`, console/hub/replay.py).
    """

    def __init__(self, store: HubLog | LogReader, *, clock: Clock | None = None, mode: str = "live",
                 resume_window: int = DEFAULT_RESUME_WINDOW, checkpoints: AuditCheckpoints | None = None,
                 read_only: bool = False, state: State | None = None):
        self.store = store
        self.clock = clock or Clock()
        self.mode = mode
        self.resume_window = resume_window
        self.read_only = read_only
        self.state = state or State()
        #: the log's epoch (console/hub/log.py), read at start, sent in `hello`
        self.epoch = ""
        #: a snapshot is saved every this many committed events (0: never)
        self.snapshot_every = 0 if read_only else SNAPSHOT_EVERY
        self.channels: set[Channel] = set()
        self.counters: Counter[str] = Counter()
        self.listeners: list[EventListener] = []
        self.taps: list[EnvelopeTap] = []
        #: told of every batch after its transaction committed (console/hub/federation.py)
        self.commit_listeners: list[CommitListener] = []
        #: asked first about every command: a future answers it elsewhere (a district hub sends a
        #: hand-off on a town's incident to that town's hub, console/hub/federation.py); None: here
        self.forwarders: list[Callable[[Principal, str | None, str, m.Body], asyncio.Future | None]] = []
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-db")
        #: (seq, type, ts, envelope, scope, what each restricted view gets of it: bytes or None)
        self._batch: list[tuple[int, str, float, bytes, views.Scope, dict]] = []
        #: each connected principal's view (console/hub/views.py)
        self._views: dict[Principal, views.View] = {}
        #: the cameras' credentials (console/site/credentials.py), sent only to VIDEO_ROLES, never logged
        self.camera_credentials: dict = {}
        #: the hub's camera and source alarms (console/hub/health.py), given `heartbeat`s; None: not watched
        self.health = None
        self._batch_ready = asyncio.Event()
        self._committed = asyncio.Condition()
        self.committed_seq = 0
        #: command results and those still being decided, by (sender name, command id)
        self._results: dict[tuple[str, str], m.Result] = {}
        self._inflight: dict[tuple[str, str], asyncio.Future] = {}
        self._results_since_prune = 0
        self._answers: list[_Pending] = []
        #: scan for finished incidents to archive once the state holds this many incidents
        self._archive_scan_at = ARCHIVE_ABOVE
        self._stored_ids: set[tuple[str, str]] = set()
        self._committer: asyncio.Task | None = None
        #: the committer holds a batch it took (writing, sending, answering): close() must wait for it
        self._committing = False
        self._last_snapshot = 0
        #: None while the log is writable; else the refusal code (`storage_full`, `storage_error`)
        self.storage_fault: str | None = None
        self.storage_reason = ""
        #: signed checkpoints of the audit chain head (None: no key given)
        self.checkpoints = checkpoints
        self._audit_head: tuple[int, str] | None = None
        self._checkpointed: tuple[int, str] | None = None
        self._checkpoint_at = 0.0

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Recover state from the store (snapshot + tail), then start committing."""
        self.epoch = await self._blocking(self.store.log_epoch)
        if self.read_only:
            self.committed_seq = self.state.seq
        else:
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
        self._stored_ids = await loop.run_in_executor(self._db, self.store.command_ids)
        if self.committed_seq:
            log.info("recovered state at seq %d", self.committed_seq)

    async def _blocking(self, fn, *args):
        """Run a store call on the core's store thread: the loop never waits on the disk."""
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def first_seq(self) -> int:
        """The first seq the log still holds (0 when empty)."""
        return await self._blocking(self.store.first_seq)

    async def events_after(self, seq: int, limit: int) -> list[EventRow]:
        """Logged events after `seq`, ascending, at most `limit` (a resume's tail)."""
        return await self._blocking(self.store.events_after, seq, limit)

    async def close(self, flush_timeout: float = 10.0) -> None:
        """Flush what is pending and stop; safe to call twice.

        While the log cannot be written the flush gives up after `flush_timeout`
        seconds: those events were never answered or sent, so nothing a client
        saw is lost.
        """
        if self._committer is not None:
            deadline = time.monotonic() + flush_timeout
            while self._batch or self._answers or self._committing:
                if self.storage_fault and time.monotonic() > deadline:
                    log.error("stopping with %d events not logged: %s", len(self._batch), self.storage_reason)
                    break
                self._batch_ready.set()
                await asyncio.sleep(0.01)
            self._committer.cancel()
            try:
                await self._committer
            except asyncio.CancelledError:
                pass
            self._committer = None
            await self._checkpoint()
        for ch in list(self.channels):
            await ch.stop()
        self._db.shutdown(wait=True)

    # ------------------------------------------------------------------ events

    def emit(self, events: list[tuple[str, m.Body]], at: list[float] | None = None) -> list[int]:
        """Sequence, encode and apply events now; they are logged and sent by the committer.

        `at`: each event's own time (a district's copy of a town's event keeps the town's); default now.
        """
        seqs = []
        clock_now = self.clock.now()
        restricted = self.restricted_views()
        for n, (type_, body) in enumerate(events):
            now = clock_now if at is None else at[n]
            seq = self.state.seq + 1
            data = encode(type_, body, seq=seq, ts=now)
            self.sequence(restricted, Message(type_, body, seq, now), data)
            seqs.append(seq)
            for tap in self.taps:
                tap(seq, type_, now, data, self.state)
            for listener in self.listeners:
                try:
                    listener(type_, body, now, self.state)
                except Exception:
                    log.exception("event listener failed on %s", type_)
        self.counters["events"] += len(events)
        if events:
            self._batch_ready.set()
        return seqs

    # ------------------------------------------------------------------ views

    def view_for(self, principal: Principal) -> views.View:
        """The view (console/hub/views.py) of a principal."""
        view = self._views.get(principal)
        if view is None:
            view = self._views[principal] = views.view_of(principal)
        return view

    def restricted_views(self) -> set[views.View]:
        """The views of connected clients that are not the whole state."""
        return {v for ch in self.channels if not (v := self.view_for(ch.principal)).full(self.state)}

    def view_state(self, principal: Principal) -> State:
        """What a principal's snapshot holds (the whole state for the district)."""
        return views.view_state(self.state, self.view_for(principal))

    def sequence(self, restricted: set[views.View], msg: Message, data: bytes) -> None:
        """Apply one sequenced event and queue it, with what each restricted view gets of it."""
        type_, body = msg.type, msg.body
        scope = views.scope_of(self.state, type_, body)
        held = {v: views.before(self.state, v, type_, body, scope) for v in restricted} if restricted else {}
        changes = apply(self.state, msg)
        outs: dict[views.View, bytes | None] = {}
        for v in restricted:
            out = views.view_event(self.state, v, type_, body, changes, scope, held.get(v))
            if out is None:
                outs[v] = None
            elif out[0] == type_ and out[1] is body:
                outs[v] = data
            else:
                outs[v] = encode(out[0], out[1], seq=msg.seq, ts=msg.ts)
        self._batch.append((msg.seq, type_, msg.ts, data, scope, outs))

    async def tail_servable(self, view: views.View, last_seq: int, head: int) -> bool:
        """Whether a center's view can resume from the log's tail after `last_seq` (else a snapshot)."""
        if view.full(self.state):
            return True
        after = last_seq
        while after < head:
            rows = [row for row in await self.events_after(after, 2000) if row[0] <= head]
            if not rows:
                return True
            after = rows[-1][0]
            for _seq, type_, _ts, data in rows:
                if not views.tail_safe(self.state, view, type_, decode(data).body):
                    return False
        return True

    def tail_event(self, view: views.View, type_: str, body: m.Body) -> bool:
        """Whether a center's view gets a logged event as it is on a resume (its tail)."""
        return views.visible(self.state, view.center, views.scope_of(self.state, type_, body))

    def _fan_out(self, batch) -> None:
        # Channel by channel, the whole batch at once (one queue extend and one wake per client,
        # not one per event and client); each client still gets its events in seq order.
        for ch in list(self.channels):
            if not ch.live or ch.dropped:
                continue
            after, view = ch.after, self.view_for(ch.principal)
            if view.full(self.state):
                datas = [row[3] for row in batch if row[0] > after]
            else:
                datas = []
                for seq, _t, _ts, data, scope, outs in batch:
                    if seq <= after:
                        continue
                    out = outs.get(view, _MISSING)
                    if out is _MISSING:  # a client newer than the event: a center's rule, as on a resume
                        out = data if view.kind == views.CENTER and views.visible(self.state, view.center, scope) \
                            else None
                    if out is not None:
                        datas.append(out)
            if datas:
                ch.push_many(datas)

    async def _commit_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if self._checkpoint_due():
                try:
                    await asyncio.wait_for(self._batch_ready.wait(), CHECKPOINT_EVERY_S)
                except TimeoutError:
                    await self._checkpoint()
                    continue
            else:
                await self._batch_ready.wait()
            self._batch_ready.clear()
            batch, self._batch = self._batch, []
            answers, self._answers = self._answers, []
            if not batch and not answers:
                continue
            self._committing = True
            try:
                await self._commit_batch(loop, batch, answers)
            finally:
                self._committing = False

    async def _commit_batch(self, loop, batch, answers) -> None:
        """Log one batch with its answers, then send the events, then answer (in that order)."""
        rows = [(seq, t, ts, data) for seq, t, ts, data, *_ in batch]
        results = [(a.command_id, a.actor, msgspec.json.encode(a.result)) for a in answers if a.command_id]
        audit = [(a.command_id, row) for a in answers for row in a.audit]
        # The state is exactly "after the last event of this batch" only now, before any
        # await lets more events in: a snapshot taken later could run ahead of the log.
        snapshot = None
        if (self.snapshot_every and batch and batch[-1][0] - self._last_snapshot >= self.snapshot_every
                and self.state.seq == batch[-1][0]):
            snapshot = (self.state.seq, encode_state(self.state))
        head = None
        while not self.read_only:  # a read-only core serves events already in its log
            try:
                head = await loop.run_in_executor(self._db, self.store.commit, rows, results, audit, snapshot)
                break
            except Exception as exc:  # full disk, locked file: keep everything, refuse new commands, retry
                self.counters["store_errors"] += 1
                self._storage_failed(exc)
                await asyncio.sleep(STORE_RETRY_S)
        if self.storage_fault:
            self._storage_restored()
        if snapshot is not None:
            self._last_snapshot = snapshot[0]
        if head is not None:
            self._audit_head = head
        self._fan_out(batch)
        if batch:
            async with self._committed:
                self.committed_seq = batch[-1][0]
                self._committed.notify_all()
            for listener in self.commit_listeners:
                try:
                    listener(rows)
                except Exception:
                    log.exception("commit listener failed")
        for a in answers:  # after the events went out: a client sees effects before the answer
            if a.command_id:
                self._remember((a.actor, a.command_id), a.result)
            if not a.future.done():
                a.future.set_result(a.result)
        if not self.read_only and self._results_since_prune >= PRUNE_RESULTS_EVERY:
            self._results_since_prune = 0
            pruned = loop.run_in_executor(self._db, self.store.prune_command_results)
            pruned.add_done_callback(self._forget_pruned)  # runs on the loop, not the store's thread
        if not self.read_only and len(self.state.incidents) >= self._archive_scan_at:
            self._archive()
        if self._checkpoint_due() and time.monotonic() - self._checkpoint_at >= CHECKPOINT_EVERY_S:
            await self._checkpoint()

    # ------------------------------------------------------------------ storage faults

    def _storage_failed(self, exc: Exception) -> None:
        """The log cannot be written: refuse commands and tell every client (once per fault)."""
        text = str(exc)
        code = "storage_full" if "full" in text.lower() or "no space" in text.lower() else "storage_error"
        if self.storage_fault == code:
            return
        self.storage_fault = code
        self.storage_reason = (STORAGE_FULL_TEXT if code == "storage_full"
                               else "storage cannot be written, commands refused") + f" ({text[:200]})"
        log.error("event log write failed (%s); commands refused, retrying every %.1f s", text, STORE_RETRY_S)
        self._tell_everyone(encode("error", m.Error(code=code, reason=self.storage_reason)))

    def _storage_restored(self) -> None:
        log.warning("event log writable again after %s", self.storage_fault)
        self.storage_fault = None
        self.storage_reason = ""
        self._tell_everyone(encode("error", m.Error(
            code="storage_restored", reason="storage writable again, commands accepted")))

    def storage_notice(self) -> bytes | None:
        """The `error` a newly connected client gets while the log cannot be written, else None."""
        if self.storage_fault is None:
            return None
        return encode("error", m.Error(code=self.storage_fault, reason=self.storage_reason))

    def _tell_everyone(self, data: bytes) -> None:
        for ch in list(self.channels):
            if ch.backlog_done.is_set():
                ch.push(data)

    def _refused_for_storage(self) -> m.Result:
        self.counters[f"refused.{self.storage_fault}"] += 1
        return m.Result(ok=False, code=self.storage_fault or "storage_error", message=self.storage_reason)

    async def wait_settled(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) until every event of the state is logged; False on timeout."""
        try:
            await asyncio.wait_for(self.wait_committed(self.state.seq), timeout)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ audit checkpoints

    def _checkpoint_due(self) -> bool:
        return (self.checkpoints is not None and self._audit_head is not None
                and self._audit_head != self._checkpointed)

    async def _checkpoint(self) -> None:
        """Sign the audit chain head into the checkpoint file (only heads that are committed)."""
        if not self._checkpoint_due():
            return
        head = self._audit_head
        self._checkpoint_at = time.monotonic()
        try:
            cp = await asyncio.get_running_loop().run_in_executor(self._db, self.checkpoints.write, *head)
        except Exception as exc:  # a full disk here too: counted, logged, retried with the next head
            self.counters["checkpoint_errors"] += 1
            log.error("audit checkpoint not written (%s); retrying", exc)
            return
        self._checkpointed = head
        if cp is not None:
            self.counters["checkpoints"] += 1
            log.info("audit checkpoint %d: entry %d hash %s mac %s", cp.n, cp.entry, cp.hash, cp.mac)

    def _remember(self, key: tuple[str, str], result: m.Result) -> None:
        """Keep a committed result for retries: in memory (bounded) and as stored."""
        self._inflight.pop(key, None)
        self._results[key] = result
        self._stored_ids.add(key)
        self._results_since_prune += 1
        while len(self._results) > RESULTS_IN_MEMORY:
            del self._results[next(iter(self._results))]

    def _forget_pruned(self, pruned: asyncio.Future) -> None:
        """Forget the keys of results the store dropped past their bounds (store/commands.py)."""
        if pruned.cancelled() or pruned.exception() is not None:
            log.error("pruning command results failed: %s", None if pruned.cancelled() else pruned.exception())
            return
        gone = pruned.result()
        self._stored_ids.difference_update(gone)
        for key in gone:
            self._results.pop(key, None)

    def _archive(self) -> None:
        """Archive the oldest finished incidents (an event like any other: logged, sent, replayed).

        Their searchable rows go to the store first (the same single store thread, so before the
        event's own batch): a search of past cases finds them once they left the state.
        """
        # an id with "/" is a town's incident in a district's picture: the town's log archives it
        chunks = [kept for ids in archivable(self.state) if (kept := [i for i in ids if "/" not in i])]
        keep = getattr(self.store, "keep_archived", None)
        if chunks and keep is not None:
            hits = [hit_of(self.state, self.state.incidents[i]) for ids in chunks for i in ids]
            self._db.submit(keep, hits).add_done_callback(self._archive_kept)
        if chunks:
            self.emit([("incidents_archived", m.IncidentsArchived(incidents=ids)) for ids in chunks])
            self.counters["archived"] += sum(map(len, chunks))
        self._archive_scan_at = len(self.state.incidents) + ARCHIVE_SCAN_STEP

    def _archive_kept(self, done) -> None:
        if done.exception() is not None:  # the rows are rebuilt on no path: say so loudly
            self.counters["archive_errors"] += 1
            log.error("archived incidents not indexed for search: %s", done.exception())

    async def search_cases(self, query: CaseQuery, center: str | None) -> CasesFound:
        """Past cases a center sees: the live state's (on the loop) and the archive's (on the store thread)."""
        live = search_state(self.state, query, center)
        archived: list = []
        search = getattr(self.store, "search_archive", None)
        if search is not None:
            towns = None if center is None or center == self.state.district() else {center}
            archived = await self._blocking(search, query, towns)
        hits = merge_hits(live, archived, query.limit)
        return CasesFound(hits=hits, archived=sum(h.archived for h in hits))

    async def wait_committed(self, seq: int) -> None:
        async with self._committed:
            await self._committed.wait_for(lambda: self.committed_seq >= seq)

    # ------------------------------------------------------------------ commands

    async def command(self, principal: Principal, command_id: str | None, type_: str,
                      body: m.Body) -> m.Result:
        """Apply one command once: a retried id gets the first result and no second effect."""
        return await self.submit(principal, command_id, type_, body)

    def submit(self, principal: Principal, command_id: str | None, type_: str,
               body: m.Body) -> asyncio.Future:
        """Decide and apply a command now; the future gets its result once it is logged.

        Synchronous up to the future, so a client's next command is decided
        without waiting for this one's disk write, and two commanders racing
        for one person are decided strictly one after the other.
        """
        loop = asyncio.get_running_loop()
        for forward in self.forwarders:
            elsewhere = forward(principal, command_id, type_, body)
            if elsewhere is not None:
                return elsewhere
        # ids are the sender's own: another principal's same id is another command
        key = (principal.name, command_id) if command_id else None
        if key is not None:
            known = self._results.get(key) or self._inflight.get(key)
            if known is not None:
                self.counters["retries"] += 1
                return known if isinstance(known, asyncio.Future) else _done(loop, known)
            if key in self._stored_ids:
                self.counters["retries"] += 1
                return asyncio.ensure_future(self._stored_result(key))
        if self.storage_fault:
            # Not decided and not remembered: the same id may be sent again once space returns.
            return _done(loop, self._refused_for_storage())
        fut = loop.create_future()
        if key is not None:
            self._inflight[key] = fut
        audit: list = []
        try:
            result, seqs = self._run(principal, type_, body, audit, command_id)
        except Exception as exc:  # a bug must not end the session: answer and log
            log.exception("command %s failed", type_)
            result, seqs = m.Result(ok=False, code="internal", message=str(exc)[:200]), []
        pending = _Pending(seqs[-1] if seqs else self.state.seq, command_id, principal.name, result, fut, audit)
        self._answers.append(pending)
        self._batch_ready.set()
        return fut

    async def _stored_result(self, key: tuple[str, str]) -> m.Result:
        stored = await asyncio.get_running_loop().run_in_executor(
            self._db, self.store.command_result, *key)
        if stored is None:  # pruned meanwhile: past its retention, see store/commands.py
            return m.Result(ok=False, code="expired", message="this command id is too old to be retried")
        return msgspec.json.decode(stored, type=m.Result)

    def _run(self, principal: Principal, type_: str, body: m.Body, audit: list,
             command_id: str | None = None) -> tuple[m.Result, list[int]]:
        """Decide and apply; audit entries for the command are added to `audit` (logged with it)."""
        if type_ == "drill.control":
            return m.Result(ok=False, code="not_review", message="this hub is not replaying a recording"), []
        actor = Actor(principal.name, principal.role, principal.center, resource=principal.resource)
        try:
            events = decide(self.state, type_, body, actor, self.clock.now())
        except CommandRefused as exc:
            self.counters[f"refused.{exc.code}"] += 1
            if exc.code in ("forbidden", "out_of_scope", "conflict"):
                audit.append(self._audit(principal, type_, f"refused:{exc.code}",
                                         {"command": command_id, "message": exc.message}))
            return m.Result(ok=False, code=exc.code, message=exc.message, holder=exc.holder,
                            reason=exc.reason, subject=exc.subject), []
        seqs = self.emit(events)
        if type_.startswith("cmd.") and principal.role in ("commander", "operator"):
            audit.append(self._audit(principal, type_, "ok",
                                     {"command": command_id, "body": msgspec.to_builtins(body), "seqs": seqs}))
        return m.Result(ok=True, seqs=seqs), seqs

    def inject(self, principal: Principal, type_: str, body: m.Body) -> list[int]:
        """Run a command from an in-process source (scenario, simulator) without waiting.

        Same rules as a client's command; a refusal is counted and logged, not raised.
        A read-only core makes no events of its own: every source command is refused.
        """
        if self.read_only:
            self.counters["source_refused.read_only"] += 1
            return []
        if self.storage_fault:
            self.counters[f"source_refused.{self.storage_fault}"] += 1
            return []
        actor = Actor(principal.name, principal.role, principal.center, resource=principal.resource)
        try:
            events = decide(self.state, type_, body, actor, self.clock.now())
        except CommandRefused as exc:
            self.counters[f"source_refused.{exc.code}"] += 1
            log.debug("source command %s refused: %s", type_, exc.message)
            return []
        return self.emit(events)

    def record_audit(self, principal: Principal, action: str, outcome: str, detail: dict) -> asyncio.Future:
        """Put an entry in the audit trail outside a command (enrolment, revocation, an export).

        Written by the committer in its next transaction; the future is done once it is.
        """
        fut = asyncio.get_running_loop().create_future()
        if self.read_only:
            fut.set_result(None)
            return fut
        self._answers.append(_Pending(self.state.seq, None, principal.name, m.Result(ok=True), fut,
                                      [self._audit(principal, action, outcome, detail)]))
        self._batch_ready.set()
        return fut

    @staticmethod
    def _audit(principal: Principal, action: str, outcome: str, detail: dict) -> tuple:
        """One audit row; the committer writes it in the transaction of the command's events."""
        return (principal.name, principal.role, action, outcome, detail)
