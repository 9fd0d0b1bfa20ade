"""One run of one benchmark, in a fresh process: `python -m bench.worker ID [--quick]`.

Prints `BENCH_RESULT {json}` as its last line. A fresh process per run keeps
runs independent (Qt state, caches, the resident memory P6 measures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import p10_city, p11_alarm, p12_suite, p9_video, p9b_site, p9hd_video
from console.domain.archive import KEEP_FINISHED
from bench.common import (
    ROOT, RESULT_TAG, Child, child_env, expect_async, invalid_reasons, percentile, python, start_hub,
)

# ====================================================================== helpers


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (user + system)."""
    t = os.times()
    return t.user + t.system


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


async def _counter_run(counter, n: int, timeout: float = 120.0) -> tuple[float, int]:
    """Wait for `counter()` to grow by n; returns (events/s from first to last, events seen)."""
    base = counter()
    deadline = time.monotonic() + timeout
    while counter() == base:
        if time.monotonic() > deadline:
            raise TimeoutError("no events arrived")
        await asyncio.sleep(0.002)
    t_first, n_first = time.perf_counter(), counter()
    while counter() < base + n:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.005)
    t_last, n_last = time.perf_counter(), counter()
    return (n_last - n_first) / (t_last - t_first), n_last - base


def _bare_decode_cpu_ms(jpegs: list[bytes], n: int = 600) -> float:
    """CPU ms per full-size simplejpeg decode of the same frames, one thread (the same-run limit)."""
    import simplejpeg

    for j in jpegs[:5]:
        simplejpeg.decode_jpeg(j, colorspace="RGB")
    t0 = time.process_time()
    for i in range(n):
        simplejpeg.decode_jpeg(jpegs[i % len(jpegs)], colorspace="RGB")
    return (time.process_time() - t0) * 1000.0 / n


# ====================================================================== P1

P1_EVENTS = 40_000


