"""P9: 16 live 640×360 15 fps H.264 RTSP sub-streams plus 48 stills on one 64-tile wall.

Everything real and in this run: four GStreamer RTSP servers (tests/video/rtsp_server.py,
16 cameras each), the console's own CameraWall with its DecodePool and StreamSources
(PyAV readers), the main window's 50 ms UI tick and its GUI watchdog, offscreen Qt.
The same-run limit is a bare PyAV decode of the same stream (open, decode, swscale to
the tile's size with `to_ndarray`, nothing else) measured in this process just before the
wall starts (the issue's limit). Two more: the same converting as the console does
(console/video/convert.py), and that on all sixteen live streams at once, one thread each,
the like-for-like limit the second CPU row is judged on (see bench/PERF.md, "P9: where a
painted frame's time goes").

Figures: frames painted / frames decoded; console CPU per painted frame against the bare
decode; GUI tick p99 (watchdog lateness) and the wall's own refresh time; open-to-first-frame
p50/p95 of the live tiles; reconnect time after one server restarts (its four live tiles
painting again); RSS with the 30 s packet rings full. A run that decoded or painted
nothing is INVALID, never a pass.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from bench.common import Measure, percentile
from bench.threads_cpu import ThreadCpu

LIVE, STILLS, SERVERS = 16, int(os.environ.get("P9_STILLS", "48")), 4
TILE_W, TILE_H = 200, 112  # a 64-tile wall at 1600×900
TICK_MS = 50  # console/ui/shell/tick.py TICK_MS
STILL_S = 10.0


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (user + system), to the nanosecond.

    Not `os.times()`: it counts in 10 ms clock ticks, and the bare decode below is only
    ~150 ms of CPU, so the limit itself moved in steps of 6–7 % between runs.
    """
    return time.process_time()


def _to_ndarray(frame) -> None:
    """The bare decode's conversion: PyAV's own, as a plain program would write it."""
    frame.to_ndarray(width=TILE_W, height=TILE_H, format="rgb24")


def _console_converter():
    """The console's conversion (one swscale context a connection, Qt's RGB32, no copy), for the second bare."""
    from console.video.convert import TileConverter

    convert = TileConverter()
    return lambda frame: convert(frame, TILE_W, TILE_H)


def _bare_decode(url: str, seconds: float, convert=_to_ndarray) -> dict:
    """Decode one stream with PyAV alone (a reader's own options and timeouts, its scaling); CPU per frame.

    The CPU is the decoding thread's own (`time.thread_time`, nanoseconds): exactly the demux,
    decode and conversion of the frames counted, nothing else the process did meanwhile, and
    not the 10 ms ticks that made the limit jump between runs. The conversion (swscale to the
    tile and the array) is timed apart too, to say how much of a frame it is.
    """
    import av

    from console.video.stream import StreamReader

    reader = StreamReader("bare", url, lambda frame: None)  # never started: its options and timeouts only
    container = av.open(url, options=reader._options(), timeout=reader._pyav_timeouts())
    try:
        video = container.streams.video[0]
        video.thread_count = 1
        n, t_end, c0, converting = 0, None, None, 0.0
        for packet in container.demux(video):
            for frame in packet.decode():
                k0 = time.thread_time()
                convert(frame)
                if c0 is None:  # count from the first frame: the open and probe are not decoding
                    c0, t_end = time.thread_time(), time.monotonic() + seconds
                    continue
                converting += time.thread_time() - k0
                n += 1
            if t_end is not None and time.monotonic() >= t_end:
                break
        cpu = time.thread_time() - c0 if c0 is not None else 0.0
    finally:
        container.close()
    if not n:
        return {"frames": 0, "cpu_ms_per_frame": float("nan"), "convert_ms_per_frame": float("nan")}
    return {"frames": n, "cpu_ms_per_frame": cpu * 1000.0 / n, "convert_ms_per_frame": converting * 1000.0 / n}


