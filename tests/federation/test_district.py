"""The district picture on a real nats-server: a district console sees its towns' incidents as
ordinary events of the district hub's log, with town-qualified ids, and accepts a town's
escalation from there; the picture is the fold of the towns' logs; a hand-off made while NATS
is down is kept in the district's outbox and applied once when the link returns."""

from __future__ import annotations

import msgspec

from console.domain.apply import apply
from console.domain.state import State, decode_state
from console.hub import district
from console.protocol import messages as m
from tests.federation.test_federation import federated_hub, until
from tests.hub.harness import Client
from tests.hub.test_hub import _raise


def town_fold(town: str, store) -> dict[str, bytes]:
    """The district's picture of one town computed from the town's own log."""
    return district.picture_of(town, store.events_after(0))


def town_alerts_in(rows) -> list:
    """The district log's `alert_raised` rows that are copies of a town's (its own alarms are not)."""
    from console.protocol.codec import decode

    return [r for r in rows if r[1] == "alert_raised" and "/" in decode(r[3]).body.alert.id]


def district_incidents(state: State, town: str) -> dict[str, bytes]:
    """The incidents of one town in a district state."""
    return district.held_of(state, town)


async def test_a_district_console_sees_every_towns_incidents_and_accepts_an_escalation_across_hubs(
        tmp_path, nats):
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1), \
            federated_hub(db("t2"), "T2", nats.url) as (t2, _f2), \
            federated_hub(db("d"), "D", nats.url, follow=["T1", "T2"]) as (d, fed_d):
        # both towns number their first alert the same: the district holds them apart
        a1 = await _raise(t1, 1)
        a2 = await _raise(t2, 1, town="T2", grid="T2-C01-G1")
        assert a1 == a2
        async with Client.connect(t1.url, "demo-t1") as town1, Client.connect(t2.url, "demo-t2") as town2:
            assert (await town1.command("cmd.escalate", m.CmdIncident(incident=a1, note="需要区里"))).ok
            assert (await town2.command("cmd.acknowledge", m.CmdIncident(incident=a2))).ok
        q1, q2 = f"T1/{a1}", f"T2/{a2}"
        async with Client.connect(d.url, "demo-commander") as console:
            # the district console is an ordinary console: its snapshot and live events hold both towns
            def seen():
                state = decode_state(console.snapshot.body.state)
                for ev in console.events:
                    if ev.seq > console.snapshot.body.seq:
                        apply(state, ev)
                return state
            await console.wait_for(lambda: q1 in seen().incidents and q2 in seen().incidents
                                   and seen().incidents[q1].offered_to == "D"
                                   and seen().incidents[q2].status == "acknowledged")
            assert seen().incidents[q1].status == "escalated"
            # the escalation is accepted from the district console: decided by T1's hub, once
            accepted = await console.command("cmd.accept_handoff", m.CmdIncident(incident=q1, note="区里接手"),
                                             command_id="accept-1")
            assert accepted.ok, accepted
            assert t1.core.state.incidents[a1].owner == "D" and t1.core.state.incidents[a1].offered_to is None
            await console.wait_for(lambda: seen().incidents[q1].owner == "D" and seen().incidents[q1].offered_to is None)
            # the console's retry of the same command: the first result, no second event in T1
            seq = t1.core.state.seq
            again = await console.command("cmd.accept_handoff", m.CmdIncident(incident=q1, note="区里接手"),
                                          command_id="accept-1")
            assert again.ok and t1.core.state.seq == seq
            # anything but a hand-off answer on a town's incident is that town's, not the district's
            refused = await console.command("cmd.acknowledge", m.CmdIncident(incident=q2))
            assert not refused.ok and refused.code == "out_of_scope" and "T2" in refused.message
        # the district picture is the fold of the towns' logs, and only that
        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq
                    and fed_d.replicas["T2"].state.seq == t2.core.state.seq)
        await d.core.wait_committed(d.core.state.seq)
        for town, hub in (("T1", t1), ("T2", t2)):
            assert district_incidents(d.core.state, town) == town_fold(town, hub.core.store)
        assert sorted(i for i in d.core.state.incidents if "/" in i) == [q1, q2]
        assert [e[1] for e in t1.core.store.events_after(0)].count("handoff_accepted") == 1


