"""A hub core that replays a recorded log instead of deciding commands (review mode).

The log port is read-only (the recording is the log); a player outside the hub
feeds recorded envelopes with `feed` and replaces the state on a seek with
`rewind`; `drill.control` commands go to that player. The hub knows no drill file.
"""

from __future__ import annotations

import asyncio
from typing import Callable

import msgspec

from console.domain.apply import apply
from console.domain.state import State, encode_state
from console.domain.commands import DRILL_CONTROL, PERMISSIONS
from console.hub.auth import Principal
from console.hub.core import Clock, HubCore
from console.hub.log import LogReader
from console.protocol import messages as m
from console.protocol.codec import Message, encode


class ReviewCore(HubCore):
    """A read-only HubCore whose events come from a recording; commands are refused, drill controls answered."""

    def __init__(self, log: LogReader, *, decode: Callable[[bytes], Message], clock: Clock, state: State, **kw):
        super().__init__(log, clock=clock, mode="review", read_only=True, state=state, **kw)
        self._decode = decode
        #: the replay's controls (play, pause, speed, seek): `async control(action, value) -> Result`
        self.player = None

    def feed(self, rows) -> None:
        """Apply recorded envelopes as they are and queue them for the committer and fan-out."""
        for seq, type_, ts, data in rows:
            msg = self._decode(data)
            apply(self.state, msg)
            self._batch.append((seq, type_, ts, data, self.scope_of(type_, msg.body)))
        if rows:
            self.counters["events"] += len(rows)
            self._batch_ready.set()

    async def rewind(self, state: State) -> None:
        """Replace the state (a seek) and send every live client a fresh snapshot of it."""
        await self.wait_committed(self.state.seq)  # nothing of the old timeline left in flight
        self.state = state
        async with self._committed:
            self.committed_seq = state.seq
        cache: dict[str | None, tuple[int, bytes]] = {}
        for ch in list(self.channels):
            if not ch.live or ch.dropped:
                continue
            if ch.center not in cache:
                scoped = self.scoped_state(ch.center)
                cache[ch.center] = (scoped.seq, encode("snapshot", m.Snapshot(
                    seq=scoped.seq, state=msgspec.Raw(encode_state(scoped)))))
            seq, data = cache[ch.center]
            ch.after = seq
            # Queued behind what the client was already sent of the old timeline: it applies
            # those, then replaces everything with this snapshot.
            ch.push(data)
            self.counters["snapshots"] += 1

    def submit(self, principal: Principal, command_id: str | None, type_: str, body: m.Body) -> asyncio.Future:
        """Answer at once: nothing is decided or logged in review."""
        return asyncio.ensure_future(self._answer(principal, type_, body))

    async def _answer(self, principal: Principal, type_: str, body: m.Body) -> m.Result:
        if type_ == DRILL_CONTROL:
            if type_ not in PERMISSIONS.get(principal.role, ()):
                self.counters["refused.forbidden"] += 1
                return m.Result(ok=False, code="forbidden",
                                message=f"role {principal.role} may not control the replay")
            if self.player is None:
                return m.Result(ok=False, code="not_review", message="no recording is loaded")
            return await self.player.control(body.action, body.value)
        self.counters["refused.review_only"] += 1
        return m.Result(ok=False, code="review_only",
                        message="this hub replays a recording: commands are off")
