"""Case figures (一办到底): open cases by stage and how overdue; per grid, worker, department and town
the count, the on-time share and p50/p90 of each stage. The KPI pane, the after-action report
and the CSV export read them from here.

Pure, from a domain `State` at a moment `now` (hub time). Definitions:

- a case's **stage time** for stage S is the wall-clock seconds from the stage before S
  (in registered → dispatched → accepted → on site → handled → verified → closed order)
  to S, when both were reached; percentiles are nearest-rank (`kpi.percentile`);
- **on time** means handled by the handled due time (extensions count: they moved it);
  the share counts cases whose verdict is known at `now`: handled (on time or late), or
  not handled and already past the due time; a returned case and a stage without a clock
  are left out;
- a case's **worker** is whoever reported it handled, else the person of its first task;
  its **department** that person's unit; its **town** the center that owns it now.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from console.domain.cases import case_clock, on_time
from console.domain.kpi import percentile
from console.domain.model import CASE_STAGES, Incident
from console.domain.state import State

#: the ways the figures can be grouped
DIMENSIONS = ("grid", "worker", "department", "town")
#: stages that have a stage time (all but registration)
TIMED_STAGES = CASE_STAGES[1:]


@dataclass(slots=True, frozen=True)
class CaseRow:
    """One case, flat: where it stands at `now` and who it belongs to."""

    incident: str
    type: str
    title: str
    town: str
    grid: str
    worker: str
    department: str
    stage: str
    registered_at: float
    waiting_for: str | None
    due: float | None
    #: seconds past the due time of the stage it waits for (0 while within it or without a clock)
    overdue_s: float
    suspended: bool
    returned: str
    #: handled on time: True, False (late, or unhandled past the due time), None (not known yet)
    on_time: bool | None
    #: stage → seconds from the stage before it
    stage_s: dict[str, float]


def _worker(state: State, inc: Incident) -> str:
    case = inc.case
    if case.handled_by and case.handled_by in state.resources:
        return case.handled_by
    for tid in inc.tasks:
        t = state.tasks.get(tid)
        if t is not None and t.status not in ("declined", "cancelled"):
            return t.resource
    return case.handled_by


def _stage_seconds(reached: dict[str, float]) -> dict[str, float]:
    out = {}
    for before, stage in zip(CASE_STAGES, CASE_STAGES[1:]):
        if before in reached and stage in reached:
            out[stage] = max(0.0, reached[stage] - reached[before])
    return out


def case_rows(state: State, now: float) -> list[CaseRow]:
    """Every case the state holds, in registration order."""
    rows = []
    for inc in state.incidents.values():
        case = inc.case
        if case is None or inc.exercise is not None:  # a drill (演练) is never a case
            continue
        clock = case_clock(case, now)
        verdict = on_time(case)
        if verdict is None and not case.returned and "handled" not in case.reached:
            due = case.due.get("handled")
            at = case.suspended_at if case.suspended_at is not None else now
            if due is not None and at > due:
                verdict = False
        worker = _worker(state, inc)
        res = state.resources.get(worker)
        rows.append(CaseRow(
            incident=inc.id, type=case.type, title=inc.title, town=inc.owner or inc.town, grid=inc.grid,
            worker=worker, department=res.unit if res is not None else "", stage=case.stage,
            registered_at=case.registered_at, waiting_for=clock.waiting_for, due=clock.due,
            overdue_s=max(0.0, -clock.left_s) if clock.left_s is not None else 0.0,
            suspended=clock.suspended, returned=case.returned,
            on_time=None if case.returned else verdict, stage_s=_stage_seconds(case.reached)))
    rows.sort(key=lambda r: (r.registered_at, r.incident))
    return rows


@dataclass(slots=True)
class StageCount:
    """Open cases waiting for one stage, and how many of them are past its due time."""

    stage: str
    open: int = 0
    overdue: int = 0


def open_by_stage(rows: list[CaseRow]) -> list[StageCount]:
    """Open cases by the stage they wait for (CASE_STAGES order), with the overdue among them."""
    counts = {s: StageCount(s) for s in TIMED_STAGES}
    for r in rows:
        if r.waiting_for is None:
            continue
        c = counts[r.waiting_for]
        c.open += 1
        c.overdue += r.overdue_s > 0
    return list(counts.values())


def overdue(rows: list[CaseRow]) -> list[CaseRow]:
    """Open cases past a due time, the most overdue first."""
    return sorted((r for r in rows if r.waiting_for is not None and r.overdue_s > 0),
                  key=lambda r: (-r.overdue_s, r.incident))


@dataclass(slots=True)
class GroupFigures:
    """One grid's, worker's, department's or town's cases."""

    key: str
    count: int = 0
    open: int = 0
    overdue: int = 0
    returned: int = 0
    on_time: int = 0
    late: int = 0
    #: stage → (p50, p90) seconds; absent when no case of the group reached it
    stage_p: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def on_time_share(self) -> float | None:
        """on time / (on time + late); None before any verdict."""
        decided = self.on_time + self.late
        return self.on_time / decided if decided else None


def figures_by(rows: list[CaseRow], dimension: str) -> list[GroupFigures]:
    """The figures per `dimension` (one of DIMENSIONS), most cases first."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    groups: dict[str, GroupFigures] = {}
    times: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        key = getattr(r, dimension)
        g = groups.setdefault(key, GroupFigures(key))
        g.count += 1
        g.open += r.waiting_for is not None
        g.overdue += r.waiting_for is not None and r.overdue_s > 0
        g.returned += bool(r.returned)
        g.on_time += r.on_time is True
        g.late += r.on_time is False
        for stage, s in r.stage_s.items():
            times.setdefault(key, {}).setdefault(stage, []).append(s)
    for key, by_stage in times.items():
        groups[key].stage_p = {s: (percentile(v, 50), percentile(v, 90)) for s, v in by_stage.items()}
    return sorted(groups.values(), key=lambda g: (-g.count, g.key))


