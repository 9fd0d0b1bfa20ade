"""The federation alarms' rules (console/hub/link_health.py), step by step on a real hub core:
thresholds, one alarm per problem, closed by the hub when healthy, kept while the link is down."""

from __future__ import annotations

import time

from console.hub.federation import Federation
from console.hub.link_health import LINK_ALARM_S, SILENT_ALARM_S
from tests.hub.harness import running_hub


def open_alarms(core) -> dict[str, str]:
    """{problem: status} of the hub's federation alarms."""
    return {inc.alert.split("-", 2)[2].rpartition("-")[0]: inc.status
            for inc in core.state.incidents.values() if inc.alert.startswith("FED-")}


async def test_link_and_silence_alarms_follow_their_thresholds_and_close_themselves(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'd.db'}") as server:
        core = server.core
        fed = Federation(core, "D", "nats://127.0.0.1:9", follow=["T1"])  # never started: stepped here
        alarms = fed.alarms
        t = time.monotonic()
        fed.connected.set()
        alarms.step(t)
        alarms.heard["T1"] = t
        # the link drops: a blip below the threshold is nothing, past it one alarm
        fed.connected.clear()
        alarms.step(t + 1)
        alarms.step(t + 1 + LINK_ALARM_S - 0.5)
        assert open_alarms(core) == {}
        alarms.step(t + 1 + LINK_ALARM_S)
        alarms.step(t + 2 + LINK_ALARM_S)
        assert open_alarms(core) == {"link": "new"}
        # back: closed by the hub; T1 counts as silent only from the link's return
        back = t + 30
        fed.connected.set()
        alarms.step(back)
        assert open_alarms(core) == {"link": "closed"}
        alarms.step(back + SILENT_ALARM_S - 1)
        assert "silent-T1" not in open_alarms(core)
        alarms.step(back + SILENT_ALARM_S)
        assert open_alarms(core)["silent-T1"] == "new"
        # while the district's own link is down nothing is known about T1: its alarm stays open
        fed.connected.clear()
        alarms.step(back + SILENT_ALARM_S + 2)
        assert open_alarms(core)["silent-T1"] == "new"
        fed.connected.set()
        alarms.heard["T1"] = back + SILENT_ALARM_S + 4
        alarms.step(back + SILENT_ALARM_S + 4)
        assert open_alarms(core) == {"link": "closed", "silent-T1": "closed"}
        # a lost stream is raised at once, and closed once the town is followed again
        fed.follow_trouble["T1"] = "the events stream was lost"
        alarms.latch("T1")
        assert open_alarms(core)["stream-T1"] == "new"
        alarms.step(back + SILENT_ALARM_S + 5)
        assert open_alarms(core)["stream-T1"] == "new"
        fed.follow_trouble.pop("T1")
        alarms.step(back + SILENT_ALARM_S + 6)
        assert open_alarms(core)["stream-T1"] == "closed"
        # every one raised once: three incidents, each closed by the federation itself
        fed_incidents = [i for i in core.state.incidents.values() if i.alert.startswith("FED-D-")]
        assert len(fed_incidents) == 3
        assert all(i.timeline[-1].actor == "source:federation" for i in fed_incidents)
        await core.wait_committed(core.state.seq)


async def test_an_alarm_left_open_by_a_stopped_hub_is_taken_up_and_closed_at_the_next_start(tmp_path):
    db = f"sqlite:///{tmp_path / 't1.db'}"
    async with running_hub(db) as server:
        fed = Federation(server.core, "T1", "nats://127.0.0.1:9")
        fed.alarms.step(time.monotonic())
        fed.alarms.step(time.monotonic() + LINK_ALARM_S + 1)
        assert open_alarms(server.core) == {"link": "new"}
        await server.core.wait_committed(server.core.state.seq)
    async with running_hub(db) as server:
        fed = Federation(server.core, "T1", "nats://127.0.0.1:9")
        fed.alarms.take_up()
        fed.connected.set()
        fed.alarms.step(time.monotonic())
        assert open_alarms(server.core) == {"link": "closed"}
