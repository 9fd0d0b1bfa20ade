"""The marathon at high speed with a scripted commander on the console's own session."""

from __future__ import annotations

import asyncio

import pytest

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.sla import incident_sla
from console.domain.state import state_hash
from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.session import Session
from console.store import Store


@pytest.mark.slow  # waits out the real marathon at high speed (fast lane: tests/conftest.py)
async def test_marathon_with_scripted_commander(tmp_path):
    hub = await start_hub(HubConfig(port=0, scenario="marathon", speed=240.0, start="07:25",
                                    db=f"sqlite:///{tmp_path/'hub.db'}", fps=0))
    replica = Replica()
    store = Store(f"sqlite:///{tmp_path/'console.db'}")
    session = Session(hub.url, "demo-commander", replica, store=store)
    controller = Controller(replica, session)
    session.start()
    handled: set[str] = set()
    try:
        await asyncio.wait_for(session.live.wait(), 10)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 40
        done_tasks = 0
        while loop.time() < deadline:
            replica.take_changes()
            for inc in list(replica.state.incidents.values()):
                if inc.id not in handled and inc.status == "new":
                    handled.add(inc.id)
                    controller.acknowledge(inc.id)
                    controller.dispatch_recommended(inc.id)
            done_tasks = sum(1 for t in replica.state.tasks.values() if t.status == "done")
            if len(handled) >= 5 and done_tasks >= 5:
                break
            await asyncio.sleep(0.05)
        assert len(handled) >= 5, "the scenario raised alerts"
        assert done_tasks >= 5, "dispatched people accepted, travelled, arrived and finished"
        dog = [i for i in replica.state.incidents.values() if replica.state.alerts[i.alert].kind == "animal"]
        assert dog and dog[0].tasks, "someone was sent to the dog"
        # the scenario's 张嘉华 refuses the dog: a refused dispatch does not answer the alert
        standing = [t for tid in dog[0].tasks if (t := replica.state.tasks[tid]).status != "declined"]
        assert (dog[0].first_dispatch_at is not None) == bool(standing)
        emergencies = [i for i in replica.state.incidents.values() if i.first_arrival_at is not None and i.case is None]
        assert emergencies, "someone arrived at an emergency"
        for inc in emergencies:  # a case runs on its type's own clock (console/domain/cases), not on these
            sla = incident_sla(inc, replica.hub_now())
            assert sla.response_s is not None and sla.response_s >= 0
            assert sla.first_arrival_s is not None and sla.first_arrival_s > 0
        # stop the world; the console's replica then equals the hub's state, byte for byte
        await hub.world.stop()
        head = hub.core.state.seq
        await hub.core.wait_committed(head)
        while replica.state.seq < head or replica.pending:
            await asyncio.sleep(0.02)
        assert state_hash(replica.state) == state_hash(hub.core.state)
    finally:
        await session.close()
        await hub.stop()
        store.close()
