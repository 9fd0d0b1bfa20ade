"""The checks and deciders behind every command: what must hold, and the events a command causes.

The table that says which command uses which (and who may send it) is
`console/domain/commands.py`; `commands.decide` is the entry point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from console.domain.apply import active_tasks
from console.domain.model import (
    ALERT_KINDS, ALERT_SOURCES, FINAL_STATUSES, FOLLOW_UP, FOLLOW_UP_ANSWERS, HELD_STATUSES, SEVERITIES,
    TASK_FINAL, Alert, Incident,
    PlanRole, Task, incident_id_for,
)
from console.domain.casefile import open_case
from console.domain.recommend import plan_for, recommend
from console.domain.state import State
from console.domain import bodies

ROLES = ("commander", "operator", "wall", "field", "ingest")

@dataclass(slots=True, frozen=True)
class Actor:
    """Who sends a command: name (for the timeline), role, center (None: every center) and console mode.

    `mode` is "live" for every hub-side actor; a console says "wall" (it only
    watches) or "review" (a recording is a record), and then nothing is live.
    `resource`: the person a field terminal is bound to; it may update only that person's tasks.
    """

    name: str
    role: str
    center: str | None = None
    mode: str = "live"
    resource: str | None = None


class CommandRefused(Exception):
    """A command the rules do not allow; code and message go back to the sender.

    `message` is a diagnostic in English with ids (logs, the wire); a console says it in
    words from `reason` (a code of REFUSAL_REASONS) and `subject` (the incident, task or
    person it is about), so a commander reads names, not ids.
    """

    def __init__(self, code: str, message: str, holder: str | None = None, *, reason: str = "",
                 subject: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.holder = holder
        self.reason = reason
        self.subject = subject


#: why a command was refused, finer than its code (a console words each one)
REFUSAL_REASONS = (
    "closed", "resolved", "false_alarm", "merged",  # the incident's final status
    "already_acknowledged", "escalated", "offered", "with_district", "not_offered_here",
    "no_plan", "plan_active", "nothing_to_cancel", "task_ended", "on_scene", "busy", "off_duty",
    "not_drill",
)


Events = list[tuple[str, bodies.Body]]


def can_see(state: State, center: str | None, inc: Incident) -> bool:
    """Whether a center's console sees an incident (the district and unscoped tokens see all)."""
    if center is None or center == state.district():
        return True
    return center in (inc.town, inc.owner, inc.offered_to) or center in inc.partners


# ------------------------------------------------------------------- checks
# Each check raises CommandRefused or returns; `commands.decide` and `available_actions`
# (console/domain/actions.py) call the same ones, so a button is live exactly
# when the hub would take the command.

def incident_for(state: State, incident_id: str, actor: Actor, *, open_: bool = True) -> Incident:
    """The incident a command names, if it exists, the actor sees it and (open_) it is not final."""
    inc = state.incidents.get(incident_id)
    if inc is None:
        raise CommandRefused("not_found", f"no incident {incident_id}")
    if not can_see(state, actor.center, inc):
        raise CommandRefused("out_of_scope", f"incident {incident_id} is not in {actor.center}'s area")
    if open_ and inc.status in FINAL_STATUSES:
        raise CommandRefused("invalid_state", f"incident {incident_id} is {inc.status}", reason=inc.status,
                             subject=inc.id)
    return inc


def check_unacknowledged(state: State, inc: Incident, actor: Actor) -> None:
    if inc.acknowledged_at is not None:
        raise CommandRefused("invalid_state", f"incident {inc.id} is already acknowledged",
                             reason="already_acknowledged", subject=inc.id)


def check_dispatchable(state: State, inc: Incident, actor: Actor) -> None:
    if inc.offered_to is not None and inc.offer_kind == "escalation":
        raise CommandRefused("invalid_state", f"incident {inc.id} is escalated to {inc.offered_to}",
                             reason="escalated", subject=inc.id)


def check_has_plan(state: State, inc: Incident, actor: Actor) -> None:
    """The kind's own plan (the console activates that one), not already running; a named plan is
    checked by its decider."""
    check_dispatchable(state, inc, actor)
    plan = plan_for(state, inc.kind)
    if plan is None:
        raise CommandRefused("not_found", f"no plan for {inc.kind}", reason="no_plan", subject=inc.id)
    check_plan_not_running(state, inc, plan.id)


