"""Figures of a duty period against the promises: the after-action report and the KPI pane share them.

Pure: everything is computed from a domain `State` (which keeps every alert,
incident and task with their times) and the period [start, end] in hub time.

Definitions (what the report prints under its tables):

- per incident, times from the alert (incident created) to acknowledgement, first
  dispatch, first arrival, whole sent team on scene, and closure;
- **response** = alert → first dispatch or a decision that needs no dispatch
  (`domain.sla`), promise 60 s; **assembly** = first dispatch → whole team on
  scene, promise 10 min (a first arrival later than 10 min is a breach too);
- percentiles are nearest-rank (the smallest value with at least p % of the values
  at or below it) over the incidents whose figure is known at `end`;
- the share meeting a promise counts incidents decided at `end`: met, or already
  breached (still running past the limit counts as not met; still running within
  the limit is left out);
- utilisation of a kind = task time of people of that kind / (people of that kind on
  duty × period length); a task's time runs from dispatch to its end (or `end`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from console.domain.model import ASSEMBLY_LIMIT_S, CROWD_UNIT, RESPONSE_LIMIT_S, Incident
from console.domain.sla import Breach, incident_sla
from console.domain.state import State


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[k - 1]


@dataclass(slots=True)
class IncidentFigures:
    """One incident's times (seconds from its alert; None: not reached) and its verdict."""

    id: str
    title: str
    kind: str
    severity: str
    town: str
    status: str
    alert_at: float
    ack_s: float | None
    dispatch_s: float | None
    first_arrival_s: float | None
    full_on_scene_s: float | None
    closure_s: float | None
    #: the promise figures: response (alert → answer) and assembly (dispatch → team on scene)
    response_s: float | None
    assembly_s: float | None
    response_met: bool | None
    assembly_met: bool | None
    breaches: tuple[Breach, ...]

    @property
    def breached(self) -> bool:
        return self.response_met is False or self.assembly_met is False


