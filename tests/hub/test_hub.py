"""The hub over 127.0.0.1 with real websockets, a real SQLite log and the marathon baseline."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from console.domain.model import Alert
from console.protocol import messages as m
from tests.store.dbraw import raw_db
from tests.hub.harness import Client, running_hub


def _alert(n: int, town: str = "T1", grid: str | None = None) -> m.IngestAlert:
    return m.IngestAlert(alert=Alert(id=f"X{n:04d}", source="camera", kind="cordon_intrusion",
                                     severity="critical", title=f"test alert {n}", at=0.0, x=100.0, y=50.0,
                                     grid=grid or "T1-C01-G1", town=town, camera="CAM01"))


async def _raise(server, n: int, **kw) -> str:
    async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
        r = await ingest.command("ingest.alert", _alert(n, **kw))
        assert r.ok, r
    return f"I-X{n:04d}"


async def test_missing_or_unknown_token_is_refused_with_401(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic demo-commander"}):
            with pytest.raises(InvalidStatus) as exc:
                async with connect(server.url, additional_headers=headers, proxy=None):
                    pass
            assert exc.value.response.status_code == 401
        assert server.core.counters["auth_refused"] == 3


async def test_hello_tells_role_and_center(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-t1") as c:
            assert (c.hello.role, c.hello.center, c.hello.protocol) == ("commander", "T1", m.PROTOCOL_VERSION)
            assert c.snapshot is not None  # first connect: a snapshot


async def test_wall_token_dispatching_is_refused_and_audited(tmp_db_url, tmp_path):
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        async with Client.connect(server.url, "demo-wall") as wall:
            r = await wall.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"))
        assert (r.ok, r.code) == (False, "forbidden")
        assert server.core.state.incidents[incident].tasks == []
        # the audit row is written with the answer's batch; stopping the hub flushes every batch
    with raw_db(tmp_db_url) as db:
        rows = [tuple(r) for r in db.execute("select actor, role, action, outcome from audit_log").fetchall()]
    assert ("大屏", "wall", "cmd.dispatch", "refused:forbidden") in rows


async def test_resume_after_disconnect_delivers_exactly_the_missed_events(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c:
            await _raise(server, 1)
            await c.wait_for(lambda: len(c.events) >= 1)
            last = c.events[-1].seq
        for n in range(2, 7):
            await _raise(server, n)
        head = server.core.committed_seq
        async with Client.connect(server.url, "demo-commander", last_seq=last) as c2:
            assert c2.snapshot is None
            assert [e.seq for e in c2.events] == list(range(last + 1, head + 1))
            assert [e.body.alert.id for e in c2.events] == [f"X{n:04d}" for n in range(2, 7)]


async def test_too_far_behind_gets_a_snapshot_then_the_tail(tmp_db_url):
    async with running_hub(tmp_db_url, resume_window=3) as server:
        for n in range(1, 6):
            await _raise(server, n)
        async with Client.connect(server.url, "demo-commander", last_seq=1) as c:
            assert c.snapshot is not None and c.snapshot.body.seq == server.core.committed_seq
            await _raise(server, 6)
            await c.wait_for(lambda: c.events)
            assert c.events[0].seq == c.snapshot.body.seq + 1


async def test_retried_command_id_has_one_effect(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        async with Client.connect(server.url, "demo-commander") as c:
            first = await c.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"), "same-id")
            again = await c.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"), "same-id")
        assert first.ok and again == first
        assert len(server.core.state.incidents[incident].tasks) == 1
        # and after a hub restart the result comes from the store
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c:
            third = await c.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"), "same-id")
        assert third == first
        assert len(server.core.state.incidents[incident].tasks) == 1


async def test_dispatch_race_has_exactly_one_winner(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        a = await _raise(server, 1)
        b = await _raise(server, 2)
        async with Client.connect(server.url, "demo-commander") as c1, \
                Client.connect(server.url, "demo-commander-2") as c2:
            r1, r2 = await asyncio.gather(
                c1.command("cmd.dispatch", m.CmdDispatch(incident=a, resource="R0001")),
                c2.command("cmd.dispatch", m.CmdDispatch(incident=b, resource="R0001")))
        results = sorted([r1, r2], key=lambda r: r.ok)
        loser, winner = results
        assert winner.ok and not loser.ok
        assert loser.code == "conflict"
        assert loser.holder in ("值班长 王敏", "副值班长 李强") and loser.holder in loser.message
        held = server.core.state.resources["R0001"]
        assert held.status == "dispatched"


async def test_a_thousand_malformed_frames_leave_session_and_hub_up(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c, \
                Client.connect(server.url, "demo-operator") as other:
            bad = [b"{not json", '{"v":2,"type":"cmd.dispatch","body":{"incident":1}}',
                   '{"v":9,"type":"ping","body":{"t":1}}', '{"v":2,"type":"no_such_thing","body":{}}',
                   b"\x00\x01binary", "x" * (1 << 20 + 1)]
            for i in range(1000):
                await c.ws.send(bad[i % len(bad)])
            await c.wait_for(lambda: len(c.errors) >= 1000, timeout=30)
            codes = {e.code for e in c.errors}
            assert {"malformed", "version", "unknown_type", "forbidden", "too_large"} <= codes
            counted = sum(v for k, v in server.core.counters.items() if k.startswith("rejected."))
            assert counted == 1000
            # the same session still works, and so does another one
            incident = await _raise(server, 1)
            r = await c.command("cmd.acknowledge", m.CmdIncident(incident=incident))
            assert r.ok
            await other.wait_for(lambda: any(e.type == "incident_acknowledged" for e in other.events))


@pytest.mark.slow  # waits out the real send deadline (fast lane: tests/conftest.py)
async def test_stalled_client_is_dropped_before_the_queue_grows_past_its_bound(sqlite_db_url):
    limit = 50
    async with running_hub(sqlite_db_url, queue_limit=limit) as server:
        async with Client.connect(server.url, "demo-commander") as stalled:
            stalled._reader.cancel()  # stop reading: the socket buffers fill, then the hub's queue
            channel = next(ch for ch in server.core.channels if ch.principal.token == "demo-commander")
            async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
                moves = [(f"R{i:04d}", float(i), float(i)) for i in range(1, 2600)]
                for _ in range(200):  # up to 160 MB of events: far beyond any socket buffer
                    await asyncio.gather(*(ingest.command("ingest.positions", m.IngestPositions(moves=moves))
                                           for _ in range(10)))
                    if channel.dropped:
                        break
            assert channel.dropped
            assert channel.peak_queue <= limit
        assert channel not in server.core.channels or channel.dropped
        # the hub is still serving
        async with Client.connect(server.url, "demo-commander") as c:
            assert c.snapshot is not None


async def test_center_scoping_and_escalation_handoff(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-t1") as t1, Client.connect(server.url, "demo-t2") as t2:
            inc = await _raise(server, 1, town="T1", grid="T1-C01-G1")
            await t1.wait_for(lambda: t1.events)
            await t2.round_trip()  # anything fanned out to T2 with it would have come before the pong
            assert t2.events == []  # T2 does not see T1's incident
            r = await t1.command("cmd.request_cooperation", m.CmdCooperation(incident=inc, to_center="T2"))
            assert r.ok
            # T2 never saw it: it gets the whole incident (its alert, its tasks) as records
            await t2.wait_for(lambda: any(e.type == "view_changed" for e in t2.events))
            offered = next(e for e in t2.events if e.type == "view_changed")
            assert [i.id for i in offered.body.incidents] == [inc] and offered.body.alerts
            assert offered.body.incidents[0].offered_to == "T2"
            r = await t2.command("cmd.accept_handoff", m.CmdIncident(incident=inc))
            assert r.ok
            await t1.wait_for(lambda: any(e.type == "handoff_accepted" for e in t1.events))
            assert "T2" in server.core.state.incidents[inc].partners
            whats = [s.what for s in server.core.state.incidents[inc].timeline]
            assert whats[-2:] == ["cooperation", "cooperation_accepted"]


async def test_a_town_that_declines_a_cooperation_request_sees_its_own_answer(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-t1") as t1, Client.connect(server.url, "demo-t2") as t2:
            inc = await _raise(server, 1, town="T1", grid="T1-C01-G1")
            assert (await t1.command("cmd.request_cooperation",
                                     m.CmdCooperation(incident=inc, to_center="T2"))).ok
            await t2.wait_for(lambda: any(e.type == "view_changed" and e.body.incidents for e in t2.events))
            assert (await t2.command("cmd.decline_handoff", m.CmdIncident(incident=inc, note="人手不足"))).ok
            # its answer is the command's result; the incident leaves its view
            await t2.wait_for(lambda: any(e.type == "view_changed" and e.body.gone == [inc] for e in t2.events))
            await t1.wait_for(lambda: any(e.type == "handoff_declined" for e in t1.events))
            assert server.core.state.incidents[inc].offered_to is None


async def test_a_burst_reaches_a_client_in_batches_complete_and_in_order(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c:
            start = server.core.state.seq
            seqs = server.core.emit([("resources_moved", m.ResourcesMoved(moves=[("R0001", float(i), 0.0)]))
                                     for i in range(500)])
            await c.wait_for(lambda: len(c.events) >= 500)
            assert [e.seq for e in c.events] == list(range(start + 1, start + 501)) == seqs
            channel = next(ch for ch in server.core.channels if ch.principal.token == "demo-commander")
            assert channel.counters["batches"] >= 1  # fewer frames than events
