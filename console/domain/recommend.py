"""Dispatch recommendation: who of the needed kind can be there soonest, and why (as a code and figures)."""

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

#: what to send when no plan covers the incident's kind
DEFAULT_KINDS = ("grid_worker", "volunteer", "community_staff")

#: reason codes of a recommendation (the UI says them in words, with the figures)
REASONS = (
    "nearest_of_role",   # the soonest to arrive of a role the incident needs
    "next_of_role",      # another of that role, `rank` in order of arrival
)


@dataclass(slots=True, frozen=True)
class Recommendation:
    """One person to send, with the figures behind the choice: a reason code and its parameters."""

    resource: str
    name: str
    #: the role (resource kind) the person is recommended for
    kind: str
    distance_m: float
    #: estimated seconds to arrive (setup plus travel at the kind's speed)
    eta_s: float
    reason: str = "nearest_of_role"
    #: 1 for the soonest of its role, 2 for the next, ...
    rank: int = 1
    #: people of this role left out because they declined this incident (ids; the UI says who)
    skipped: tuple[str, ...] = ()


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


def declined_here(state: State, inc: Incident) -> set[str]:
    """People who declined a task of this incident: asking them again wastes the minute the first ask did."""
    out = set()
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task is not None and task.status == "declined":
            out.add(task.resource)
    return out


def recommend(state: State, incident_id: str, kinds: list[str] | None = None, limit: int = 5,
              exclude: set[str] | frozenset[str] = frozenset()) -> list[Recommendation]:
    """Available people of the needed kinds: the first-needed kind first, then by travel time.

    Plans list their primary responders first (volunteers at a cordon, medical
    at a fall), so Enter sends the nearest of those, not a faster car of a
    supporting kind. Whoever declined this incident is not asked again; the
    recommendations of their role name them in `skipped`.
    """
    inc = state.incidents.get(incident_id)
    if inc is None:
        return []
    order = list(kinds or needed_kinds(state, inc))
    rank = {k: i for i, k in enumerate(dict.fromkeys(order))}
    wanted = set(order)
    declined = declined_here(state, inc)
    skipped_of: dict[str, list[str]] = {}
    ranked = []
    for res in state.resources.values():
        if res.status != "available" or res.kind not in wanted or res.id in exclude:
            continue
        if res.id in declined:
            skipped_of.setdefault(res.kind, []).append(res.id)
            continue
        dist, eta = eta_seconds(res, inc.x, inc.y)
        ranked.append((rank[res.kind], eta, res.id, res, dist))
    ranked.sort(key=lambda r: r[:3])
    out = []
    seen: dict[str, int] = {}
    for _rank, eta, _id, res, dist in ranked[:limit]:
        n = seen[res.kind] = seen.get(res.kind, 0) + 1
        out.append(Recommendation(res.id, res.name, res.kind, dist, eta,
                                  "nearest_of_role" if n == 1 else "next_of_role", n,
                                  tuple(sorted(skipped_of.get(res.kind, ())))))
    return out
