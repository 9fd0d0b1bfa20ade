"""A TCP relay between a console and a real hub process cuts the link every few seconds and
sometimes black-holes it (stops forwarding, closes nothing), while a scripted commander keeps
sending acknowledges, dispatches and reports.

Checks: every command answered (applied once or refused with a reason), none lost or applied
twice, the console's state equal to a fault-free fold of the hub's log and to the hub's own,
each black hole noticed within 5 s, and both SQLite files sound.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from faults.common import (
    HubProcess, ScriptedCommander, fold_log, free_port, hub_state, integrity, same_state, seed_hub_log, start_console,
    until,
)
from faults.relay import Relay

#: commands per second the scripted commander makes
RATE = 20.0


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _run(short: bool) -> dict:
    duration = 14.0 if short else 150.0
    rng = random.Random(91)
    tmp = Path(tempfile.mkdtemp(prefix="faults-relay-"))
    hub_url, console_url = f"sqlite:///{tmp / 'hub.db'}", f"sqlite:///{tmp / 'console.db'}"
    await seed_hub_log(hub_url)
    hub = HubProcess(hub_url, free_port(), tmp / "hub.log")
    await hub.start()
    relay = Relay(hub.port)
    await relay.start()
    store, replica, session, controller = await start_console(relay.url, console_url, (0.1, 1.0))
    holes: list[float] = []  # seconds from each black hole to the console leaving "online"
    try:
        if not await until(session.live.is_set, 20):
            return {"passed": False, "error": "the console never went live"}
        commander = ScriptedCommander(controller, session, rng, "relay")
        stop = asyncio.Event()

        async def commanding():
            while not stop.is_set():
                commander.step()
                await asyncio.sleep(1.0 / RATE)

        async def faulting():
            end = time.monotonic() + duration
            first = True
            while time.monotonic() < end:
                await asyncio.sleep(rng.uniform(1.5, 4.0))
                if first or rng.random() < 0.35:  # every run has at least one black hole
                    first = False
                    online = replica.link.state == "online"
                    started = time.monotonic()
                    relay.black_hole()
                    if online:
                        await until(lambda: replica.link.state != "online", 10.0)
                        holes.append(time.monotonic() - started)
                    await asyncio.sleep(max(0.0, rng.uniform(5.0, 8.0) - (time.monotonic() - started)))
                    relay.heal()
                else:
                    relay.cut()
            stop.set()

        await asyncio.gather(commanding(), faulting())
        relay.heal()
        drained = await until(lambda: session.live.is_set() and session.outbox_depth == 0, 60)
        fold = fold_log(hub_url)
        caught_up = await until(lambda: replica.state.seq == fold.seq, 20)
        hub_now = await hub_state(hub.url)
        figures = commander.check(fold)
        figures.update(
            seconds_of_faults=duration, cuts=relay.cuts, black_holes=relay.holes,
            hole_noticed_max_s=round(max(holes), 2) if holes else None,
            reconnects=replica.link.reconnects, events=fold.seq, refused_here=commander.refused_here,
            drained=drained, same_state=caught_up and same_state(replica.state, fold, hub_now),
            outbox_pending=store.outbox_depth(),
        )
    finally:
        await session.close()
        store.close()
        await relay.stop()
        await hub.stop()
    figures["integrity"] = "ok" if integrity(hub_url) == integrity(console_url) == "ok" else "BROKEN"
    figures["passed"] = (figures["drained"] and figures["same_state"] and figures["lost"] == 0
                         and figures["doubled"] == 0 and figures["outbox_pending"] == 0
                         and figures["integrity"] == "ok" and bool(holes) and max(holes) < 5.0)
    return figures
