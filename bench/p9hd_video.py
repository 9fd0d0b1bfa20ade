"""P9HD: four live 1920×1080 15 fps RTSP tiles on a 4-tile wall, once H.264 and once H.265.

Everything real and in this run, once per codec: four GStreamer RTSP servers (one camera each,
tests/video/rtsp_server.py) serving a pre-encoded 10 s clip looped in real time (live 1080p
encoding takes more than this machine has: see bench/PERF.md, "P9HD: four 1080p tiles"), the
console's own CameraWall (layout 4 at 1600×900: a 2×2 grid, each tile ~800×435 px) with its
DecodePool and StreamSources (PyAV readers), the main window's 50 ms UI tick and its GUI
watchdog, offscreen Qt. Each camera has only its 1080p main stream, so the grid tiles (which
ask for the sub-stream, `Camera.url_for`) play it.

The same-run limit is a bare PyAV decode of the same four streams at once, one thread each,
converting as the console does (console/video/convert.py TileConverter, to the very size the
console's readers were asked for), measured in this process right after the wall closes
(the tiles' size is only known once the wall is laid out). The issue's figure: ≤ 1.2×.

Figures per codec: frames painted / decoded; console CPU per painted frame against the bare
decode, and where it goes by thread (readers: decode + conversion, the conversion timed
apart; GUI: the wall's tick, the tiles' paint, the rest); GUI tick p99 (watchdog lateness);
the servers' CPU (that they left the console its cores). A run that decoded or painted
nothing, or whose bare decoded nothing, is INVALID, never a pass.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from bench.common import Measure, percentile
from bench.p9_video import _Sink, _bare_decode, _cpu_s, _replica, _until
from bench.threads_cpu import ThreadCpu

LIVE = 4
CODECS = ("h264", "h265")
SIZE, FPS = "1920x1080", 15
WALL_W, WALL_H = 1600, 900  # the wall's tile area; its toolbar comes on top (as in P9)
TICK_MS = 50  # console/ui/shell/tick.py TICK_MS


class _Timed:
    """CPU seconds the console's readers spent converting (thread_time around each TileConverter call).

    The reader builds its converter by the name `console.video.stream.TileConverter`; the run
    swaps in a subclass that times each call (two clock reads, ~1 µs against a millisecond frame).
    """

    seconds = 0.0
    lock = threading.Lock()

    @classmethod
    def install(cls):
        import console.video.stream as stream
        from console.video.convert import TileConverter

        class TimedConverter(TileConverter):
            __slots__ = ()

            def __call__(self, frame, max_w, max_h):
                t = time.thread_time()
                out = TileConverter.__call__(self, frame, max_w, max_h)
                dt = time.thread_time() - t
                with cls.lock:
                    cls.seconds += dt
                return out

        original = stream.TileConverter
        stream.TileConverter = TimedConverter
        return lambda: setattr(stream, "TileConverter", original)


class _Painting:
    """CPU seconds of the tiles' paintEvent on the GUI thread (thread_time around each)."""

    seconds = 0.0

    @classmethod
    def install(cls):
        from console.ui.panes.cameras.tile import CameraTile

        original = CameraTile.paintEvent

        def paint(self, event):
            t = time.thread_time()
            original(self, event)
            cls.seconds += time.thread_time() - t

        CameraTile.paintEvent = paint
        return lambda: setattr(CameraTile, "paintEvent", original)


def _thread_group(name: str) -> str | None:
    return "readers" if name.startswith("stream-CAM") else None


