"""apply(state, event): the only way domain state changes.

Deterministic: the same events in the same order give the same state on the
hub, on every console, and in a replay. Each handler mutates the state and
notes what it touched in the change set.
"""

from __future__ import annotations

from typing import Callable

import msgspec

from console.domain.model import (
    CASE_STAGES, HELD_STATUSES, TASK_FINAL, Broadcast, Case, ExtensionRequest, FieldPage, Incident, Task,
    Transition, dispatch_stands,
)
from console.domain.state import ChangeSet, State
from console.domain import bodies
from console.domain.bodies import Event


Handler = Callable[[State, str, object, float, ChangeSet], None]
_HANDLERS: dict[str, Handler] = {}


def _on(*types: str):
    def register(fn: Handler) -> Handler:
        for t in types:
            _HANDLERS[t] = fn
        return fn
    return register


def apply(state: State, event: Event, changes: ChangeSet | None = None) -> ChangeSet:
    """Apply one sequenced hub event; unknown types change nothing but the sequence.

    `changes`: a change set to add to (a console folds a whole UI tick into one)
    instead of a new one per event.
    """
    if changes is None:
        changes = ChangeSet(events=1)
    else:
        changes.events += 1
    handler = _HANDLERS.get(event.type)
    ts = event.ts if event.ts is not None else state.now
    if handler is not None:
        handler(state, event.type, event.body, ts, changes)
    if event.seq is not None:
        state.seq = max(state.seq, event.seq)
    state.now = max(state.now, ts)
    return changes


def _step(inc: Incident, ts: float, actor: str, what: str, note: str = "", **params) -> None:
    """Append a timeline step: a code from TIMELINE_STEPS, its parameters, and any note a person wrote."""
    inc.timeline.append(Transition(at=ts, actor=actor, what=what, note=note, **params))


def active_tasks(state: State, inc: Incident) -> list[Task]:
    """The incident's tasks that still hold someone (not done, declined or cancelled)."""
    return [t for tid in inc.tasks if (t := state.tasks.get(tid)) and t.status not in TASK_FINAL]


def work_status(state: State, inc: Incident) -> str:
    """The status an open incident has from its tasks alone."""
    live = active_tasks(state, inc)
    if any(t.status == "arrived" for t in live):
        return "on_scene"
    if any(t.status == "accepted" for t in live):
        return "en_route"
    if live:
        return "dispatched"
    if inc.first_arrival_at is not None:
        return "on_scene"
    return "acknowledged" if inc.acknowledged_at is not None else "new"


_WORKING = frozenset({"new", "acknowledged", "dispatched", "en_route", "on_scene"})


def _refresh(state: State, inc: Incident, ts: float) -> None:
    """Recompute an incident's promise anchors from the dispatches that stand, and its status.

    The response clock stops at the first standing dispatch (`dispatch_stands`): an undone or
    declined one leaves no trace. The whole team is on scene only while every standing task
    that still belongs to the team (a recalled person left it) has arrived: a person sent
    after everyone arrived reopens the assembly, so the figure never says "all arrived"
    while someone is on the road.
    """
    tasks = [t for tid in inc.tasks if (t := state.tasks.get(tid)) is not None]
    standing = [t for t in tasks if dispatch_stands(t)]
    inc.first_dispatch_at = min((t.sent_at for t in standing), default=None)
    if inc.status in _WORKING:
        team = [t for t in standing if t.cause != "recalled"]
        if team and all(t.arrived_at is not None for t in team):
            if inc.full_on_scene_at is None:
                inc.full_on_scene_at = ts
        else:
            inc.full_on_scene_at = None
        inc.status = work_status(state, inc)
    _advance_case(state, inc, ts)


def _advance_case(state: State, inc: Incident, ts: float) -> None:
    """Move a case file to the furthest stage its incident and tasks have reached.

    Dispatched, accepted and on site follow the tasks (a declined or cancelled task does
    not count); handled and verified are the case's own events; closed is the incident's.
    Each stage keeps the first time it was reached.
    """
    case = inc.case
    if case is None:
        return
    reached = case.reached
    tasks = [t for tid in inc.tasks if (t := state.tasks.get(tid)) and t.status not in ("declined", "cancelled")]
    if tasks:
        reached.setdefault("dispatched", ts)
    if any(t.accepted_at is not None or t.arrived_at is not None for t in tasks):
        reached.setdefault("accepted", ts)
    if any(t.arrived_at is not None for t in tasks):
        reached.setdefault("on_site", ts)
    if inc.status == "closed":
        reached.setdefault("closed", ts)
    case.stage = next(s for s in reversed(CASE_STAGES) if s in reached or s == "registered")


