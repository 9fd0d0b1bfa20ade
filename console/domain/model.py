"""Domain entities: plain msgspec structs, no Qt and no I/O; codes and data, never sentences.

Positions are metres on a local plane (x east, y north) around the course;
the map draws them as they are and travel times come straight from them.
Times are hub times in seconds since the epoch (scenario time in drills).
"""

from __future__ import annotations

import msgspec

# --------------------------------------------------------------------- enums
# Plain strings keep the wire format readable; the sets below are the law.

LEVELS = ("district", "town", "community", "grid")

RESOURCE_KINDS = (
    "grid_worker", "community_staff", "social_worker", "volunteer", "police",
    "traffic_police", "medical", "fire", "forest_fire", "law_enforcement",
)
RESOURCE_STATUSES = ("off_duty", "available", "dispatched", "en_route", "on_scene", "busy")
#: statuses in which a person is held by a task and cannot be sent again
HELD_STATUSES = frozenset({"dispatched", "en_route", "on_scene"})

ALERT_SOURCES = ("camera", "report", "hotline", "center")
ALERT_KINDS = (
    "crowd_density", "cordon_intrusion", "animal", "fall", "smoke", "fire_hazard",
    "illegal_parking", "rockfall", "debris", "other",
    # the hub's own health alarms (console/hub/health.py): raised and closed by the hub itself
    "camera_offline", "source_silent",
)
#: alert kinds that are the hub's health alarms, not something seen in the field
HEALTH_KINDS = frozenset({"camera_offline", "source_silent"})
#: the `unit` of a health alarm whose `value` counts the alarms its source raised in the quiet
#: period: the limit is reached, and further outages in that period raise nothing (it chatters)
QUIETED_UNIT = "alarms_quieted"
SEVERITIES = ("info", "warning", "critical")
#: the unit of a crowd_density alert's `value`
CROWD_UNIT = "people/m2"

#: actors that are no person: the simulated field and the scenario's sensor feed (the UI says
#: them in words; a real source's actor is its principal's name)
FIELD_SOURCE = "source:field"
SCENARIO_SOURCE = "source:scenario"
#: the hub's own camera and source watch (console/hub/health.py): raises and closes its alarms
HEALTH_SOURCE = "source:health"

#: timeline step codes (`Transition.what`) and the parameters each one carries
TIMELINE_STEPS = {
    "raised": (),                          # note: the alert's own text
    "acknowledged": (), "resolved": (), "false_alarm": (),
    "closed": ("cause",),                  # cause: "drill_ended" when a drill was ended, else empty
    "merged": ("incident",),               # merged into `incident`
    "absorbed": ("incident",),             # `incident` was merged into this one
    "escalation": ("center",), "cooperation": ("center",),
    "escalation_accepted": ("center",), "escalation_declined": ("center",),
    "cooperation_accepted": ("center",), "cooperation_declined": ("center",),
    "handoff_accepted": ("center",), "handoff_declined": ("center",),
    "plan_activated": ("plan", "missing"),
    "broadcast": ("grids",),               # note: the text sent
    "dispatched": ("resource", "name"),
    "task_accepted": ("resource", "name"), "task_arrived": ("resource", "name"),
    "task_done": ("resource", "name", "cause"), "task_declined": ("resource", "name"),
    "task_cancelled": ("resource", "name", "cause"),
    "alert_updated": (), "alert_cancelled": (),  # note: the update's alert id (a CAP Update / Cancel)
    # cases (一办到底)
    "case_handled": ("resource", "name"),    # note: the worker's report
    "case_verified": (), "case_rejected": (),  # note: what the verifier saw
    "case_returned": ("cause",),             # cause: a RETURN_REASONS code
    "extension_requested": ("hours",), "extension_approved": ("hours",), "extension_refused": ("hours",),
    "case_suspended": ("cause",), "case_resumed": (),
}

INCIDENT_STATUSES = (
    "new", "acknowledged", "dispatched", "en_route", "on_scene", "resolved", "closed",
    "false_alarm", "merged", "escalated", "cooperation",
)
#: statuses after which nothing can be dispatched to an incident: its loop is closed for good
FINAL_STATUSES = frozenset({"closed", "false_alarm", "merged"})
#: statuses in which an incident no longer needs the commander: final, or resolved on scene and
#: only waiting to be closed (the queue dims it, the map and the camera wall stop marking it,
#: the assembly clock stops)
SETTLED_STATUSES = FINAL_STATUSES | {"resolved"}