async def test_a_district_restarted_between_commit_and_save_mirrors_nothing_twice(tmp_path, nats):
    """The mirrored events are committed before the replica that covers them is saved; a district
    that died in between refolds those town events and must not log them again."""
    d_db = f"sqlite:///{tmp_path / 'd.db'}"
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _f):
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            await _raise(t1, 1)
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            await until(lambda: fed_d.counters["follow.saves"] > 0 and not fed_d.replicas["T1"].stream_seq
                        > msgspec.json.decode(d.core.store.get_setting("federation.replica.T1"))["stream_seq"])
            saved = d.core.store.get_setting("federation.replica.T1")
            await _raise(t1, 2)
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
        # as if the district died after committing alert 2's copy but before saving the replica
        d_store_url = d_db
        from console.store import Store

        with Store(d_store_url) as s:
            s.put_setting("federation.replica.T1", saved)
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            await d.core.wait_committed(d.core.state.seq)
            assert fed_d.counters["mirror.skipped"] >= 1
            raised = town_alerts_in(d.core.store.events_after(0))
            assert len(raised) == 2
            assert district_incidents(d.core.state, "T1") == town_fold("T1", t1.core.store)


async def test_a_handoff_made_while_nats_is_down_is_kept_and_applied_once_when_it_returns(tmp_path, nats):
    d_db = f"sqlite:///{tmp_path / 'd.db'}"
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _f):
        incident = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=incident))).ok
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            await until(lambda: fed_d.district_offers() == [("T1", incident)])
            await until(lambda: f"T1/{incident}" in d.core.state.incidents)
            nats.stop()  # killed
            async with Client.connect(d.url, "demo-commander") as console:
                r = await console.command("cmd.accept_handoff", m.CmdIncident(incident=f"T1/{incident}"),
                                          command_id="accept-offline", timeout=20)
                assert r.ok and "link returns" in r.message, r  # kept, not lost, and the console is told so
            assert d.core.store.handoff_depth() == 1
        # the district hub itself restarts before NATS is back: the outbox is in its store
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            assert d.core.store.handoff_depth() == 1
            nats.start()
            await until(lambda: t1.core.state.incidents[incident].owner == "D", timeout=30)
            await until(lambda: d.core.store.handoff_depth() == 0)
            await until(lambda: d.core.state.incidents[f"T1/{incident}"].owner == "D", timeout=30)
        assert [e[1] for e in t1.core.store.events_after(0)].count("handoff_accepted") == 1


async def test_a_restarted_district_skips_no_town_event_for_its_own_events_on_town_incidents(tmp_path, nats):
    """A district log may hold events on a town's incident that are no copy of the town's (a release
    that decided hand-offs on the district did so). After a restart they must not stand in for
    copies: every genuine town event made meanwhile reaches the district."""
    d_db = f"sqlite:///{tmp_path / 'd.db'}"
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _f):
        first = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=first))).ok
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            await until(lambda: fed_d.counters["follow.saves"] > 0 and not fed_d.replicas["T1"].stream_seq
                        > msgspec.json.decode(d.core.store.get_setting("federation.replica.T1"))["stream_seq"])
            # three events of the district's own on T1's incident, after the saved replica
            seqs = d.core.emit([
                ("handoff_declined", m.HandoffAnswered(incident=f"T1/{first}", center="D", actor="区值班长 孙伟",
                                                       note="local")),
                ("incident_acknowledged", m.IncidentStep(incident=f"T1/{first}", actor="区值班长 孙伟")),
                ("incident_resolved", m.IncidentStep(incident=f"T1/{first}", actor="区值班长 孙伟")),
            ])
            await d.core.wait_committed(seqs[-1])
        # while the district is down, T1 raises three more alerts
        more = [await _raise(t1, n) for n in (2, 3, 4)]
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            await d.core.wait_committed(d.core.state.seq)
            assert fed_d.counters["mirror.skipped"] == 0
            assert all(f"T1/{i}" in d.core.state.incidents for i in more)
            raised = town_alerts_in(d.core.store.events_after(0))
            assert len(raised) == 4
