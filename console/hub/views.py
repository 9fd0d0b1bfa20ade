"""What each principal may see: the one place that decides it, for snapshots, events and resumes.

Pure functions of the domain state and a `View` (the principal's role and bounds):

- `commander`, `operator`, `wall`: their center's world (every incident for the district
  or an unscoped token; a town its own, offered and partnered incidents). Camera records
  carry no credentials (the site keeps them apart, console/site/credentials.py); the
  roles in `VIDEO_ROLES` get them in a separate `camera_credentials` message.
- `field`: its own person, its own tasks, the broadcasts it is a recipient of (`field_message`),
  each of those incidents' summary (`field_incident`) and the plans; nothing of anyone else,
  no cameras, no alerts.
- `ingest`: the org tree, the cameras' ids and positions (no URLs), alerts and incidents
  without people (`ingest_alert`, `ingest_incident`); no people, no tasks.

A restricted view (field, ingest; a town's view of what it cannot see) gets an event's
effect as `view_changed` (the changed records, set whole) instead of the event, so what
a client folds is exactly the view: folding the view's events onto the view's snapshot
gives the view of the final state (tests/hub/test_views.py checks this on random streams).
The hub's own counters (`broadcasts`, `reports`), `seq` and `now` are the exception: a
view's fold advances them only with the events it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from console.domain import bodies
from console.domain.model import Alert, Baseline, Broadcast, Camera, Incident
from console.domain.rules import can_see
from console.domain.state import ChangeSet, State
from console.protocol import messages as m
from console.protocol.codec import encode

#: roles whose consoles pull camera video and so get the cameras' credentials (never in a view)
VIDEO_ROLES = frozenset({"commander", "operator", "wall"})
#: the kinds of view
CENTER, FIELD, INGEST = "center", "field", "ingest"

#: (incident id or None, a center the event names or None), taken before the event is applied
Scope = tuple[str | None, str | None]
#: an event as a view gets it: (type, body), or None when the view gets nothing of it
Out = tuple[str, bodies.Body] | None

#: timeline steps a field page is shown of its incidents (what the center broadcast)
FIELD_STEPS = frozenset({"broadcast"})
#: timeline steps an alert source is shown: which later alerts joined an incident (no actor)
INGEST_STEPS = frozenset({"alert_updated", "alert_cancelled"})


@dataclass(frozen=True, slots=True)
class View:
    """A principal's bounds: `kind` (CENTER, FIELD, INGEST), its center, the person of a field token."""

    kind: str
    center: str | None = None
    resource: str | None = None
    #: a field token's name: the reports it sent are its to see (and, as cases, to verify)
    name: str = ""

    def full(self, state: State) -> bool:
        """Whether this view is the whole state (the district, or a token for every center)."""
        return self.kind == CENTER and (self.center is None or self.center == state.district())

    @property
    def resumes_from_tail(self) -> bool:
        """Whether a resume may be served from the log's tail (else always a snapshot).

        A field or ingest view is made of records, not of the logged events, so it
        resumes from its (small) snapshot.
        """
        return self.kind == CENTER


def view_of(principal) -> View:
    """The view of a principal (console/hub/auth.py `Principal`)."""
    if principal.role == "field":
        return View(FIELD, resource=principal.resource, name=principal.name)
    if principal.role == "ingest":
        return View(INGEST)
    return View(CENTER, center=principal.center)


def gets_credentials(principal) -> bool:
    """Whether the hub sends this principal the cameras' credentials (its console pulls video)."""
    return principal.role in VIDEO_ROLES


def credentials_message(state: State, credentials: dict) -> bytes:
    """`camera_credentials` for every stream URL of a camera with a credential (camera id → Credential)."""
    entries = []
    for cid, cred in sorted(credentials.items()):
        cam = state.cameras.get(cid)
        if cam is None:
            continue
        for url in dict.fromkeys(u for u in (cam.main, cam.sub, cam.stream) if u):
            entries.append(m.CameraCredential(url=url, username=cred.username, password=cred.password))
    return encode("camera_credentials", m.CameraCredentials(cameras=entries))


# ---------------------------------------------------------------------- records

