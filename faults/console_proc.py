"""A console without a window, in its own process, for the console-kill trial.

    python -m faults.console_proc URL LOCAL_DB TAG COUNT

The real Session, Replica, Controller and local file: it restores what its file
holds, goes live, makes COUNT commands (acknowledge and dispatch on open incidents,
and reports), waits until the hub answered every one, saves and exits 0. The trial
kills it with SIGKILL at random points and starts it again on the same file.
"""

from __future__ import annotations

import asyncio
import random
import sys


async def main(url: str, local_db: str, tag: str, count: int) -> int:
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.client.session import Session
    from console.store import Store
    from faults.common import ScriptedCommander, until

    store = Store(local_db)
    replica = Replica()
    session = Session(url, "demo-commander", replica, store=store, backoff=(0.05, 0.5))
    controller = Controller(replica, session)
    await session.restore()
    session.start()
    try:
        if not await until(session.live.is_set, 30):
            return 3
        commander = ScriptedCommander(controller, session, random.Random(tag), tag)
        for _ in range(count):
            commander.step()
            await asyncio.sleep(0.02)
        if not await until(lambda: session.outbox_depth == 0, 60):
            return 4
        print(f"drained {tag}", flush=True)
        return 0
    finally:
        await session.close()
        store.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))))