def check_plan_not_running(state: State, inc: Incident, plan_id: str) -> None:
    """A plan runs once per incident: pressed again while its people are out, it is refused.

    Once every task it made has ended (undone, recalled, done), it may be activated again.
    """
    if inc.plan == plan_id and active_tasks(state, inc):
        raise CommandRefused("duplicate", f"plan {plan_id} is already active on {inc.id}", reason="plan_active",
                             subject=inc.id)


def check_not_resolved(state: State, inc: Incident, actor: Actor) -> None:
    if inc.status == "resolved":
        raise CommandRefused("invalid_state", f"incident {inc.id} is already resolved", reason="resolved",
                             subject=inc.id)


def check_not_offered(state: State, inc: Incident, actor: Actor) -> None:
    if inc.offered_to is not None:
        raise CommandRefused("invalid_state", f"incident {inc.id} is already offered to {inc.offered_to}",
                             reason="offered", subject=inc.id)


def check_escalatable(state: State, inc: Incident, actor: Actor) -> None:
    if inc.owner == state.district():
        raise CommandRefused("invalid_state", f"incident {inc.id} is already with the district",
                             reason="with_district", subject=inc.id)
    check_not_offered(state, inc, actor)


def check_offered_here(state: State, inc: Incident, actor: Actor) -> None:
    center = actor.center or state.district()
    if inc.offered_to != center:
        raise CommandRefused("invalid_state", f"incident {inc.id} is not offered to {center}",
                             reason="not_offered_here", subject=inc.id)


def check_cancellable(task: Task) -> None:
    """Whether a task can still be cancelled (it has not ended)."""
    if task.status in TASK_FINAL:
        raise CommandRefused("invalid_state", f"task {task.id} is already {task.status}", reason="task_ended",
                             subject=task.id)


def check_recallable(task: Task) -> None:
    """Whether a person can still be called back: sent or accepted, not yet on scene."""
    if task.status not in ("sent", "accepted"):
        raise CommandRefused("invalid_state", f"task {task.id} is {task.status}: only a task on its way "
                             "can be recalled", reason="on_scene" if task.status == "arrived" else "task_ended",
                             subject=task.id)


def check_has_open_task(state: State, inc: Incident, actor: Actor) -> None:
    if all(t.status in TASK_FINAL for tid in inc.tasks if (t := state.tasks.get(tid)) is not None):
        raise CommandRefused("invalid_state", f"incident {inc.id} has no task to cancel",
                             reason="nothing_to_cancel", subject=inc.id)


def open_is_enough(state: State, inc: Incident, actor: Actor) -> None:
    """Only the incident being open (checked by `incident_for`) decides."""


IncidentCheck = Callable[[State, Incident, Actor], None]


def _new_task_id(inc: Incident, offset: int = 0) -> str:
    return f"{inc.id}-T{len(inc.tasks) + 1 + offset}"


def check_free(state: State, resource_id: str) -> None:
    res = state.resources.get(resource_id)
    if res is None:
        raise CommandRefused("not_found", f"no resource {resource_id}")
    if res.status in HELD_STATUSES:
        task = state.tasks.get(res.task or "")
        inc = state.incidents.get(task.incident) if task else None
        holder = task.actor if task else "?"
        where = f"{inc.id} {inc.title}" if inc else (task.incident if task else "?")
        raise CommandRefused(
            "conflict", f"{res.name} is already on task {res.task} for {where}, sent by {holder}",
            holder=holder, reason="busy", subject=res.id)
    if res.status != "available":
        raise CommandRefused("unavailable", f"{res.name} is {res.status}", reason="off_duty" if res.status ==
                             "off_duty" else "busy", subject=res.id)


# ------------------------------------------------------------------- deciders