# ------------------------------------------------------------------- baseline

@_on("baseline_loaded")
def _baseline(state: State, type_: str, body: bodies.BaselineLoaded, ts: float, ch: ChangeSet) -> None:
    b = body.baseline
    state.name = b.name
    state.day_start = b.day_start
    state.course = list(b.course)
    state.org = {u.id: u for u in b.org}
    state.resources = {r.id: r for r in b.resources}
    state.cameras = {c.id: c for c in b.cameras}
    state.plans = {p.id: p for p in b.plans}
    state.case_types = {t.code: t for t in b.case_types}
    state.work_hours = list(b.work_hours)
    ch.baseline = True


@_on("case_types_changed")
def _case_types(state: State, type_: str, body: bodies.CaseTypesChanged, ts: float, ch: ChangeSet) -> None:
    state.case_types = {t.code: t for t in body.case_types}
    state.work_hours = list(body.work_hours)
    ch.baseline = True


# ------------------------------------------------------------------- alerts and incidents

@_on("alert_raised")
def _alert(state: State, type_: str, body: bodies.AlertRaised, ts: float, ch: ChangeSet) -> None:
    a = body.alert
    state.alerts[a.id] = a
    if a.source == "report" and a.id[:1] == "R" and a.id[1:].isdigit():
        state.reports = max(state.reports, int(a.id[1:]))
    inc = Incident(id=body.incident, alert=a.id, kind=a.kind, severity=a.severity, title=a.title,
                   town=a.town, grid=a.grid, x=a.x, y=a.y, created_at=a.at, owner=a.town,
                   case=_own_copy(body.case), exercise=a.exercise)
    _step(inc, ts, a.reporter or a.camera or a.source, "raised", a.text)
    state.incidents[inc.id] = inc
    ch.alerts.add(a.id)
    ch.new_alerts.append(a.id)
    ch.incidents.add(inc.id)


