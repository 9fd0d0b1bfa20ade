"""A scripted commander for exercises: answers every alert after a seeded delay and closes the loop.

It sends its commands through the hub's command path like any console would
(`core.command(actor, id, type, body)`), so its choices are decided by the same rules.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from console.domain.model import FINAL_STATUSES, TASK_FINAL
from console.domain.recommend import plan_for, recommend
from console.domain.rules import Actor
from console.protocol import messages as m

COMMANDER = Actor("值班长 演练脚本", "commander", None)


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

    def __init__(self, core, seed: int = 7, *, delay: tuple[float, float] = (8.0, 70.0)):
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
