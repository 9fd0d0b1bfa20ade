"""The district picture: a town's events as events of the district hub's own log, with town-qualified ids.

Every town hub numbers its incidents, alerts and tasks on its own (`R00001`, `K00001`),
so the district hub cannot hold two towns' incidents under their own ids. It holds
them as `<town>/<id>` ("T3/R00012"): the district's follower (federation.py) turns
each incident event of a town's stream into the same event with qualified ids and
commits it to the district's log like any other event. District consoles then see the
seven towns' incidents through the unchanged protocol: snapshot, resume, replay and
review all work on it because it is an ordinary log.

Only what the picture needs is mirrored: alerts, incident steps, hand-offs, plans,
broadcasts on an incident, tasks and archiving. Baselines, positions and camera and
resource status stay in each town (the district has the same baseline of its own).
Resource ids are the baseline's, the same in every hub, so they stay as they are.
"""

from __future__ import annotations

import msgspec

from console.protocol import messages as m

SEP = "/"

#: the events a district mirrors from a town's stream
MIRRORED = frozenset({
    "alert_raised", "incident_acknowledged", "incident_resolved", "incident_closed", "incident_false_alarm",
    "incident_merged", "incident_escalated", "cooperation_requested", "handoff_accepted", "handoff_declined",
    "plan_activated", "broadcast_issued", "broadcast_acknowledged", "task_dispatched", "task_accepted", "task_arrived", "task_done",
    "task_declined", "task_cancelled", "incidents_archived",
    # cases: the district sees every town's case clocks
    "case_handled", "case_verified", "case_returned", "extension_requested", "extension_approved",
    "extension_refused", "case_suspended", "case_resumed",
})


def qualified(town: str, local_id: str) -> str:
    """A town's id as the district holds it."""
    return f"{town}{SEP}{local_id}"


def split(qid: str) -> tuple[str, str] | None:
    """(town, local id) of a qualified id, or None for an id of the district's own."""
    town, sep, local = qid.partition(SEP)
    return (town, local) if sep and town and local else None


def _incident(town: str, inc):
    q = lambda i: qualified(town, i)  # noqa: E731 - one line, used five times
    return msgspec.structs.replace(
        inc, id=q(inc.id), alert=q(inc.alert), tasks=[q(t) for t in inc.tasks],
        merged_into=q(inc.merged_into) if inc.merged_into else None,
        timeline=[msgspec.structs.replace(s, incident=q(s.incident)) if s.incident else s for s in inc.timeline])


def mirror(town: str, type_: str, body: m.Body) -> m.Body | None:
    """The district's copy of one town event's body, or None if the district does not mirror it."""
    if type_ not in MIRRORED:
        return None
    q = lambda i: qualified(town, i)  # noqa: E731
    r = msgspec.structs.replace
    if type_ == "alert_raised":
        return r(body, alert=r(body.alert, id=q(body.alert.id)), incident=q(body.incident))
    if type_ == "incidents_archived":
        return r(body, incidents=[q(i) for i in body.incidents])
    if type_ == "incident_merged":
        return r(body, incident=q(body.incident), into=q(body.into))
    if type_ in ("incident_escalated", "cooperation_requested"):
        return r(body, incident=q(body.incident), snapshot=_incident(town, body.snapshot) if body.snapshot else None)
    if type_ == "task_dispatched":
        return r(body, task=q(body.task), incident=q(body.incident),
                 broadcast=q(body.broadcast) if body.broadcast else None)
    if type_ == "broadcast_issued":
        return r(body, broadcast=q(body.broadcast), incident=q(body.incident) if body.incident else body.incident)
    if type_ == "broadcast_acknowledged":
        return r(body, broadcast=q(body.broadcast))
    if type_.startswith("task_"):
        return r(body, task=q(body.task))
    return r(body, incident=q(body.incident))


def town_of(type_: str, body: m.Body) -> str | None:
    """The town whose mirrored event this is (by its qualified ids), or None for a district event."""
    if type_ not in MIRRORED:
        return None
    if type_ == "incidents_archived":
        ids = body.incidents
    elif type_.startswith("task_") and type_ != "task_dispatched":
        ids = [body.task]
    elif type_ == "broadcast_acknowledged":
        ids = [body.broadcast]
    else:
        ids = [body.incident]
    got = split(ids[0]) if ids and ids[0] else None
    return got[0] if got else None


def target(type_: str, body: m.Body) -> tuple[str, str] | None:
    """(town, local incident or task id) a command on the district hub is about, if it is a town's.

    A drill started from the district names its town in its alert's id (`T3/<drill id>`).
    """
    if type_ == "cmd.start_drill":
        return split(body.alert.id)
    for name in ("incident", "into", "task", "broadcast"):
        value = getattr(body, name, None)
        if isinstance(value, str) and (got := split(value)):
            return got
    return None


def picture_of(town: str, rows) -> dict[str, bytes]:
    """What the district must hold of one town, from that town's own log rows (seq, type, ts, data):
    its events mirrored and folded, as {qualified incident id: encoded incident}. The district
    picture is right when its `T/` incidents encode the same (`held_of`)."""
    from console.domain.apply import apply
    from console.domain.state import State
    from console.protocol.codec import Message, decode

    state = State()
    for seq, _type, ts, data in rows:
        event = decode(data)
        copy = mirror(town, event.type, event.body)
        if copy is not None:
            apply(state, Message(event.type, copy, seq, ts))
    return held_of(state, town)


def held_of(state, town: str) -> dict[str, bytes]:
    """One town's incidents in a district's state, {qualified id: encoded incident}."""
    prefix = f"{town}{SEP}"
    return {i: msgspec.json.encode(inc) for i, inc in state.incidents.items() if i.startswith(prefix)}


def drill_for_town(body):
    """A drill the district sends into a town: its alert under the town's own id (the drill's id)."""
    town, local = split(body.alert.id)
    return msgspec.structs.replace(body, alert=msgspec.structs.replace(body.alert, id=local, town=town))


def refuse_town_commands(principal, command_id, type_: str, body: m.Body):
    """A core forwarder for a hub that holds towns' incidents but is not linked to them (no NATS):
    a command on `T3/…` is T3's hub's to decide, never this one's, so it is refused here."""
    import asyncio

    got = target(type_, body)
    if got is None:
        return None
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(m.Result(ok=False, code="out_of_scope", message=(
        f"{got[0]}{SEP}{got[1]} is kept by {got[0]}'s hub, and this hub is not linked to it")))
    return fut