async def p1_bare(tmp: Path, quick: bool) -> dict:
    """A bare websockets client decoding the hub's stream: the same-run limit for P1."""
    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode

    hub, url = start_hub({}, tmp)
    n = P1_EVENTS // (3 if quick else 1)
    count = 0
    try:
        async with connect(url, additional_headers={"Authorization": "Bearer demo-commander"},
                           compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            live = asyncio.Event()

            async def read():
                nonlocal count
                async for raw in ws:
                    if isinstance(raw, bytes):
                        continue
                    for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                        if isinstance(msg, Exception):  # report, do not stall the count
                            print(f"bare client: undecodable message: {msg}", file=sys.stderr, flush=True)
                        elif msg.type in m.EVENT_BODIES:
                            count += 1
                        elif msg.type == "live":
                            live.set()

            reader = asyncio.create_task(read())
            reader.add_done_callback(lambda t: t.cancelled() or t.exception() is None or print(
                f"bare client reader ended: {t.exception()!r}", file=sys.stderr, flush=True))
            await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
            await asyncio.wait_for(live.wait(), 60)
            cpu0 = _cpu_s()
            hub.send(op="flood", n=n)
            rate, seen = await _counter_run(lambda: count, n)
            cpu = _cpu_s() - cpu0
            done = await expect_async(hub, "done")
            reader.cancel()
    finally:
        hub.stop()
    return {"events_per_s": rate, "events": seen, "hub_seconds": done["seconds"],
            "hub_held_s": done.get("held_s"), "cpu_us_per_event": cpu * 1e6 / max(seen, 1),
            "invalid": invalid_reasons((seen >= n, f"{seen} of {n} events decoded"),
                                       ("error" not in done, f"hub load failed: {done.get('error')}"))}


async def p1_console(tmp: Path, quick: bool) -> dict:
    """The console, UI live (9 tiles drawing 5 fps, every pane refreshing), applying the same stream."""
    from bench.console import ConsoleUnderTest

    hub, url = start_hub({}, tmp)
    c = None
    n = P1_EVENTS // (3 if quick else 1)
    try:
        c = await ConsoleUnderTest.create(url, tmp)
        await c.wait_live()
        hub.send(op="frames_on", fps=5)
        await c.wait_frames()
        painted0 = c.painted()
        t0, cpu0 = time.perf_counter(), _cpu_s()
        hub.send(op="flood", n=n)
        rate, seen = await _counter_run(lambda: c.replica.counters["events"], n)
        cpu = _cpu_s() - cpu0
        fps = (c.painted() - painted0) / (time.perf_counter() - t0)
        done = await expect_async(hub, "done")
        stalls = c.stalls_since(t0)
        return {"events_per_s": rate, "events": seen, "tiles_fps": fps, "hub_held_s": done.get("held_s"),
                "cpu_us_per_event": cpu * 1e6 / max(seen, 1),
                "worst_stall_ms": max(stalls, default=0.0), "stall_p99_ms": percentile(stalls, 99),
                "invalid": invalid_reasons(
                    (seen >= n, f"{seen} of {n} events applied"),
                    (fps > 0, "no camera tile painted while the events were applied (the UI was not live)"),
                    (len(stalls) > 0, "the GUI watchdog never ran"),
                    ("error" not in done, f"hub load failed: {done.get('error')}"))}
    finally:
        if c is not None:
            await c.close()
        hub.stop()


# ====================================================================== P2

async def p2(tmp: Path, quick: bool) -> dict:
    """Hub send → alert row painted in the queue, with 5,000 other events/s flowing.

    Each marker alert's time is split into stages (the breakdown the issue asks for):
    hub (made → pushed to the clients' queues: sequencing, the log's commit), wire (pushed →
    the session starts on the frame that holds it: the hub's writer, the socket, the websocket
    library), decode+apply (→ applied: the batch decoded and the events ahead of it applied),
    paint (applied → the queue painted the row: the early tick and the paint).
    """
    import console.client.replica as replica_mod
    import console.client.session as session_mod
    from console.ui.panes.alerts.widget import QueueView

    from bench.console import ConsoleUnderTest

    latencies: list[float] = []
    stages: dict[str, list[float]] = {"wire": [], "decode_apply": [], "paint": []}
    #: marker incidents applied by the replica and not yet seen in a painted queue: (at, seq, applied)
    waiting: dict[str, tuple[float, int, float]] = {}
    #: seq → (made, received, applied, painted), for the hub stage once the hub reports
    seen: dict[int, tuple[float, float, float, float]] = {}
    original = QueueView.paintEvent
    original_decode = session_mod.decode_batch
    original_fold = replica_mod.apply
    frame_at = [0.0]
    #: GUI-thread seconds in the session's own work (what a worker would take off it): decode, fold
    spent = {"decode": 0.0, "fold": 0.0}

    def hooked(view, event):
        original(view, event)
        if not waiting:
            return
        now = time.time()
        model = view.model()
        for iid in [i for i in waiting if model.row_of(i) is not None]:
            at, seq, applied = waiting.pop(iid)
            latencies.append((now - at) * 1000.0)
            seen[seq] = (at, seen.get(seq, (0, 0))[1], applied, now)

    def timed_decode(raw, **kw):  # when the session starts on a frame
        frame_at[0] = time.time()
        t = time.perf_counter()
        out = original_decode(raw, **kw)
        spent["decode"] += time.perf_counter() - t
        return out

    def timed_fold(state, msg, changes=None):  # the domain fold alone (not the early tick it may call)
        t = time.perf_counter()
        original_fold(state, msg, changes)
        spent["fold"] += time.perf_counter() - t
        if msg.type == "alert_raised" and msg.body.alert.title.startswith("BENCH marker"):
            # noted as folded, before the replica's early tick paints it (noted after `apply_event`
            # returned, a row painted in that early tick was counted at the queue's next paint)
            waiting[msg.body.incident] = (msg.body.alert.at, msg.seq, time.time())
            seen[msg.seq] = (msg.body.alert.at, frame_at[0], 0.0, 0.0)

    QueueView.paintEvent = hooked
    session_mod.decode_batch = timed_decode
    replica_mod.apply = timed_fold
    hub, url = start_hub({}, tmp)
    c = None
    seconds = 6 if quick else 15
    try:
        c = await ConsoleUnderTest.create(url, tmp)
        await c.wait_live()
        seq0 = c.replica.state.seq
        hub.send(op="rate", rate=5000, seconds=seconds, markers=10)
        t0, thread0 = time.perf_counter(), time.thread_time()  # this coroutine runs on the GUI thread
        spent["decode"] = spent["fold"] = 0.0
        done = await expect_async(hub, "done", timeout=seconds + 60)
        load_s = time.perf_counter() - t0
        gui_busy = (time.thread_time() - thread0) / load_s
        spent_load = dict(spent)
        # the console catches up (bounded): every event applied, every marker painted
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline and (c.replica.state.seq < done.get("last_seq", 0) or waiting):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        stalls = c.stalls_since(t0)
        applied = c.replica.state.seq - seq0
        # the console's own in-service figure (hub commit → row painted, every alert), beside the bench's
        in_service = c.replica.alarm.seconds(time.time())
    finally:
        QueueView.paintEvent = original
        session_mod.decode_batch = original_decode
        replica_mod.apply = original_fold
        if c is not None:
            await c.close()
        hub.stop()
    if "error" in done:
        return {"invalid": [f"hub load failed: {done['error']}"], "p50_ms": percentile(latencies, 50),
                "p99_ms": percentile(latencies, 99)}
    hub_ms = []
    pushed = {int(k): v for k, v in done.get("marker_pushed", {}).items()}
    for seq, (at, recv, appl, painted) in seen.items():
        if not painted:
            continue
        if seq in pushed:
            hub_ms.append((pushed[seq] - at) * 1000.0)
            stages["wire"].append((recv - pushed[seq]) * 1000.0)
        stages["decode_apply"].append((appl - recv) * 1000.0)
        stages["paint"].append((painted - appl) * 1000.0)
    stages["hub"] = hub_ms
    out = {"p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
           "max_ms": max(latencies, default=float("nan")), "markers": done["markers"],
           "painted_markers": len(latencies), "background_sent": done["sent"],
           "events_expected": done["last_seq"] - seq0, "events_applied": applied,
           "stall_p99_ms": percentile(stalls, 99), "hub_peak_queue": done.get("peak_queue"),
           "gui_thread_busy": gui_busy,
           "gui_decode_ms_per_s": spent_load["decode"] * 1000.0 / load_s,
           "gui_fold_ms_per_s": spent_load["fold"] * 1000.0 / load_s,
           "in_service_p50_ms": percentile([x * 1000.0 for x in in_service], 50),
           "in_service_p95_ms": percentile([x * 1000.0 for x in in_service], 95),
           "in_service_alerts": len(in_service)}
    if os.environ.get("P2_TRACE"):  # diagnosis: each marker's times (wall clock), beside --stalls' samples
        Path(os.environ["P2_TRACE"]).write_text(json.dumps(
            [{"seq": seq, "made": at, "pushed": pushed.get(seq), "received": recv, "applied": appl,
              "painted": painted} for seq, (at, recv, appl, painted) in sorted(seen.items())]))
    for name, vals in stages.items():
        out[f"{name}_p50_ms"] = percentile(vals, 50)
        out[f"{name}_p99_ms"] = percentile(vals, 99)
    out["invalid"] = invalid_reasons(
        (done["markers"] > 0, "no marker alert was sent"),
        (len(latencies) == done["markers"], f"{len(latencies)} of {done['markers']} marker alerts painted"),
        (applied >= done["last_seq"] - seq0, f"{applied} of {done['last_seq'] - seq0} events applied"))
    return out


# ====================================================================== P3

async def p3(tmp: Path, quick: bool) -> dict:
    """64 tiles at 10 fps 640×360 JPEG from an ingest process over the hub."""
    from bench.console import ConsoleUnderTest
    from bench.ingest import render

    _, _, jpegs = render(64)
    bare_ms = _bare_decode_cpu_ms(jpegs)
    hub, url = start_hub({}, tmp)
    ingest = c = None
    seconds = 6 if quick else 12
    try:
        c = await ConsoleUnderTest.create(url, tmp, layout=64)
        await c.wait_live()
        ingest = Child([python(), "-m", "bench.ingest", url, "64", "10"], name="ingest")
        await expect_async(ingest, "ready", 120)
        ingest.send(op="send", seconds=2.0)  # warm-up: every tile gets going
        await expect_async(ingest, "done", 60)
        await asyncio.sleep(0.3)
        painted0, cpu0, t0 = c.painted(), _cpu_s(), time.perf_counter()
        decoded0 = c.frames.totals().decoded
        ingest.send(op="send", seconds=seconds)
        done = await expect_async(ingest, "done", seconds + 60)
        await asyncio.sleep(0.3)
        painted = c.painted() - painted0
        cpu = _cpu_s() - cpu0
        stalls = c.stalls_since(t0)
        totals = c.frames.totals()
        decoded = totals.decoded - decoded0
        tile_dropped = sum(t.dropped for t in c.wall.tiles)
    finally:
        if ingest is not None:
            ingest.stop()
        if c is not None:
            await c.close()
        hub.stop()
    cpu_per_frame_ms = cpu * 1000.0 / max(painted, 1)
    return {"painted_ratio": painted / max(done["sent"], 1), "sent": done["sent"], "painted": painted,
            "tick_p99_ms": percentile(stalls, 99), "tick_max_ms": max(stalls, default=0.0),
            "cpu_per_frame_ms": cpu_per_frame_ms, "bare_decode_ms": bare_ms,
            "console_cpu_share": cpu / (time.perf_counter() - t0),
            "pool_dropped": totals.dropped, "pool_unseen": totals.unseen, "tile_dropped": tile_dropped,
            "ingest_max_late_s": done["max_late_s"], "decoded": decoded,
            "invalid": invalid_reasons((done["sent"] > 0, "the ingest sent no frame"),
                                       (decoded > 0, "no frame was decoded"),
                                       (painted > 0, "no frame was painted"),
                                       (len(stalls) > 0, "the GUI watchdog never ran"))}


# ====================================================================== P4

async def p4(tmp: Path, quick: bool) -> dict:
    """The map with 20,000 people moving at 1 Hz: GUI stalls while they move."""
    from bench.console import ConsoleUnderTest

    hub, url = start_hub({"resources": 20_000}, tmp)
    c = None
    seconds = 6 if quick else 15
    try:
        c = await ConsoleUnderTest.create(url, tmp)
        await c.wait_live()
        await asyncio.sleep(1.5)  # the baseline load itself is start-up, not the moving map
        map_pane = c.window.panes.get("map")
        updates0 = map_pane.people_layer.updates if map_pane is not None else 0
        redraws = _watch_paints(getattr(map_pane, "plot", None))
        t0 = time.perf_counter()
        hub.send(op="moves", seconds=seconds, hz=1.0)
        done = await expect_async(hub, "done", seconds + 60)
        t_end = time.perf_counter()
        await asyncio.sleep(0.3)
        stalls = c.stalls_since(t0)
        moved_people = len(c.replica.state.resources)
        updates = (map_pane.people_layer.updates - updates0) if map_pane is not None else 0
    finally:
        _unwatch_paints()
        if c is not None:
            await c.close()
        hub.stop()
    # the map must have redrawn the people at least once a second for the whole run
    marks = [t0] + [t for t in redraws if t0 <= t <= t_end] + [t_end]
    gap = max(b - a for a, b in zip(marks, marks[1:]))
    return {"worst_stall_ms": max(stalls, default=0.0), "stall_p99_ms": percentile(stalls, 99),
            "people": moved_people, "moves": done["moves"], "map_updates": updates,
            "map_redraws": len(marks) - 2, "redraw_gap_max_s": gap,
            "invalid": invalid_reasons(
                (map_pane is not None, "no map pane"),
                (moved_people >= 20_000, f"{moved_people} people on the map, not 20,000"),
                (done.get("moves", 0) > 0, "the hub moved nobody"),
                (gap <= 1.0, f"the map went {gap:.1f} s without redrawing the people (it must redraw every second)"),
                (len(stalls) > 0, "the GUI watchdog never ran"))}


_paint_hook: list = []


def _watch_paints(view) -> list[float]:
    """Times the widget `view` (a QGraphicsView: its viewport) was painted, until `_unwatch_paints`.

    An event filter sees every Paint event the viewport gets: a redraw that reached the screen.
    """
    times: list[float] = []
    if view is None:
        return times
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                times.append(time.perf_counter())
            return False

    counter = PaintCounter()
    target = view.viewport() if hasattr(view, "viewport") else view
    target.installEventFilter(counter)
    _paint_hook.append((target, counter))
    return times


def _unwatch_paints() -> None:
    while _paint_hook:
        target, counter = _paint_hook.pop()
        target.removeEventFilter(counter)


# ====================================================================== P6

async def p6(tmp: Path, quick: bool) -> dict:
    """Resident memory with 20,000 resources, 100,000 past incidents and 64 live tiles."""
    from bench.console import ConsoleUnderTest

    t = time.perf_counter()
    hub, url = start_hub({"resources": 20_000, "past_incidents": 100_000}, tmp)
    prefill_s = time.perf_counter() - t
    ingest = c = None
    try:
        rss0 = _rss_mb()
        c = await ConsoleUnderTest.create(url, tmp, layout=64)
        await c.wait_live(timeout=300)
        ingest = Child([python(), "-m", "bench.ingest", url, "64", "10"], name="ingest")
        await expect_async(ingest, "ready", 120)
        ingest.send(op="send", seconds=4.0 if quick else 8.0)
        await expect_async(ingest, "done", 60)
        rss = _rss_mb()
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        n_inc = len(c.replica.state.incidents)
        n_res = len(c.replica.state.resources)
        painted = c.painted()
    finally:
        if ingest is not None:
            ingest.stop()
        if c is not None:
            await c.close()
        hub.stop()
    return {"rss_mb": rss, "peak_rss_mb": peak, "rss_before_console_mb": rss0, "incidents": n_inc,
            "resources": n_res, "painted": painted, "hub_prefill_s": prefill_s,
            "invalid": invalid_reasons((n_res >= 20_000, f"{n_res} people held, not 20,000"),
                                       # the hub holds 100,000; a console keeps the newest KEEP_FINISHED
                                       # settled ones (domain/archive.py), the rest stay in the hub's archive
                                       (n_inc >= KEEP_FINISHED, f"{n_inc} past incidents held, not {KEEP_FINISHED:,}"),
                                       (painted > 0, "no camera frame was painted"))}


# ====================================================================== P7

async def p7(tmp: Path, quick: bool) -> dict:
    """Hub fan-out: 50 headless consoles (another process) × 2,000 events/s; delivery delay."""
    hub, url = start_hub({}, tmp)
    fan = None
    seconds = 5 if quick else 10
    try:
        fan = Child([python(), "-m", "bench.fanout", url, "50"], name="fanout")
        await expect_async(fan, "ready", 120)
        await asyncio.sleep(0.5)
        fan.send(op="collect")
        fan_cpu0 = (await expect_async(fan, "collected")).get("cpu_s", 0.0)
        hub.send(op="stats")
        hub_cpu0 = (await expect_async(hub, "stats"))["stats"].get("cpu_s", 0.0)
        t_load = time.perf_counter()
        hub.send(op="rate", rate=2000, seconds=seconds)
        done = await expect_async(hub, "done", seconds + 120)
        # let queued deliveries finish (their delay is counted when they arrive)
        await asyncio.sleep(2.0)
        hub.send(op="stats")
        hub_cpu = (await expect_async(hub, "stats"))["stats"].get("cpu_s", 0.0) - hub_cpu0
        fan.send(op="collect")
        res = await expect_async(fan, "collected", 120)
        wall = time.perf_counter() - t_load
    finally:
        if fan is not None:
            fan.stop()
        hub.stop()
    expected = done["sent"]
    return {"p50_ms": res["p50_ms"], "p99_ms": res["p99_ms"], "max_ms": res["max_ms"],
            "delivered_min": res["min_events"], "expected": expected,
            "delivered_ratio": res["min_events"] / max(expected, 1), "clients_closed": res["closed"],
            "hub_peak_queue": done.get("peak_queue"),
            "hub_cpu_share": hub_cpu / wall, "clients_cpu_share": (res.get("cpu_s", 0.0) - fan_cpu0) / wall,
            "messages_per_s": res["collected"] / wall,
            "invalid": invalid_reasons(
                (expected > 0, "the hub sent nothing"),
                (res["min_events"] >= expected,
                 f"a client received {res['min_events']} of {expected} events (every client must get everything)"),
                (res["closed"] == 0, f"{res['closed']} clients were cut off"))}


# ====================================================================== P5 (subprocesses)

BARE_WINDOW = r"""
import sys, time
t_start = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtGui import QPainter, QColor
class W(QWidget):
    done = False
    def paintEvent(self, e):
        p = QPainter(self); p.fillRect(self.rect(), QColor("#07090c")); p.end()
        if not W.done:
            W.done = True
            print(f"first_paint {time.time():.6f}", flush=True)
            app.quit()
app = QApplication(sys.argv[:1])
w = W(); w.resize(1920, 1080); w.show()
app.exec()
"""


def _line_times(args: list[str], keys: tuple[str, ...], env: dict, timeout: float = 60.0,
                marks: dict[str, float] | None = None) -> dict[str, float]:
    """Seconds from the process start to the first line starting with each key (all must come);
    `marks` gets the start-up timeline's "startup <label> <epoch>" lines seen meanwhile (console/app/startup.py)."""
    import subprocess

    t0 = time.time()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    got: dict[str, float] = {}
    try:
        deadline = time.monotonic() + timeout
        for line in proc.stdout:
            key = line.split(" ", 1)[0]
            if key == "startup" and marks is not None and len(words := line.split()) == 3:
                marks.setdefault(words[1], float(words[2]) - t0)
            if key in keys and key not in got:
                got[key] = float(line.split()[1]) - t0
                if len(got) == len(keys):
                    return got
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"{args[:3]} never printed {sorted(set(keys) - set(got))}")
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


