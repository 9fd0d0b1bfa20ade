"""A NATS server that comes back without its data: the district notices and sees every town again.

nats-server is killed and started on an empty data directory (its streams, consumers and
positions gone). The towns find their events missing from the new stream and publish their
logs again; the district's followers find the stream new (its identity) or shorter than their
saved position, read it again from its start, and fold and mirror only what they had not;
a hand-off that JetStream held when it lost its data is sent again and applied once.
"""

from __future__ import annotations

import logging
import shutil

from console.hub import district
from console.protocol import messages as m
from tests.federation.test_district import town_alerts_in, town_fold
from tests.federation.test_federation import federated_hub, until
from tests.hub.harness import Client
from tests.hub.test_hub import _raise


def wipe(nats) -> None:
    """Kill nats-server and start it again on the same port with an empty data directory."""
    nats.stop()
    shutil.rmtree(nats.store_dir / "jetstream", ignore_errors=True)
    nats.start()


async def test_a_nats_server_restarted_empty_is_noticed_and_every_town_is_seen_again(tmp_path, nats, caplog):
    caplog.set_level(logging.WARNING, logger="console.hub.federation")
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1), \
            federated_hub(db("t2"), "T2", nats.url) as (t2, _f2), \
            federated_hub(db("d"), "D", nats.url, follow=["T1", "T2"]) as (d, fed_d):
        a1 = await _raise(t1, 1)
        a2 = await _raise(t2, 1, town="T2", grid="T2-C01-G1")
        async with Client.connect(t1.url, "demo-t1") as town1:
            assert (await town1.command("cmd.escalate", m.CmdIncident(incident=a1))).ok
        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq
                    and fed_d.replicas["T2"].state.seq == t2.core.state.seq)

        wipe(nats)
        # the towns go on while the district's stream position points past anything the new stream holds
        b1 = await _raise(t1, 2)
        b2 = await _raise(t2, 2, town="T2", grid="T2-C01-G1")
        async with Client.connect(t2.url, "demo-t2") as town2:
            assert (await town2.command("cmd.escalate", m.CmdIncident(incident=b2))).ok

        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq
                    and fed_d.replicas["T2"].state.seq == t2.core.state.seq, timeout=30)
        assert fed_d.counters["follow.resyncs"] >= 2  # both towns read again from the new stream's start
        await d.core.wait_committed(d.core.state.seq)
        for town, hub in (("T1", t1), ("T2", t2)):
            assert district.held_of(d.core.state, town) == town_fold(town, hub.core.store)
        # refolded, not mirrored twice: one alert_raised per town alert in the district's log
        raised = town_alerts_in(d.core.store.events_after(0))
        assert len(raised) == 4
        assert {f"T1/{a1}", f"T2/{a2}", f"T1/{b1}", f"T2/{b2}"} <= set(d.core.state.incidents)
        assert d.core.state.incidents[f"T2/{b2}"].offered_to == "D"
        # the district raised an alarm for each town's lost stream, and closed it once the town was seen again
        alarms = [i for i in d.core.state.incidents.values() if i.alert.startswith("FED-D-stream-")]
        assert {i.alert.split("-")[3] for i in alarms} == {"T1", "T2"}
        await until(lambda: all(i.status == "closed" for i in alarms), timeout=10)
        assert all(i.timeline[-1].actor == "source:federation" for i in alarms)
        # and it was said at warning level, where an operator looks
        said = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
        assert "new one" in said or "ends at" in said

        # a hand-off across the new stream: accepted at the town once
        async with Client.connect(d.url, "demo-commander") as console:
            r = await console.command("cmd.accept_handoff", m.CmdIncident(incident=f"T2/{b2}"),
                                      command_id="after-wipe", timeout=20)
            assert r.ok, r
        await until(lambda: t2.core.state.incidents[b2].owner == "D")
        assert [e[1] for e in t2.core.store.events_after(0)].count("handoff_accepted") == 1


async def test_a_handoff_the_lost_stream_held_is_sent_again_and_applied_once(tmp_path, nats):
    """The district's hand-off was acknowledged by JetStream while the town's hub was down; the
    server then lost its data: the district sends it again and the town applies it once."""
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("d"), "D", nats.url, follow=["T1"]) as (d, fed_d):
        async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1):
            a1 = await _raise(t1, 1)
            async with Client.connect(t1.url, "demo-t1") as town1:
                assert (await town1.command("cmd.escalate", m.CmdIncident(incident=a1))).ok
            await until(lambda: f"T1/{a1}" in d.core.state.incidents
                        and d.core.state.incidents[f"T1/{a1}"].offered_to == "D")
        # T1's hub is down: the accept is acknowledged by JetStream and waits there
        async with Client.connect(d.url, "demo-commander") as console:
            r = await console.command("cmd.accept_handoff", m.CmdIncident(incident=f"T1/{a1}"),
                                      command_id="held", timeout=20)
            assert r.ok and "link returns" in r.message, r
        await until(lambda: d.core.store.handoff_depth() == 0)
        wipe(nats)
        async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1):
            await until(lambda: t1.core.state.incidents[a1].owner == "D", timeout=30)
            await until(lambda: d.core.state.incidents[f"T1/{a1}"].owner == "D", timeout=30)
            assert [e[1] for e in t1.core.store.events_after(0)].count("handoff_accepted") == 1
            assert fed_d.counters["handoffs_resent"] >= 1