def acknowledge(state, body: bodies.CmdIncident, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    check_unacknowledged(state, inc, actor)
    return [("incident_acknowledged", bodies.IncidentStep(incident=inc.id, actor=actor.name, note=body.note))]


def dispatch(state, body: bodies.CmdDispatch, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    check_dispatchable(state, inc, actor)
    check_free(state, body.resource)
    return [("task_dispatched", bodies.TaskDispatched(task=_new_task_id(inc), incident=inc.id,
                                                 resource=body.resource, actor=actor.name, note=body.note))]


def activate_plan(state, body: bodies.CmdActivatePlan, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    check_dispatchable(state, inc, actor)
    plan = state.plans.get(body.plan) if body.plan else plan_for(state, inc.kind)
    if plan is None:
        raise CommandRefused("not_found", f"no plan {body.plan}", reason="no_plan", subject=inc.id)
    check_plan_not_running(state, inc, plan.id)
    events: Events = []
    chosen: set[str] = set()
    missing = []
    for role in plan.roles:
        picks = recommend(state, inc.id, [role.kind], limit=role.count, exclude=chosen)
        chosen.update(p.resource for p in picks)
        if len(picks) < role.count:
            missing.append(PlanRole(kind=role.kind, count=role.count - len(picks)))
        for p in picks:
            events.append(("task_dispatched", bodies.TaskDispatched(
                task=_new_task_id(inc, len(events)), incident=inc.id, resource=p.resource,
                actor=actor.name, plan=plan.id)))
    if not events:
        raise CommandRefused("unavailable", f"nobody available for plan {plan.name}")
    return [("plan_activated", bodies.PlanActivated(incident=inc.id, plan=plan.id, actor=actor.name,
                                               missing=missing)), *events]


def cancel_task(state, body: bodies.CmdCancelTask, actor, now) -> Events:
    task = state.tasks.get(body.task)
    if task is None:
        raise CommandRefused("not_found", f"no task {body.task}")
    incident_for(state, task.incident, actor, open_=False)
    check_cancellable(task)
    return [("task_cancelled", bodies.TaskStep(task=task.id, actor=actor.name, note=body.reason))]


def recall(state, body: bodies.CmdRecall, actor, now) -> Events:
    """Call a person back: only before they are on scene, and only with a reason they will read."""
    task = state.tasks.get(body.task)
    if task is None:
        raise CommandRefused("not_found", f"no task {body.task}")
    incident_for(state, task.incident, actor, open_=False)
    check_recallable(task)
    if not body.reason.strip():
        raise CommandRefused("bad_request", "a recall needs a reason")
    return [("task_cancelled", bodies.TaskStep(task=task.id, actor=actor.name, note=body.reason,
                                               cause="recalled"))]


def _cancel_open_tasks(state: State, inc: Incident, actor: Actor, cause: str) -> Events:
    """Tasks still on the way when the incident ends: cancelled, with the code of why."""
    return [("task_cancelled", bodies.TaskStep(task=t.id, actor=actor.name, cause=cause))
            for t in active_tasks(state, inc) if t.status != "arrived"]


def resolve(state, body: bodies.CmdIncident, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    check_not_resolved(state, inc, actor)
    return [("incident_resolved", bodies.IncidentStep(incident=inc.id, actor=actor.name, note=body.note))]


def close(state, body: bodies.CmdIncident, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    events = _cancel_open_tasks(state, inc, actor, "incident_closed")
    events += [("task_done", bodies.TaskStep(task=t.id, actor=actor.name, cause="incident_closed"))
               for t in active_tasks(state, inc) if t.status == "arrived"]
    return events + [("incident_closed", bodies.IncidentStep(incident=inc.id, actor=actor.name, note=body.note))]


def false_alarm(state, body: bodies.CmdIncident, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    events = _cancel_open_tasks(state, inc, actor, "false_alarm")
    return events + [("incident_false_alarm", bodies.IncidentStep(incident=inc.id, actor=actor.name,
                                                             note=body.note))]


def merge(state, body: bodies.CmdMerge, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    into = incident_for(state, body.into, actor)
    if inc.id == into.id:
        raise CommandRefused("bad_request", "an incident cannot be merged into itself")
    events = _cancel_open_tasks(state, inc, actor, "merged")
    return events + [("incident_merged", bodies.IncidentMerged(incident=inc.id, into=into.id, actor=actor.name))]


def escalate(state, body: bodies.CmdIncident, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    check_escalatable(state, inc, actor)
    return [("incident_escalated", bodies.IncidentOffered(incident=inc.id, to_center=state.district(),
                                                     actor=actor.name, note=body.note, snapshot=inc))]


def request_cooperation(state, body: bodies.CmdCooperation, actor, now) -> Events:
    inc = incident_for(state, body.incident, actor)
    target = state.org.get(body.to_center)
    if target is None or target.level != "town":
        raise CommandRefused("not_found", f"no town center {body.to_center}")
    if body.to_center in (inc.owner, *inc.partners):
        raise CommandRefused("invalid_state", f"{body.to_center} already works incident {inc.id}")
    check_not_offered(state, inc, actor)
    return [("cooperation_requested", bodies.IncidentOffered(incident=inc.id, to_center=body.to_center,
                                                        actor=actor.name, note=body.note, snapshot=inc))]


def answer_handoff(accepted: bool):
    def decide_answer(state, body: bodies.CmdIncident, actor, now) -> Events:
        inc = incident_for(state, body.incident, actor)
        check_offered_here(state, inc, actor)
        center = actor.center or state.district()
        kind = "handoff_accepted" if accepted else "handoff_declined"
        return [(kind, bodies.HandoffAnswered(incident=inc.id, center=center, actor=actor.name, note=body.note))]
    return decide_answer


def broadcast_grids(state: State, actor: Actor, grids: list[str], tag: str | None) -> list[str]:
    """The grids a broadcast goes to: those named, and those with `tag` in the actor's town (all for the district)."""
    chosen = set(grids)
    if tag:
        chosen |= {u.id for u in state.org.values() if u.level == "grid" and tag in u.tags
                   and (actor.center is None or actor.center == state.district()
                        or state.town_of(u.id) == actor.center)}
    return sorted(chosen)


def broadcast_recipients(state: State, grids: list[str]) -> list[str]:
    """Every grid worker of those grids who is on duty: a broadcast goes to all of them, busy or not."""
    wanted = set(grids)
    return sorted(r.id for r in state.resources.values()
                  if r.kind == "grid_worker" and r.grid in wanted and r.status != "off_duty")


def broadcast(state, body: bodies.CmdBroadcast, actor, now) -> Events:
    """A message to the grids' workers: who it reaches is fixed now; nobody gets a task or a clock."""
    grids = broadcast_grids(state, actor, list(body.grids), body.tag)
    unknown = [g for g in grids if g not in state.org]
    if unknown or not grids:
        raise CommandRefused("bad_request", f"unknown or no grids: {unknown[:5]}")
    if body.incident is None:
        raise CommandRefused("bad_request", "a broadcast belongs to an incident")
    inc = incident_for(state, body.incident, actor)
    recipients = broadcast_recipients(state, grids)
    if not recipients:
        raise CommandRefused("unavailable", f"no grid worker on duty in {len(grids)} grids")
    bid = f"{inc.id}-B{state.broadcasts + 1}"
    return [("broadcast_issued", bodies.BroadcastIssued(broadcast=bid, incident=inc.id, grids=grids,
                                                       text=body.text, actor=actor.name,
                                                       recipients=recipients, kind=body.kind))]


def acknowledge_broadcast(state, body: bodies.CmdBroadcastAck, actor, now) -> Events:
    """A recipient's 收到: once per person, only for a broadcast addressed to them."""
    message = state.messages.get(body.broadcast)
    if message is None:
        raise CommandRefused("not_found", f"no broadcast {body.broadcast}")
    who = actor.resource
    if who is None or who not in message.recipients:
        raise CommandRefused("forbidden", f"broadcast {body.broadcast} is not addressed to {who}")
    if who in message.acked:
        raise CommandRefused("duplicate", f"{who} already acknowledged {body.broadcast}")
    if body.answer and (message.kind != FOLLOW_UP or body.answer not in FOLLOW_UP_ANSWERS):
        raise CommandRefused("bad_request", f"answer {body.answer!r}: a follow-up check is answered "
                             f"{' or '.join(FOLLOW_UP_ANSWERS)}, any other broadcast is only acknowledged")
    return [("broadcast_acknowledged", bodies.BroadcastAcknowledged(broadcast=message.id, resource=who,
                                                                   actor=actor.name, answer=body.answer,
                                                                   note=body.note))]


_FIELD_STEPS = {"accepted": ("sent",), "arrived": ("sent", "accepted"),
                "done": ("accepted", "arrived"), "declined": ("sent",)}


def task_update(state, body: bodies.CmdTaskUpdate, actor, now) -> Events:
    task = state.tasks.get(body.task)
    if task is None:
        raise CommandRefused("not_found", f"no task {body.task}")
    if actor.role == "field" and actor.resource is not None and task.resource != actor.resource:
        raise CommandRefused("forbidden", f"task {task.id} is not {actor.resource}'s")
    allowed_from = _FIELD_STEPS.get(body.status)
    if allowed_from is None:
        raise CommandRefused("bad_request", f"task status {body.status!r} is not one of {sorted(_FIELD_STEPS)}")
    if task.status not in allowed_from:
        raise CommandRefused("invalid_state", f"task {task.id} is {task.status}, cannot become {body.status}")
    return [(f"task_{body.status}", bodies.TaskStep(task=task.id, actor=actor.name, note=body.note))]


def _nearest_grid(state: State, x: float, y: float) -> str:
    best, best_d = "", float("inf")
    for u in state.org.values():
        if u.level == "grid":
            d = (u.center_x - x) ** 2 + (u.center_y - y) ** 2
            if d < best_d:
                best, best_d = u.id, d
    return best


def report(state, body: bodies.CmdReport, actor, now) -> Events:
    grid = body.grid if body.grid in state.org else _nearest_grid(state, body.x, body.y)
    n = state.reports + 1
    while f"R{n:05d}" in state.alerts:  # a state from before the counter existed
        n += 1
    alert = Alert(id=f"R{n:05d}", source="report", kind=body.kind, severity=body.severity,
                  title=body.text[:40], at=now, x=body.x, y=body.y, grid=grid,
                  town=state.town_of(grid), text=body.text, photo=body.photo, reporter=actor.name)
    return [("alert_raised", bodies.AlertRaised(alert=alert, incident=incident_id_for(alert.id),
                                                case=open_case(state, alert.kind, alert.at)))]


def ingest_alert(state, body: bodies.IngestAlert, actor, now) -> Events:
    a = body.alert
    if a.id in state.alerts:
        raise CommandRefused("duplicate", f"alert {a.id} already raised")
    for field, value, allowed in (("source", a.source, ALERT_SOURCES), ("kind", a.kind, ALERT_KINDS),
                                  ("severity", a.severity, SEVERITIES)):
        if value not in allowed:
            raise CommandRefused("bad_request", f"alert {field} {value!r} is not one of {', '.join(allowed)}")
    if not all(math.isfinite(v) for v in (a.x, a.y, a.at)):
        raise CommandRefused("bad_request", "alert x, y and at must be finite numbers")
    if not a.id:
        raise CommandRefused("bad_request", "alert id is empty")
    if not a.town and a.grid:
        a.town = state.town_of(a.grid)
    # a drill's alert (演练) is no case: it stays out of the case clocks and statistics
    case = None if a.exercise is not None else open_case(state, a.kind, a.at)
    return [("alert_raised", bodies.AlertRaised(alert=a, incident=incident_id_for(a.id), case=case))]


def ingest_positions(state, body: bodies.IngestPositions, actor, now) -> Events:
    return [("resources_moved", bodies.ResourcesMoved(moves=body.moves))]


def ingest_camera_status(state, body: bodies.IngestCameraStatus, actor, now) -> Events:
    if body.camera not in state.cameras:
        raise CommandRefused("not_found", f"no camera {body.camera}")
    return [("camera_status_changed", bodies.CameraStatusChanged(camera=body.camera, online=body.online))]


# ------------------------------------------------------------------- alert updates
# An alert source (the gateway's CAP feed) updates or cancels an alert it raised: the
# update joins the incident that alert opened instead of opening a new one.

def ingest_alert_update(state, body: bodies.IngestAlertUpdate, actor, now) -> Events:
    a = body.alert
    if body.action not in ("update", "cancel"):
        raise CommandRefused("bad_request", f"action {body.action!r} is not update or cancel")
    if a.id in state.alerts:
        raise CommandRefused("duplicate", f"alert {a.id} already raised")
    if body.incident not in state.incidents:
        raise CommandRefused("not_found", f"no incident {body.incident}")
    if state.incidents[body.incident].status in FINAL_STATUSES:
        raise CommandRefused("invalid_state", f"incident {body.incident} is already "
                             f"{state.incidents[body.incident].status}: an update raises a new alert instead")
    if not a.town and a.grid:
        a.town = state.town_of(a.grid)
    return [("alert_updated", bodies.AlertUpdated(incident=body.incident, alert=a, action=body.action))]