@dataclass(slots=True)
class Promise:
    """Percentiles of one promise figure and the share of incidents that kept it."""

    name: str
    limit_s: float
    n: int
    p50: float | None
    p90: float | None
    p95: float | None
    met: int
    decided: int

    @property
    def share_met(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass(slots=True)
class KindUse:
    """How much of the period the people of one kind spent on tasks."""

    kind: str
    people: int
    sent: int
    tasks: int
    busy_s: float
    share: float


@dataclass(slots=True)
class Figures:
    """Everything the report prints and the KPI pane draws."""

    start: float
    end: float
    bin_s: float
    alerts: int
    incidents: list[IncidentFigures]
    response: Promise
    assembly: Promise
    acknowledge: Promise
    utilisation: list[KindUse]
    tasks: int
    closed: int
    #: bin start times, alerts per minute in each bin, open incidents and active tasks at each bin's end
    t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alerts_per_min: np.ndarray = field(default_factory=lambda: np.zeros(0))
    open_incidents: np.ndarray = field(default_factory=lambda: np.zeros(0))
    active_tasks: np.ndarray = field(default_factory=lambda: np.zeros(0))
    peak_tasks: int = 0
    #: camera → [(hub time, people per m²)] from the measurement of crowd-density alerts
    crowd: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def breaches(self) -> list[IncidentFigures]:
        return [f for f in self.incidents if f.breached]


def _ended_at(inc: Incident) -> float | None:
    return inc.closed_at if inc.closed_at is not None else inc.resolved_at


def _since(t: float | None, t0: float) -> float | None:
    return None if t is None else t - t0


def incident_figures(inc: Incident, end: float) -> IncidentFigures:
    """One incident's figures at hub time `end`."""
    sla = incident_sla(inc, end)
    c = inc.created_at
    response_met: bool | None
    if sla.response_s is not None:
        response_met = sla.response_s <= RESPONSE_LIMIT_S
    else:
        response_met = False if sla.response_breached else None
    assembly_met: bool | None = None
    if inc.first_dispatch_at is not None:
        if sla.assembly_breached:
            assembly_met = False
        elif sla.full_on_scene_s is not None:
            assembly_met = True
    return IncidentFigures(
        id=inc.id, title=inc.title, kind=inc.kind, severity=inc.severity, town=inc.town, status=inc.status,
        alert_at=c, ack_s=_since(inc.acknowledged_at, c), dispatch_s=_since(inc.first_dispatch_at, c),
        first_arrival_s=_since(inc.first_arrival_at, c), full_on_scene_s=_since(inc.full_on_scene_at, c),
        closure_s=_since(inc.closed_at, c), response_s=sla.response_s, assembly_s=sla.full_on_scene_s,
        response_met=response_met, assembly_met=assembly_met, breaches=sla.breaches)


def _promise(name: str, limit: float, values: list[float | None], met: list[bool | None]) -> Promise:
    known = [v for v in values if v is not None]
    decided = [x for x in met if x is not None]
    return Promise(name, limit, len(known), percentile(known, 50), percentile(known, 90),
                   percentile(known, 95), sum(1 for x in decided if x), len(decided))


def counted_incidents(state: State, end: float, incidents: list[Incident] | None = None) -> list[Incident]:
    """The incidents the figures count at `end`, oldest first: drills (演练) never count in the live
    figures (they are scored apart, console/domain/drills.py)."""
    incs = incidents if incidents is not None else sorted(state.incidents.values(), key=lambda i: (i.created_at, i.id))
    return [i for i in incs if i.created_at <= end and i.exercise is None]


def compute(state: State, start: float, end: float, *, bin_s: float = 60.0,
            incidents: list[Incident] | None = None, rows: list[IncidentFigures] | None = None) -> Figures:
    """The figures of `state` over [start, end] (hub time).

    `rows`, if given, are `incident_figures(i, end)` of each of `counted_incidents(state, end, incidents)`,
    made beforehand (a console makes them a few hundred at a time, between paints)."""
    end = max(end, start)
    incs = counted_incidents(state, end, incidents)
    if rows is None:
        rows = [incident_figures(i, end) for i in incs]
    response = _promise("response", RESPONSE_LIMIT_S, [r.response_s for r in rows], [r.response_met for r in rows])
    assembly = _promise("assembly", ASSEMBLY_LIMIT_S, [r.assembly_s for r in rows], [r.assembly_met for r in rows])
    ack = _promise("acknowledge", RESPONSE_LIMIT_S, [r.ack_s for r in rows],
                   [None if r.ack_s is None else r.ack_s <= RESPONSE_LIMIT_S for r in rows])

    drills = {i.id for i in state.incidents.values() if i.exercise is not None}
    tasks = [t for t in state.tasks.values() if t.sent_at <= end and t.incident not in drills]
    period = end - start
    by_kind: dict[str, KindUse] = {}
    for res in state.resources.values():
        if res.status == "off_duty":
            continue
        use = by_kind.setdefault(res.kind, KindUse(res.kind, 0, 0, 0, 0.0, 0.0))
        use.people += 1
    sent_people: dict[str, set[str]] = {}
    for task in tasks:
        res = state.resources.get(task.resource)
        kind = res.kind if res is not None else "unknown"
        use = by_kind.setdefault(kind, KindUse(kind, 0, 0, 0, 0.0, 0.0))
        use.tasks += 1
        sent_people.setdefault(kind, set()).add(task.resource)
        t0 = max(task.sent_at, start)
        t1 = min(task.ended_at if task.ended_at is not None else end, end)
        use.busy_s += max(0.0, t1 - t0)
    for kind, use in by_kind.items():
        use.sent = len(sent_people.get(kind, ()))
        use.share = use.busy_s / (use.people * period) if use.people and period > 0 else 0.0
    utilisation = sorted((u for u in by_kind.values() if u.tasks), key=lambda u: (-u.share, u.kind))

    n_bins = max(1, int(math.ceil(period / bin_s))) if period > 0 else 1
    t = start + bin_s * np.arange(n_bins, dtype=np.float64)
    alert_times = np.array(sorted(a.at for a in state.alerts.values() if start <= a.at <= end
                                  and a.exercise is None), dtype=np.float64)
    idx = np.minimum(((alert_times - start) // bin_s).astype(np.int64), n_bins - 1) if alert_times.size else []
    per_bin = np.bincount(idx, minlength=n_bins).astype(np.float64) if alert_times.size else np.zeros(n_bins)
    alerts_per_min = per_bin * (60.0 / bin_s)
    edges = np.minimum(t + bin_s, end)
    open_incidents = _open_counts([(i.created_at, _ended_at(i)) for i in incs], edges)
    active = _open_counts([(k.sent_at, k.ended_at) for k in tasks], edges)
    peak = _peak([(k.sent_at, k.ended_at if k.ended_at is not None else end) for k in tasks])

    crowd: dict[str, list[tuple[float, float]]] = {}
    for a in sorted(state.alerts.values(), key=lambda a: a.at):
        if (a.kind != "crowd_density" or a.camera is None or a.value is None or a.unit != CROWD_UNIT
                or not (start <= a.at <= end)):
            continue
        crowd.setdefault(a.camera, []).append((a.at, a.value))
    return Figures(start=start, end=end, bin_s=bin_s, alerts=int(alert_times.size), incidents=rows,
                   response=response, assembly=assembly, acknowledge=ack, utilisation=utilisation,
                   tasks=len(tasks), closed=sum(1 for i in incs if i.closed_at is not None and i.closed_at <= end),
                   t=t, alerts_per_min=alerts_per_min, open_incidents=open_incidents, active_tasks=active,
                   peak_tasks=peak, crowd=crowd)


def _open_counts(spans: list[tuple[float, float | None]], at: np.ndarray) -> np.ndarray:
    """How many spans [a, b) are open at each time of `at` (b None: still open)."""
    if not spans:
        return np.zeros(at.shape, dtype=np.float64)
    a = np.sort(np.array([s[0] for s in spans], dtype=np.float64))
    b = np.sort(np.array([s[1] if s[1] is not None else np.inf for s in spans], dtype=np.float64))
    return (np.searchsorted(a, at, side="right") - np.searchsorted(b, at, side="right")).astype(np.float64)


def _peak(spans: list[tuple[float, float]]) -> int:
    points = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans], key=lambda p: (p[0], p[1]))
    best = cur = 0
    for _, d in points:
        cur += d
        best = max(best, cur)
    return best