def field_incident(inc: Incident, tasks: list[str], reported: bool = False) -> Incident:
    """What a field page sees of an incident it has tasks in (or reported): title, place, times, status,
    broadcasts, its case's stages and its drill mark (演练); the alert's id only to its reporter."""
    return Incident(
        id=inc.id, alert=inc.alert if reported else "", case=inc.case, kind=inc.kind, severity=inc.severity, title=inc.title, town=inc.town,
        grid=inc.grid, x=inc.x, y=inc.y, created_at=inc.created_at, status=inc.status, plan=inc.plan,
        tasks=tasks, merged_into=inc.merged_into, acknowledged_at=inc.acknowledged_at,
        first_dispatch_at=inc.first_dispatch_at, first_arrival_at=inc.first_arrival_at,
        resolved_at=inc.resolved_at, closed_at=inc.closed_at, exercise=inc.exercise,
        timeline=[msgspec.structs.replace(s, actor="") for s in inc.timeline if s.what in FIELD_STEPS])


def field_alert(a: Alert) -> Alert:
    """The reporter's own alert as their page sees it: what they sent, without the camera's picture."""
    return msgspec.structs.replace(a, snapshot=None, detections=[])


def _reported(state: State, inc: Incident, name: str) -> bool:
    """Whether a field token sent the report that opened this incident."""
    alert = state.alerts.get(inc.alert)
    return bool(name) and alert is not None and alert.reporter == name


def field_message(message: Broadcast, resource: str | None) -> Broadcast:
    """A broadcast as one of its recipients sees it: the others' names and answers left out."""
    def own(d: dict) -> dict:
        return {resource: d[resource]} if resource in d else {}

    return msgspec.structs.replace(message, recipients=[resource], acked=own(message.acked),
                                   answers=own(message.answers), notes=own(message.notes))


def ingest_camera(cam: Camera) -> Camera:
    """A camera as an alert source sees it: id, name, place, lens, online; no stream URLs."""
    return msgspec.structs.replace(cam, stream="", main="", sub="")


def ingest_alert(a: Alert) -> Alert:
    """An alert without what a person wrote or sent (text, photo, reporter, snapshot)."""
    return msgspec.structs.replace(a, text="", photo=None, reporter=None, snapshot=None)


def ingest_incident(inc: Incident) -> Incident:
    """An incident without people: no tasks, and of its timeline only the alerts that joined it."""
    return Incident(
        id=inc.id, alert=inc.alert, kind=inc.kind, severity=inc.severity, title=inc.title, town=inc.town,
        grid=inc.grid, x=inc.x, y=inc.y, created_at=inc.created_at, status=inc.status, owner=inc.owner,
        merged_into=inc.merged_into, closed_at=inc.closed_at,
        timeline=[msgspec.structs.replace(s, actor="") for s in inc.timeline if s.what in INGEST_STEPS])


def _own_tasks(state: State, inc: Incident, resource: str | None) -> list[str]:
    return [t for t in inc.tasks if (task := state.tasks.get(t)) is not None and task.resource == resource]


def _own_messages(state: State, incident: str, resource: str | None) -> list[Broadcast]:
    return [field_message(b, resource) for b in state.messages.values()
            if b.incident == incident and resource in b.recipients]


def _holds(state: State, inc: Incident, resource: str | None, name: str = "") -> bool:
    """Whether a field view holds an incident: a task of its person in it, a broadcast to them, or
    their own report."""
    return bool(_own_tasks(state, inc, resource)) or any(
        b.incident == inc.id and resource in b.recipients for b in state.messages.values()) or _reported(
        state, inc, name)


def _alert_ids(inc: Incident) -> list[str]:
    """The incident's alert and the alerts that joined it later (kept under their own ids)."""
    return [inc.alert] + [s.note for s in inc.timeline if s.what in INGEST_STEPS and s.note]


# ---------------------------------------------------------------------- snapshot

def view_state(state: State, view: View) -> State:
    """The state a view holds: what its snapshot sends. The state itself for a full view."""
    if view.full(state):
        return state
    s = state
    if view.kind == CENTER:
        incidents = {i: inc for i, inc in s.incidents.items() if can_see(s, view.center, inc)}
        alerts = {a: s.alerts[a] for inc in incidents.values() for a in _alert_ids(inc) if a in s.alerts}
        tasks = {t: task for t, task in s.tasks.items() if task.incident in incidents}
        messages = {b: msg for b, msg in s.messages.items() if msg.incident in incidents}
        return msgspec.structs.replace(s, incidents=incidents, alerts=alerts, tasks=tasks, messages=messages)
    base = State(seq=s.seq, now=s.now, name=s.name, day_start=s.day_start)
    if view.kind == FIELD:
        me = s.resources.get(view.resource or "")
        base.resources = {me.id: me} if me is not None else {}
        base.tasks = {t: task for t, task in s.tasks.items() if task.resource == view.resource}
        base.messages = {b: field_message(msg, view.resource) for b, msg in s.messages.items()
                         if view.resource in msg.recipients}
        held = {t.incident for t in base.tasks.values()} | {msg.incident for msg in base.messages.values()}
        reported = {i for i, inc in s.incidents.items() if _reported(s, inc, view.name)}
        base.incidents = {i: field_incident(s.incidents[i], _own_tasks(s, s.incidents[i], view.resource),
                                            i in reported)
                          for i in held | reported if i in s.incidents}
        base.alerts = {s.incidents[i].alert: field_alert(s.alerts[s.incidents[i].alert]) for i in reported}
        base.plans = dict(s.plans)
        return base
    base.course = list(s.course)
    base.org = dict(s.org)
    base.cameras = {c: ingest_camera(cam) for c, cam in s.cameras.items()}
    base.alerts = {a: ingest_alert(alert) for a, alert in s.alerts.items()}
    base.incidents = {i: ingest_incident(inc) for i, inc in s.incidents.items()}
    return base


