"""The duty commander's selection reaches the walls of the commander's center, and no one else.

A real hub on 127.0.0.1, raw protocol clients (tests/hub/harness.py).
"""

from __future__ import annotations

import pytest

from console.protocol import messages as m
from console.protocol.codec import encode
from tests.hub.harness import Client, running_hub

pytestmark = pytest.mark.timeout(60)


def _selections(client: Client) -> list[m.CommanderSelected]:
    return [msg.body for msg in client.session if msg.type == "commander_selected"]


async def _select(client: Client, incident: str | None) -> None:
    await client.ws.send(encode("selected", m.Selected(incident=incident)), text=True)


async def _an_incident(server) -> str:
    from console.domain.model import Alert

    cam = next(iter(server.core.state.cameras.values()))
    alert = Alert(id="S0001", source="camera", kind="animal", severity="critical", title="selection test",
                  at=server.core.clock.now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=cam.id)
    async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
        assert (await ingest.command("ingest.alert", m.IngestAlert(alert=alert))).ok
    return "I-S0001"


async def test_the_wall_is_told_what_the_commander_selects_and_field_ingest_operator_are_not(sqlite_db_url):
    async with running_hub(sqlite_db_url) as server:
        iid = await _an_incident(server)
        async with (Client.connect(server.url, "demo-wall") as wall,
                    Client.connect(server.url, "demo-operator") as operator,
                    Client.connect(server.url, "demo-field") as field,
                    Client.connect(server.url, "demo-ingest") as ingest,
                    Client.connect(server.url, "demo-t1") as town_commander):
            async with Client.connect(server.url, "demo-commander") as commander:
                await _select(commander, iid)
                await wall.wait_for(lambda: _selections(wall))
                told = _selections(wall)[-1]
                assert (told.name, told.incident) == ("值班长 王敏", iid)
                assert told.at > 0

                # a wall that joins later is told the latest at once, after its `live`
                async with Client.connect(server.url, "demo-wall") as late:
                    await late.round_trip()
                    assert [s.incident for s in _selections(late)] == [iid]

                # an id the hub does not hold is nothing to follow
                await _select(commander, "I-NOPE")
                await wall.wait_for(lambda: len(_selections(wall)) == 2)
                assert _selections(wall)[-1].incident is None

                # only a commander's desk reports a selection
                await _select(operator, iid)
                await operator.wait_for(lambda: operator.errors)
                assert operator.errors[-1].code == "forbidden"
                await _select(commander, iid)
                await wall.wait_for(lambda: len(_selections(wall)) == 3)
            # the commander's session ended: the wall picks its own again (the name stays)
            await wall.wait_for(lambda: len(_selections(wall)) == 4)
            assert (_selections(wall)[-1].name, _selections(wall)[-1].incident) == ("值班长 王敏", None)

            for other in (operator, field, ingest, town_commander):
                await other.round_trip()
                assert _selections(other) == [], f"{other.hello.role} {other.hello.name} must not see it"