#: the start-up marks P5 reports beside its two figures
TIMELINE = ("hub_listening", "store_loaded", "panes_built", "session_started")


async def p5(tmp: Path, quick: bool) -> dict:
    """`duty-console demo` start → its main window's first frame on screen, and a bare PySide6 window's start.

    "First frame" is the real main window (MainWindow.paintEvent, after the whole frame: header,
    alert queue, status bar, the docks), never a splash; the camera wall and the heavy panes are
    built just after it. The first *camera* frame painted (it needs the embedded hub's world and
    the session's first frames) is measured in the same run and reported beside it.
    """
    # TMPDIR: each demo's fresh log folder lands in the run's own folder, removed with it
    env = child_env(XDG_DATA_HOME=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"), TMPDIR=str(tmp),
                    DUTY_CONSOLE_FIRST_FRAME="1")
    # As installed (pip and the bundle compile every module): a module edited since its last
    # import is otherwise compiled again at each start when PYTHONDONTWRITEBYTECODE is set.
    import compileall

    compileall.compile_dir(str(ROOT / "console"), quiet=2)
    exe = str(Path(python()).parent / "duty-console")
    demo = [exe, "demo"] if Path(exe).exists() else [python(), "-m", "console", "demo"]
    loop = asyncio.get_running_loop()
    bare = (await loop.run_in_executor(None, _line_times, [python(), "-c", BARE_WINDOW, "0"],
                                       ("first_paint",), env))["first_paint"]
    marks: dict[str, float] = {}
    got = await loop.run_in_executor(None, _line_times, demo, ("window_painted", "first_frame_painted"), env,
                                     60.0, marks)
    window, camera = got["window_painted"], got["first_frame_painted"]
    # where the time to the camera picture went (bench/PERF.md, P5): the hub child listening, the
    # console's store and panes, its session started
    timeline = {f"at_{label}_s": round(marks[label], 3) for label in TIMELINE if label in marks}
    return {"demo_first_frame_s": window, "demo_first_camera_frame_s": camera, "bare_window_s": bare, **timeline,
            "invalid": invalid_reasons((window > 0 and bare > 0, "a start time was not positive"),
                                       (camera >= window, "a camera frame was painted before its window"))}


