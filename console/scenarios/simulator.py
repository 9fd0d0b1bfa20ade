"""Field simulator: dispatched people accept, travel, arrive and finish.

The hub feeds every applied event to `on_event`; `due(now)` hands back the
field's answers (task updates and positions of people travelling). Pure and
deterministic for a seed and the same event sequence: each task draws from its
own `random.Random` seeded with (seed, task id).
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field

from console.protocol.messages import CmdTaskUpdate, IngestPositions

#: (min, max) travel speed in m/s by resource kind
SPEEDS: dict[str, tuple[float, float]] = {
    "volunteer": (1.4, 4.0),
    "social_worker": (1.4, 4.0),
    "community_staff": (1.4, 4.0),
    "grid_worker": (1.4, 4.0),
    "police": (6.0, 9.0),
    "traffic_police": (6.0, 9.0),
    "medical": (8.0, 11.0),
    "fire": (8.0, 11.0),
    "forest_fire": (8.0, 11.0),
    "law_enforcement": (6.0, 6.0),
}
DEFAULT_SPEED = (1.4, 4.0)
ACCEPT_DELAY = (5.0, 30.0)
SETUP_DELAY = (5.0, 45.0)
ON_SCENE = (180.0, 900.0)
DECLINE_P = 0.04
POSITION_STEP_S = 5.0

_ORDER = {"accepted": 0, "declined": 0, "arrived": 2, "done": 3}


@dataclass(slots=True)
class _Trip:
    task: str
    incident: str
    resource: str
    x0: float
    y0: float
    x1: float
    y1: float
    depart: float
    arrive: float
    next_tick: float
    # step → time, popped in order
    steps: list[tuple[float, str]] = field(default_factory=list)
    moving: bool = True

    def at(self, t: float) -> tuple[float, float]:
        span = self.arrive - self.depart
        f = 1.0 if span <= 0 else min(max((t - self.depart) / span, 0.0), 1.0)
        return self.x0 + (self.x1 - self.x0) * f, self.y0 + (self.y1 - self.y0) * f


@dataclass(slots=True)
class _Dispatch:
    """The fields of a `task_dispatched` body the simulator reads (to take up a recovered sent task)."""

    task: str
    incident: str
    resource: str


class FieldSimulator:
    """Simulated field units answering the commander's dispatches."""

    def __init__(self, seed: int):
        self.seed = seed
        self._trips: dict[str, _Trip] = {}
        self._heap: list[tuple[float, int, int, str, str]] = []  # (t, order, n, task, status)
        self._n = 0
        #: people a real person answers for (a field page): the simulator leaves their tasks alone
        self.humans: set[str] = set()

    # ------------------------------------------------------------------ input
    def on_event(self, type_: str, body, ts: float, state) -> None:
        if type_ == "task_dispatched":
            self._schedule(body, ts, state)
        elif type_ in ("task_cancelled", "task_declined", "task_done"):
            # the commander (or anyone) ended the task: stop answering for it;
            # our own done/declined also land here, after the fact
            self._trips.pop(body.task, None)
        elif type_ in ("incident_closed", "incident_false_alarm"):
            for tid in [t for t, trip in self._trips.items() if trip.incident == body.incident]:
                del self._trips[tid]

    def _schedule(self, body, ts: float, state) -> None:
        res = state.resources.get(body.resource)
        inc = state.incidents.get(body.incident)
        if res is None or inc is None or body.task in self._trips or body.resource in self.humans:
            return
        rng = random.Random(f"{self.seed}:{body.task}:{body.resource}")
        t_ans = ts + rng.uniform(*ACCEPT_DELAY)
        trip = _Trip(task=body.task, incident=body.incident, resource=res.id, x0=res.x, y0=res.y,
                     x1=inc.x, y1=inc.y, depart=t_ans, arrive=t_ans, next_tick=math.inf)
        self._trips[body.task] = trip
        if rng.random() < DECLINE_P:
            trip.moving = False
            self._push(t_ans, body.task, "declined")
            return
        lo, hi = SPEEDS.get(res.kind, DEFAULT_SPEED)
        speed = rng.uniform(lo, hi)
        dist = math.hypot(inc.x - res.x, inc.y - res.y)
        trip.depart = t_ans + rng.uniform(*SETUP_DELAY)
        trip.arrive = trip.depart + dist / speed
        trip.next_tick = (math.floor(trip.depart / POSITION_STEP_S) + 1) * POSITION_STEP_S
        self._push(t_ans, body.task, "accepted")
        self._push(trip.arrive, body.task, "arrived")
        self._push(trip.arrive + rng.uniform(*ON_SCENE), body.task, "done")

    def resume(self, state, now: float) -> int:
        """Take up the open tasks of a recovered state (a hub restart): the field does not forget them.

        Each goes on from where the log left it: a sent task is answered, an
        accepted one travels from where its person is now, an arrived one finishes.
        Returns how many tasks were taken up.
        """
        taken = 0
        for task in state.tasks.values():
            if task.status not in ("sent", "accepted", "arrived") or task.id in self._trips:
                continue
            res = state.resources.get(task.resource)
            inc = state.incidents.get(task.incident)
            if res is None or inc is None:
                continue
            taken += 1
            if task.status == "sent":
                self._schedule(_Dispatch(task.id, task.incident, task.resource), now, state)
                continue
            rng = random.Random(f"{self.seed}:{task.id}:{task.resource}:resume")
            trip = _Trip(task=task.id, incident=task.incident, resource=res.id, x0=res.x, y0=res.y,
                         x1=inc.x, y1=inc.y, depart=now, arrive=now, next_tick=math.inf, moving=False)
            self._trips[task.id] = trip
            if task.status == "accepted":
                lo, hi = SPEEDS.get(res.kind, DEFAULT_SPEED)
                trip.moving = True
                trip.arrive = now + math.hypot(inc.x - res.x, inc.y - res.y) / rng.uniform(lo, hi)
                trip.next_tick = (math.floor(now / POSITION_STEP_S) + 1) * POSITION_STEP_S
                self._push(trip.arrive, task.id, "arrived")
            self._push(trip.arrive + rng.uniform(*ON_SCENE), task.id, "done")
        return taken

    def _push(self, t: float, task: str, status: str) -> None:
        self._n += 1
        heapq.heappush(self._heap, (t, _ORDER[status], self._n, task, status))

    # ------------------------------------------------------------------ output
    def due(self, now: float) -> list[tuple[str, object]]:
        """Task updates and position batches whose time has come, in time order."""
        out: list[tuple[float, int, int, str, object]] = []
        while self._heap and self._heap[0][0] <= now:
            t, order, n, task, status = heapq.heappop(self._heap)
            trip = self._trips.get(task)
            if trip is None:
                continue  # cancelled or ended
            if status == "arrived":
                trip.moving = False
            if status in ("done", "declined"):
                del self._trips[task]
            out.append((t, order, n, "cmd.task_update", CmdTaskUpdate(task=task, status=status)))
        # positions of travellers, one batch per 5 s tick (plus the arrival point)
        ticks: dict[float, list[tuple[str, float, float]]] = {}
        for trip in self._trips.values():
            if trip.depart >= trip.arrive:
                continue
            while trip.next_tick <= now and trip.next_tick < trip.arrive:
                x, y = trip.at(trip.next_tick)
                ticks.setdefault(trip.next_tick, []).append(
                    (trip.resource, round(x, 1), round(y, 1)))
                trip.next_tick += POSITION_STEP_S
            if trip.arrive <= now and trip.next_tick < math.inf:
                # the exact arrival point, just before the "arrived" update
                ticks.setdefault(trip.arrive, []).append(
                    (trip.resource, round(trip.x1, 1), round(trip.y1, 1)))
                trip.next_tick = math.inf
        for t, moves in ticks.items():
            out.append((t, 1, 0, "ingest.positions", IngestPositions(moves=moves)))
        out.sort(key=lambda e: (e[0], e[1], e[2]))
        return [(typ, body) for _, _, _, typ, body in out]

    @property
    def held(self) -> set[str]:
        """Resource ids on a live simulated task (pass as `hold=` to the scenario's `due`)."""
        return {trip.resource for trip in self._trips.values()}

    @property
    def pending(self) -> int:
        return len(self._trips)
