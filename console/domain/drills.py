"""No-notice drills (演练) on the live path: starting and ending one, and scoring it from its events.

A drill is an ordinary alert marked with an `Exercise` (console/domain/model.py): it takes
the real path (queue, dispatch, the people's phones) and is kept out of the live figures.
Its score is computed from the incident and tasks its events folded into, so the district's
table and a recomputation from either hub's log give the same numbers (`score_log`).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import msgspec

from console.domain import bodies
from console.domain.apply import active_tasks, apply
from console.domain.model import (
    ASSEMBLY_LIMIT_S, RESPONSE_LIMIT_S, Incident, PlanRole, dispatch_stands, incident_id_for,
)
from console.domain.rules import Actor, CommandRefused, Events, incident_for, ingest_alert
from console.domain.state import State

#: why the hub closed a drill's incident and ended its tasks
DRILL_ENDED = "drill_ended"


def is_drill(inc: Incident) -> bool:
    """Whether an incident is a drill's (演练), never a real event."""
    return inc.exercise is not None


# ------------------------------------------------------------------- deciders

def start_drill(state: State, body: bodies.CmdStartDrill, actor: Actor, now: float) -> Events:
    """The script's alert raised now (its clock starts on arrival), marked as an exercise.

    A town's chief injects drills into its own town only; the district into any town.
    """
    a = msgspec.structs.replace(body.alert, at=now)
    if a.exercise is None or not a.exercise.drill:
        raise CommandRefused("bad_request", "a drill's alert needs its exercise mark (exercise.drill)")
    if not a.exercise.by:  # who injected it: the sender's center (the district's, through federation)
        a.exercise = msgspec.structs.replace(a.exercise, by=actor.center or actor.name)
    if not a.town and a.grid:
        a.town = state.town_of(a.grid)
    if actor.center is not None and actor.center not in (a.town, state.district()):
        raise CommandRefused("out_of_scope", f"{actor.center} may not start a drill in {a.town}")
    return ingest_alert(state, bodies.IngestAlert(alert=a), actor, now)


def check_drill(state: State, inc: Incident, actor: Actor) -> None:
    """Only a drill's incident can be ended as a drill."""
    if not is_drill(inc):
        raise CommandRefused("invalid_state", f"incident {inc.id} is not a drill", reason="not_drill",
                             subject=inc.id)


def end_drill(state: State, body: bodies.CmdIncident, actor: Actor, now: float) -> Events:
    """End a drill at once: every task on it ends (cause drill_ended) and the incident closes."""
    inc = incident_for(state, body.incident, actor)
    check_drill(state, inc, actor)
    events: Events = [("task_cancelled", bodies.TaskStep(task=t.id, actor=actor.name, cause=DRILL_ENDED))
                      for t in active_tasks(state, inc)]
    return events + [("incident_closed", bodies.IncidentStep(incident=inc.id, actor=actor.name, note=body.note,
                                                             cause=DRILL_ENDED))]


# ------------------------------------------------------------------- scoring

@dataclass(slots=True)
class PersonScore:
    """One person sent on a drill: seconds from the alert to being sent, accepting and arriving."""

    resource: str
    name: str
    kind: str
    sent_s: float
    accepted_s: float | None
    arrived_s: float | None

    @property
    def accepted_in_time(self) -> bool | None:
        """Accepted within the response promise (60 s from being sent); None if never."""
        return None if self.accepted_s is None else self.accepted_s - self.sent_s <= RESPONSE_LIMIT_S

    @property
    def arrived_in_time(self) -> bool | None:
        """Arrived within the assembly promise (10 min from the alert); None if never."""
        return None if self.arrived_s is None else self.arrived_s <= ASSEMBLY_LIMIT_S


@dataclass(slots=True)
class DrillScore:
    """A drill's figures: seconds from the alert to each step (None: not reached), the kinds sent
    against the script's expectation, and each person's times."""

    incident: str
    drill: str
    script: str
    town: str
    started_at: float
    ack_s: float | None
    dispatch_s: float | None
    first_accept_s: float | None
    assembly_s: float | None
    expected: list[PlanRole]
    sent: dict[str, int]
    missing: list[PlanRole]
    people: list[PersonScore] = field(default_factory=list)
    ended: bool = False
    #: the plan the script expects and the one the town activated (None: none)
    plan_expected: str | None = None
    plan_activated: str | None = None

    @property
    def response_met(self) -> bool | None:
        """Dispatched within 60 s (None: not dispatched yet)."""
        return None if self.dispatch_s is None else self.dispatch_s <= RESPONSE_LIMIT_S

    @property
    def assembly_met(self) -> bool | None:
        """Everyone expected on scene within 10 min (None: not assembled)."""
        return None if self.assembly_s is None else self.assembly_s <= ASSEMBLY_LIMIT_S

    @property
    def plan_met(self) -> bool | None:
        """The expected plan was activated (None: the script expects none)."""
        return None if self.plan_expected is None else self.plan_activated == self.plan_expected

    @property
    def kinds_met(self) -> bool:
        """Every kind the script expects was sent, as many as it expects."""
        return not self.missing