TASK_STATUSES = ("sent", "accepted", "arrived", "done", "declined", "cancelled")
#: why the hub ends a task without its person: the incident was closed, called a false alarm, or merged
TASK_END_CAUSES = ("incident_closed", "false_alarm", "merged", "recalled", "drill_ended")
TASK_FINAL = frozenset({"done", "declined", "cancelled"})

#: service promises (seconds)
RESPONSE_LIMIT_S = 60.0
ASSEMBLY_LIMIT_S = 600.0


class OrgUnit(msgspec.Struct, kw_only=True):
    """A node of district → town/street → village/community → grid."""

    id: str
    name: str
    level: str
    parent: str | None = None
    #: grid polygons (x, y pairs) and centres for everything else
    polygon: list[tuple[float, float]] = []
    center_x: float = 0.0
    center_y: float = 0.0
    #: tags such as "forest_adjacent", "riverside"
    tags: list[str] = []


class Resource(msgspec.Struct, kw_only=True):
    """A person or team that can be dispatched."""

    id: str
    name: str
    kind: str
    unit: str
    grid: str
    town: str
    skills: list[str] = []
    status: str = "available"
    x: float = 0.0
    y: float = 0.0
    task: str | None = None


class FieldPage(msgspec.Struct, kw_only=True):
    """Whether a person's field page (console/field) has a session with the hub, and since when.

    `at` is hub time: when it came online, or (offline) when the hub last heard from it.
    """

    online: bool
    at: float


class Camera(msgspec.Struct, kw_only=True):
    """An AI camera along the course, and where a console pulls its video from.

    `main` is the full-resolution stream (the focus tile), `sub` the small one (grid
    tiles): `rtsp://`, `http(s)://` MJPEG or MPEG-TS, HLS `.m3u8`, `file://`, or
    `sim://<id>` for frames the hub pushes itself. `stream` is the single URL of
    records written before main/sub existed; it stands in for both when they are empty.
    URLs may carry credentials: show them only through `console.video.urls.redact`.
    """

    id: str
    name: str
    grid: str
    town: str
    x: float
    y: float
    online: bool = True
    stream: str = ""
    main: str = ""
    sub: str = ""
    #: RTSP over "tcp" (default: survives NAT and loss) or "udp"
    rtsp_transport: str = "tcp"
    #: where the lens points, degrees clockwise from north, and how wide it sees (degrees);
    #: None when the camera list does not say (records older than site folders never do)
    heading: float | None = None
    fov: float | None = None

    def url_for(self, large: bool) -> str:
        """The URL to play: the main stream for a large (focus) tile, else the sub-stream.

        Either falls back to the other and then to the legacy `stream`; "" when none is set.
        """
        first, second = (self.main, self.sub) if large else (self.sub, self.main)
        return first or second or self.stream


class Detection(msgspec.Struct, kw_only=True):
    """One AI detection box, normalised to the frame (0..1)."""

    label: str
    score: float
    x: float
    y: float
    w: float
    h: float


