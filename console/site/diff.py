"""The events that turn a running world into a re-imported site's world.

A re-import must not reset the day: incidents, tasks, who is where and who is
busy all stay. Only what the folder lists changes, one event per thing.
"""

from __future__ import annotations

from typing import NamedTuple

from console.domain import bodies
from console.domain.model import HELD_STATUSES, Baseline, Camera, Resource
from console.domain.state import State

Events = list[tuple[str, bodies.Body]]

#: fields a roster decides; status, task and position are live and stay
_RESOURCE_FIELDS = ("name", "kind", "unit", "grid", "town", "skills")
_CAMERA_FIELDS = ("name", "grid", "town", "x", "y", "stream", "main", "sub", "heading", "fov")


def _same(a, b, fields) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in fields)


class SiteChanges(NamedTuple):
    """What a re-import does now, and what waits for a person's task to end."""

    events: Events
    #: people the folder dropped who are on a task now: removed when their task ends
    kept: list[str]
    #: person → the status the folder now gives them, while they are on a task (set when it ends)
    waiting_status: dict[str, str]


def listed_statuses(baseline: Baseline) -> dict[str, str]:
    """Each person's status as a folder lists it (taken at import: the state's people are live objects)."""
    return {r.id: r.status for r in baseline.resources}


def site_changes(state: State, baseline: Baseline, listed: dict[str, str] | None = None) -> SiteChanges:
    """The changes from `state`'s world to `baseline`.

    A state with no world yet gets one `baseline_loaded`. A person's `status` is
    live (tasks hold people, a task's end frees them), so the folder's status
    counts only where the folder changed it: against `listed` (the statuses of the
    folder as last imported, `listed_statuses`), or, without it (the first import
    after a restart), against
    the live status of a person on no task. A change for a person on a task
    waits for the task to end (`waiting_status`); so does the removal of a
    person on a task (`kept`). Order: new and changed units first (people may
    move into them), units removed last (after the people and cameras in them).
    """
    if not state.org:
        return SiteChanges([("baseline_loaded", bodies.BaselineLoaded(baseline=baseline))], [], {})
    events: Events = []
    new_org = {u.id: u for u in baseline.org}
    for u in baseline.org:
        old = state.org.get(u.id)
        if old is None:
            events.append(("org_unit_added", bodies.OrgUnitChanged(unit=u)))
        elif old != u:
            events.append(("org_unit_updated", bodies.OrgUnitChanged(unit=u)))
    for p in baseline.plans:
        old = state.plans.get(p.id)
        if old is None:
            events.append(("plan_added", bodies.PlanChanged(plan=p)))
        elif old != p:
            events.append(("plan_updated", bodies.PlanChanged(plan=p)))
    new_res: dict[str, Resource] = {r.id: r for r in baseline.resources}
    listed = listed or {}
    waiting: dict[str, str] = {}
    for r in baseline.resources:
        old = state.resources.get(r.id)
        if old is None:
            events.append(("resource_added", bodies.ResourceChanged(resource=r)))
            continue
        if not _same(old, r, _RESOURCE_FIELDS):
            events.append(("resource_updated", bodies.ResourceChanged(resource=r)))
        if r.status != listed.get(r.id, old.status):  # the folder changed it (or disagrees after a restart)
            if old.status in HELD_STATUSES:
                waiting[r.id] = r.status
            elif old.status != r.status:
                events.append(("resource_status_changed",
                               bodies.ResourceStatusChanged(resource=r.id, status=r.status)))
    new_cams: dict[str, Camera] = {c.id: c for c in baseline.cameras}
    for c in baseline.cameras:
        old = state.cameras.get(c.id)
        if old is None:
            events.append(("camera_added", bodies.CameraChanged(camera=c)))
        elif not _same(old, c, _CAMERA_FIELDS):
            events.append(("camera_updated", bodies.CameraChanged(camera=c)))
    kept = []
    for rid, r in state.resources.items():
        if rid not in new_res:
            if r.status in HELD_STATUSES:
                kept.append(rid)
            else:
                events.append(("resource_removed", bodies.ResourceRemoved(resource=rid)))
    for cid in state.cameras:
        if cid not in new_cams:
            events.append(("camera_removed", bodies.CameraRemoved(camera=cid)))
    for pid in state.plans:
        if pid not in {p.id for p in baseline.plans}:
            events.append(("plan_removed", bodies.PlanRemoved(plan=pid)))
    for uid in state.org:
        if uid not in new_org:
            events.append(("org_unit_removed", bodies.OrgUnitRemoved(unit=uid)))
    return SiteChanges(events, kept, waiting)


def settled(state: State, kept: set[str], waiting_status: dict[str, str]) -> Events:
    """What a re-import left waiting that can happen now: people freed from their task are removed,
    or given the status the folder gave them. Settled entries leave `kept` / `waiting_status`."""
    events: Events = []
    for rid in sorted(kept):
        r = state.resources.get(rid)
        if r is None or r.status not in HELD_STATUSES:
            kept.discard(rid)
            waiting_status.pop(rid, None)
            if r is not None:
                events.append(("resource_removed", bodies.ResourceRemoved(resource=rid)))
    for rid, status in sorted(waiting_status.items()):
        r = state.resources.get(rid)
        if r is None or r.status not in HELD_STATUSES:
            del waiting_status[rid]
            if r is not None and r.status != status:
                events.append(("resource_status_changed", bodies.ResourceStatusChanged(resource=rid, status=status)))
    return events
