"""The hub under load, in its own process: the real hub (`start_hub`) plus a load driver.

    python -m bench.hubproc '{"resources": 20000, "past_incidents": 0, "db": "sqlite:///..."}'

Prints `{"ready": URL}` once it serves, then takes JSON-line commands on stdin
and answers each with a JSON line. The driver feeds events through
`HubCore.emit` — the same sequencing, log, apply and fan-out path the
scenario world uses in the demo — so every client sees real hub traffic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import sys
import time

from console.domain.model import Alert, Detection, Resource
from console.scenarios import build_marathon_baseline
from console.app.config import HubConfig
from console.app.hub import freeze_what_was_built, start_hub
from console.hub.channel import DEFAULT_QUEUE_LIMIT
from console.protocol import messages as m
from console.protocol.codec import JPEG, Frame, encode_frame

log = logging.getLogger("bench.hub")


def bench_baseline(resources: int | None = None):
    """The marathon baseline, padded with synthetic people up to `resources` in total."""
    b = build_marathon_baseline()
    if resources and resources > len(b.resources):
        rng = random.Random(11)
        base = list(b.resources)
        xs = [r.x for r in base]
        ys = [r.y for r in base]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        extra = []
        for i in range(resources - len(base)):
            t = base[i % len(base)]
            extra.append(Resource(id=f"BX{i:05d}", name=f"志愿者{i:05d}", kind="volunteer", unit=t.unit,
                                  grid=t.grid, town=t.town, skills=[], status="available",
                                  x=rng.uniform(x0, x1), y=rng.uniform(y0, y1)))
        b.resources = base + extra
    return b


def with_camera_urls(b, urls: list[str]):
    """The baseline with its first cameras streamed from these URLs (main and sub), in camera id order:
    a console pulls them itself, live, as it pulls a site's cameras (P11's 16 live tiles)."""
    import msgspec

    cams = sorted(b.cameras, key=lambda c: c.id)
    for cam, url in zip(cams, urls):
        i = b.cameras.index(cam)
        b.cameras[i] = msgspec.structs.replace(cam, stream=url, main=url, sub=url)
    return b


def emit(*args, **kw):
    print(json.dumps(dict(*args, **kw)), flush=True)


#: events the flood lets wait for the slowest client: half the bound at which the hub drops a client.
#: Real sources never wait for consoles; only the drop bound limits how far a console may fall
#: behind. A tight window (it was 4,000) turned P1 into a ping-pong between the two processes:
#: the hub stopped each time the console painted, and both sat idle half the time (bench/PERF.md).
FLOOD_WINDOW = DEFAULT_QUEUE_LIMIT // 2


class Driver:
    """Generates event loads against one running hub."""

    def __init__(self, hub):
        self.hub = hub
        self.core = hub.core
        self.server = hub.server
        st = self.core.state
        self.rng = random.Random(5)
        self.resources = list(st.resources)
        self.cameras = sorted(st.cameras)
        self.grids = [u for u in st.org.values() if u.level == "grid"]
        self.n_alert = 0
        self.open_bench: list[str] = []
        self._frame_task: asyncio.Task | None = None
        self.frames_published = 0

    # ------------------------------------------------------------------ event bodies

    def alert(self, severity: str = "warning", *, marker: bool = False, closed: bool = False):
        self.n_alert += 1
        n = self.n_alert
        g = self.grids[n % len(self.grids)]
        cam = self.cameras[n % len(self.cameras)] if self.cameras else None
        now = time.time()
        a = Alert(id=f"BA{n}", source="camera", kind="crowd_density", severity=severity,
                  title=("BENCH marker " if marker else "人群密度偏高 ") + str(n), at=now,
                  x=g.center_x, y=g.center_y, grid=g.id, town=self._town(g.id),
                  camera=cam, text="bench",
                  detections=[Detection(label="person", score=0.9, x=0.1 * k, y=0.2, w=0.05, h=0.1)
                              for k in range(3)])
        return ("alert_raised", m.AlertRaised(alert=a, incident=f"BI{n}"))

    def _town(self, grid: str) -> str:
        return self.core.state.town_of(grid)

    def close(self, incident: str):
        return ("incident_closed", m.IncidentStep(incident=incident, actor="bench"))

    def background(self, i: int):
        """One event of the everyday mix: moves, status changes, alerts opened and closed."""
        k = i % 10
        rng = self.rng
        if k < 5:
            st = self.core.state.resources
            moves = []
            for rid in rng.sample(self.resources, 10):
                r = st[rid]
                moves.append((rid, round(r.x + rng.uniform(-3, 3), 1), round(r.y + rng.uniform(-3, 3), 1)))
            return ("resources_moved", m.ResourcesMoved(moves=moves))
        if k < 9:
            return ("resource_status_changed", m.ResourceStatusChanged(
                resource=rng.choice(self.resources), status=rng.choice(("available", "busy", "off_duty"))))
        if self.open_bench and len(self.open_bench) > 20:
            return self.close(self.open_bench.pop(0))
        ev = self.alert("warning")
        self.open_bench.append(ev[1].incident)
        return ev

    # ------------------------------------------------------------------ loads

    def max_queue(self) -> int:
        return max((len(ch.queue) for ch in self.core.channels if ch.live), default=0)

    async def flood(self, n: int, max_queue: int = FLOOD_WINDOW, chunk: int = 200) -> dict:
        """Emit n events as fast as the slowest live client drains them (no client is dropped).

        At most `max_queue` events wait for the slowest client (queued or not yet committed)."""
        t0 = time.perf_counter()
        first = self.core.state.seq + 1
        i = 0
        #: seconds the flood stood still because the window was full: the client (or the commit) held it back
        held = 0.0
        def waiting() -> int:  # events wait for the committer before they are queued to clients: count both
            return self.max_queue() + (self.core.state.seq - self.core.committed_seq)

        while i < n:
            if waiting() > max_queue:
                t_held = time.perf_counter()
                while waiting() > max_queue:
                    await asyncio.sleep(0.001)
                held += time.perf_counter() - t_held
            k = min(chunk, n - i)
            self.core.emit([self.background(i + j) for j in range(k)])
            i += k
            await asyncio.sleep(0)
        await self.core.wait_committed(self.core.state.seq)
        return {"first_seq": first, "last_seq": self.core.state.seq, "seconds": time.perf_counter() - t0,
                "held_s": held}

    async def rate(self, rate: float, seconds: float, markers: float = 0.0, close_after: float = 1.0,
                   moves_hz: float = 0.0) -> dict:
        """`rate` background events/s (plus `markers` critical alerts/s) for `seconds`."""
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        sent = marks = 0
        closing: list[tuple[float, str]] = []
        lag_max = 0.0
        # when each marker alert left the hub's commit step for the clients' queues (P2's breakdown)
        marker_seqs: set[int] = set()
        pushed: dict[int, float] = {}

        def on_commit(rows) -> None:
            if marker_seqs:
                now_ = time.time()
                for row in rows:
                    if row[0] in marker_seqs:
                        pushed[row[0]] = now_

        self.core.commit_listeners.append(on_commit)
        while True:
            now = loop.time() - t0
            if now >= seconds:
                break
            due = int(now * rate) - sent
            events = [self.background(sent + j) for j in range(max(0, due))]
            sent += max(0, due)
            marker_at = -1
            if markers and int(now * markers) > marks:
                marks += 1
                ev = self.alert("critical", marker=True)
                marker_at = len(events)
                events.append(ev)
                closing.append((now + close_after, ev[1].incident))
            while closing and closing[0][0] <= now:
                events.append(self.close(closing.pop(0)[1]))
            if events:
                seqs = self.core.emit(events)
                if marker_at >= 0:
                    marker_seqs.add(seqs[marker_at])
            lag_max = max(lag_max, due / rate if rate else 0.0)
            await asyncio.sleep(0.005)
        for _, iid in closing:
            self.core.emit([self.close(iid)])
        await self.core.wait_committed(self.core.state.seq)
        self.core.commit_listeners.remove(on_commit)
        return {"sent": sent, "markers": marks, "seconds": loop.time() - t0, "last_seq": self.core.state.seq,
                "marker_pushed": {str(k): v for k, v in pushed.items()}}

    async def moves(self, seconds: float, hz: float = 1.0, slices: int = 10, per_event: int = 500) -> dict:
        """Everyone moves `hz` times a second, in `slices` steps a second of `per_event` moves per event."""
        loop = asyncio.get_running_loop()
        st = self.core.state.resources
        ids = self.resources
        per_slice = max(1, int(len(ids) * hz / slices))
        t0 = loop.time()
        step = 0
        events = 0
        pos = 0
        while loop.time() - t0 < seconds:
            target = t0 + step / slices
            await asyncio.sleep(max(0.0, target - loop.time()))
            batch = []
            for _ in range(per_slice):
                rid = ids[pos % len(ids)]
                pos += 1
                r = st[rid]
                batch.append((rid, round(r.x + self.rng.uniform(-4, 4), 1),
                              round(r.y + self.rng.uniform(-4, 4), 1)))
            evs = [("resources_moved", m.ResourcesMoved(moves=batch[i:i + per_event]))
                   for i in range(0, len(batch), per_event)]
            self.core.emit(evs)
            events += len(evs)
            step += 1
        await self.core.wait_committed(self.core.state.seq)
        return {"events": events, "moves": pos, "seconds": loop.time() - t0}

    async def prefill(self, incidents: int, chunk: int = 2000) -> dict:
        """History: `incidents` past incidents, raised and closed (the log and state hold them)."""
        t0 = time.perf_counter()
        done = 0
        while done < incidents:
            k = min(chunk, incidents - done)
            evs = []
            for _ in range(k):
                ev = self.alert("info")
                evs.append(ev)
                evs.append(self.close(ev[1].incident))
            self.core.emit(evs)
            await self.core.wait_committed(self.core.state.seq)
            done += k
        return {"incidents": done, "seconds": time.perf_counter() - t0, "seq": self.core.state.seq}

    def frames_on(self, fps: float, variants: int = 4) -> None:
        """Publish pre-rendered camera frames to subscribers from the hub itself (the demo's world does)."""
        from console.scenarios.frames import FrameRenderer

        r = FrameRenderer()
        st = self.core.state.cameras
        cache: dict[str, list[bytes]] = {}

        def frames_of(cam: str) -> list[bytes]:
            if cam not in cache:
                c = st[cam]
                cache[cam] = [encode_frame(Frame(cam, 0.0, k, JPEG, r.width, r.height,
                                                 r.render(c, 1_764_460_000.0 + k, k, 0.6)))
                              for k in range(variants)]
            return cache[cam]

        async def loop_():
            n = 0
            while True:
                t = time.perf_counter()
                for cam in sorted(self.server.subscribed_cameras()):
                    if cam in st:
                        self.frames_published += self.server.publish_frame(cam, frames_of(cam)[n % variants])
                n += 1
                await asyncio.sleep(max(0.0, 1.0 / fps - (time.perf_counter() - t)))

        self._frame_task = asyncio.create_task(loop_())

    def stats(self) -> dict:
        chans = list(self.core.channels)
        t = os.times()
        return {"seq": self.core.state.seq, "channels": len(chans), "cpu_s": t.user + t.system,
                "peak_queue": max((c.peak_queue for c in chans), default=0),
                "counters": dict(self.core.counters), "frames_published": self.frames_published,
                "frames_in": self.core.counters.get("frames_in", 0)}


async def main(spec: dict) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    cfg = HubConfig(host="127.0.0.1", port=0, scenario=None, db=spec["db"],
                    queue_limit=int(spec.get("queue_limit", 20_000)), mode="exercise")
    hub = await start_hub(cfg)
    core = hub.core
    baseline = with_camera_urls(bench_baseline(spec.get("resources")), spec.get("camera_urls") or [])
    seqs = core.emit([("baseline_loaded", m.BaselineLoaded(baseline=baseline))])
    await core.wait_committed(seqs[-1])
    # as the `hub` command does once its site and world are built (its baseline is loaded here, after)
    freeze_what_was_built()
    driver = Driver(hub)
    info = {}
    if spec.get("past_incidents"):
        info = await driver.prefill(int(spec["past_incidents"]))
    emit(ready=hub.url, **info)
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task] = set()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        op = cmd.pop("op")
        if op == "quit":
            break
        if op == "stats":
            emit(stats=driver.stats())
        elif op == "frames_on":
            driver.frames_on(**cmd)
            emit(ok=op)
        elif op in ("flood", "rate", "moves"):
            async def run(op=op, cmd=cmd):
                try:
                    res = await getattr(driver, op)(**cmd)
                    emit(done=op, **res, **driver.stats())
                except Exception as exc:  # report, do not hang the bench
                    log.exception("load %s failed", op)
                    emit(done=op, error=repr(exc))
            task = asyncio.create_task(run())
            running.add(task)
            task.add_done_callback(running.discard)
        else:
            emit(error=f"unknown op {op}")
    for t in running:
        t.cancel()
    await hub.stop()


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