@dataclass(slots=True, frozen=True)
class CaseSummary:
    """All cases in one line: how many, open, overdue, and the on-time share (None before any verdict)."""

    count: int
    open: int
    overdue: int
    on_time_share: float | None


def summarize(rows: list[CaseRow]) -> CaseSummary:
    """The one-line summary the KPI pane, the cases pane and the report print."""
    on, late = sum(r.on_time is True for r in rows), sum(r.on_time is False for r in rows)
    return CaseSummary(len(rows), sum(r.waiting_for is not None for r in rows), len(overdue(rows)),
                       on / (on + late) if on + late else None)


CSV_COLUMNS = ("incident", "type", "town", "grid", "worker", "department", "stage", "registered_at",
               "waiting_for", "due", "overdue_s", "suspended", "returned", "on_time",
               *(f"{s}_s" for s in TIMED_STAGES))


def cases_csv(rows: list[CaseRow]) -> str:
    """The case rows as CSV (UTF-8 text; codes, ids and hub times, one case a line)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r.incident, r.type, r.town, r.grid, r.worker, r.department, r.stage,
                    f"{r.registered_at:.0f}", r.waiting_for or "", "" if r.due is None else f"{r.due:.0f}",
                    f"{r.overdue_s:.0f}", int(r.suspended), r.returned,
                    "" if r.on_time is None else int(r.on_time),
                    *("" if s not in r.stage_s else f"{r.stage_s[s]:.0f}" for s in TIMED_STAGES)])
    return out.getvalue()


def figures_csv(groups: list[GroupFigures], dimension: str) -> str:
    """One dimension's figures as CSV: count, open, overdue, returned, on time, late, share, p50/p90 per stage."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([dimension, "count", "open", "overdue", "returned", "on_time", "late", "on_time_share",
                *(f"{s}_{p}" for s in TIMED_STAGES for p in ("p50_s", "p90_s"))])
    for g in groups:
        share = g.on_time_share
        cells = []
        for s in TIMED_STAGES:
            p = g.stage_p.get(s)
            cells += ["", ""] if p is None else [f"{p[0]:.0f}", f"{p[1]:.0f}"]
        w.writerow([g.key, g.count, g.open, g.overdue, g.returned, g.on_time, g.late,
                    "" if share is None else f"{share:.3f}", *cells])
    return out.getvalue()
