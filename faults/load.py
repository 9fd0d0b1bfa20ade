"""An ingest source in its own process: position updates as fast as asked, for the slow-consumer trial.

    python -m faults.load URL SECONDS RATE

Sends `ingest.positions` (20 people moved each) at RATE messages a second for
SECONDS, then prints `sent N` and exits.
"""

from __future__ import annotations

import asyncio
import sys
import time


async def main(url: str, seconds: float, rate: float) -> int:
    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, encode
    from faults.common import hub_state

    people = sorted((await hub_state(url)).resources)[:400]  # an alert source sees no people: ask as the desk
    sent = 0
    async with connect(url, additional_headers={"Authorization": "Bearer demo-ingest"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
        async def drain():  # the answers: a client that reads nothing is dropped by the hub
            async for _ in ws:
                pass

        reader = asyncio.ensure_future(drain())
        started = time.monotonic()
        while (now := time.monotonic() - started) < seconds:
            due = int(now * rate)
            while sent < due:
                group = people[(sent * 20) % len(people):][:20]
                moves = [(p, float(sent % 5000), float(i)) for i, p in enumerate(group)]
                await ws.send(encode("ingest.positions", m.IngestPositions(moves=moves), id=f"load-{sent}"),
                              text=True)
                sent += 1
            await asyncio.sleep(0.01)
        reader.cancel()
    print(f"sent {sent}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))))
