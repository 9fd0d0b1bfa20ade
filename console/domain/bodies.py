"""The bodies of domain events and commands: one struct per type.

The wire (console/protocol) names each type in its envelope and carries these
bodies; `apply` folds events into the state and `decide` turns commands into
events. Bodies are strict: unknown fields are rejected, so a typo is an error,
not silence.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from console.domain.model import Alert, Baseline, Incident, PlanRole


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of every body."""


class Event(Protocol):
    """A sequenced event as `apply` reads it (the protocol's decoded Message is one)."""

    type: str
    body: Any
    seq: int | None
    ts: float | None


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
    #: roles of the plan nobody was available for: [kind, count] pairs
    missing: list[PlanRole] = []


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

#: commands a client sends; each needs a client-made `id`
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
}
