"""The hub process is killed with SIGKILL again and again under a scripted commander, and restarted on its log.

Checks: every command answered once (applied or refused with a reason), none lost or applied
twice, the console's state, the restarted hub's own state and a fault-free fold of its log all
equal, and both SQLite files sound.
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

#: commands per second the scripted commander makes
RATE = 20.0


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _run(short: bool) -> dict:
    kills = 3 if short else 15
    rng = random.Random(17)
    tmp = Path(tempfile.mkdtemp(prefix="faults-hubkill-"))
    hub_url, console_url = f"sqlite:///{tmp / 'hub.db'}", f"sqlite:///{tmp / 'console.db'}"
    await seed_hub_log(hub_url)
    hub = HubProcess(hub_url, free_port(), tmp / "hub.log")
    await hub.start()
    store, replica, session, controller = await start_console(hub.url, console_url, (0.1, 0.5))
    down_s: list[float] = []
    try:
        if not await until(session.live.is_set, 20):
            return {"passed": False, "error": "the console never went live"}
        commander = ScriptedCommander(controller, session, rng, "hubkill")
        stop = asyncio.Event()

        async def commanding():
            while not stop.is_set():
                commander.step()
                await asyncio.sleep(1.0 / RATE)

        async def killing():
            for _ in range(kills):
                await asyncio.sleep(rng.uniform(1.5, 4.0))
                await hub.kill9()
                started = time.monotonic()
                await asyncio.sleep(rng.uniform(0.2, 1.5))
                await hub.start()
                await until(session.live.is_set, 30)
                down_s.append(time.monotonic() - started)
            await asyncio.sleep(1.0)
            stop.set()

        await asyncio.gather(commanding(), killing())
        drained = await until(lambda: session.live.is_set() and session.outbox_depth == 0, 60)
        fold = fold_log(hub_url)
        caught_up = await until(lambda: replica.state.seq == fold.seq, 20)
        hub_now = await hub_state(hub.url)
        figures = commander.check(fold)
        figures.update(
            kills=hub.kills, back_live_max_s=round(max(down_s), 2) if down_s else None,
            reconnects=replica.link.reconnects, events=fold.seq, refused_here=commander.refused_here,
            drained=drained, same_state=caught_up and same_state(replica.state, fold, hub_now),
            outbox_pending=store.outbox_depth(),
        )
    finally:
        await session.close()
        store.close()
        await hub.stop()
    figures["integrity"] = "ok" if integrity(hub_url) == integrity(console_url) == "ok" else "BROKEN"
    figures["passed"] = (figures["drained"] and figures["same_state"] and figures["lost"] == 0
                         and figures["doubled"] == 0 and figures["outbox_pending"] == 0
                         and figures["kills"] == kills and figures["integrity"] == "ok")
    return figures