# ---------------------------------------------------------------------- events

def scope_of(state: State, type_: str, body: bodies.Body) -> Scope:
    """The incident an event concerns and the center it names, before it is applied.

    A hand-off names its centers explicitly: a town that declines an offer no
    longer sees the incident afterwards, but must still see its own answer.
    """
    incident = getattr(body, "incident", None)
    if incident is None and type_.startswith("task_") and type_ != "task_dispatched":
        task = state.tasks.get(getattr(body, "task", ""))
        incident = task.incident if task else None
    elif incident is None and type_ == "broadcast_acknowledged":
        message = state.messages.get(body.broadcast)
        incident = message.incident if message else None
    named = getattr(body, "to_center", None) or getattr(body, "center", None)
    return incident, named


def visible(state: State, center: str | None, scope: Scope) -> bool:
    """Whether an event goes as it is to a center's consoles (None: every center)."""
    incident_id, named = scope
    if center is None or incident_id is None or center == named:
        return True
    inc = state.incidents.get(incident_id)
    return inc is None or can_see(state, center, inc)


#: events that can move an incident into or out of a town's view
_OFFERS = frozenset({"incident_escalated", "cooperation_requested", "handoff_accepted", "handoff_declined"})


def tail_safe(state: State, view: View, type_: str, body: bodies.Body) -> bool:
    """Whether a town's resume can take this logged event as `visible` filters it (else: a snapshot).

    The log holds events, not what a view got of them: an event that changed the town's
    view other than by being sent (people another town sent, an incident offered to it or
    taken away, a merge into its incident) cannot be replayed from the tail.
    """
    scope = scope_of(state, type_, body)
    if visible(state, view.center, scope):
        return not (type_ in _OFFERS and scope[1] == view.center)
    return not (type_.startswith("task_") or type_ == "incident_merged")


def before(state: State, view: View, type_: str, body: bodies.Body, scope: Scope):
    """What `view_event` needs to know from before an event: for a removal, the ids the view held;
    for a center, whether the event's incident existed and the center saw it (else None)."""
    if view.kind == INGEST:
        return None
    if type_ == "incidents_archived":
        if view.kind == CENTER:
            return {i for i in body.incidents if (inc := state.incidents.get(i)) is not None
                    and can_see(state, view.center, inc)}
        return {i for i in body.incidents if (inc := state.incidents.get(i)) is not None
                and _holds(state, inc, view.resource)}
    if view.kind == CENTER and scope[0] is not None:
        inc = state.incidents.get(scope[0])
        return inc is not None, inc is not None and can_see(state, view.center, inc)
    return None


def view_event(state: State, view: View, type_: str, body: bodies.Body, changes: ChangeSet,
               scope: Scope, held=None) -> Out:
    """What a (not full) view gets of one event, given the state after it and what it changed.

    `scope` is `scope_of` the event and `held` is `before` it (both taken before applying).
    """
    if type_ == "incidents_archived" and held is not None:
        kept = [i for i in body.incidents if i in held]
        return (type_, bodies.IncidentsArchived(incidents=kept)) if kept else None
    if view.kind == CENTER:
        inc = state.incidents.get(scope[0] or "")
        if held is not None and held[0] and inc is not None:
            sees = can_see(state, view.center, inc)
            if sees != held[1]:  # offered to it, or gone from it: the whole incident, or its removal
                return _changed(state, view, changes, gone=[] if sees else [inc.id])
        if visible(state, view.center, scope):
            return type_, body
        # what it cannot see changed people it does see (a town's view of another's dispatch)
        return _changed(state, view, changes)
    if type_ == "baseline_loaded":
        return type_, bodies.BaselineLoaded(baseline=_baseline(state, view, body.baseline))
    if type_.startswith("org_unit_"):
        return (type_, body) if view.kind == INGEST else None
    if type_.startswith("plan_"):
        return (type_, body) if view.kind == FIELD else None
    if type_ == "camera_removed":
        return (type_, body) if view.kind == INGEST else None
    if type_ == "resource_removed":
        return (type_, body) if view.kind == FIELD and body.resource == view.resource else None
    if type_ == "incidents_archived":  # ingest: every incident is in its view
        return type_, body
    return _changed(state, view, changes)


