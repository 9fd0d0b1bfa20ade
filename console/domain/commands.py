"""Every command, declared once: its code, body, who may send it, what its incident must allow,
its decider and how a console takes it back.

`PERMISSIONS`, `COMMAND_BODIES`, `INCIDENT_ACTIONS` (the actions `available_actions`
offers), the protocol's command list and the UI's action table all derive from
`COMMANDS`; adding a command is one row here (plus its UI row and its words).
`decide` never changes the state: the hub applies the events it returns, and a
console calls it to check a command before sending it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from console.domain import bodies, cases, drills, rules
from console.domain.rules import ROLES, Actor, CommandRefused, Events, IncidentCheck
from console.domain.state import State

#: play, pause, speed and seek of a reviewed recording (a review hub answers it; a live hub refuses it)
DRILL_CONTROL = "drill.control"
#: a person's field-page token, issued or revoked by the hub itself (console/hub/enrol.py); no events
FIELD_ENROL = "field.enrol"

Decider = Callable[[State, bodies.Body, Actor, float], Events]
#: how a console takes a command back inside its undo window:
#: "inverse" — it is sent at once and undone by cancelling the tasks it made;
#: "hold" — it waits on the desk for the window and is simply not sent when undone;
#: "none" — sent at once, nothing to take back (field and ingest traffic, session controls)
Undo = Literal["inverse", "hold", "none"]

_COMMANDERS = frozenset({"commander"})
_DESK = frozenset({"commander", "operator"})


@dataclass(slots=True, frozen=True)
class CommandSpec:
    """One command type.

    `incident_check` makes it an incident action: `available_actions` offers it, live
    exactly when the check (and the incident being visible and, unless `also_final`,
    open) passes. `decider` is None for session controls the hub answers itself
    (a review's drill control, field enrolment): they cause no events.
    """

    code: str
    body: type[bodies.Body] | None
    roles: frozenset[str]
    decider: Decider | None
    incident_check: IncidentCheck | None = None
    also_final: bool = False
    undo: Undo = "none"


COMMANDS: tuple[CommandSpec, ...] = (
    # incident actions, in the order a console offers them
    CommandSpec("cmd.acknowledge", bodies.CmdIncident, _DESK, rules.acknowledge,
                rules.check_unacknowledged, undo="hold"),
    CommandSpec("cmd.dispatch", bodies.CmdDispatch, _COMMANDERS, rules.dispatch,
                rules.check_dispatchable, undo="inverse"),
    CommandSpec("cmd.activate_plan", bodies.CmdActivatePlan, _COMMANDERS, rules.activate_plan,
                rules.check_has_plan, undo="inverse"),
    CommandSpec("cmd.escalate", bodies.CmdIncident, _COMMANDERS, rules.escalate,
                rules.check_escalatable, undo="hold"),
    CommandSpec("cmd.request_cooperation", bodies.CmdCooperation, _COMMANDERS, rules.request_cooperation,
                rules.check_not_offered, undo="hold"),
    CommandSpec("cmd.broadcast", bodies.CmdBroadcast, _COMMANDERS, rules.broadcast,
                rules.open_is_enough, undo="hold"),
    # a follow-up check (举一反三) from a closed case: an incident action offered once the case is closed
    CommandSpec("cmd.follow_up", bodies.CmdFollowUp, _COMMANDERS, cases.follow_up, cases.check_follow_up,
                also_final=True, undo="hold"),
    CommandSpec("cmd.accept_handoff", bodies.CmdIncident, _COMMANDERS, rules.answer_handoff(True),
                rules.check_offered_here, undo="hold"),
    CommandSpec("cmd.decline_handoff", bodies.CmdIncident, _COMMANDERS, rules.answer_handoff(False),
                rules.check_offered_here, undo="hold"),
    CommandSpec("cmd.resolve", bodies.CmdIncident, _COMMANDERS, rules.resolve,
                rules.check_not_resolved, undo="hold"),
    CommandSpec("cmd.close", bodies.CmdIncident, _COMMANDERS, rules.close,
                rules.open_is_enough, undo="hold"),
    CommandSpec("cmd.false_alarm", bodies.CmdIncident, _DESK, rules.false_alarm,
                rules.open_is_enough, undo="hold"),
    CommandSpec("cmd.merge", bodies.CmdMerge, _DESK, rules.merge, rules.open_is_enough),
    CommandSpec("cmd.end_drill", bodies.CmdIncident, _COMMANDERS, drills.end_drill, drills.check_drill,
                undo="hold"),
    CommandSpec("cmd.cancel_task", bodies.CmdCancelTask, _COMMANDERS, rules.cancel_task,
                rules.check_has_open_task, also_final=True),
    # a task action: call someone back before they are on scene
    CommandSpec("cmd.recall", bodies.CmdRecall, _COMMANDERS, rules.recall, undo="hold"),
    # case actions (一办到底), offered on a case by console/domain/cases.CASE_ACTIONS
    CommandSpec("cmd.case_handled", bodies.CmdCaseHandled, frozenset({"commander", "field"}), cases.case_handled),
    CommandSpec("cmd.verify", bodies.CmdVerify, frozenset({"commander", "field"}), cases.verify),
    CommandSpec("cmd.return", bodies.CmdReturn, _COMMANDERS, cases.return_case, undo="hold"),
    CommandSpec("cmd.request_extension", bodies.CmdRequestExtension, frozenset({"commander", "field"}),
                cases.request_extension),
    CommandSpec("cmd.approve_extension", bodies.CmdAnswerExtension, _COMMANDERS, cases.answer_extension,
                undo="hold"),
    CommandSpec("cmd.suspend", bodies.CmdSuspend, _COMMANDERS, cases.suspend, undo="hold"),
    CommandSpec("cmd.resume", bodies.CmdIncident, _COMMANDERS, cases.resume, undo="hold"),
    # a drill (演练) injected into the live queue by the district or the town's chief
    CommandSpec("cmd.start_drill", bodies.CmdStartDrill, _COMMANDERS, drills.start_drill),
    # field pages and alert sources
    CommandSpec("cmd.acknowledge_broadcast", bodies.CmdBroadcastAck, frozenset({"field"}),
                rules.acknowledge_broadcast),
    CommandSpec("cmd.task_update", bodies.CmdTaskUpdate, frozenset({"commander", "field", "ingest"}),
                rules.task_update),
    CommandSpec("cmd.report", bodies.CmdReport, frozenset({"commander", "operator", "field", "ingest"}),
                rules.report),
    CommandSpec("ingest.alert", bodies.IngestAlert, frozenset({"ingest"}), rules.ingest_alert),
    CommandSpec("ingest.alert_update", bodies.IngestAlertUpdate, frozenset({"ingest"}),
                rules.ingest_alert_update),
    CommandSpec("ingest.positions", bodies.IngestPositions, frozenset({"ingest"}), rules.ingest_positions),
    CommandSpec("ingest.camera_status", bodies.IngestCameraStatus, frozenset({"ingest"}),
                rules.ingest_camera_status),
    # session controls the hub answers itself (their bodies are the protocol's)
    CommandSpec(DRILL_CONTROL, None, _DESK, None),
    CommandSpec(FIELD_ENROL, None, _COMMANDERS, None),
)

#: command type → its spec
BY_CODE: dict[str, CommandSpec] = {spec.code: spec for spec in COMMANDS}

#: which commands each role may send; checked on every command
PERMISSIONS: dict[str, frozenset[str]] = {
    role: frozenset(spec.code for spec in COMMANDS if role in spec.roles) for role in ROLES
}

#: commands a client sends through the log, with their bodies (each needs a client-made `id`)
COMMAND_BODIES: dict[str, type[bodies.Body]] = {
    spec.code: spec.body for spec in COMMANDS if spec.body is not None
}

#: the incident actions, in the order a console offers them
INCIDENT_ACTIONS: tuple[str, ...] = tuple(spec.code for spec in COMMANDS if spec.incident_check is not None)


def decide(state: State, type_: str, body: bodies.Body, actor: Actor, now: float) -> Events:
    """The events a command causes, or CommandRefused naming why not."""
    check_permitted(actor, type_)
    spec = BY_CODE.get(type_)
    if spec is None or spec.decider is None:
        raise CommandRefused("unknown_command", f"no command {type_}")
    return spec.decider(state, body, actor, now)


def check_permitted(actor: Actor, type_: str) -> None:
    """Whether this actor may send this command type at all (console mode, then role)."""
    if actor.mode == "review" and type_ != DRILL_CONTROL:
        raise CommandRefused("review_only", "a review is a record: commands are off")
    if actor.mode == "wall":
        raise CommandRefused("forbidden", "a wall only watches")
    if type_ not in PERMISSIONS.get(actor.role, ()):
        raise CommandRefused("forbidden", f"role {actor.role} may not send {type_}")


def check_incident_action(state: State, code: str, incident_id: str, actor: Actor) -> None:
    """What `decide` checks of an incident action before its body matters; raises CommandRefused."""
    spec = BY_CODE[code]
    check_permitted(actor, code)
    inc = rules.incident_for(state, incident_id, actor, open_=not spec.also_final)
    if spec.incident_check is not None:
        spec.incident_check(state, inc, actor)
