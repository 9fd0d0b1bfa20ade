"""The world around the hub in drills and the demo: scenario, field simulator, camera frames.

Everything it does goes through the same command path as a real source would
(ingest alerts, positions, field task updates), so the hub cannot tell a
simulated field from a real one.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from console.domain import model
from console.domain.rules import Actor
from console.protocol import messages as m
from console.protocol.codec import JPEG, Frame, encode_frame

log = logging.getLogger(__name__)

SCENARIO_SOURCE = Actor(model.SCENARIO_SOURCE, "ingest", None)
FIELD_SOURCE = Actor(model.FIELD_SOURCE, "ingest", None)


class World:
    """Feeds a scenario and a field simulator into the hub, and renders frames for subscribers.

    `core` is the hub's core as a source sees it (`inject`, `emit`, `listeners`, `state`,
    `clock`); `server` publishes frames (`publish_frame`, `subscribed_cameras`) or is None.
    """

    def __init__(self, core, server, scenario, simulator=None, *,
                 fps: float = 5.0, tick_s: float = 0.1, renderer=None):
        self.core = core
        self.server = server
        self.scenario = scenario
        self.simulator = simulator
        self.fps = fps
        self.tick_s = tick_s
        self.renderer = renderer
        self._tasks: list[asyncio.Task] = []
        self._render_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frames")
        self._frame_no = 0
        #: cameras rendered even with nobody subscribed (a drill recording them)
        self.record_cameras: set[str] = set()
        if simulator is not None:
            core.listeners.append(self._on_event)

    def _on_event(self, type_: str, body: m.Body, ts: float, state) -> None:
        self.simulator.on_event(type_, body, ts, state)

    async def start(self) -> None:
        if self.core.state.seq == 0:
            self.core.emit([("baseline_loaded", m.BaselineLoaded(baseline=self.scenario.baseline))])
        self._tasks.append(asyncio.create_task(self._event_loop(), name="world-events"))
        if self.server is not None and self.renderer is not None and self.fps > 0:
            self._tasks.append(asyncio.create_task(self._frame_loop(), name="world-frames"))

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks.clear()
        self._render_pool.shutdown(wait=False, cancel_futures=True)

    def step(self, now: float) -> int:
        """Feed everything due up to hub time `now`; returns how many messages went in."""
        n = 0
        hold = self.simulator.held if self.simulator is not None else None
        for type_, body in self.scenario.due(now, hold=hold):
            self.core.inject(SCENARIO_SOURCE, type_, body)
            n += 1
        if self.simulator is not None:
            for type_, body in self.simulator.due(now):
                self.core.inject(FIELD_SOURCE, type_, body)
                n += 1
        return n

    async def _event_loop(self) -> None:
        while True:
            try:
                self.step(self.core.clock.now())
            except Exception:
                log.exception("world step failed")
            await asyncio.sleep(self.tick_s)

    async def _frame_loop(self) -> None:
        loop = asyncio.get_running_loop()
        period = 1.0 / self.fps
        while True:
            started = loop.time()
            cams = sorted(self.server.subscribed_cameras() | self.record_cameras)
            if cams:
                now = self.core.clock.now()
                self._frame_no += 1
                frames = await loop.run_in_executor(self._render_pool, self._render, cams, now, self._frame_no)
                for cam, data in frames:
                    self.server.publish_frame(cam, data)
            await asyncio.sleep(max(0.0, period - (loop.time() - started)))

    def _render(self, cams: list[str], now: float, number: int) -> list[tuple[str, bytes]]:
        out = []
        state = self.core.state
        for cam_id in cams:
            cam = state.cameras.get(cam_id)
            if cam is None or not cam.online:
                continue
            crowd = self.scenario.crowd_level(cam_id, now)
            jpeg = self.renderer.render(cam, now, number, crowd)
            r = self.renderer
            out.append((cam_id, encode_frame(Frame(cam_id, now, number, JPEG, r.width, r.height, jpeg))))
        return out
