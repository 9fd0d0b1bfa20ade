"""The events that turn a running world into a re-imported site's world.

A re-import must not reset the day: incidents, tasks, who is where and who is
busy all stay. Only what the folder lists changes, one event per thing.
"""

from __future__ import annotations

from console.domain import bodies
from console.domain.model import HELD_STATUSES, Baseline, Camera, Resource
from console.domain.state import State

Events = list[tuple[str, bodies.Body]]

#: fields a roster decides; status, task and position are live and stay
_RESOURCE_FIELDS = ("name", "kind", "unit", "grid", "town", "skills")
_CAMERA_FIELDS = ("name", "grid", "town", "x", "y", "stream", "main", "sub", "heading", "fov")


def _same(a, b, fields) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def site_changes(state: State, baseline: Baseline) -> tuple[Events, list[str]]:
    """(events, kept): the changes from `state`'s world to `baseline`.

    A state with no world yet gets one `baseline_loaded`. `kept`: people the new
    folder drops who are on a task now; they stay until a later import.
    Order: new and changed units first (people may move into them), units
    removed last (after the people and cameras who were in them).
    """
    if not state.org:
        return [("baseline_loaded", bodies.BaselineLoaded(baseline=baseline))], []
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
    if (list(state.case_types.values()) != list(baseline.case_types)
            or list(state.work_hours) != list(baseline.work_hours)):
        events.append(("case_types_changed", bodies.CaseTypesChanged(
            case_types=list(baseline.case_types), work_hours=list(baseline.work_hours))))
    new_res: dict[str, Resource] = {r.id: r for r in baseline.resources}
    for r in baseline.resources:
        old = state.resources.get(r.id)
        if old is None:
            events.append(("resource_added", bodies.ResourceChanged(resource=r)))
        elif not _same(old, r, _RESOURCE_FIELDS):
            events.append(("resource_updated", bodies.ResourceChanged(resource=r)))
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
    return events, kept