def _bare_together(urls: list[str], seconds: float) -> dict:
    """The bare decode (converting as the console does) on every live stream at once, one thread each.

    The like-for-like limit: the console decodes sixteen streams together, and a decoder that
    sleeps between frames of a lone stream pays more for each frame (measured: 0.9–1.1 ms alone
    against 0.66 ms sixteen at once, the same code), so the lone bare flatters the console.
    """
    import threading

    out: list[dict] = []
    lock = threading.Lock()

    def one(url: str) -> None:
        res = _bare_decode(url, seconds, _console_converter())
        with lock:
            out.append(res)

    threads = [threading.Thread(target=one, args=(u,), name=f"bare-{i}") for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    frames = sum(r["frames"] for r in out)
    cpu_ms = sum(r["cpu_ms_per_frame"] * r["frames"] for r in out if r["frames"])
    return {"frames": frames, "cpu_ms_per_frame": cpu_ms / frames if frames else float("nan")}


def _thread_group(name: str) -> str | None:
    """A reader thread's group: its camera is a live tile (CAM01…CAM16) or a still; others: None."""
    if name.startswith("stream-CAM") and name[10:].isdigit():
        return "live_readers" if int(name[10:]) <= LIVE else "still_readers"
    return None


def _rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; psutil is not a dependency)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class _Sink:
    """The controller's link: the wall subscribes nothing at a hub here (every camera is pulled)."""

    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras) -> None:
        pass


def _replica(urls: list[str], name: str = "p9", stream: str = "sub"):
    """A replica holding one camera per URL (CAM01…), the URL as its `stream` ("sub" or "main")."""
    from console.client.replica import Replica
    from console.domain.model import Baseline, Camera, OrgUnit
    from console.protocol import messages as m
    from console.protocol.codec import Message

    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    cams = [Camera(id=f"CAM{i + 1:02d}", name=f"{name.upper()} {i + 1}", grid="T1", town="T1", x=0, y=0,
                   **{stream: url}) for i, url in enumerate(urls)]
    replica = Replica()
    baseline = Baseline(name=name, day_start=time.time() - 3600, org=org, resources=[], cameras=cams, plans=[],
                        course=[])
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), 1, time.time()))
    return replica


