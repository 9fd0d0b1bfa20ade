"""Review: a hub serving a recording to a real console session over 127.0.0.1."""

import asyncio

import pytest

from console.client.replica import Replica
from console.domain.state import state_hash
from console.recording.drill_file import DrillReader
from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.session import Session
from console.protocol import messages as m
from tests.hub.harness import Client

pytestmark = pytest.mark.integration


async def _until(predicate, timeout: float = 20.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


async def _console(url: str, token: str = "demo-commander") -> tuple[Session, Replica]:
    replica = Replica()
    session = Session(url, token, replica)
    session.start()
    await asyncio.wait_for(session.live.wait(), 10)
    return session, replica


async def _caught_up(hub, replica) -> None:
    await hub.core.wait_committed(hub.core.state.seq)
    await _until(lambda: replica.state.seq == hub.core.state.seq and replica.drill is not None)


async def test_a_live_exercise_recorded_and_replayed_ends_in_the_same_console_state(tmp_path):
    drill = tmp_path / "live.drill"
    hub = await start_hub(HubConfig(port=0, scenario="fire_hazard", start="09:00", speed=120.0, fps=0,
                                    db=f"sqlite:///{tmp_path / 'hub.db'}", mode="exercise",
                                    record=str(drill)))
    session, replica = await _console(hub.url)
    try:
        assert replica.link.mode == "exercise"
        # the commander answers the report once it is there (the field simulator does the rest)
        await _until(lambda: replica.state.incidents)
        inc = next(iter(replica.state.incidents))
        from console.client.controller import Controller
        controller = Controller(replica, session)
        await _until(lambda: not controller.dispatch_recommended(inc).refused_here, 5)
        await _until(lambda: any(t.status in ("arrived", "done") for t in replica.state.tasks.values()), 30)
        await hub.core.wait_committed(hub.core.state.seq)
        await _until(lambda: replica.state.seq == hub.core.state.seq)
    finally:
        await session.close()
        await hub.stop()
    live_hash = state_hash(replica.state)
    assert live_hash == state_hash(hub.core.state)

    review = await start_hub(HubConfig(port=0, drill=str(drill), speed=1000.0, scenario=None))
    session, replica = await _console(review.url)
    try:
        assert replica.link.mode == "review"
        await asyncio.wait_for(review.player.finished.wait(), 30)
        await _caught_up(review, replica)
        assert state_hash(replica.state) == live_hash
        assert replica.drill.end == pytest.approx(DrillReader(drill).meta.end)
    finally:
        await session.close()
        await review.stop()


async def test_seeking_back_and_forth_gives_the_state_of_playing_straight_through(recorded):
    path, live = recorded
    reader = DrillReader(path)
    meta = reader.meta
    hub = await start_hub(HubConfig(port=0, drill=str(path), speed=1000.0, scenario=None))
    session, replica = await _console(hub.url)
    try:
        await asyncio.wait_for(hub.player.finished.wait(), 30)
        await _caught_up(hub, replica)
        assert state_hash(replica.state) == state_hash(live)
        straight = state_hash(replica.state)
        hub.player.pause()
        mid = meta.start + 600.0
        for target in (mid, meta.start + 30.0, meta.start + 1100.0, mid):
            await hub.player.seek(target)
            await _caught_up(hub, replica)
            assert replica.state.seq == reader.state_at(target).seq
            assert state_hash(replica.state) == state_hash(reader.state_at(target))
        # and from there, playing on reaches the same end as playing straight through
        hub.player.play()
        await asyncio.wait_for(hub.player.finished.wait(), 30)
        await _caught_up(hub, replica)
        assert state_hash(replica.state) == straight
        assert hub.player.seek_times_ms and replica.drill.seek_ms is not None
    finally:
        await session.close()
        await hub.stop()
        reader.close()


async def test_review_refuses_commands_and_only_commanders_control_it(recorded):
    path, _ = recorded
    hub = await start_hub(HubConfig(port=0, drill=str(path), speed=1.0, scenario=None))
    try:
        async with Client.connect(hub.url, "demo-commander") as c:
            assert c.hello.mode == "review"
            inc_result = await c.command("cmd.acknowledge", m.CmdIncident(incident="I-A0001"))
            assert (inc_result.ok, inc_result.code) == (False, "review_only")
            r = await c.command("drill.control", m.DrillControl(action="pause"))
            assert r.ok and not hub.player.playing
            r = await c.command("drill.control", m.DrillControl(action="speed", value=10.0))
            assert r.ok and hub.player.speed == 10.0 and hub.core.clock.rate == 0.0  # paused stays paused
            r = await c.command("drill.control", m.DrillControl(action="seek", value=hub.player.meta.start + 500))
            assert r.ok and "seek took" in r.message
            assert hub.player.position == pytest.approx(hub.player.meta.start + 500)
            r = await c.command("drill.control", m.DrillControl(action="rewind"))
            assert (r.ok, r.code) == (False, "bad_request")
            r = await c.command("drill.control", m.DrillControl(action="play"))
            assert r.ok and hub.player.playing and hub.core.clock.rate == 10.0
        async with Client.connect(hub.url, "demo-wall") as wall:
            r = await wall.command("drill.control", m.DrillControl(action="pause"))
            assert (r.ok, r.code) == (False, "forbidden")
    finally:
        await hub.stop()


async def test_a_live_hub_says_it_is_not_reviewing(tmp_path):
    from tests.hub.harness import running_hub

    async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as server:
        async with Client.connect(server.url, "demo-commander") as c:
            r = await c.command("drill.control", m.DrillControl(action="pause"))
            assert (r.ok, r.code) == (False, "not_review")
