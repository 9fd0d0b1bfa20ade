"""The bodies of domain events and commands: one struct per type.

The wire (console/protocol) names each type in its envelope and carries these
bodies; `apply` folds events into the state and `decide` turns commands into
events. Bodies are strict: unknown fields are rejected, so a typo is an error,
not silence.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

import msgspec

from console.domain.model import (
    Alert, Baseline, Broadcast, Camera, Case, CaseType, Incident, OrgUnit, Plan, PlanRole, Resource, Task,
)


# ------------------------------------------------------------ length limits of what a client sends
# A longer value is refused by the decoder (error malformed) before anything is stored.

#: ids (incident, task, person, plan, grid, camera, center) and command ids: characters
ID_CHARS = 128
#: short codes (kind, status, severity, tag)
CODE_CHARS = 64
#: notes and reasons
NOTE_CHARS = 2000
#: report and broadcast texts
TEXT_CHARS = 4000
#: a photo reference (a URL, not the image)
REF_CHARS = 1024
#: grids named in one broadcast
MAX_GRIDS = 5000

Id = Annotated[str, msgspec.Meta(max_length=ID_CHARS)]
Code = Annotated[str, msgspec.Meta(max_length=CODE_CHARS)]
Note = Annotated[str, msgspec.Meta(max_length=NOTE_CHARS)]
Text = Annotated[str, msgspec.Meta(max_length=TEXT_CHARS)]
Ref = Annotated[str, msgspec.Meta(max_length=REF_CHARS)]


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
    incident: Id
    note: Note = ""


class CmdDispatch(Body):
    incident: Id
    resource: Id
    note: Note = ""


class CmdActivatePlan(Body):
    incident: Id
    plan: Id


class CmdCancelTask(Body):
    task: Id
    reason: Note = ""


class CmdRecall(Body):
    """Call a person back from a task before they are on scene; the reason reaches their field page."""

    task: Id
    reason: Note


class CmdMerge(Body):
    incident: Id
    into: Id


class CmdCooperation(Body):
    incident: Id
    to_center: Id
    note: Note = ""


class CmdBroadcast(Body):
    text: Text
    kind: Code = "check"
    incident: Id | None = None
    grids: Annotated[list[Id], msgspec.Meta(max_length=MAX_GRIDS)] = []
    tag: Code | None = None


class CmdBroadcastAck(Body):
    """A recipient says they received a broadcast (their field page's 收到 button).

    A follow-up check (kind `follow_up`) is answered: `answer` one of model.FOLLOW_UP_ANSWERS
    (`clear`: checked, nothing like it; `found`: the same hazard here), with a note.
    """

    broadcast: Id
    answer: Code = ""
    note: Note = ""


class CmdFollowUp(Body):
    """A follow-up check (举一反三) from a closed case: the grids with `tag` in the case's town (default:
    every tag of the case's own grid) and those named."""

    incident: Id
    text: Text
    tag: Code | None = None
    grids: Annotated[list[Id], msgspec.Meta(max_length=MAX_GRIDS)] = []


class CmdTaskUpdate(Body):
    task: Id
    status: Code
    note: Note = ""


class CmdReport(Body):
    kind: Code
    text: Text
    x: float
    y: float
    grid: Id | None = None
    photo: Ref | None = None
    severity: Code = "warning"


#: photos one case report may carry
MAX_PHOTOS = 9


class CmdCaseHandled(Body):
    """The worker's report that a case is dealt with: a note and the photos of the place."""

    incident: Id
    note: Note = ""
    photos: Annotated[list[Ref], msgspec.Meta(max_length=MAX_PHOTOS)] = []


class CmdVerify(Body):
    """The reporter's or commander's check of a handled case: passed (with a photo where the type asks) or not."""

    incident: Id
    passed: bool = True
    note: Note = ""
    photo: Ref | None = None


class CmdReturn(Body):
    """A case back to its reporter with a reason code (model.RETURN_REASONS)."""

    incident: Id
    reason: Code
    note: Note = ""


class CmdRequestExtension(Body):
    incident: Id
    hours: int
    reason: Note


class CmdAnswerExtension(Body):
    """Approve or refuse the pending extension; `hours` overrides what was asked."""

    incident: Id
    approved: bool = True
    hours: int | None = None
    note: Note = ""


class CmdSuspend(Body):
    incident: Id
    reason: Code
    note: Note = ""


class CmdStartDrill(Body):
    """Inject a drill (演练) into a town's live queue: the script's alert, marked as an exercise.

    The sender (the district console, or the town's chief) reads the script from its site's
    drills.toml and sends it whole, so the town needs no copy of the district's library.
    `alert.exercise` must be set; `alert.id` is the drill's id (the incident is `I-<id>`).
    """

    alert: Alert


class IngestAlert(Body):
    alert: Alert


class IngestPositions(Body):
    moves: list[tuple[Id, float, float]]


class IngestCameraStatus(Body):
    camera: Id
    online: bool


# ------------------------------------------------------------ events (hub → client, sequenced)

class BaselineLoaded(Body):
    baseline: Baseline


class AlertRaised(Body):
    alert: Alert
    incident: str
    #: the case file the alert opens when its type runs on a working-time limit (the hub planned its due times)
    case: Case | None = None


class IncidentStep(Body):
    """acknowledged, resolved, closed, false alarm: one actor, one note."""

    incident: str
    actor: str
    note: str = ""
    #: why it was closed when not by a commander's decision ("drill_ended")
    cause: str = ""


class TaskDispatched(Body):
    task: str
    incident: str
    resource: str
    actor: str
    plan: str | None = None
    broadcast: str | None = None
    #: what the dispatcher told the person (shown in the timeline and on the field page)
    note: str = ""


class TaskStep(Body):
    task: str
    actor: str
    note: str = ""
    #: why the hub ended the task itself (a code of model.TASK_END_CAUSES); empty when a person did
    cause: str = ""


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
    #: the grid workers it went to (older recordings: empty, and tasks followed instead)
    recipients: list[str] = []
    kind: str = "check"


class BroadcastAcknowledged(Body):
    broadcast: str
    resource: str
    actor: str
    #: a follow-up's answer (model.FOLLOW_UP_ANSWERS) and note; "" for a plain 收到
    answer: str = ""
    note: str = ""


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


class FieldPageChanged(Body):
    """A person's field page came online, or went offline (`at`: when it was last heard, hub time)."""

    resource: str
    online: bool
    at: float


# ------------------------------------------------------------ site re-import and alert updates
# A re-imported site folder changes the world piece by piece (a person added or gone,
# a camera moved), not with a new baseline; an alert source's update or cancel of an
# earlier alert joins the incident that alert opened.

class ResourceChanged(Body):
    """resource_added / resource_updated: the person as the site now lists them."""

    resource: Resource


class ResourceRemoved(Body):
    resource: str


class CameraChanged(Body):
    """camera_added / camera_updated (moved, renamed, new stream URL)."""

    camera: Camera


class CameraRemoved(Body):
    camera: str


class OrgUnitChanged(Body):
    """org_unit_added / org_unit_updated (a grid redrawn, renamed, retagged)."""

    unit: OrgUnit


class OrgUnitRemoved(Body):
    unit: str


class PlanChanged(Body):
    """plan_added / plan_updated."""

    plan: Plan


class PlanRemoved(Body):
    plan: str


class AlertUpdated(Body):
    """A source's update or cancel of the alert that opened `incident` (CAP Update/Cancel)."""

    incident: str
    alert: Alert
    #: "update" or "cancel"
    action: str = "update"


class IngestAlertUpdate(Body):
    """ingest.alert_update: `alert` (its own new id) updates or cancels `incident`'s alert."""

    incident: str
    alert: Alert
    action: str = "update"


class ViewChanged(Body):
    """view_changed: what one event changed of a restricted view, as records set whole.

    The hub sends it instead of the event to a view that may not see the event
    itself (console/hub/views.py: a field page, an alert source, a town's view of
    another town's dispatch); it is never logged.
    """

    resources: list[Resource] = []
    tasks: list[Task] = []
    incidents: list[Incident] = []
    alerts: list[Alert] = []
    cameras: list[Camera] = []
    #: broadcasts (state `messages`)
    messages: list[Broadcast] = []
    #: incidents the view no longer holds (a town that declined an offer), with their tasks and alerts
    gone: list[str] = []


class CaseHandled(Body):
    incident: str
    actor: str
    #: the person whose task it was ("" when the desk records it)
    resource: str = ""
    note: str = ""
    photos: list[str] = []


class CaseVerified(Body):
    incident: str
    actor: str
    passed: bool = True
    note: str = ""
    photo: str = ""


class CaseReturned(Body):
    incident: str
    actor: str
    reason: str
    note: str = ""


class ExtensionRequested(Body):
    incident: str
    actor: str
    hours: int
    reason: str


class ExtensionAnswered(Body):
    """extension_approved / extension_refused; `due`: the moved due times of an approval."""

    incident: str
    actor: str
    hours: int
    note: str = ""
    due: dict[str, float] = {}


class CaseSuspended(Body):
    incident: str
    actor: str
    reason: str
    note: str = ""


class CaseResumed(Body):
    """The clock runs again; `due`: the stages not reached, moved by `suspended_s` of working time."""

    incident: str
    actor: str
    note: str = ""
    due: dict[str, float] = {}
    suspended_s: float = 0.0
    #: the year the holiday calendar lacked (0: none): then the stages not reached have no clock
    calendar_unknown: int = 0


class CaseTypesChanged(Body):
    """A re-imported site's case catalog and working hours (the whole catalog: it is short)."""

    case_types: list[CaseType]
    work_hours: list[str] = []


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
    "broadcast_acknowledged": BroadcastAcknowledged,
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
    "field_page_changed": FieldPageChanged,
    "resource_added": ResourceChanged,
    "resource_updated": ResourceChanged,
    "resource_removed": ResourceRemoved,
    "camera_added": CameraChanged,
    "camera_updated": CameraChanged,
    "camera_removed": CameraRemoved,
    "org_unit_added": OrgUnitChanged,
    "org_unit_updated": OrgUnitChanged,
    "org_unit_removed": OrgUnitRemoved,
    "plan_added": PlanChanged,
    "plan_updated": PlanChanged,
    "plan_removed": PlanRemoved,
    "alert_updated": AlertUpdated,
    "view_changed": ViewChanged,
    "case_types_changed": CaseTypesChanged,
    "case_handled": CaseHandled,
    "case_verified": CaseVerified,
    "case_returned": CaseReturned,
    "extension_requested": ExtensionRequested,
    "extension_approved": ExtensionAnswered,
    "extension_refused": ExtensionAnswered,
    "case_suspended": CaseSuspended,
    "case_resumed": CaseResumed,
}