async def _until(cond, timeout: float, what) -> None:
    """Wait for `cond()`; past `timeout` s, TimeoutError saying `what` (a callable: said as it is then)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(what() if callable(what) else what)
        await asyncio.sleep(0.05)


async def run(tmp: Path, quick: bool) -> dict:
    """One P9 run (Qt event loop running: qasync); returns the figures, or valid=False and why."""
    from PySide6.QtCore import QTimer

    from console.client.controller import Controller
    from console.ui.panes.cameras import CameraWall
    from console.ui.shell.selection import Selection
    from console.ui.shell.watchdog import GuiWatchdog
    from console.video.pool import DecodePool
    from console.video.sources import StreamSources
    from tests.video.servers import RtspServer, gst_rtsp_available

    if not gst_rtsp_available():
        return {"valid": False, "why": "GStreamer RTSP server not installed (scripts/bootstrap.sh)"}
    seconds = 8.0 if quick else 20.0
    loop = asyncio.get_running_loop()
    servers = [RtspServer() for _ in range(SERVERS)]
    pool = streams = wall = tick = watchdog = None
    try:
        for s in servers:
            s.start()
        bare = await loop.run_in_executor(None, _bare_decode, servers[0].url, 4.0 if quick else 8.0)
        # the same, converting as the console does: how much of the difference is the conversion
        bare_tile = await loop.run_in_executor(None, _bare_decode, servers[0].url, 4.0 if quick else 8.0,
                                               _console_converter())

        urls = [servers[i // (LIVE // SERVERS) % SERVERS].url if i < LIVE else servers[i % SERVERS].url
                for i in range(LIVE + STILLS)]
        together = await loop.run_in_executor(None, _bare_together, urls[:LIVE], 4.0 if quick else 8.0)
        replica = _replica(urls)
        pool = DecodePool(workers=1)
        streams = StreamSources(pool)
        wall = CameraWall(replica, Controller(replica, _Sink()), Selection(), pool, layout=64,
                          live_tiles=LIVE, still_s=STILL_S)
        wall.resize(1600, 900 + 30)
        wall.show()
        watchdog = GuiWatchdog()
        refresh_ms: list[tuple[float, float, float]] = []  # (start, wall ms, the GUI thread's CPU ms)

        def on_tick() -> None:
            t, c = time.perf_counter(), time.thread_time()
            wall.refresh(replica.take_changes())
            refresh_ms.append((t, (time.perf_counter() - t) * 1000.0, (time.thread_time() - c) * 1000.0))

        tick = QTimer()
        tick.setInterval(TICK_MS)
        tick.timeout.connect(on_tick)
        tick.start()
        t_open = time.monotonic()
        live_ids = [f"CAM{i + 1:02d}" for i in range(LIVE)]
        tiles = {t.camera_id: t for t in wall.tiles}
        # a run that fails here says which tiles and what their readers were doing (it happened once in 11)
        await _until(lambda: all(tiles[c].painted for c in live_ids), 60, lambda: "live tiles never painted: " + "; ".join(
            f"{c} {streams.status(c)!r}" for c in live_ids if not tiles[c].painted))
        live_first = [streams.status(c).first_frame_s for c in live_ids]
        await _until(lambda: all(t.painted for t in tiles.values()), 60, "stills never painted")
        stills_all_s = time.monotonic() - t_open
        await asyncio.sleep(2.0)

        painted0 = sum(t.painted for t in tiles.values())
        live0 = sum(tiles[c].painted for c in live_ids)
        decoded0 = pool.totals().decoded
        threads = ThreadCpu(_thread_group)
        threads.mark()
        cpu0, t0 = _cpu_s(), time.perf_counter()
        await asyncio.sleep(seconds)
        by_thread = threads.groups()
        painted = sum(t.painted for t in tiles.values()) - painted0
        decoded = pool.totals().decoded - decoded0
        cpu, span = _cpu_s() - cpu0, time.perf_counter() - t0
        stalls = [s for t, s in watchdog.samples if t >= t0]
        refresh = [ms for t, ms, _ in refresh_ms if t >= t0]
        refresh_cpu_ms = sum(c for t, _, c in refresh_ms if t0 <= t < t0 + span)
        live_painted = sum(tiles[c].painted for c in live_ids) - live0

        # one server (four live tiles, twelve stills) restarts on the same port
        victim = servers[1]
        on_victim = [c for c, u in zip(live_ids, urls) if u == victim.url]
        victim.stop()
        await _until(lambda: all(tiles[c].stale for c in on_victim), 10, "tiles did not go stale")
        await asyncio.sleep(1.0)
        victim.start()
        t_back = time.monotonic()
        base = {c: tiles[c].painted for c in on_victim}
        back: dict[str, float] = {}

        def all_back() -> bool:
            for c in on_victim:
                if c not in back and tiles[c].painted > base[c] and not tiles[c].stale:
                    back[c] = time.monotonic() - t_back
            return len(back) == len(on_victim)

        await _until(all_back, 30, "tiles did not come back after the restart")

        # the 30 s packet rings fill while the run goes on
        def ring_seconds() -> dict[str, float | None]:
            return {c: (r.ring.seconds() if (r := streams._readers.get(c)) is not None and r.ring is not None else None)
                    for c in live_ids if c not in on_victim}

        # the message says which ring was short and what its reader was doing (one run in about forty)
        await _until(lambda: all(s is not None and s >= 28 for s in ring_seconds().values()), 45,
                     lambda: "rings did not fill: " + ", ".join(
                         f"{c} {s if s is None else round(s, 1)} s ({streams._readers[c].status() if c in streams._readers else 'no reader'})"
                         for c, s in ring_seconds().items() if s is None or s < 28))
        rss = _rss_mb()
        ring_mb = streams.ring_bytes() / 1e6
        load = os.getloadavg()
    finally:
        if tick is not None:
            tick.stop()
        if watchdog is not None:
            watchdog.stop()
        if streams is not None:
            streams.close(join_timeout=3.0)
        if pool is not None:
            pool.close()
        for s in servers:
            s.stop()
    valid = decoded > 0 and painted > 0 and bare["frames"] > 0 and bare_tile["frames"] > 0 and together["frames"] > 0
    cpu_per_frame = cpu * 1000.0 / painted if painted else float("nan")
    return {"valid": valid, "why": "" if valid else f"decoded {decoded}, painted {painted}, bare {bare['frames']}, "
            f"bare converting as the console {bare_tile['frames']}, bare ×16 {together['frames']}",
            "painted_ratio": painted / decoded if decoded else float("nan"), "painted": painted, "decoded": decoded,
            "live_fps": live_painted / max(span, 1e-9) / LIVE, "cpu_per_frame_ms": cpu_per_frame,
            "bare_decode_ms": bare["cpu_ms_per_frame"], "bare_frames": bare["frames"],
            "bare_convert_ms": bare["convert_ms_per_frame"],
            "bare_tile_ms": bare_tile["cpu_ms_per_frame"], "bare_tile_convert_ms": bare_tile["convert_ms_per_frame"],
            "bare_together_ms": together["cpu_ms_per_frame"],
            "gui_tick_ms_per_frame": refresh_cpu_ms / painted if painted else float("nan"),
            "console_cpu_share": cpu / span, "tick_p99_ms": percentile(stalls, 99),
            "tick_max_ms": max(stalls, default=0.0), "refresh_p99_ms": percentile(refresh, 99),
            "first_frame_p50_s": percentile(live_first, 50), "first_frame_p95_s": percentile(live_first, 95),
            "stills_all_painted_s": stills_all_s,
            "reconnect_p50_s": percentile(list(back.values()), 50), "reconnect_max_s": max(back.values()),
            "rss_mb": rss, "ring_mb": ring_mb, "load_1m": load[0], "load_5m": load[1],
            # where a painted frame's CPU goes (ms per painted frame, by thread group; /proc ticks)
            **{f"{g}_ms_per_frame": c * 1000.0 / painted if painted else float("nan")
               for g, c in sorted(by_thread.items())}}


def measures(results: list[dict]) -> list[Measure]:
    """P9's rows of the table (an INVALID run is shown as such, never as a pass)."""
    ok = [r for r in results if r.get("valid")]
    if not ok:
        why = results[0].get("why", "") if results else "run failed"
        return [Measure("P9", "16 live RTSP + 48 stills", "", "valid run", [], [], available=False,
                        note=f"INVALID: {why}")]

    def v(key: str) -> list[float]:
        return [float(r[key]) for r in ok if r.get(key) is not None]

    def s(key: str, scale: float = 1.0) -> str:
        vals = sorted(x * scale for x in v(key))
        return f"{vals[len(vals) // 2]:.3g}" if vals else "n/a"

    return [
        Measure("P9", "16 live + 48 stills: frames painted / decoded", "%", "≥ 95%",
                [x * 100 for x in v("painted_ratio")], [], check=lambda val, r: val >= 95,
                note=f"live tiles painted {s('live_fps')} fps each (15 sent)"),
        Measure("P9", "CPU per painted frame (whole console)", "ms", "≤ 1.3× bare", v("cpu_per_frame_ms"),
                v("bare_decode_ms"), "bare PyAV decode + scale, same stream", "x", lambda val, r: r <= 1.3,
                note=f"console CPU {s('console_cpu_share', 100)}% of a core; load avg {s('load_1m')}; ms per frame: "
                f"GUI thread {s('gui_ms_per_frame')} (of it the wall's tick {s('gui_tick_ms_per_frame')}), live readers {s('live_readers_ms_per_frame')}, stills "
                f"{s('still_readers_ms_per_frame')}, other threads {s('other_ms_per_frame')}; the bare's "
                f"conversion {s('bare_convert_ms')} of its {s('bare_decode_ms')}"),
        Measure("P9", "CPU per painted frame vs the 16 live streams decoded bare at once", "ms", "≤ 1.3× bare",
                v("cpu_per_frame_ms"), v("bare_together_ms"), "bare PyAV ×16 threads, the console's conversion", "x",
                lambda val, r: r <= 1.3,
                note=f"like for like: a lone stream costs more a frame ({s('bare_tile_ms')} ms with the console's "
                f"conversion) than sixteen together; the conversion alone {s('bare_tile_convert_ms')} ms a frame "
                f"this way, {s('bare_convert_ms')} ms by to_ndarray (rgb24, a new swscale context a frame)"),
        Measure("P9", "GUI tick p99 (watchdog)", "ms", "≤ 16 ms", v("tick_p99_ms"), [],
                check=lambda val, r: val <= 16, note=f"wall refresh p99 {s('refresh_p99_ms')} ms"),
        Measure("P9", "open → first frame, p50", "s", "—", v("first_frame_p50_s"), []),
        Measure("P9", "open → first frame, p95", "s", "—", v("first_frame_p95_s"), [],
                note=f"all 48 stills painted {s('stills_all_painted_s')} s after opening"),
        Measure("P9", "reconnect after a server restart (worst of 4 tiles)", "s", "—", v("reconnect_max_s"), [],
                note=f"p50 {s('reconnect_p50_s')} s"),
        Measure("P9", "RSS, 30 s rings full", "MB", "—", v("rss_mb"), [], note=f"rings {s('ring_mb')} MB"),
    ]