@_on("incident_acknowledged")
def _ack(state: State, type_: str, body: bodies.IncidentStep, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    if inc.acknowledged_at is None:
        inc.acknowledged_at = ts
    if inc.status == "new":
        inc.status = "acknowledged"
    _step(inc, ts, body.actor, "acknowledged", body.note)
    ch.incidents.add(inc.id)


@_on("incident_resolved", "incident_closed", "incident_false_alarm")
def _finish(state: State, type_: str, body: bodies.IncidentStep, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    what = {"incident_resolved": "resolved", "incident_closed": "closed",
            "incident_false_alarm": "false_alarm"}[type_]
    if what == "resolved":
        inc.resolved_at = ts
    else:
        inc.closed_at = ts
        if inc.resolved_at is None and what == "closed":
            inc.resolved_at = ts
    if inc.acknowledged_at is None:
        inc.acknowledged_at = ts
    inc.status = what
    inc.offered_to = None
    _step(inc, ts, body.actor, what, body.note, cause=body.cause)
    _advance_case(state, inc, ts)
    ch.incidents.add(inc.id)


@_on("incident_merged")
def _merged(state: State, type_: str, body: bodies.IncidentMerged, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    inc.status = "merged"
    inc.merged_into = body.into
    inc.closed_at = ts
    if inc.acknowledged_at is None:
        inc.acknowledged_at = ts
    _step(inc, ts, body.actor, "merged", incident=body.into)
    ch.incidents.add(inc.id)
    target = state.incidents.get(body.into)
    if target is not None:
        _step(target, ts, body.actor, "absorbed", incident=inc.id)
        ch.incidents.add(target.id)


@_on("incident_escalated", "cooperation_requested")
def _offered(state: State, type_: str, body: bodies.IncidentOffered, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        if body.snapshot is None:
            return
        inc = state.incidents[body.incident] = body.snapshot
    escalation = type_ == "incident_escalated"
    inc.offered_to = body.to_center
    inc.offer_kind = "escalation" if escalation else "cooperation"
    if inc.acknowledged_at is None:
        inc.acknowledged_at = ts
    if inc.status in _WORKING:
        inc.status = "escalated" if escalation else "cooperation"
    _step(inc, ts, body.actor, inc.offer_kind, body.note, center=body.to_center)
    ch.incidents.add(inc.id)


@_on("handoff_accepted", "handoff_declined")
def _answered(state: State, type_: str, body: bodies.HandoffAnswered, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    accepted = type_ == "handoff_accepted"
    if accepted:
        if inc.offer_kind == "escalation":
            inc.owner = body.center
        elif body.center not in inc.partners:
            inc.partners.append(body.center)
    kind = inc.offer_kind or "handoff"
    inc.offered_to = None
    inc.offer_kind = None
    if inc.status in ("escalated", "cooperation"):
        inc.status = work_status(state, inc)
    _step(inc, ts, body.actor, f"{kind}_{'accepted' if accepted else 'declined'}", body.note,
          center=body.center)
    ch.incidents.add(inc.id)


@_on("plan_activated")
def _plan(state: State, type_: str, body: bodies.PlanActivated, ts: float, ch: ChangeSet) -> None:
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    inc.plan = body.plan
    _step(inc, ts, body.actor, "plan_activated", plan=body.plan, missing=list(body.missing))
    ch.incidents.add(inc.id)


@_on("broadcast_issued")
def _broadcast(state: State, type_: str, body: bodies.BroadcastIssued, ts: float, ch: ChangeSet) -> None:
    state.broadcasts += 1
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    if body.recipients:
        state.messages[body.broadcast] = Broadcast(
            id=body.broadcast, incident=inc.id, grids=list(body.grids), recipients=list(body.recipients),
            text=body.text, kind=body.kind, actor=body.actor, at=ts)
    _step(inc, ts, body.actor, "broadcast", body.text, grids=len(body.grids))
    ch.incidents.add(inc.id)


@_on("broadcast_acknowledged")
def _broadcast_ack(state: State, type_: str, body: bodies.BroadcastAcknowledged, ts: float,
                   ch: ChangeSet) -> None:
    message = state.messages.get(body.broadcast)
    if message is None:
        return
    message.acked[body.resource] = ts
    if body.answer:
        message.answers[body.resource] = body.answer
    if body.note:
        message.notes[body.resource] = body.note
    ch.incidents.add(message.incident)


@_on("incidents_archived")
def _archived(state: State, type_: str, body: bodies.IncidentsArchived, ts: float, ch: ChangeSet) -> None:
    for iid in body.incidents:
        inc = state.incidents.pop(iid, None)
        if inc is None:
            continue
        state.alerts.pop(inc.alert, None)
        for step in inc.timeline:  # a source's updates are alerts of their own: they go with it
            if step.what in ("alert_updated", "alert_cancelled") and step.note:
                state.alerts.pop(step.note, None)
        for tid in inc.tasks:
            state.tasks.pop(tid, None)
        for bid in [b for b, message in state.messages.items() if message.incident == iid]:
            del state.messages[bid]
        ch.incidents.add(iid)


# ------------------------------------------------------------------- tasks

@_on("task_dispatched")
def _dispatched(state: State, type_: str, body: bodies.TaskDispatched, ts: float, ch: ChangeSet) -> None:
    task = Task(id=body.task, incident=body.incident, resource=body.resource, status="sent",
                sent_at=ts, actor=body.actor, note=body.note)
    state.tasks[task.id] = task
    ch.tasks.add(task.id)
    res = state.resources.get(body.resource)
    if res is not None:
        res.status = "dispatched"
        res.task = task.id
        ch.resources.add(res.id)
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    inc.tasks.append(task.id)
    if inc.acknowledged_at is None:
        inc.acknowledged_at = ts
    if body.broadcast is None:
        _step(inc, ts, body.actor, "dispatched", body.note, resource=body.resource,
              name=res.name if res is not None else "")
    _refresh(state, inc, ts)
    ch.incidents.add(inc.id)


_TASK_STEP = {
    "task_accepted": ("accepted", "en_route"),
    "task_arrived": ("arrived", "on_scene"),
    "task_done": ("done", "available"),
    "task_declined": ("declined", "available"),
    "task_cancelled": ("cancelled", "available"),
}


@_on(*_TASK_STEP)
def _task_step(state: State, type_: str, body: bodies.TaskStep, ts: float, ch: ChangeSet) -> None:
    task = state.tasks.get(body.task)
    if task is None:
        return
    status, res_status = _TASK_STEP[type_]
    task.status = status
    if status == "accepted":
        task.accepted_at = ts
    elif status == "arrived":
        task.arrived_at = ts
    elif status == "done":
        task.done_at = ts
    if status in TASK_FINAL:
        task.ended_at = ts
        task.note = body.note or task.note
        task.cause = body.cause
    ch.tasks.add(task.id)
    res = state.resources.get(task.resource)
    if res is not None and (res.task == task.id or res.task is None):
        res.status = res_status
        res.task = None if status in TASK_FINAL else task.id
        ch.resources.add(res.id)
    inc = state.incidents.get(task.incident)
    if inc is None:
        return
    if status == "arrived" and inc.first_arrival_at is None:
        inc.first_arrival_at = ts
    _step(inc, ts, body.actor, f"task_{status}", body.note, cause=body.cause, resource=task.resource,
          name=res.name if res is not None else "")
    _refresh(state, inc, ts)
    ch.incidents.add(inc.id)


# ------------------------------------------------------------------- cases (一办到底)
# A case file lives on its incident; its due times come in the events (the hub planned them).

def _own_copy(case: Case | None) -> Case | None:
    """A case file the state may change without changing the event body it came in."""
    return None if case is None else _case_decoder.decode(msgspec.json.encode(case))


_case_decoder = msgspec.json.Decoder(Case)


def _case_step(state: State, body, ts: float, ch: ChangeSet) -> tuple[Incident, Case] | tuple[None, None]:
    inc = state.incidents.get(body.incident)
    if inc is None or inc.case is None:
        return None, None
    ch.incidents.add(inc.id)
    return inc, inc.case


@_on("case_handled")
def _handled(state: State, type_: str, body: bodies.CaseHandled, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.reached["handled"] = ts
    case.handled_by = body.resource or body.actor
    case.report = body.note
    case.photos = list(body.photos)
    res = state.resources.get(body.resource)
    _step(inc, ts, body.actor, "case_handled", body.note, resource=body.resource,
          name=res.name if res is not None else "")
    _advance_case(state, inc, ts)


@_on("case_verified")
def _verified(state: State, type_: str, body: bodies.CaseVerified, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    if body.passed:
        case.reached["verified"] = ts
        case.verified_by = body.actor
        case.verify_photo = body.photo
    else:  # the hazard is still there: back to work, the handling clock keeps its due time
        case.reached.pop("handled", None)
        case.rework += 1
    _step(inc, ts, body.actor, "case_verified" if body.passed else "case_rejected", body.note)
    _advance_case(state, inc, ts)


@_on("case_returned")
def _returned(state: State, type_: str, body: bodies.CaseReturned, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.returned = body.reason
    case.extension = None
    _step(inc, ts, body.actor, "case_returned", body.note, cause=body.reason)


@_on("extension_requested")
def _ext_asked(state: State, type_: str, body: bodies.ExtensionRequested, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.extension = ExtensionRequest(hours=body.hours, reason=body.reason, by=body.actor, at=ts)
    _step(inc, ts, body.actor, "extension_requested", body.reason, hours=body.hours)


@_on("extension_approved", "extension_refused")
def _ext_answered(state: State, type_: str, body: bodies.ExtensionAnswered, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.extension = None
    if type_ == "extension_approved":
        case.due.update(body.due)
        case.extended_hours += body.hours
    _step(inc, ts, body.actor, type_, body.note, hours=body.hours)


@_on("case_suspended")
def _suspended(state: State, type_: str, body: bodies.CaseSuspended, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.suspended_at = ts
    case.suspend_reason = body.reason
    _step(inc, ts, body.actor, "case_suspended", body.note, cause=body.reason)


@_on("case_resumed")
def _resumed(state: State, type_: str, body: bodies.CaseResumed, ts: float, ch: ChangeSet) -> None:
    inc, case = _case_step(state, body, ts, ch)
    if case is None:
        return
    case.suspended_at = None
    case.suspend_reason = ""
    case.suspended_s += body.suspended_s
    case.due.update(body.due)
    if body.calendar_unknown:
        case.calendar_unknown = body.calendar_unknown
        for stage in [s for s in case.due if s not in case.reached]:
            del case.due[stage]
    _step(inc, ts, body.actor, "case_resumed", body.note)


# ------------------------------------------------------------------- world

@_on("resources_moved")
def _moved(state: State, type_: str, body: bodies.ResourcesMoved, ts: float, ch: ChangeSet) -> None:
    resources = state.resources
    for rid, x, y in body.moves:
        res = resources.get(rid)
        if res is not None:
            res.x = x
            res.y = y
            ch.moved.add(rid)


@_on("resource_status_changed")
def _res_status(state: State, type_: str, body: bodies.ResourceStatusChanged, ts: float, ch: ChangeSet) -> None:
    res = state.resources.get(body.resource)
    if res is not None and res.status not in HELD_STATUSES:
        res.status = body.status
        ch.resources.add(res.id)


@_on("camera_status_changed")
def _cam_status(state: State, type_: str, body: bodies.CameraStatusChanged, ts: float, ch: ChangeSet) -> None:
    cam = state.cameras.get(body.camera)
    if cam is not None:
        cam.online = body.online
        ch.cameras.add(cam.id)


@_on("field_page_changed")
def _page(state: State, type_: str, body: bodies.FieldPageChanged, ts: float, ch: ChangeSet) -> None:
    state.pages[body.resource] = FieldPage(online=body.online, at=body.at)
    ch.resources.add(body.resource)


# ------------------------------------------------------------------- site re-import, alert updates
# A re-imported site changes what it lists and keeps what is live: a person's status,
# task and last position, a camera's online flag.

@_on("resource_added", "resource_updated")
def _res_changed(state: State, type_: str, body: bodies.ResourceChanged, ts: float, ch: ChangeSet) -> None:
    new = body.resource
    old = state.resources.get(new.id)
    if old is not None:
        new = msgspec.structs.replace(new, status=old.status, task=old.task, x=old.x, y=old.y)
    state.resources[new.id] = new
    ch.resources.add(new.id)


@_on("resource_removed")
def _res_removed(state: State, type_: str, body: bodies.ResourceRemoved, ts: float, ch: ChangeSet) -> None:
    if state.resources.pop(body.resource, None) is not None:
        ch.resources.add(body.resource)


@_on("camera_added", "camera_updated")
def _cam_changed(state: State, type_: str, body: bodies.CameraChanged, ts: float, ch: ChangeSet) -> None:
    new = body.camera
    old = state.cameras.get(new.id)
    if old is not None:
        new = msgspec.structs.replace(new, online=old.online)
    state.cameras[new.id] = new
    ch.cameras.add(new.id)


@_on("camera_removed")
def _cam_removed(state: State, type_: str, body: bodies.CameraRemoved, ts: float, ch: ChangeSet) -> None:
    if state.cameras.pop(body.camera, None) is not None:
        ch.cameras.add(body.camera)


@_on("org_unit_added", "org_unit_updated")
def _unit_changed(state: State, type_: str, body: bodies.OrgUnitChanged, ts: float, ch: ChangeSet) -> None:
    state.org[body.unit.id] = body.unit
    ch.baseline = True  # the map and the trees redraw the area


@_on("org_unit_removed")
def _unit_removed(state: State, type_: str, body: bodies.OrgUnitRemoved, ts: float, ch: ChangeSet) -> None:
    if state.org.pop(body.unit, None) is not None:
        ch.baseline = True


@_on("plan_added", "plan_updated")
def _plan_changed(state: State, type_: str, body: bodies.PlanChanged, ts: float, ch: ChangeSet) -> None:
    state.plans[body.plan.id] = body.plan
    ch.baseline = True


@_on("plan_removed")
def _plan_removed(state: State, type_: str, body: bodies.PlanRemoved, ts: float, ch: ChangeSet) -> None:
    if state.plans.pop(body.plan, None) is not None:
        ch.baseline = True


@_on("alert_updated")
def _alert_updated(state: State, type_: str, body: bodies.AlertUpdated, ts: float, ch: ChangeSet) -> None:
    a = body.alert
    inc = state.incidents.get(body.incident)
    if inc is None:
        return
    # The update is kept under its own id (its text and photo stay readable) and the
    # timeline names it, so a source's later reference to it finds this incident.
    state.alerts[a.id] = a
    if body.action == "update":
        inc.severity = a.severity
        inc.title = a.title
    _step(inc, ts, a.reporter or a.camera or a.source,
          "alert_cancelled" if body.action == "cancel" else "alert_updated", a.id)
    ch.alerts.add(a.id)
    ch.incidents.add(inc.id)


@_on("view_changed")
def _view_changed(state: State, type_: str, body: bodies.ViewChanged, ts: float, ch: ChangeSet) -> None:
    # a restricted view's records, set whole (console/hub/views.py): nothing else is derived here
    for r in body.resources:
        state.resources[r.id] = r
        ch.resources.add(r.id)
        ch.moved.add(r.id)
    for t in body.tasks:
        state.tasks[t.id] = t
        ch.tasks.add(t.id)
    for inc in body.incidents:
        state.incidents[inc.id] = inc
        ch.incidents.add(inc.id)
    for a in body.alerts:
        if a.id not in state.alerts:
            ch.new_alerts.append(a.id)
        state.alerts[a.id] = a
        ch.alerts.add(a.id)
    for c in body.cameras:
        state.cameras[c.id] = c
        ch.cameras.add(c.id)
    for message in body.messages:
        state.messages[message.id] = message
        ch.incidents.add(message.incident)
    if body.gone:
        _archived(state, type_, bodies.IncidentsArchived(incidents=body.gone), ts, ch)  # the same cascade: its tasks and alerts go too
