"""A backlog applied in slices: the loop gets turns between events, and the result is the hub's state, in order.

A real hub on 127.0.0.1 and the console's real Session; the hub emits one large
burst (it reaches the console as a run of buffered batch frames).
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

import console.client.session as session_mod
from console.client.replica import Replica
from console.client.session import Session
from console.domain.model import Alert
from console.domain.state import state_hash
from console.protocol import messages as m
from tests.hub.harness import running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

BURST = 6_000


@contextlib.asynccontextmanager
async def live_session(url: str):
    """The console's real Session to `url` on its own Replica, live; closed after."""
    session = Session(url, "demo-commander", Replica())
    session.start()
    try:
        await until(session.live.is_set, "the session to go live")
        yield session
    finally:
        await session.close()


async def until(predicate, what: str, timeout: float = 30.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    try:
        await asyncio.wait_for(poll(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None


def burst(state, n: int) -> list[tuple[str, m.Body]]:
    """A mix of moves, status changes and alerts (each alert's incident is then moved on by later events)."""
    people = sorted(state.resources)
    grid = next(u for u in state.org.values() if u.level == "grid")
    events: list[tuple[str, m.Body]] = []
    for i in range(n):
        rid = people[i % len(people)]
        if i % 3 == 0:
            events.append(("resources_moved", m.ResourcesMoved(moves=[(rid, float(i % 500), float(i % 300))])))
        elif i % 3 == 1:
            events.append(("resource_status_changed", m.ResourceStatusChanged(
                resource=rid, status=("available", "busy", "off_duty")[i % 3])))
        else:
            alert = Alert(id=f"S{i:05d}", source="camera", kind="crowd_density", severity="critical" if i % 7 else "warning",
                          title=f"slice alert {i}", at=0.0, x=100.0, y=50.0, grid=grid.id,
                          town=state.town_of(grid.id))
            events.append(("alert_raised", m.AlertRaised(alert=alert, incident=f"I-S{i:05d}")))
    return events


@pytest.mark.parametrize("slice_s", [0.0, session_mod.SLICE_S], ids=["yield-after-every-event", "default-slice"])
async def test_a_burst_applied_in_slices_lets_the_loop_run_and_ends_in_the_hubs_state_in_order(
        tmp_db_url, monkeypatch, slice_s):
    monkeypatch.setattr(session_mod, "SLICE_S", slice_s)
    async with running_hub(tmp_db_url) as server, live_session(server.url) as session:
        replica = session.replica
        seqs: list[int] = []
        replica.on_applied.append(lambda msg: seqs.append(msg.seq))
        turns: list[int] = []

        async def another_task():  # what the GUI's timers and paints are to the real console
            while True:
                turns.append(len(seqs))
                await asyncio.sleep(0)

        other = asyncio.create_task(another_task())
        first = server.core.state.seq + 1
        server.core.emit(burst(server.core.state, BURST))
        await until(lambda: replica.state.seq == server.core.state.seq, "the console to apply the burst")
        other.cancel()
        assert seqs == list(range(first, first + BURST)), "every event applied once, in sequence order"
        assert state_hash(replica.state) == state_hash(server.core.state)
        if slice_s == 0.0:
            # the loop ran between events of the backlog, not only before and after it
            assert len({n for n in turns if 0 < n < BURST}) > BURST // 10


async def test_input_pending_sees_a_frame_in_the_socket_until_it_is_folded(tmp_db_url):
    """What the window's paints give way to: a hub frame arrived and not yet folded."""
    async with running_hub(tmp_db_url) as server, live_session(server.url) as session:
        replica = session.replica
        await until(lambda: not replica.input_pending(), "the resume's frames folded")
        transport = session._ws.transport
        transport.pause_reading()  # the frame stays in the socket, as while the GUI thread paints
        seqs = server.core.emit(burst(server.core.state, 3))
        await until(replica.input_pending, "the hub's frame to wait in the console's socket")
        assert replica.state.seq < seqs[-1], "not folded yet"
        transport.resume_reading()
        await until(lambda: replica.state.seq == seqs[-1], "the frame to be folded")
        await until(lambda: not replica.input_pending(), "nothing left pending")
