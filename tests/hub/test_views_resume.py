"""Resuming a role view: a town replays its gap from the log only when the log can say what it saw;
field and ingest views always start again from their own snapshot."""

from __future__ import annotations

from console.domain.state import decode_state
from console.protocol import messages as m
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise


def _snapshot(client: Client):
    return decode_state(bytes(client.snapshot.body.state)) if client.snapshot else None


async def test_a_town_resumes_from_the_tail_unless_another_town_moved_its_people(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        core = server.core
        async with Client.connect(server.url, "demo-t1") as t1:
            seen = t1.snapshot.body.seq
        own = await _raise(server, 1, town="T1", grid="T1-C01-G1")
        async with Client.connect(server.url, "demo-t1", last_seq=seen) as t1:
            assert t1.snapshot is None and core.counters["resumes"] == 1
            assert [e.body.incident for e in t1.events if e.type == "alert_raised"] == [own]
            seen = max(e.seq for e in t1.events)
        elsewhere = await _raise(server, 2, town="T2", grid="T2-C01-G1")
        async with Client.connect(server.url, "demo-commander", last_seq=None) as district:
            assert (await district.command("cmd.dispatch", m.CmdDispatch(incident=elsewhere, resource="R0001"))).ok
        snapshots = core.counters["snapshots"]
        async with Client.connect(server.url, "demo-t1", last_seq=seen) as t1:
            # T2's dispatch is not in T1's tail, but R0001 is T1's to see: a snapshot says where they went
            assert core.counters["snapshots"] == snapshots + 1
            state = _snapshot(t1)
            assert state.resources["R0001"].status == "dispatched" and elsewhere not in state.incidents


async def test_field_and_ingest_resume_from_their_own_snapshot(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        for token in ("demo-field", "demo-ingest"):
            async with Client.connect(server.url, token) as c:
                seen = c.snapshot.body.seq
            await _raise(server, 10 + len(token), town="T1", grid="T1-C01-G1")
            async with Client.connect(server.url, token, last_seq=seen) as c:
                state = _snapshot(c)
                assert state is not None and not [e for e in c.events if e.type == "alert_raised"]
                if token == "demo-field":
                    assert list(state.resources) == ["R0001"] and not state.cameras
                else:
                    assert not state.resources and state.cameras and not any(
                        cam.main or cam.sub or cam.stream for cam in state.cameras.values())
