"""The link between a console and the hub under faults: rate limits, dead links, another hub's log.

Real hubs on 127.0.0.1, the console's real Session and local file, and a TCP
relay (faults/relay.py) that cuts or black-holes the connection.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from websockets.asyncio.client import connect

from console.client.controller import Controller
from console.client.replica import Replica
from console.client.session import Session
from console.domain.model import Alert
from console.domain.state import state_hash
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode, decode_batch, encode
from console.store import Store
from faults.relay import Relay
from tests.hub.harness import Client, running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


async def until(predicate, what: str, timeout: float = 20.0) -> None:
    """Poll until `predicate()` holds, or fail naming `what`."""
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    try:
        await asyncio.wait_for(poll(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None


def report(n: int, tag: str = "r") -> m.CmdReport:
    return m.CmdReport(kind="crowd", text=f"{tag}-{n}", x=100.0 + n, y=50.0)


def alerts_with_text(state, prefix: str) -> list[str]:
    return sorted(a.text for a in state.alerts.values() if a.text.startswith(prefix))


def alert_raised(n: int, tag: str) -> tuple[str, m.AlertRaised]:
    alert = Alert(id=f"{tag}{n:04d}", source="camera", kind="cordon_intrusion", severity="warning",
                  title=f"{tag} alert {n}", at=0.0, x=100.0, y=50.0, grid="T1-C01-G1", town="T1", camera="CAM01")
    return ("alert_raised", m.AlertRaised(alert=alert, incident=f"I-{alert.id}"))


# ---------------------------------------------------------------- 1. commands lost on cuts and rate limits

async def test_an_error_about_a_command_names_it_in_the_envelope_id(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with connect(server.url, additional_headers={"Authorization": "Bearer demo-commander"},
                           proxy=None, compression=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            sent = [f"burst-{i}" for i in range(130)]  # past the commander's burst of 100
            for cid in sent:
                await ws.send(encode("cmd.report", report(0, cid), id=cid), text=True)
            answered: dict[str, object] = {}
            while len(answered) < len(sent):
                for msg in decode_batch(await asyncio.wait_for(ws.recv(), 10)):
                    if msg.type in ("result", "error"):
                        answered[msg.id or f"?{len(answered)}"] = msg
            errors = [msg for msg in answered.values() if msg.type == "error"]
            assert errors, "the burst limit was not reached"
            assert all(msg.body.code == "rate_limited" and msg.id == msg.body.ref for msg in errors)
            assert set(answered) == set(sent)  # every command has one answer, matched by its id


async def test_commands_made_offline_all_take_effect_once_after_reconnect_under_the_burst_limit(tmp_db_url, tmp_path):
    async with running_hub(tmp_db_url) as server:
        store = Store(f"sqlite:///{tmp_path / 'console.db'}")
        replica = Replica()
        session = Session(server.url, "demo-commander", replica, store=store, backoff=(0.05, 0.2))
        session.start()
        try:
            await until(session.live.is_set, "the console to go live")
            await server.stop()
            await until(lambda: not session.live.is_set(), "the console to see the hub gone")
            for i in range(150):  # a busy commander's queue: more than the hub's burst of 100
                session.send_command(f"off-{i}", "cmd.report", report(i, "off"))
            await server.start()
            # the answer clears the session's outbox at once, the row on disk a moment later (the store's thread)
            await until(lambda: session.outbox_depth == 0 and store.outbox_depth() == 0,
                        "every offline command answered and its outbox row deleted", timeout=30)
            assert alerts_with_text(server.core.state, "off-") == sorted(f"off-{i}" for i in range(150))
            assert replica.pending == {}
            assert not [n for n in replica.notices if n.code == "rate_limited"], "a retry is not the user's problem"
        finally:
            await session.close()
            store.close()


# ---------------------------------------------------------------- 2. a dead link is noticed

@pytest.mark.slow  # waits out the real 5-s offline bound (fast lane: tests/conftest.py)
async def test_the_console_says_offline_within_5_s_of_a_black_holed_link(sqlite_db_url):
    async with running_hub(sqlite_db_url) as server:
        relay = Relay(server.port)
        await relay.start()
        replica = Replica()
        session = Session(relay.url, "demo-commander", replica, backoff=(0.05, 0.2))
        session.start()
        try:
            await until(session.live.is_set, "the console to go live")
            relay.black_hole()  # nothing forwarded, nothing closed
            await until(lambda: replica.link.state != "online", "the console to leave 'online'", timeout=5.0)
            relay.heal()
            await until(lambda: replica.link.state == "online", "the console back online")
            assert session.dead_noticed_s and max(session.dead_noticed_s) < 5.0
        finally:
            await session.close()
            await relay.stop()


@pytest.mark.slow  # waits out the real 10-s heartbeat bound (fast lane: tests/conftest.py)
async def test_the_hub_drops_a_black_holed_session_within_10_s(sqlite_db_url):
    async with running_hub(sqlite_db_url) as server:
        relay = Relay(server.port)
        await relay.start()
        try:
            async with Client.connect(relay.url, "demo-commander"):
                await until(lambda: len(server.core.channels) == 1, "the hub to hold the session")
                relay.black_hole()
                await until(lambda: not server.core.channels, "the hub to drop the dead session", timeout=11.0)
                assert server.core.counters["dropped.no_heartbeat"] == 1
                relay.heal()  # so the client's own close is not held up by the hole
        finally:
            await relay.stop()


@pytest.mark.slow  # waits out the real 10-s heartbeat bound (fast lane: tests/conftest.py)
async def test_the_hub_drops_a_session_that_stops_reading_within_10_s(sqlite_db_url):
    async with running_hub(sqlite_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as client:
            client._reader.cancel()
            client.ws.transport.pause_reading()  # alive, pinging if it likes, but reads nothing any more
            moves = [(r, 1.0, 2.0) for r in list(server.core.state.resources)[:400]]
            for _ in range(300):  # ~10 MB the hub must get rid of
                server.core.emit([("resources_moved", m.ResourcesMoved(moves=moves))])
                await asyncio.sleep(0)
            await until(lambda: not server.core.channels, "the hub to drop the stalled reader", timeout=11.0)


# ---------------------------------------------------------------- 3. another hub's log is not spliced

async def test_a_console_meeting_another_hubs_log_gets_its_snapshot_and_is_told(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'console.db'}")
    replica = Replica()
    session = None
    try:
        async with running_hub(f"sqlite:///{tmp_path / 'a.db'}") as hub_a:
            port = hub_a.port
            hub_a.core.emit([alert_raised(i, "A") for i in range(3)])
            session = Session(hub_a.url, "demo-commander", replica, store=store, backoff=(0.05, 0.2))
            session.start()
            await until(lambda: replica.state.seq == hub_a.core.state.seq and session.live.is_set(),
                        "the console to hold hub A's state")
        seen_a = replica.state.seq
        # A new hub on the same address, a fresh log already longer than what the console holds.
        async with running_hub(f"sqlite:///{tmp_path / 'b.db'}", port=port) as hub_b:
            hub_b.core.emit([alert_raised(i, "B") for i in range(6)])
            await hub_b.core.wait_committed(hub_b.core.state.seq)
            assert hub_b.core.state.seq > seen_a
            await until(lambda: session.live.is_set() and replica.state.seq == hub_b.core.state.seq,
                        "the console to follow hub B")
            assert not [a for a in replica.state.alerts if a.startswith("A")], "hub A's alerts next to hub B's"
            assert state_hash(replica.state) == state_hash(hub_b.core.state)
            assert [n for n in replica.notices if n.code == "other_log"], "the console did not say so"
            assert hub_b.core.counters["snapshots.other_log"] == 1
    finally:
        if session is not None:
            await session.close()
        store.close()


# ---------------------------------------------------------------- 15. write the outbox row, then send

async def test_no_command_reaches_the_hub_before_its_outbox_row_is_written(tmp_db_url, tmp_path):
    async with running_hub(tmp_db_url) as server:
        store = Store(f"sqlite:///{tmp_path / 'console.db'}")
        written: set[str] = set()
        before_row: list[str] = []
        lock = threading.Lock()
        real_add, real_pending = store.outbox_add, store.outbox_pending

        def slow_add(command_id, data):  # a slow disk: the row lands a while after the command is made
            threading.Event().wait(0.3)
            real_add(command_id, data)
            with lock:
                written.add(command_id)

        def slow_pending():
            threading.Event().wait(0.3)
            return real_pending()

        store.outbox_add, store.outbox_pending = slow_add, slow_pending
        real_submit = server.core.submit

        def watching_submit(principal, command_id, type_, body):
            with lock:
                if command_id not in written:
                    before_row.append(command_id)
            return real_submit(principal, command_id, type_, body)

        server.core.submit = watching_submit
        replica = Replica()
        session = Session(server.url, "demo-commander", replica, store=store, backoff=(0.05, 0.2))
        controller = Controller(replica, session)
        session.start()
        try:
            await until(session.live.is_set, "the console to go live")
            await server.stop()
            await until(lambda: not session.live.is_set(), "the console to see the hub gone")
            assert controller.send("cmd.report", report(1, "w"))  # made offline
            await server.start()
            await until(session.live.is_set, "the console back live")
            for i in range(5):  # made while the reconnect's flush is under way
                assert controller.send("cmd.report", report(10 + i, "w"))
            await until(lambda: len(alerts_with_text(server.core.state, "w-")) == 6, "every command applied")
            assert before_row == [], f"on the wire before its outbox row: {before_row}"
        finally:
            await session.close()
            store.close()


# ---------------------------------------------------------------- 18. smaller ones

async def test_a_long_resume_backlog_arrives_in_batched_frames(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        after = server.core.state.seq
        moves = [(r, 1.0, 2.0) for r in list(server.core.state.resources)[:3]]
        server.core.emit([("resources_moved", m.ResourcesMoved(moves=moves)) for _ in range(3000)])
        await server.core.wait_committed(server.core.state.seq)
        async with connect(server.url, additional_headers={"Authorization": "Bearer demo-commander"},
                           proxy=None, compression=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            await ws.send(encode("resume", m.Resume(last_seq=after)), text=True)
            frames, seqs = 0, []
            while True:
                raw = await asyncio.wait_for(ws.recv(), 10)
                frames += 1
                msgs = decode_batch(raw)
                seqs += [msg.seq for msg in msgs if msg.type == "resources_moved"]
                if any(msg.type == "live" for msg in msgs):
                    break
        assert seqs == list(range(after + 1, after + 3001))
        assert frames <= 3000 // 100, f"{frames} frames for a 3,000-event backlog"


async def test_the_simulated_field_goes_on_with_its_tasks_after_a_hub_restart(tmp_db_url):
    from console.hub.core import Clock, HubCore
    from console.scenarios import make_scenario
    from console.scenarios.simulator import FieldSimulator
    from console.scenarios.world import World

    scenario = make_scenario("marathon", 7, None)
    async with running_hub(tmp_db_url) as server:
        core = server.core
        core.emit([alert_raised(1, "S")])
        people = [r.id for r in core.state.resources.values() if r.status == "available"][:3]
        async with Client.connect(server.url, "demo-commander") as commander:
            for person in people:
                result = await commander.command("cmd.dispatch", m.CmdDispatch(incident="I-S0001", resource=person))
                assert result.ok, result
    # The hub restarts on its log; the field simulator is a new one.
    store = Store(tmp_db_url)
    core = HubCore(store, clock=Clock(start=scenario.start_time, rate=1.0))
    await core.start()
    simulator = FieldSimulator(7)
    world = World(core, None, scenario, simulator)
    try:
        await world.start()
        open_tasks = {t.id for t in core.state.tasks.values() if t.status in ("sent", "accepted", "arrived")}
        assert len(open_tasks) == 3 and simulator.pending == 3, "the field forgot the tasks it was answering"
        later = core.clock.now() + 6 * 3600
        answers = simulator.due(later)
        answered = {body.task for type_, body in answers if type_ == "cmd.task_update"
                    and body.status in ("done", "declined")}
        assert answered == open_tasks
    finally:
        await world.stop()
        await core.close()
        store.close()
