"""Seek time and replay speed of a drill file, served by a review hub to a real console session.

    .venv/bin/python scripts/measure_drill.py [FILE] [--seeks 20]

Seek: `drill.control seek` to random moments, timed from the command to the console
having applied the fresh snapshot (and, separately, the hub's own share).
Replay: the whole recording at --speed 10000 (as fast as the hub feeds), timed
until the console holds the final state; reported as events/s and × real time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.client.controller import Controller  # noqa: E402
from console.client.replica import Replica  # noqa: E402
from console.domain.state import state_hash  # noqa: E402
from console.recording.drill_file import DrillReader  # noqa: E402
from console.app.config import HubConfig  # noqa: E402
from console.app.hub import start_hub  # noqa: E402
from console.client.session import Session  # noqa: E402


async def _until(pred, timeout=120.0):
    t_end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > t_end:
            raise TimeoutError
        await asyncio.sleep(0.001)


async def measure(path: str, seeks: int) -> None:
    reader = DrillReader(path)
    meta = reader.meta
    final = state_hash(reader.final_state())
    hub = await start_hub(HubConfig(port=0, drill=path, speed=10_000.0, scenario=None))
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica)
    controller = Controller(replica, session)
    session.start()
    t0 = time.perf_counter()
    await asyncio.wait_for(session.live.wait(), 10)
    await asyncio.wait_for(hub.player.finished.wait(), 600)
    await _until(lambda: replica.state.seq == meta.last_seq)
    replay_s = time.perf_counter() - t0
    assert state_hash(replica.state) == final
    print(f"{path}: {meta.events} events, {meta.duration / 60:.0f} min, {meta.snapshots} snapshots")
    print(f"replay as fast as it goes: {replay_s:.2f} s = {meta.events / replay_s:,.0f} events/s = "
          f"{meta.duration / replay_s:,.0f}× real time (console state equals the recording's end)")
    hub.player.pause()
    rng = random.Random(1)
    e2e, hub_ms = [], []
    for _ in range(seeks):
        target = meta.start + rng.random() * meta.duration
        want = reader.seq_at(target)
        n = len(hub.player.seek_times_ms)
        t = time.perf_counter()
        controller.drill_control("seek", target)
        await _until(lambda: len(hub.player.seek_times_ms) > n)
        await _until(lambda: replica.state.seq == want and replica.drill.position == hub.player.position)
        e2e.append((time.perf_counter() - t) * 1000)
        hub_ms.append(hub.player.seek_times_ms[-1])
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    print(f"seek, {seeks} random targets: hub rebuild+snapshot median {statistics.median(hub_ms):.0f} ms, "
          f"max {max(hub_ms):.0f} ms; command → console applied median {statistics.median(e2e):.0f} ms, "
          f"p90 {q(e2e, 0.9):.0f} ms, max {max(e2e):.0f} ms")
    await session.close()
    await hub.stop()
    reader.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("file", nargs="?", default=str(ROOT / "resources/drills/marathon-morning.drill"))
    p.add_argument("--seeks", type=int, default=20)
    a = p.parse_args()
    asyncio.run(measure(a.file, a.seeks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
