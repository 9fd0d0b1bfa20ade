"""A federation link's health as alarms (console/hub/link_health.py), on a real nats-server.

A blip of the NATS link raises nothing; an outage past the threshold raises one alarm at the
town and one at the district, each closed by the hub itself when the link is back; a town hub
that falls silent raises one alarm at the district, closed when the town is heard again.
"""

from __future__ import annotations

from console.domain.model import FINAL_STATUSES
from tests.federation.test_federation import federated_hub, until
from tests.hub.test_hub import _raise


def alarms(hub, key: str) -> list:
    """This hub's federation alarms of one problem (`link`, `silent-T1`, ...), oldest first."""
    prefix = "FED-"
    return sorted((i for i in hub.core.state.incidents.values()
                   if i.alert.startswith(prefix) and i.alert.rsplit("-", 1)[0].split("-", 2)[2] == key),
                  key=lambda i: i.created_at)


def is_open(inc) -> bool:
    return inc.status not in FINAL_STATUSES


async def test_a_blip_raises_nothing_an_outage_one_alarm_each_side_closed_when_back(tmp_path, nats):
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("t1"), "T1", nats.url) as (t1, f1), \
            federated_hub(db("d"), "D", nats.url, follow=["T1"]) as (d, fd):
        for fed in (f1, fd):
            fed.alarms.link_after_s = 4.0
        await _raise(t1, 1)
        await until(lambda: fd.replicas["T1"].state.seq == t1.core.state.seq)
        # a blip: NATS back before the threshold
        nats.stop()
        await until(lambda: not f1.connected.is_set() and not fd.connected.is_set())
        nats.start()
        await until(lambda: f1.connected.is_set() and fd.connected.is_set())
        assert alarms(t1, "link") == [] and alarms(d, "link") == []
        # an outage: one alarm at the town, one at the district
        nats.stop()
        await until(lambda: len(alarms(t1, "link")) == 1 and len(alarms(d, "link")) == 1, timeout=20)
        town_alarm, district_alarm = alarms(t1, "link")[0], alarms(d, "link")[0]
        assert is_open(town_alarm) and is_open(district_alarm)
        assert town_alarm.owner == "T1" and district_alarm.owner == "D"
        assert town_alarm.severity == "critical"
        nats.start()
        await until(lambda: t1.core.state.incidents[town_alarm.id].status == "closed"
                    and d.core.state.incidents[district_alarm.id].status == "closed", timeout=20)
        assert t1.core.state.incidents[town_alarm.id].timeline[-1].actor == "source:federation"
        assert len(alarms(t1, "link")) == 1 and len(alarms(d, "link")) == 1
        # the town's alarm reaches the district too once its link is back, as the town's incident
        await until(lambda: f"T1/{town_alarm.id}" in d.core.state.incidents
                    and d.core.state.incidents[f"T1/{town_alarm.id}"].status == "closed")


async def test_a_silent_town_raises_an_alarm_at_the_district_closed_when_it_is_heard_again(tmp_path, nats):
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("d"), "D", nats.url, follow=["T1"]) as (d, fd):
        fd.alarms.silent_after_s = 3.0
        async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1):
            await _raise(t1, 1)
            await until(lambda: fd.replicas["T1"].state.seq == t1.core.state.seq)
            assert alarms(d, "silent-T1") == []
        # T1's hub is gone (or cut off from NATS): the district cannot see it and says so, once
        await until(lambda: len(alarms(d, "silent-T1")) == 1, timeout=20)
        silent = alarms(d, "silent-T1")[0]
        assert is_open(silent) and silent.severity == "warning" and silent.owner == "D"
        async with federated_hub(db("t1"), "T1", nats.url) as (t1, _f1):
            await until(lambda: d.core.state.incidents[silent.id].status == "closed", timeout=20)
        assert len(alarms(d, "silent-T1")) == 1


async def test_a_partitioned_town_raises_an_alarm_at_both_ends_each_closed_when_it_heals(tmp_path, nats):
    # only T1 is cut off (its NATS connection goes through a relay that stops): the town knows its
    # link is down, the district that it cannot hear T1; the district itself stays connected
    from faults.relay import Relay

    relay = Relay(int(nats.url.rsplit(":", 1)[1]))
    await relay.start()
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    try:
        async with federated_hub(db("t1"), "T1", f"nats://127.0.0.1:{relay.port}") as (t1, f1), \
                federated_hub(db("d"), "D", nats.url, follow=["T1"]) as (d, fd):
            f1.alarms.link_after_s = 2.0
            fd.alarms.silent_after_s = 3.0
            await _raise(t1, 1)
            await until(lambda: fd.replicas["T1"].state.seq == t1.core.state.seq)
            port = relay.port
            await relay.stop()  # refused from now on, and the open connection is cut
            await until(lambda: len(alarms(t1, "link")) == 1 and len(alarms(d, "silent-T1")) == 1, timeout=20)
            town, district = alarms(t1, "link")[0], alarms(d, "silent-T1")[0]
            assert is_open(town) and is_open(district) and alarms(d, "link") == []
            relay.port = port
            await relay.start()
            await until(lambda: t1.core.state.incidents[town.id].status == "closed"
                        and d.core.state.incidents[district.id].status == "closed", timeout=20)
            assert len(alarms(t1, "link")) == 1 and len(alarms(d, "silent-T1")) == 1
    finally:
        await relay.stop()