# ====================================================================== P8

async def p8(tmp: Path, quick: bool) -> dict:
    """Seek anywhere in a one-hour drill vs replaying it straight (needs console.recording.drill_file).

    The hook: a recorder attached to a HubCore (`DrillRecorder(path).attach(core)`) and a
    reader with `state_at(ts)`; until both exist this reports "not available".
    """
    try:
        from console.recording.drill_file import DrillRecorder, open_drill
        from console.hub.core import HubCore
        if not hasattr(HubCore(None), "taps") or not hasattr(open_drill, "__call__"):
            raise ImportError("HubCore has no taps")
    except Exception as exc:  # noqa: BLE001 - the drill work is not there yet
        return {"available": False, "why": f"console.recording.drill_file not usable yet ({exc})"}
    import random as _random

    from console.domain.apply import apply
    from console.domain.state import State
    from console.protocol import messages as m
    from console.store import Store

    from bench.hubproc import Driver, bench_baseline

    class FakeClock:
        """Hub time we move by hand: one hour of drill in a few seconds."""

        rate = 1.0

        def __init__(self, start: float):
            self.start = self.t = start

        def now(self) -> float:
            return self.t

    start = 1_764_457_200.0
    clock = FakeClock(start)
    store = Store(f"sqlite:///{tmp / 'hub.db'}")
    core = HubCore(store, clock=clock, mode="exercise")
    await core.start()
    path = tmp / "hour.drill"
    rec = DrillRecorder(path, scenario="bench")
    rec.attach(core)
    core.emit([("baseline_loaded", m.BaselineLoaded(baseline=bench_baseline()))])

    class _Hub:
        pass

    hub = _Hub()
    hub.core, hub.server = core, None
    driver = Driver(hub)
    seconds = 3600
    per_s = 10 if quick else 25  # a busy hour: 90,000 events
    t0 = time.perf_counter()
    for sec in range(seconds):
        clock.t = start + sec
        core.emit([driver.background(sec * per_s + j) for j in range(per_s)])
        if sec % 60 == 59:
            await core.wait_committed(core.state.seq)
            if hasattr(rec, "flush"):
                rec.flush()
    await core.wait_committed(core.state.seq)
    rec.close()
    build_s = time.perf_counter() - t0
    await core.close()
    store.close()

    reader = open_drill(path)
    # replaying it straight: every event from the start, one apply each (the same-run limit)
    t = time.perf_counter()
    state = State()
    for _seq, _type, _ts, data in reader.iter_events(0):
        apply(state, reader.decode(data))
    replay_s = time.perf_counter() - t
    rng = _random.Random(3)
    seeks = []
    for target in [start + 3599.0, start + 1.0] + [start + rng.uniform(0, 3600) for _ in range(8)]:
        t = time.perf_counter()
        reader.state_at(target)
        seeks.append(time.perf_counter() - t)
    reader.close()
    return {"available": True, "seek_worst_s": max(seeks), "seek_median_s": percentile(seeks, 50),
            "replay_s": replay_s, "events": state.seq, "build_s": build_s,
            "invalid": invalid_reasons((state.seq >= seconds * per_s, f"the replay applied {state.seq} events, "
                                        f"not {seconds * per_s}"), (len(seeks) == 10, "not every seek ran"))}


