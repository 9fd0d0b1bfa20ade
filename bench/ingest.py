"""A camera ingest source in its own process: JPEG frames over the hub's websocket.

    python -m bench.ingest URL CAMS FPS

Pre-renders a few synthetic 640×360 frames per camera (the drill renderer),
connects with the ingest token, prints `{"ready": n}` and then, for each
`{"op": "send", "seconds": S}` on stdin, sends CAMS × FPS frames a second,
evenly spaced, and answers `{"done": "send", "sent": n, ...}`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect

from console.scenarios import build_marathon_baseline
from console.scenarios.frames import FrameRenderer
from console.protocol.codec import JPEG, Frame, encode_frame

VARIANTS = 3


def render(cams: int) -> tuple[list[str], dict[str, list[bytes]], list[bytes]]:
    """(camera ids, encoded wire frames per camera, the bare JPEGs) for the first `cams` cameras."""
    b = build_marathon_baseline()
    chosen = sorted(b.cameras, key=lambda c: c.id)[:cams]
    r = FrameRenderer()
    wire: dict[str, list[bytes]] = {}
    jpegs: list[bytes] = []
    for c in chosen:
        wire[c.id] = []
        for k in range(VARIANTS):
            jpeg = r.render(c, 1_764_460_000.0 + k * 0.7, k, 0.7)
            jpegs.append(jpeg)
            wire[c.id].append(encode_frame(Frame(c.id, 0.0, k, JPEG, r.width, r.height, jpeg)))
    return [c.id for c in chosen], wire, jpegs


async def main(url: str, cams: int, fps: float) -> None:
    ids, wire, _ = render(cams)
    loop = asyncio.get_running_loop()
    async with connect(url, additional_headers={"Authorization": "Bearer demo-ingest"},
                       compression=None, proxy=None, max_size=None) as ws:
        drain = asyncio.create_task(_drain(ws))
        print(json.dumps({"ready": len(ids)}), flush=True)
        n = 0
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            cmd = json.loads(line)
            if cmd.get("op") != "send":
                break
            seconds = float(cmd["seconds"])
            interval = 1.0 / (fps * len(ids))
            t0 = loop.time()
            sent = 0
            late = 0.0
            while True:
                now = loop.time() - t0
                if now >= seconds:
                    break
                due = int(now / interval) + 1
                while sent < due:
                    cam = ids[sent % len(ids)]
                    await ws.send(wire[cam][(n // len(ids)) % VARIANTS])
                    sent += 1
                    n += 1
                late = max(late, now - (sent - 1) * interval)
                await asyncio.sleep(interval / 2)
            print(json.dumps({"done": "send", "sent": sent, "seconds": loop.time() - t0,
                              "max_late_s": late, "t_end": time.time()}), flush=True)
        drain.cancel()


async def _drain(ws) -> None:
    try:
        async for _ in ws:
            pass
    except Exception:  # noqa: BLE001 - closing
        pass


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