def _since(t: float | None, t0: float) -> float | None:
    return None if t is None else round(t - t0, 3)


def _assembly_at(expected: list[PlanRole], arrivals: list[tuple[float, str]], standing: int) -> float | None:
    """When everyone expected had arrived: each expected kind's count met by arrivals, or (a script
    naming no kinds) every standing dispatch arrived."""
    arrivals = sorted(arrivals)
    if not expected:
        return arrivals[-1][0] if arrivals and len(arrivals) == standing else None
    need = Counter({r.kind: r.count for r in expected})
    for at, kind in arrivals:
        if need[kind] > 0:
            need[kind] -= 1
        if not +need:
            return at
    return None


def score(state: State, incident_id: str) -> DrillScore | None:
    """The score of one drill incident in `state` (None if it is no drill's)."""
    inc = state.incidents.get(incident_id)
    if inc is None or inc.exercise is None:
        return None
    ex = inc.exercise
    t0 = inc.created_at
    people: list[PersonScore] = []
    arrivals: list[tuple[float, str]] = []
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task is None or not dispatch_stands(task):
            continue
        res = state.resources.get(task.resource)
        kind = res.kind if res is not None else ""
        people.append(PersonScore(task.resource, res.name if res is not None else "", kind,
                                  _since(task.sent_at, t0), _since(task.accepted_at, t0),
                                  _since(task.arrived_at, t0)))
        if task.arrived_at is not None:
            arrivals.append((task.arrived_at, kind))
    sent = Counter(p.kind for p in people)
    missing = [PlanRole(kind=r.kind, count=r.count - sent[r.kind]) for r in ex.kinds if sent[r.kind] < r.count]
    accepts = [p.accepted_s for p in people if p.accepted_s is not None]
    ended = any(s.what == "closed" and s.cause == DRILL_ENDED for s in inc.timeline)
    return DrillScore(
        incident=inc.id, drill=ex.drill, script=ex.script, town=inc.town, started_at=t0,
        ack_s=_since(inc.acknowledged_at, t0), dispatch_s=_since(inc.first_dispatch_at, t0),
        first_accept_s=min(accepts) if accepts else None,
        assembly_s=_since(_assembly_at(list(ex.kinds), arrivals, len(people)), t0),
        expected=list(ex.kinds), sent=dict(sorted(sent.items())), missing=missing, people=people, ended=ended,
        plan_expected=ex.plan, plan_activated=inc.plan)


def scores(state: State) -> list[DrillScore]:
    """Every drill in `state`, oldest first."""
    drills = sorted((i for i in state.incidents.values() if i.exercise is not None),
                    key=lambda i: (i.created_at, i.id))
    return [s for i in drills if (s := score(state, i.id)) is not None]


def score_log(events: Iterable) -> list[DrillScore]:
    """Every drill's score recomputed from a log's events (anything with type, body, seq, ts)."""
    state = State()
    for event in events:
        apply(state, event)
    return scores(state)


@dataclass(slots=True)
class TownDrills:
    """One town's drills over a period, for the district's comparison table."""

    town: str
    drills: int
    ack_s: float | None
    dispatch_s: float | None
    first_accept_s: float | None
    assembly_s: float | None
    response_met: int
    assembly_met: int
    kinds_met: int
    last: DrillScore | None


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def by_town(drill_scores: list[DrillScore], start: float = float("-inf"), end: float = float("inf")
            ) -> list[TownDrills]:
    """Per town: how many drills started in [start, end], the median of each time, how many kept each
    promise and sent the right kinds, and its latest drill. Towns in name order."""
    towns: dict[str, list[DrillScore]] = {}
    for s in drill_scores:
        if start <= s.started_at <= end:
            towns.setdefault(s.town, []).append(s)
    rows = []
    for town, got in sorted(towns.items()):
        rows.append(TownDrills(
            town=town, drills=len(got), ack_s=_median([s.ack_s for s in got]),
            dispatch_s=_median([s.dispatch_s for s in got]),
            first_accept_s=_median([s.first_accept_s for s in got]),
            assembly_s=_median([s.assembly_s for s in got]),
            response_met=sum(1 for s in got if s.response_met), assembly_met=sum(1 for s in got if s.assembly_met),
            kinds_met=sum(1 for s in got if s.kinds_met), last=max(got, key=lambda s: s.started_at)))
    return rows


def drill_incident_id(drill: str) -> str:
    """The incident a drill's run opens (its alert's id is the drill's id)."""
    return incident_id_for(drill)