# ====================================================================== main

QT = {"P1-console", "P2", "P3", "P4", "P6", "P9", "P9B", "P9HD", "P11"}
RUNNERS = {"P1-bare": p1_bare, "P1-console": p1_console, "P2": p2, "P3": p3, "P4": p4,
           "P5": p5, "P6": p6, "P7": p7, "P8": p8, "P9": p9_video.run, "P9HD": p9hd_video.run, "P10": p10_city.run,
           "P9B": p9b_site.p9b, "P11": p11_alarm.run, "P12": p12_suite.run}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("id", choices=sorted(RUNNERS))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--profile", default=None, metavar="TXT",
                    help="profile the run (pyinstrument if installed, else cProfile) into this text file")
    ap.add_argument("--stalls", default=None, metavar="TXT",
                    help="sample the GUI thread's stack and report what it did in each stall (bench/stalls.py)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{a.id}-"))
    probe = None
    if a.stalls:
        from bench.stalls import StallProbe

        probe = StallProbe()
        probe.start()
    fn = RUNNERS[a.id]
    profiler = None
    if a.profile:
        try:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001, async_mode="disabled")
        except ImportError:  # the standard library's: main thread only, exact call counts
            import cProfile

            profiler = cProfile.Profile()
            profiler.stop = profiler.disable
        profiler.start() if hasattr(profiler, "start") else profiler.enable()
    if a.id in QT:
        from bench.console import qt_app

        app = qt_app()  # noqa: F841 - must live for the run
        from console.app import gui_loop

        result = gui_loop.run(fn(tmp, a.quick))
    else:
        result = asyncio.run(fn(tmp, a.quick))
    if probe is not None:
        probe.stop()
        probe.report(a.stalls, min_ms=20.0)
        if os.environ.get("P2_TRACE"):
            probe.dump(os.environ["P2_TRACE"] + ".samples")
    if profiler is not None:
        profiler.stop()
        Path(a.profile).parent.mkdir(parents=True, exist_ok=True)
        if hasattr(profiler, "output_text"):
            Path(a.profile).write_text(profiler.output_text(unicode=True, show_all=False))
        else:
            import io
            import pstats

            buf = io.StringIO()
            stats = pstats.Stats(profiler, stream=buf)
            stats.sort_stats("tottime").print_stats(60)
            stats.sort_stats("cumulative").print_stats(80)
            Path(a.profile).write_text(buf.getvalue())
    print(RESULT_TAG + json.dumps(result), flush=True)
    sys.stdout.flush()
    # its hub's log, the console's file, the demos' folders: 40 MB a P2 run, and a day of runs filled the disk
    shutil.rmtree(tmp, ignore_errors=True)
    os._exit(0)  # skip Qt/pyqtgraph teardown at exit (see console.app.console.run_app)


if __name__ == "__main__":
    main()
