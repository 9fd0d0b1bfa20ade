"""Dispatch recommendation: who of the needed kind can be there soonest, and why."""

from __future__ import annotations

import math
from dataclasses import dataclass

from console.domain.model import Incident, Plan, Resource
from console.domain.state import State

#: typical travel speed in metres per second by kind (foot, e-bike, vehicle)
SPEED_M_S = {
    "grid_worker": 3.0, "community_staff": 1.4, "social_worker": 1.4, "volunteer": 1.4,
    "police": 7.0, "traffic_police": 7.0, "medical": 9.0, "fire": 9.0, "forest_fire": 8.0,
    "law_enforcement": 6.0,
}
#: time to get going once a task is accepted (seconds)
SETUP_S = 30.0

KIND_ZH = {
    "grid_worker": "网格员", "community_staff": "社区工作人员", "social_worker": "社工",
    "volunteer": "志愿者", "police": "民警", "traffic_police": "交警", "medical": "医疗",
    "fire": "消防", "forest_fire": "森林消防", "law_enforcement": "执法",
}
KIND_EN = {
    "grid_worker": "grid worker", "community_staff": "community staff",
    "social_worker": "social worker", "volunteer": "volunteer", "police": "police",
    "traffic_police": "traffic police", "medical": "medical", "fire": "fire",
    "forest_fire": "forest fire", "law_enforcement": "law enforcement",
}

#: what to send when no plan covers the incident's kind
DEFAULT_KINDS = ("grid_worker", "volunteer", "community_staff")


@dataclass(slots=True, frozen=True)
class Recommendation:
    """One person to send, with the figures behind the choice."""

    resource: str
    name: str
    kind: str
    distance_m: float
    eta_s: float

    @property
    def reason(self) -> str:
        """Short human reason, Chinese: "网格员 张三, 320 m, ≈ 4 min"."""
        return f"{KIND_ZH.get(self.kind, self.kind)} {self.name}, {self.distance_m:.0f} m, ≈ {self.eta_min} min"

    @property
    def reason_en(self) -> str:
        """The same reason in English."""
        return f"{KIND_EN.get(self.kind, self.kind)} {self.name}, {self.distance_m:.0f} m, ≈ {self.eta_min} min"

    @property
    def eta_min(self) -> int:
        return max(1, math.ceil(self.eta_s / 60))


def eta_seconds(res: Resource, x: float, y: float) -> tuple[float, float]:
    """(distance in metres, estimated travel time in seconds) from a person to a place."""
    dist = math.hypot(res.x - x, res.y - y)
    return dist, SETUP_S + dist / SPEED_M_S.get(res.kind, 1.4)


def plan_for(state: State, kind: str) -> Plan | None:
    """The response plan that covers an incident kind, if any."""
    for plan in state.plans.values():
        if kind in plan.kinds:
            return plan
    return None


def needed_kinds(state: State, inc: Incident) -> list[str]:
    """Kinds still missing against the incident's plan, most needed first."""
    plan = plan_for(state, inc.kind)
    if plan is None:
        return list(DEFAULT_KINDS)
    sent: dict[str, int] = {}
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task and task.status not in ("declined", "cancelled"):
            res = state.resources.get(task.resource)
            if res is not None:
                sent[res.kind] = sent.get(res.kind, 0) + 1
    missing = [r.kind for r in plan.roles if sent.get(r.kind, 0) < r.count]
    return missing or [r.kind for r in plan.roles]


def recommend(state: State, incident_id: str, kinds: list[str] | None = None, limit: int = 5,
              exclude: set[str] | frozenset[str] = frozenset()) -> list[Recommendation]:
    """Available people of the needed kinds: the first-needed kind first, then by travel time.

    Plans list their primary responders first (volunteers at a cordon, medical
    at a fall), so Enter sends the nearest of those, not a faster car of a
    supporting kind.
    """
    inc = state.incidents.get(incident_id)
    if inc is None:
        return []
    order = list(kinds or needed_kinds(state, inc))
    rank = {k: i for i, k in enumerate(dict.fromkeys(order))}
    wanted = set(order)
    ranked = []
    for res in state.resources.values():
        if res.status != "available" or res.kind not in wanted or res.id in exclude:
            continue
        dist, eta = eta_seconds(res, inc.x, inc.y)
        ranked.append(Recommendation(res.id, res.name, res.kind, dist, eta))
    ranked.sort(key=lambda r: (rank[r.kind], r.eta_s, r.resource))
    return ranked[:limit]