def _session_cpu_s(sid: int) -> float:
    """CPU seconds (user + system) of every process in session `sid` (a server and its child)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of stat (session), counted after the ")"
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _bare_together(urls: list[str], seconds: float, size: tuple[int, int]) -> dict:
    """The four streams decoded bare at once, one thread each, converting to `size` as the console does."""
    from console.video.convert import TileConverter

    out: list[dict] = []
    lock = threading.Lock()

    def one(url: str) -> None:
        convert = TileConverter()
        res = _bare_decode(url, seconds, lambda frame: convert(frame, *size))
        with lock:
            out.append(res)

    threads = [threading.Thread(target=one, args=(u,), name=f"bare-{i}") for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    frames = sum(r["frames"] for r in out)
    ok = [r for r in out if r["frames"]]
    cpu_ms = sum(r["cpu_ms_per_frame"] * r["frames"] for r in ok)
    convert_ms = sum(r["convert_ms_per_frame"] * r["frames"] for r in ok)
    return {"frames": frames, "streams": len(ok), "cpu_ms_per_frame": cpu_ms / frames if frames else float("nan"),
            "convert_ms_per_frame": convert_ms / frames if frames else float("nan")}


async def _one_codec(codec: str, seconds: float, bare_s: float) -> dict:
    """The console, then the bare decode, on four fresh servers of one codec; the figures or why not."""
    from PySide6.QtCore import QTimer

    from console.client.controller import Controller
    from console.ui.panes.cameras import CameraWall
    from console.ui.shell.selection import Selection
    from console.ui.shell.watchdog import GuiWatchdog
    from console.video.pool import DecodePool
    from console.video.sources import StreamSources
    from tests.video.servers import RtspServer, encoded_clip

    loop = asyncio.get_running_loop()
    clip = await loop.run_in_executor(None, encoded_clip, codec, SIZE, FPS)
    servers = [RtspServer(size=SIZE, fps=FPS, codec=codec, clip=clip) for _ in range(LIVE)]
    pool = streams = wall = tick = watchdog = None
    undo = []
    try:
        for s in servers:
            s.start()
        urls = [s.url for s in servers]
        undo = [_Timed.install(), _Painting.install()]
        # only a main stream: the grid tile asks for the sub-stream and falls back to it (Camera.url_for)
        replica = _replica(urls, "p9hd", "main")
        pool = DecodePool(workers=1)
        streams = StreamSources(pool)
        wall = CameraWall(replica, Controller(replica, _Sink()), Selection(), pool, layout=LIVE, live_tiles=LIVE)
        wall.resize(WALL_W, WALL_H + 30)
        wall.show()
        watchdog = GuiWatchdog()
        refresh: list[tuple[float, float, float]] = []  # (start, wall ms, the GUI thread's CPU ms)

        def on_tick() -> None:
            t, c = time.perf_counter(), time.thread_time()
            wall.refresh(replica.take_changes())
            refresh.append((t, (time.perf_counter() - t) * 1000.0, (time.thread_time() - c) * 1000.0))

        tick = QTimer()
        tick.setInterval(TICK_MS)
        tick.timeout.connect(on_tick)
        tick.start()
        ids = [f"CAM{i + 1:02d}" for i in range(LIVE)]
        tiles = {t.camera_id: t for t in wall.tiles}
        await _until(lambda: all(tiles[c].painted for c in ids), 60, f"{codec}: the tiles never painted")
        first = [streams.status(c).first_frame_s for c in ids]
        await asyncio.sleep(2.0)

        painted0 = sum(t.painted for t in tiles.values())
        decoded0 = pool.totals().decoded
        threads = ThreadCpu(_thread_group)
        threads.mark()
        conv0, paint0 = _Timed.seconds, _Painting.seconds
        srv0 = sum(_session_cpu_s(s.proc.pid) for s in servers)
        cpu0, t0 = _cpu_s(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu, span = _cpu_s() - cpu0, time.perf_counter() - t0
        by_thread = threads.groups()
        converting, painting = _Timed.seconds - conv0, _Painting.seconds - paint0
        srv = sum(_session_cpu_s(s.proc.pid) for s in servers) - srv0
        painted = sum(t.painted for t in tiles.values()) - painted0
        decoded = pool.totals().decoded - decoded0
        stalls = [ms for t, ms in watchdog.samples if t >= t0]
        ticks = [ms for t, ms, _ in refresh if t >= t0]
        tick_cpu_ms = sum(c for t, _, c in refresh if t0 <= t < t0 + span)
        # the box each reader was asked to fit (the tile's device pixels), and what the tiles painted
        box = streams._readers[ids[0]]._size
        shown = (tiles[ids[0]].image.width(), tiles[ids[0]].image.height())
        load = os.getloadavg()

        tick.stop()
        streams.close(join_timeout=3.0)
        streams = None
        bare = await loop.run_in_executor(None, _bare_together, urls, bare_s, box)
    finally:
        for u in undo:
            u()
        if tick is not None:
            tick.stop()
        if watchdog is not None:
            watchdog.stop()
        if streams is not None:
            streams.close(join_timeout=3.0)
        if pool is not None:
            pool.close()
        if wall is not None:
            wall.close()
            wall.deleteLater()
        for s in servers:
            s.stop()
    per = (lambda x: x * 1000.0 / painted) if painted else (lambda x: float("nan"))
    out = {"painted": painted, "decoded": decoded, "painted_ratio": painted / decoded if decoded else float("nan"),
           "tile_fps": painted / max(span, 1e-9) / LIVE, "cpu_per_frame_ms": per(cpu),
           "bare_together_ms": bare["cpu_ms_per_frame"], "bare_frames": bare["frames"],
           "bare_streams": bare["streams"], "bare_convert_ms": bare["convert_ms_per_frame"],
           "console_cpu_share": cpu / span, "servers_cpu_share": srv / span,
           "readers_ms_per_frame": per(by_thread.get("readers", 0.0)), "convert_ms_per_frame": per(converting),
           "gui_ms_per_frame": per(by_thread.get("gui", 0.0)), "gui_tick_ms_per_frame": tick_cpu_ms / painted
           if painted else float("nan"), "paint_ms_per_frame": per(painting),
           "other_ms_per_frame": per(by_thread.get("other", 0.0)),
           "tick_p99_ms": percentile(stalls, 99), "tick_max_ms": max(stalls, default=0.0),
           "refresh_p99_ms": percentile(ticks, 99), "first_frame_p50_s": percentile(first, 50),
           "box_w": box[0], "box_h": box[1], "shown_w": shown[0], "shown_h": shown[1],
           "load_1m": load[0]}
    return {f"{codec}_{k}": v for k, v in out.items()}


async def run(tmp: Path, quick: bool) -> dict:
    """One P9HD run (Qt event loop running: qasync): H.264, then H.265; the figures, or valid=False and why."""
    from tests.video.servers import gst_rtsp_available

    if not gst_rtsp_available():
        return {"valid": False, "why": "GStreamer RTSP server not installed (scripts/bootstrap.sh)"}
    seconds, bare_s = (8.0, 5.0) if quick else (20.0, 10.0)
    res: dict = {}
    for codec in CODECS:
        res.update(await _one_codec(codec, seconds, bare_s))
    why = [f"{c}: decoded {res[f'{c}_decoded']}, painted {res[f'{c}_painted']}, bare decoded "
           f"{res[f'{c}_bare_frames']} on {res[f'{c}_bare_streams']} of {LIVE} streams" for c in CODECS
           if not (res[f"{c}_decoded"] > 0 and res[f"{c}_painted"] > 0 and res[f"{c}_bare_streams"] == LIVE)]
    return {"valid": not why, "why": "; ".join(why), **res}


def measures(results: list[dict]) -> list[Measure]:
    """P9HD's rows (an INVALID run is shown as such, never as a pass)."""
    ok = [r for r in results if r.get("valid")]
    if not ok:
        why = results[0].get("why", "") if results else "run failed"
        return [Measure("P9HD", "4 live 1080p tiles", "", "valid run", [], [], available=False,
                        note=f"INVALID: {why}")]

    def v(key: str) -> list[float]:
        return [float(r[key]) for r in ok if r.get(key) is not None]

    def s(key: str, scale: float = 1.0) -> str:
        vals = sorted(x * scale for x in v(key))
        return f"{vals[len(vals) // 2]:.3g}" if vals else "n/a"

    rows = []
    for codec, name in (("h264", "H.264"), ("h265", "H.265")):
        k = lambda key: f"{codec}_{key}"  # noqa: E731
        rows += [
            Measure("P9HD", f"4 × 1080p {name}: frames painted / decoded", "%", "≥ 95%",
                    [x * 100 for x in v(k("painted_ratio"))], [], check=lambda val, r: val >= 95,
                    note=f"{name}: tiles painted {s(k('tile_fps'))} fps each (15 sent) at {s(k('shown_w'))}×"
                    f"{s(k('shown_h'))} px; servers {s(k('servers_cpu_share'), 100)}% of a core"),
            Measure("P9HD", f"4 × 1080p {name}: CPU per painted frame vs 4 bare at once", "ms", "≤ 1.2× bare",
                    v(k("cpu_per_frame_ms")), v(k("bare_together_ms")),
                    "bare PyAV ×4 threads, the console's conversion", "x", lambda val, r: r <= 1.2,
                    note=f"{name}: console {s(k('console_cpu_share'), 100)}% of a core; ms per painted frame: "
                    f"readers {s(k('readers_ms_per_frame'))} (conversion {s(k('convert_ms_per_frame'))}), GUI thread "
                    f"{s(k('gui_ms_per_frame'))} (wall tick {s(k('gui_tick_ms_per_frame'))}, tiles' paint "
                    f"{s(k('paint_ms_per_frame'))}), other threads {s(k('other_ms_per_frame'))}; the bare's "
                    f"conversion {s(k('bare_convert_ms'))}"),
            Measure("P9HD", f"4 × 1080p {name}: GUI tick p99 (watchdog)", "ms", "≤ 16 ms", v(k("tick_p99_ms")), [],
                    check=lambda val, r: val <= 16,
                    note=f"{name}: worst {s(k('tick_max_ms'))} ms; wall refresh p99 {s(k('refresh_p99_ms'))} ms; "
                    f"open → first frame p50 {s(k('first_frame_p50_s'))} s"),
        ]
    return rows
