"""A town's alarm-to-screen figure reaches the district on a real nats-server: the town's consoles
report theirs with each ping, the town's hub publishes its slowest screen with "alive", and a
district console reads every town's figure in its pongs."""

from __future__ import annotations

import asyncio

from console.protocol import messages as m
from console.protocol.codec import encode
from tests.federation.test_federation import federated_hub, until
from tests.hub.harness import Client


async def ping(client: Client, **figure) -> m.Pong:
    """One ping (carrying a console's figure, if given) and the hub's pong."""
    fut = asyncio.get_running_loop().create_future()
    client._pongs.append(fut)
    await client.ws.send(encode("ping", m.Ping(t=0.0, **figure)), text=True)
    return await asyncio.wait_for(fut, 10)


async def test_the_district_console_sees_each_towns_slowest_screen(tmp_path, nats):
    db = lambda name: f"sqlite:///{tmp_path / name}.db"  # noqa: E731
    async with federated_hub(db("t1"), "T1", nats.url) as (t1, f1), \
            federated_hub(db("d"), "D", nats.url, follow=["T1"]) as (d, fd):
        f1.alive_s = 0.2
        async with Client.connect(t1.url, "demo-t1") as desk, Client.connect(t1.url, "demo-operator") as other, \
                Client.connect(d.url, "demo-commander") as district:
            assert (await ping(district)).towns == [], "no town has said anything yet"
            await ping(desk, alarm_p95_s=0.8, alarm_p50_s=0.3, alarm_n=12)
            await ping(other, alarm_p95_s=0.25, alarm_p50_s=0.1, alarm_n=5)
            await ping(other)  # a ping without a figure keeps the console's last one
            seen: list[m.TownAlarm] = []

            async def town_heard() -> bool:
                seen[:] = (await ping(district)).towns
                return bool(seen) and seen[0].consoles == 2

            end = asyncio.get_running_loop().time() + 15
            while not await town_heard():
                assert asyncio.get_running_loop().time() < end, f"the district never heard T1's figure: {seen}"
                await asyncio.sleep(0.1)
            town, = seen
            assert (town.center, town.p95_s, town.p50_s, town.alerts) == ("T1", 0.8, 0.3, 17)
            assert town.age_s < 10
            # the town's own consoles are not told the towns' figures: a town follows no one
            assert (await ping(desk)).towns == []
            # nor is a phone at the district: it needs its own tasks, not the towns' screens
            async with Client.connect(d.url, "demo-field") as phone:
                assert (await ping(phone)).towns == []
        # the after-action report's source: every console's last figure, kept after it left
        await until(lambda: len(t1.core.alarm_figures.report()) == 2)
        assert sorted(c["p95_s"] for c in t1.core.alarm_figures.report()) == [0.25, 0.8]
