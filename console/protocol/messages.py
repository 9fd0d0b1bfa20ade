"""Every message body of the protocol (version PROTOCOL_VERSION), one struct per message type.

The envelope names the type; the type fixes the body's shape. Domain events
and commands have their bodies in console/domain/bodies.py (re-exported here,
so `messages.TaskDispatched` is the wire's name for it too); this module adds
the session's own messages and the registries the codec decodes with.
"""

from __future__ import annotations

import logging
from typing import Annotated

import msgspec

from console.domain.bodies import *  # noqa: F403 (the domain's bodies are the wire's bodies)
from console.domain.commands import COMMAND_BODIES as DOMAIN_COMMAND_BODIES, DRILL_CONTROL, FIELD_ENROL
from console.domain.bodies import EVENT_BODIES, Body, Code, Id
from console.domain.casesearch import CaseHit, CaseQuery, CasesFound

PROTOCOL_VERSION = 2


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
    #: "ok", or why the hub refuses commands now: "storage_full" | "storage_error"
    storage: str = "ok"
    #: the id of the hub's log (made when the log was created); a resume names it
    epoch: str = ""
    #: a field token's person (the tasks it may update; the field page shows those), else null
    resource: str | None = None


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
    #: a refusal's finer reason (domain.rules.REFUSAL_REASONS) and the id it is about, for words with names
    reason: str = ""
    subject: str = ""
    #: `field.enrol` only: the new field token and the page's enrolment URL (never logged or kept)
    token: str | None = None
    url: str | None = None


class Error(Body):
    code: str
    reason: str
    ref: str | None = None


class TownAlarm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A town's alarm-to-screen figure as its hub last published it (console/hub/alarm_figures.py)."""

    center: Id
    #: the slowest of its consoles' p95 / p50 over their last hour (seconds); None: no alert yet
    p95_s: float | None = None
    p50_s: float | None = None
    #: alerts the figures cover, and how many consoles reported
    alerts: int = 0
    consoles: int = 0
    #: seconds since the district last heard the figure
    age_s: float = 0.0


class Pong(Body):
    t: float
    clock: float
    #: a district hub: each followed town's alarm-to-screen figure (empty elsewhere)
    towns: list[TownAlarm] = []


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


class CommanderSelected(Body):
    """To wall consoles: the incident the duty commander of their center has selected (presence, not logged)."""

    #: the commander's name (the token's), for the wall's header
    name: str
    #: the selected incident, or None: the commander selects nothing (the wall picks its own)
    incident: Id | None = None
    #: hub time the selection was made
    at: float = 0.0


# ------------------------------------------------------------ session (client → hub)

class Resume(Body):
    last_seq: int = 0
    #: the `hello.epoch` of the log `last_seq` counts in ("" unknown: the hub trusts last_seq)
    epoch: Id = ""


#: cameras one subscribe may name (the hub keeps the first 256 of them)
MAX_SUBSCRIBE = 1024


class Subscribe(Body):
    cameras: Annotated[list[Id], msgspec.Meta(max_length=MAX_SUBSCRIBE)]


class Ping(Body):
    t: float
    #: the console's alarm-to-screen figure (hub commit → alert row painted), last hour: p95 seconds
    #: (None before its first alert) and how many alerts it covers; hubs that predate it ignore it
    alarm_p95_s: float | None = None
    alarm_n: int = 0
    #: the same figure's median (for the after-action report)
    alarm_p50_s: float | None = None


class Selected(Body):
    """A commander's console: the incident now selected on the desk (None: none). Sent on change."""

    incident: Id | None = None


class Heartbeat(Body):
    """An `ingest` source says it is alive and will speak again within `every_s` (PROTOCOL.md §8.2):
    silent for three of its intervals, the hub raises `source_silent` naming it."""

    #: the source's own name (an AI box's id); "" the sending principal's name
    source: Id = ""
    every_s: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 30.0


# ------------------------------------------------------------ session (client → hub, review only)

class DrillControl(Body):
    """Review only: play, pause, speed (value = factor) or seek (value = hub time)."""

    action: Code
    value: float | None = None


class FieldEnrol(Body):
    """Commander: a fresh field-page token for one person (the old one ends), or (revoke) none."""

    resource: Id
    revoke: bool = False


class CameraCredential(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The user and password of one stream URL (as the camera record has it, without them)."""

    url: str
    username: str
    password: str


class CameraCredentials(Body):
    """camera_credentials: to consoles that pull video only; kept in memory, never stored or logged."""

    cameras: list[CameraCredential]


class _NoCredentialFrames(logging.Filter):
    """Drops the websocket library's DEBUG dump of a `camera_credentials` frame (it shows the frame's ends)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG or "camera_credentials" not in record.getMessage()


#: the loggers the hub's and the console's websocket connections write frame dumps to
for _name in ("websockets.client", "websockets.server", "console.hub.server", "console.hub.server.websockets"):
    logging.getLogger(_name).addFilter(_NoCredentialFrames())


#: hub → client messages outside the sequence
SESSION_BODIES: dict[str, type[Body]] = {
    "hello": Hello,
    "snapshot": Snapshot,
    "live": Live,
    "result": Result,
    "found": CasesFound,
    "error": Error,
    "pong": Pong,
    "clock": Clock,
    "drill": DrillStatus,
    "camera_credentials": CameraCredentials,
    "commander_selected": CommanderSelected,
}

#: client → hub commands; each needs a client-made `id`
COMMAND_BODIES: dict[str, type[Body]] = {
    **DOMAIN_COMMAND_BODIES,
    DRILL_CONTROL: DrillControl,
    FIELD_ENROL: FieldEnrol,
}

#: client → hub messages that are not commands
CLIENT_BODIES: dict[str, type[Body]] = {
    "resume": Resume,
    "search": CaseQuery,
    "subscribe": Subscribe,
    "ping": Ping,
    "selected": Selected,
    "heartbeat": Heartbeat,
}

ALL_BODIES: dict[str, type[Body]] = {
    **EVENT_BODIES, **SESSION_BODIES, **COMMAND_BODIES, **CLIENT_BODIES,
}