class Exercise(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The mark of a drill (演练) on an alert and its incident, and what its script expects.

    It travels in the alert's events, so every screen, phone and report can say 演练 and a
    drill's score is computed from the events alone (console/domain/drills.py).
    """

    #: this run's id (unique per injection) and the script it came from (a site's drills.toml row)
    drill: str
    script: str = ""
    #: who injected it: a center ("district", a town) or a source ("cap")
    by: str = ""
    #: the plan the script expects, and the kinds of people (with how many) it expects sent
    plan: str | None = None
    kinds: list[PlanRole] = []
    #: the script says: answer on the phone only, do not go
    phone_only: bool = False


class Alert(msgspec.Struct, kw_only=True):
    """Something that needs the commander: camera AI, a report, the hotline, another center."""

    id: str
    source: str
    kind: str
    severity: str
    title: str
    at: float
    x: float
    y: float
    grid: str
    town: str
    camera: str | None = None
    detections: list[Detection] = []
    snapshot: str | None = None
    text: str = ""
    photo: str | None = None
    reporter: str | None = None
    #: what the source measured, if anything (a crowd_density alert: people per m²)
    value: float | None = None
    #: the unit of `value` (CROWD_UNIT); empty with no value
    unit: str = ""
    #: set on a drill's alert (演练): never a real event
    exercise: Exercise | None = None


class PlanRole(msgspec.Struct, kw_only=True, array_like=True):
    """How many of one kind a plan sends (or, in a timeline, could not send)."""

    kind: str
    count: int


class Transition(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One step of an incident's timeline: when, who, a step code and its parameters.

    `what` is a code from TIMELINE_STEPS; the fields after `note` are the step's
    parameters (empty when the step has none). `note` is only ever text a person
    or a source wrote (a dispatcher's note, an alert's text), never composed here.
    """

    at: float
    #: a person's name, a camera id, or a source code (FIELD_SOURCE, SCENARIO_SOURCE)
    actor: str
    what: str
    note: str = ""
    #: the resource a dispatch or task step is about, and its name at that moment
    resource: str = ""
    name: str = ""
    #: the center an incident was escalated or offered to, or that answered the offer
    center: str = ""
    plan: str = ""
    #: the other incident of a merge
    incident: str = ""
    #: plan roles nobody was available for
    missing: list[PlanRole] = []
    #: how many grids a broadcast went to
    grids: int = 0
    #: why the hub ended a task itself (TASK_END_CAUSES); a case's return or suspension reason
    cause: str = ""
    #: working hours an extension asked for or granted
    hours: int = 0


# --------------------------------------------------------------------- cases (一办到底)
# A case is an incident on a working-time clock: registered → dispatched → accepted → on site →
# handled (the worker's report) → verified (the reporter or the commander) → closed, each stage
# with a due time the hub worked out from the site's working calendar (console/domain/worktime.py)
# and wrote into the events, so a console never needs the calendar to fold them.

#: which promise a case type runs on: the emergency 60 s / 10 min one, or a limit to "handled"
#: counted in working hours or working days
CASE_PROMISES = ("emergency", "working_hours", "working_days")
CASE_STAGES = ("registered", "dispatched", "accepted", "on_site", "handled", "verified", "closed")
#: why a case goes back to its reporter instead of being worked
#: how a grid worker answers a follow-up check (举一反三): checked and clear, or the same hazard found
FOLLOW_UP_ANSWERS = ("clear", "found")
#: the broadcast kind of a follow-up check from a closed case
FOLLOW_UP = "follow_up"
RETURN_REASONS = ("not_ours", "insufficient_info", "duplicate")
#: why a case's clock is stopped for a while
SUSPEND_REASONS = ("weather", "awaiting_owner", "awaiting_department", "court_or_dispute", "other")


class CaseType(msgspec.Struct, kw_only=True):
    """A site's kind of case: its words, its promise, who answers it and how it is checked.

    `code` is the alert kind it covers. `limit` counts `promise` units (working hours or
    working days) from registration to handled; 0 for the emergency promise.
    """

    code: str
    zh: str
    en: str
    promise: str = "emergency"
    limit: int = 0
    #: resource kinds that answer it, and the departments (units) responsible
    responsible: list[str] = []
    departments: list[str] = []
    #: verification needs a photo of the place with the hazard gone
    photo_required: bool = False
    #: the plan a commander is offered first (a plan id of the site)
    plan: str | None = None
    #: working minutes from registration to dispatch, and working hours from handled to verified
    dispatch_minutes: int = 30
    verify_hours: int = 4


class ExtensionRequest(msgspec.Struct, kw_only=True):
    """More working hours asked for by a worker or the desk, waiting for the commander."""

    hours: int
    reason: str
    by: str
    at: float


class Case(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Where one case stands: its type's terms, its stage, each stage's due time and its paths.

    `due` and `reached` map stage codes (CASE_STAGES) to hub times; a stage with no due
    has no clock (a year the holiday calendar lacks: `calendar_unknown` names it).
    """

    type: str
    promise: str
    limit: int
    registered_at: float
    photo_required: bool = False
    stage: str = "registered"
    due: dict[str, float] = {}
    reached: dict[str, float] = {}
    calendar_unknown: int = 0
    #: the worker's report: who, what they wrote, their photos
    handled_by: str = ""
    report: str = ""
    photos: list[str] = []
    #: who verified it and the photo they took
    verified_by: str = ""
    verify_photo: str = ""
    #: verifications that found the hazard still there (the case went back to work)
    rework: int = 0
    extension: ExtensionRequest | None = None
    #: working hours granted by approved extensions
    extended_hours: int = 0
    suspended_at: float | None = None
    suspend_reason: str = ""
    #: working-or-wall seconds the clock stood still in past suspensions
    suspended_s: float = 0.0
    #: a RETURN_REASONS code once returned to the reporter (the case ends there)
    returned: str = ""


def incident_id_for(alert_id: str) -> str:
    """The id of the incident an alert opens (one rule for the hub, the gateway and the console)."""
    return f"I-{alert_id}"


class Incident(msgspec.Struct, kw_only=True):
    """The closed loop around one alert (or several merged alerts)."""

    id: str
    alert: str
    kind: str
    severity: str
    title: str
    town: str
    grid: str
    x: float
    y: float
    created_at: float
    status: str = "new"
    #: center whose queue holds it now ("district" after escalation)
    owner: str = ""
    #: center it was offered to (escalation or cooperation) and not yet answered
    offered_to: str | None = None
    offer_kind: str | None = None
    #: neighbouring centers that accepted a cooperation request
    partners: list[str] = []
    tasks: list[str] = []
    merged_into: str | None = None
    plan: str | None = None
    acknowledged_at: float | None = None
    first_dispatch_at: float | None = None
    first_arrival_at: float | None = None
    full_on_scene_at: float | None = None
    resolved_at: float | None = None
    closed_at: float | None = None
    timeline: list[Transition] = []
    #: the case file of an incident whose type runs on a working-time limit (None: the emergency promise)
    case: Case | None = None
    #: set on a drill's incident (演练): kept out of the live figures, scored as a drill
    exercise: Exercise | None = None


class Task(msgspec.Struct, kw_only=True):
    """One dispatched resource working one incident."""

    id: str
    incident: str
    resource: str
    status: str
    sent_at: float
    actor: str
    accepted_at: float | None = None
    arrived_at: float | None = None
    done_at: float | None = None
    ended_at: float | None = None
    note: str = ""
    #: why the hub ended the task itself (TASK_END_CAUSES); empty when a person or the commander did
    cause: str = ""


def dispatch_stands(task: Task) -> bool:
    """Whether a dispatch answered its alert: not declined, and not taken back by the commander.

    A task cancelled with no cause was an undo or a re-assignment: it leaves no trace in the
    promise clocks. One ended because its incident ended, or recalled, did answer the alert.
    """
    if task.status == "declined":
        return False
    return not (task.status == "cancelled" and not task.cause)


class Broadcast(msgspec.Struct, kw_only=True):
    """A message to every grid worker of some grids (a check, a warning): no task, no ETA, no clock.

    `acked`: when each recipient said they received it (resource id → hub time).
    """

    id: str
    incident: str
    grids: list[str]
    recipients: list[str]
    text: str
    kind: str
    actor: str
    at: float
    acked: dict[str, float] = {}
    #: a follow-up check's answers (resource id → FOLLOW_UP_ANSWERS code) and their notes
    answers: dict[str, str] = {}
    notes: dict[str, str] = {}


class Plan(msgspec.Struct, kw_only=True):
    """A response plan (预案): for an incident kind, which roles and how many."""

    id: str
    name: str
    kinds: list[str]
    roles: list[PlanRole]
    notify: list[str] = []


class Baseline(msgspec.Struct, kw_only=True):
    """Everything that exists before the first alert: the area and its people."""

    name: str
    day_start: float
    org: list[OrgUnit]
    resources: list[Resource]
    cameras: list[Camera]
    plans: list[Plan]
    course: list[tuple[float, float]] = []
    #: the site's case types (one per alert kind it lists) and the working hours case limits count in
    case_types: list[CaseType] = []
    work_hours: list[str] = []