def _baseline(state: State, view: View, b: Baseline) -> Baseline:
    if view.kind == FIELD:
        return Baseline(name=b.name, day_start=b.day_start, org=[], cameras=[], plans=list(b.plans),
                        resources=[r for r in b.resources if r.id == view.resource])
    return Baseline(name=b.name, day_start=b.day_start, org=list(b.org), resources=[], plans=[],
                    cameras=[ingest_camera(c) for c in b.cameras], course=list(b.course))


def _changed(state: State, view: View, ch: ChangeSet, gone: list[str] | None = None) -> Out:
    """The records of the view an event changed, as one `view_changed` (None: nothing it sees).

    `gone`: incidents a center no longer sees (they go with their tasks and alerts).
    """
    out = bodies.ViewChanged(gone=gone or [])
    if view.kind == CENTER:
        # an event about what the center cannot see may still change what it does: people it
        # sees sent elsewhere, its own incident absorbing another town's in a merge
        out.resources = [r for rid in sorted(ch.resources | ch.moved) if (r := state.resources.get(rid))]
        out.incidents = [i for iid in sorted(ch.incidents)
                         if (i := state.incidents.get(iid)) is not None and can_see(state, view.center, i)]
        seen = {i.id for i in out.incidents}
        # an incident now shown whole comes with all its tasks and alerts
        tids = set(ch.tasks) | {t for i in out.incidents for t in i.tasks}
        out.tasks = [t for tid in sorted(tids) if (t := state.tasks.get(tid)) is not None and t.incident in seen]
        out.messages = [b for b in state.messages.values() if b.incident in seen]
        out.alerts = [a for aid in sorted({a for i in out.incidents for a in _alert_ids(i)})
                      if (a := state.alerts.get(aid)) is not None]
    elif view.kind == FIELD:
        me = view.resource
        if me in ch.resources or me in ch.moved:
            out.resources = [r] if (r := state.resources.get(me or "")) is not None else []
        out.tasks = [t for tid in sorted(ch.tasks) if (t := state.tasks.get(tid)) is not None and t.resource == me]
        incidents = set(ch.incidents) | {t.incident for t in out.tasks}
        for iid in sorted(incidents):
            inc = state.incidents.get(iid)
            if inc is not None and _holds(state, inc, me, view.name):
                mine = _reported(state, inc, view.name)
                out.incidents.append(field_incident(inc, _own_tasks(state, inc, me), mine))
                out.messages += _own_messages(state, iid, me)
                if mine:
                    out.alerts.append(field_alert(state.alerts[inc.alert]))
    else:
        out.cameras = [ingest_camera(c) for cid in sorted(ch.cameras) if (c := state.cameras.get(cid))]
        out.alerts = [ingest_alert(a) for aid in sorted(ch.alerts) if (a := state.alerts.get(aid))]
        out.incidents = [ingest_incident(i) for iid in sorted(ch.incidents) if (i := state.incidents.get(iid))]
    if not (out.resources or out.tasks or out.incidents or out.alerts or out.cameras or out.messages or out.gone):
        return None
    return "view_changed", out


# ---------------------------------------------------------------------- the commander's selection

#: roles whose console follows the duty commander's selection (a `commander_selected` message)
FOLLOWER_ROLES = frozenset({"wall"})
#: roles whose console reports its selection (`selected`): the duty commander's desk
SELECTING_ROLES = frozenset({"commander"})
#: who is told the towns' alarm-to-screen figures with each pong: the desks and walls that watch them
TOWN_FIGURE_ROLES = VIDEO_ROLES


def follows(follower, commander) -> bool:
    """Whether a console (principal) is told what this commander (principal) selected.

    Only walls, and only of the commander's own center (a town's wall follows its town's
    commander; the district's wall the district's): a field page or an alert source never
    learns what a desk looks at.
    """
    return follower.role in FOLLOWER_ROLES and follower.center == commander.center
