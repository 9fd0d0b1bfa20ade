"""Every message body of protocol v1, one struct per message type.

The envelope names the type; the type fixes the body's shape. Bodies are
strict: unknown fields are rejected, so a typo is an error, not silence.
"""

from __future__ import annotations

import msgspec

from console.domain.model import Alert, Baseline, Incident

PROTOCOL_VERSION = 1


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of every body."""


# ------------------------------------------------------------ session (hub → client)

class Hello(Body):
    role: str
    name: str
    center: str | None
    protocol: int
    hub_seq: int
    first_seq: int
    clock: float
    clock_rate: float
    max_message_bytes: int
    max_commands_per_s: float
    mode: str = "live"  # live | exercise | review


class Snapshot(Body):
    seq: int
    state: msgspec.Raw


class Live(Body):
    """Sent after a resume or snapshot: everything up to seq has been delivered."""

    seq: int


class Result(Body):
    ok: bool
    code: str = "ok"
    message: str = ""
    seqs: list[int] = []
    holder: str | None = None


class Error(Body):
    code: str
    reason: str
    ref: str | None = None


class Pong(Body):
    t: float
    clock: float


class Clock(Body):
    clock: float
    rate: float


class DrillStatus(Body):
    """Review only: where the replay of a recording stands (on change, and about once a second)."""

    start: float
    end: float
    position: float
    playing: bool
    speed: float
    scenario: str = ""
    #: (hub time, severity, alert id) of every alert in the recording; sent once per client
    markers: list[tuple[float, str, str]] = []
    #: how long the last seek took on the hub (milliseconds)
    seek_ms: float | None = None


# ------------------------------------------------------------ session (client → hub)

class Resume(Body):
    last_seq: int = 0


class Subscribe(Body):
    cameras: list[str]


class Ping(Body):
    t: float


# ------------------------------------------------------------ commands (client → hub)

class CmdIncident(Body):
    incident: str
    note: str = ""


class CmdDispatch(Body):
    incident: str
    resource: str
    note: str = ""


class CmdActivatePlan(Body):
    incident: str
    plan: str


class CmdCancelTask(Body):
    task: str
    reason: str = ""


class CmdMerge(Body):
    incident: str
    into: str


class CmdCooperation(Body):
    incident: str
    to_center: str
    note: str = ""


class CmdBroadcast(Body):
    text: str
    kind: str = "check"
    incident: str | None = None
    grids: list[str] = []
    tag: str | None = None


class CmdTaskUpdate(Body):
    task: str
    status: str
    note: str = ""


class CmdReport(Body):
    kind: str
    text: str
    x: float
    y: float
    grid: str | None = None
    photo: str | None = None
    severity: str = "warning"


class IngestAlert(Body):
    alert: Alert


class IngestPositions(Body):
    moves: list[tuple[str, float, float]]


class IngestCameraStatus(Body):
    camera: str
    online: bool


class DrillControl(Body):
    """Review only: play, pause, speed (value = factor) or seek (value = hub time)."""

    action: str
    value: float | None = None


# ------------------------------------------------------------ events (hub → client, sequenced)

class BaselineLoaded(Body):
    baseline: Baseline


class AlertRaised(Body):
    alert: Alert
    incident: str


class IncidentStep(Body):
    """acknowledged, resolved, closed, false alarm: one actor, one note."""

    incident: str
    actor: str
    note: str = ""


class TaskDispatched(Body):
    task: str
    incident: str
    resource: str
    actor: str
    plan: str | None = None
    broadcast: str | None = None


class TaskStep(Body):
    task: str
    actor: str
    note: str = ""


class IncidentMerged(Body):
    incident: str
    into: str
    actor: str


class IncidentOffered(Body):
    """Escalated to the district or offered to a neighbouring town for cooperation."""

    incident: str
    to_center: str
    actor: str
    note: str = ""
    #: the whole incident, so a center that never saw it can show it
    snapshot: Incident | None = None


class HandoffAnswered(Body):
    incident: str
    center: str
    actor: str
    note: str = ""


class PlanActivated(Body):
    incident: str
    plan: str
    actor: str
    missing: list[str] = []


class BroadcastIssued(Body):
    broadcast: str
    incident: str
    grids: list[str]
    text: str
    actor: str


class IncidentsArchived(Body):
    """Finished incidents leave the live state (they stay in the log, drills and reports)."""

    incidents: list[str]


class ResourcesMoved(Body):
    moves: list[tuple[str, float, float]]


class ResourceStatusChanged(Body):
    resource: str
    status: str


class CameraStatusChanged(Body):
    camera: str
    online: bool


#: hub → client messages that carry a sequence number and change domain state
EVENT_BODIES: dict[str, type[Body]] = {
    "baseline_loaded": BaselineLoaded,
    "alert_raised": AlertRaised,
    "incident_acknowledged": IncidentStep,
    "incident_resolved": IncidentStep,
    "incident_closed": IncidentStep,
    "incident_false_alarm": IncidentStep,
    "incident_merged": IncidentMerged,
    "incident_escalated": IncidentOffered,
    "cooperation_requested": IncidentOffered,
    "handoff_accepted": HandoffAnswered,
    "handoff_declined": HandoffAnswered,
    "plan_activated": PlanActivated,
    "broadcast_issued": BroadcastIssued,
    "task_dispatched": TaskDispatched,
    "task_accepted": TaskStep,
    "task_arrived": TaskStep,
    "task_done": TaskStep,
    "task_declined": TaskStep,
    "task_cancelled": TaskStep,
    "incidents_archived": IncidentsArchived,
    "resources_moved": ResourcesMoved,
    "resource_status_changed": ResourceStatusChanged,
    "camera_status_changed": CameraStatusChanged,
}

#: hub → client messages outside the sequence
SESSION_BODIES: dict[str, type[Body]] = {
    "hello": Hello,
    "snapshot": Snapshot,
    "live": Live,
    "result": Result,
    "error": Error,
    "pong": Pong,
    "clock": Clock,
    "drill": DrillStatus,
}

#: client → hub commands; each needs a client-made `id`
COMMAND_BODIES: dict[str, type[Body]] = {
    "cmd.acknowledge": CmdIncident,
    "cmd.dispatch": CmdDispatch,
    "cmd.activate_plan": CmdActivatePlan,
    "cmd.cancel_task": CmdCancelTask,
    "cmd.resolve": CmdIncident,
    "cmd.close": CmdIncident,
    "cmd.false_alarm": CmdIncident,
    "cmd.merge": CmdMerge,
    "cmd.escalate": CmdIncident,
    "cmd.request_cooperation": CmdCooperation,
    "cmd.accept_handoff": CmdIncident,
    "cmd.decline_handoff": CmdIncident,
    "cmd.broadcast": CmdBroadcast,
    "cmd.task_update": CmdTaskUpdate,
    "cmd.report": CmdReport,
    "ingest.alert": IngestAlert,
    "ingest.positions": IngestPositions,
    "ingest.camera_status": IngestCameraStatus,
    "drill.control": DrillControl,
}

#: client → hub messages that are not commands
CLIENT_BODIES: dict[str, type[Body]] = {
    "resume": Resume,
    "subscribe": Subscribe,
    "ping": Ping,
}

ALL_BODIES: dict[str, type[Body]] = {
    **EVENT_BODIES, **SESSION_BODIES, **COMMAND_BODIES, **CLIENT_BODIES,
}
