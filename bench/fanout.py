"""Headless consoles in one process: N websocket clients that decode every hub message.

    python -m bench.fanout URL N

Each client connects with its own commander token, resumes at the hub's head
(no snapshot), decodes every message with the protocol codec and records the
delivery delay of each event (receive wall time − the hub's event time).
Prints `{"ready": N}` once all are live; on `{"op": "collect"}` prints the
percentiles and resets.
"""

from __future__ import annotations

import array
import asyncio
import json
import os
import sys
import time

from websockets.asyncio.client import connect

from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode, decode_batch, encode

from bench.common import percentile


class Headless:
    def __init__(self, url: str):
        self.url = url
        self.delays = array.array("d")
        self.events = 0
        self.live = asyncio.Event()
        self.closed = False

    async def run(self) -> None:
        async with connect(self.url, additional_headers={"Authorization": "Bearer demo-commander"},
                           compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            hello = decode(await ws.recv(), max_bytes=MAX_HUB_MESSAGE_BYTES).body
            await ws.send(encode("resume", m.Resume(last_seq=hello.hub_seq)), text=True)
            try:
                async for raw in ws:
                    if isinstance(raw, bytes):
                        continue
                    now = time.time()
                    for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                        if msg.type in m.EVENT_BODIES:
                            self.events += 1
                            self.delays.append(now - msg.ts)
                        elif msg.type == "live":
                            self.live.set()
            finally:
                self.closed = True


async def main(url: str, n: int) -> None:
    clients = [Headless(url) for _ in range(n)]
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.wait_for(asyncio.gather(*(c.live.wait() for c in clients)), 60)
    print(json.dumps({"ready": n}), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or json.loads(line).get("op") != "collect":
            break
        delays: list[float] = []
        for c in clients:
            delays.extend(c.delays)
            c.delays = array.array("d")
        per_client = [c.events for c in clients]
        for c in clients:
            c.events = 0
        print(json.dumps({
            "collected": len(delays),
            "p50_ms": percentile(delays, 50) * 1000, "p99_ms": percentile(delays, 99) * 1000,
            "max_ms": (max(delays) * 1000) if delays else None,
            "min_events": min(per_client), "max_events": max(per_client),
            "closed": sum(c.closed for c in clients),
            "cpu_s": sum(os.times()[:2])}), flush=True)
    for t in tasks:
        t.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
