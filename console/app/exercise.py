"""An exercise run without a network or a wall clock: a hub core, its world and a scripted commander.

Hub time advances in fixed steps as fast as the CPU allows, so the same seed
gives the same events, byte for byte. Used to make the bundled drill, by the
drill tests, and to produce long recordings for measurements.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from console.hub.core import Clock, HubCore
from console.protocol import messages as m
from console.scenarios.commander import ScriptedCommander
from console.scenarios.world import World
from console.store import Store

log = logging.getLogger(__name__)


class ManualClock(Clock):
    """Hub time that moves only when told to."""

    def __init__(self, start: float):
        super().__init__(start=start, rate=1.0)
        self.t = start

    def now(self) -> float:
        return self.t

    def set_rate(self, rate: float) -> None:
        self.rate = rate

    def set_time(self, t: float) -> None:
        self.t = t


async def run_offline(scenario_name: str = "marathon", *, seed: int = 7, start: str | float | None = None,
                      duration_s: float = 3600.0, step_s: float = 1.0, recorder=None,
                      record_cameras: list[str] | None = None, frame_size: tuple[int, int, int] = (480, 270, 50),
                      commander: bool = True, simulate_field: bool = True,
                      progress: Callable[[float], None] | None = None) -> HubCore:
    """Run a scenario for `duration_s` hub seconds and return the (closed) core with its final state.

    With `recorder` (a DrillRecorder) the run is recorded, frames of `record_cameras`
    rendered at the recorder's rate; the recorder is closed at the end.
    """
    from console.scenarios import make_scenario
    from console.scenarios.frames import FrameRenderer
    from console.scenarios.simulator import FieldSimulator

    scenario = make_scenario(scenario_name, seed, start)
    clock = ManualClock(scenario.start_time)
    store = Store("sqlite://")
    core = HubCore(store, clock=clock, mode="exercise")
    await core.start()
    if recorder is not None:
        recorder.attach(core)
    simulator = FieldSimulator(seed) if simulate_field else None
    world = World(core, None, scenario, simulator)
    script = ScriptedCommander(core, seed) if commander else None
    core.emit([("baseline_loaded", m.BaselineLoaded(baseline=scenario.baseline))])
    renderer = FrameRenderer(*frame_size) if recorder is not None and record_cameras else None
    t0 = scenario.start_time
    steps = int(round(duration_s / step_s))
    try:
        for k in range(1, steps + 1):
            now = t0 + k * step_s
            clock.t = now
            world.step(now)
            if script is not None:
                await script.step(now)
            if renderer is not None:
                for cam_id in record_cameras:
                    cam = core.state.cameras.get(cam_id)
                    if cam is None or not cam.online or not recorder.frame_due(cam_id, now):
                        continue
                    jpeg = renderer.render(cam, now, k, scenario.crowd_level(cam_id, now))
                    recorder.add_frame(cam_id, now, k, renderer.width, renderer.height, jpeg)
            if k % 200 == 0:
                await asyncio.sleep(0)  # let the committer write
                if recorder is not None:
                    recorder.flush()
                if progress is not None:
                    progress(k / steps)
        await core.wait_committed(core.state.seq)
    finally:
        await core.close()
        store.close()
        if recorder is not None:
            recorder.close()
    if script is not None:
        log.info("scripted commander: %s", script.results)
    return core
