"""P11: alarm-to-screen in service, under a shift's load, with 16 live camera tiles.

The console measures every alert itself (console/client/alarm_latency.py: the hub's commit time on
the event → the first paint of the alert queue showing its row, on the hub's clock through the
heartbeat's offset); this row reads that figure off a real console built by the app's own
`build_console`, while:

- the hub (its own process, `bench.hubproc`) sends RATE background events/s and MARKERS critical
  alerts/s on the marathon baseline: the shift test's traffic (tests/ui/test_shift.py runs the
  marathon world at 30×: positions, alerts, tasks) made steady and countable; the hub's clock runs
  at 1×, or the console would not time its alerts (a drill at 30× stamps scenario seconds);
- every camera is streamed (GStreamer RTSP servers on loopback, 640×360 H.264, four servers) as on
  a site; the wall (25 tiles, 1 + 16 while an alert's camera is in focus) decodes its live budget of
  16 and paints it beside the queue, its focus moving to each critical alert's camera as in service.

INVALID when no work happened: fewer alerts timed than markers sent, a live tile that painted
nothing during the load, or the console not applying the hub's events.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from bench.common import Measure, expect_async, invalid_reasons, percentile, start_hub

RATE = 1000
MARKERS = 2
LIVE = 16
SERVERS = 4


async def run(tmp: Path, quick: bool) -> dict:
    """One P11 run (Qt event loop running: qasync)."""
    from bench.console import ConsoleUnderTest
    from tests.video.servers import RtspServer, gst_rtsp_available

    if not gst_rtsp_available():
        return {"valid": False, "why": "GStreamer RTSP server not installed (scripts/bootstrap.sh)"}
    seconds = 8 if quick else 30
    servers = [RtspServer() for _ in range(SERVERS)]
    hub = c = None
    try:
        for s in servers:
            s.start()
        # every camera streamed (as on a site): whatever the wall shows as alerts move its focus, its
        # live budget (16) decodes; the four servers each serve a quarter of the cameras
        from console.scenarios import build_marathon_baseline

        n_cams = len(build_marathon_baseline().cameras)
        urls = [servers[i % SERVERS].url for i in range(n_cams)]
        hub, url = start_hub({"camera_urls": urls}, tmp)
        # 25 tiles: with an alert's camera in focus the wall is 1 + 16, so the live budget (16) is always full
        c = await ConsoleUnderTest.create(url, tmp, layout=25)
        await c.wait_live()
        streams = c.console.streams
        await c.wait_frames(60)
        painted0, decoded0 = c.painted(), c.frames.totals().decoded
        alarm = c.replica.alarm
        total0, seq0 = alarm.total, c.replica.state.seq
        t0 = time.perf_counter()
        hub.send(op="rate", rate=RATE, seconds=seconds, markers=MARKERS)
        done = await expect_async(hub, "done", timeout=seconds + 60)
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline and (c.replica.state.seq < done.get("last_seq", 0) or alarm._pending):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        span = time.perf_counter() - t0
        now = time.time()
        figures = [s * 1000.0 for s in alarm.seconds(now)]
        timed = alarm.total - total0
        painted, decoded = c.painted() - painted0, c.frames.totals().decoded - decoded0
        live = [cid for cid in streams.pulled() if (w := streams._wants.get(cid)) and w.decode and not w.still_s]
        stalls = c.stalls_since(t0)
        applied = c.replica.state.seq - seq0
        clock_error_ms = alarm.clock.error * 1000.0 if alarm.clock.known else float("nan")
        load = os.getloadavg()
    finally:
        if c is not None:
            await c.close()
        if hub is not None:
            hub.stop()
        for s in servers:
            s.stop()
    markers = int(done.get("markers", 0))
    return {"p50_ms": percentile(figures, 50), "p95_ms": percentile(figures, 95), "max_ms": max(figures, default=0.0),
            "alerts_timed": timed, "markers": markers, "backlog": alarm.backlog, "missed": alarm.missed,
            "live_tiles": len(live), "tile_fps": painted / span / max(1, len(live)), "decoded": decoded,
            "stall_p99_ms": percentile(stalls, 99), "applied": applied, "clock_error_ms": clock_error_ms,
            "load_1m": load[0],
            "invalid": invalid_reasons(
                ("error" not in done, f"hub load failed: {done.get('error')}"),
                (markers > 0 and timed >= markers, f"{timed} alerts timed of {markers} markers sent"),
                (len(live) >= LIVE, f"{len(live)} tiles decoding live at the end, not {LIVE}"),
                (painted > 0 and decoded > 0, f"tiles painted {painted} frames, {decoded} decoded during the load"),
                (applied >= done.get("last_seq", 0) - seq0, f"the console applied {applied} events of "
                                                            f"{done.get('last_seq', 0) - seq0}"))}


def measures(results: list[dict]) -> list[Measure]:
    """P11's row: the console's own p95 (and p50 in the note) against a tenth of the 10 s norm."""
    def v(key: str) -> list[float]:
        return [r[key] for r in results if isinstance(r.get(key), (int, float))]

    def statistics_str(vals: list[float]) -> str:  # bench.__main__'s: median (min–max)
        if not vals:
            return "n/a"
        s = sorted(vals)
        mid = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        return f"{mid:.3g}" if len(s) == 1 else f"{mid:.3g} ({s[0]:.3g}–{s[-1]:.3g})"

    return [Measure("P11", f"alarm → screen in service, p95 ({RATE} ev/s + {MARKERS} alerts/s, {LIVE} live tiles)",
                    "ms", "≤ 1,000 ms", v("p95_ms"), [], check=lambda val, r: val <= 1000,
                    note=f"p50 {statistics_str(v('p50_ms'))} ms, max {statistics_str(v('max_ms'))} ms over "
                    f"{statistics_str(v('alerts_timed'))} alerts; {statistics_str(v('live_tiles'))} live tiles at "
                    f"{statistics_str(v('tile_fps'))} fps each; "
                    f"GUI stall p99 {statistics_str(v('stall_p99_ms'))} ms; clock error ±"
                    f"{statistics_str(v('clock_error_ms'))} ms; the 10 s alarm-display norm of fire-control rooms")]
