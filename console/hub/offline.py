"""An exercise run without a network or a wall clock: a hub core, its world and a scripted commander.

Hub time advances in fixed steps as fast as the CPU allows, so the same seed
gives the same events, byte for byte. Used to make the bundled drill, by the
drill tests, and to produce long recordings for measurements.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from console.domain.model import FINAL_STATUSES, TASK_FINAL
from console.domain.recommend import plan_for, recommend
from console.hub.auth import Principal
from console.hub.core import Clock, HubCore
from console.hub.world import World
from console.protocol import messages as m
from console.store import Store

log = logging.getLogger(__name__)

COMMANDER = Principal("-", "commander", "值班长 演练脚本", None)


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


@dataclass(slots=True)
class _Plan:
    """What the scripted commander will do with one incident, and when."""

    incident: str
    respond_at: float
    done: set[str] = field(default_factory=set)


class ScriptedCommander:
    """A commander who answers every alert after a seeded delay, dispatches, and closes the loop.

    Critical incidents get their response plan; others the best-placed person.
    Info-level alerts are acknowledged and closed without sending anyone. A
    declined task is replaced. Once the team is done (or everyone sent has
    arrived and finished), the incident is closed. Some delays exceed 60 s on
    purpose, so a report has breaches to show.
    """

    def __init__(self, core: HubCore, seed: int = 7, *, delay: tuple[float, float] = (8.0, 70.0)):
        self.core = core
        self.seed = seed
        self.delay = delay
        self.plans: dict[str, _Plan] = {}
        self._ids = itertools.count(1)
        self.results: dict[str, int] = {}
        core.listeners.append(self._on_event)

    def _on_event(self, type_: str, body, ts: float, state) -> None:
        if type_ == "alert_raised":
            rng = random.Random(f"{self.seed}:{body.incident}")
            self.plans[body.incident] = _Plan(body.incident, ts + rng.uniform(*self.delay))

    async def _cmd(self, type_: str, body: m.Body) -> bool:
        result = await self.core.command(COMMANDER, f"script-{next(self._ids)}", type_, body)
        key = "ok" if result.ok else result.code
        self.results[key] = self.results.get(key, 0) + 1
        return result.ok

    async def step(self, now: float) -> None:
        """Do everything due by hub time `now`."""
        state = self.core.state
        for inc_id, plan in list(self.plans.items()):
            inc = state.incidents.get(inc_id)
            if inc is None or inc.status in FINAL_STATUSES:
                del self.plans[inc_id]
                continue
            if now < plan.respond_at:
                continue
            if "ack" not in plan.done:
                plan.done.add("ack")
                if inc.acknowledged_at is None:
                    await self._cmd("cmd.acknowledge", m.CmdIncident(incident=inc_id))
                if inc.severity == "info":
                    plan.done.add("sent")
                    plan.respond_at = now + 30.0
                    continue
            if "sent" not in plan.done:
                plan.done.add("sent")
                found = plan_for(state, inc.kind) if inc.severity == "critical" else None
                if found is not None and await self._cmd(
                        "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan=found.id)):
                    continue
                await self._dispatch_best(inc_id)
                continue
            tasks = [state.tasks[t] for t in inc.tasks if t in state.tasks]
            live = [t for t in tasks if t.status not in TASK_FINAL]
            if not live:
                if inc.severity != "info" and not any(t.status == "done" for t in tasks):
                    await self._dispatch_best(inc_id)  # everyone declined: send someone else
                    continue
                await self._cmd("cmd.close", m.CmdIncident(incident=inc_id, note="处置完毕"))
                del self.plans[inc_id]

    async def _dispatch_best(self, inc_id: str) -> None:
        best = recommend(self.core.state, inc_id, limit=1)
        if best:
            await self._cmd("cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=best[0].resource))


async def run_offline(scenario_name: str = "marathon", *, seed: int = 7, start: str | float | None = None,
                      duration_s: float = 3600.0, step_s: float = 1.0, recorder=None,
                      record_cameras: list[str] | None = None, frame_size: tuple[int, int, int] = (480, 270, 50),
                      commander: bool = True, simulate_field: bool = True,
                      progress: Callable[[float], None] | None = None) -> HubCore:
    """Run a scenario for `duration_s` hub seconds and return the (closed) core with its final state.

    With `recorder` (a DrillRecorder) the run is recorded, frames of `record_cameras`
    rendered at the recorder's rate; the recorder is closed at the end.
    """
    from console.drill import make_scenario
    from console.drill.frames import FrameRenderer
    from console.drill.simulator import FieldSimulator

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
