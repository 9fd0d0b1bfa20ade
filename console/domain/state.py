"""The domain state (a fold of events) and the change set one event leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from console.domain.model import Alert, Broadcast, Camera, FieldPage, Incident, OrgUnit, Plan, Resource, Task


class State(msgspec.Struct, kw_only=True):
    """Everything a hub or a console knows; changed only by `apply`."""

    seq: int = 0
    #: hub time of the last applied event
    now: float = 0.0
    name: str = ""
    day_start: float = 0.0
    course: list[tuple[float, float]] = []
    org: dict[str, OrgUnit] = {}
    resources: dict[str, Resource] = {}
    cameras: dict[str, Camera] = {}
    plans: dict[str, Plan] = {}
    alerts: dict[str, Alert] = {}
    incidents: dict[str, Incident] = {}
    tasks: dict[str, Task] = {}
    #: how many broadcasts were ever issued (broadcast ids never repeat)
    broadcasts: int = 0
    #: the broadcasts of the incidents still held, by id (they leave with their incident)
    messages: dict[str, Broadcast] = {}
    #: highest report number used (`R00042` → 42): report ids never repeat, even after archiving
    reports: int = 0
    #: per resource id: its field page's presence (only people whose page ever connected)
    pages: dict[str, FieldPage] = {}

    def town_of(self, grid: str) -> str:
        """The town a grid (or community) belongs to, walking up the tree."""
        unit = self.org.get(grid)
        while unit is not None and unit.level not in ("town", "district"):
            unit = self.org.get(unit.parent or "")
        return unit.id if unit is not None else ""

    def district(self) -> str:
        """Id of the district center (the root of the tree)."""
        for unit in self.org.values():
            if unit.level == "district":
                return unit.id
        return "district"


_state_encoder = msgspec.json.Encoder(order="sorted")
_state_decoder = msgspec.json.Decoder(State)


def encode_state(state: State) -> bytes:
    """Canonical bytes of a state: sorted keys, so equal states give equal bytes."""
    return _state_encoder.encode(state)


def decode_state(data: bytes) -> State:
    """A state from `encode_state` output (snapshots, the console's cached replica)."""
    return _state_decoder.decode(data)


#: the version of the rules by which `apply` derives fields (promise anchors, statuses) from events;
#: bumped when a rule changes, so a snapshot written under another version is re-derived by
#: folding its events instead of being trusted (2: the clocks count only dispatches that stand;
#: broadcasts are messages with recipients and acknowledgements, not tasks)
FOLD_VERSION = 2


def state_hash(state: State) -> str:
    """A short fingerprint of a state, to compare a replay with its live run."""
    import hashlib

    return hashlib.sha256(encode_state(state)).hexdigest()[:16]


@dataclass(slots=True)
class ChangeSet:
    """What one or more events changed; panes redraw from it (Anki's OpChanges)."""

    baseline: bool = False
    alerts: set[str] = field(default_factory=set)
    new_alerts: list[str] = field(default_factory=list)
    incidents: set[str] = field(default_factory=set)
    tasks: set[str] = field(default_factory=set)
    resources: set[str] = field(default_factory=set)
    moved: set[str] = field(default_factory=set)
    cameras: set[str] = field(default_factory=set)
    events: int = 0

    def merge(self, other: ChangeSet) -> None:
        """Fold another change set into this one (one UI tick's worth)."""
        self.baseline |= other.baseline
        self.alerts |= other.alerts
        self.new_alerts.extend(other.new_alerts)
        self.incidents |= other.incidents
        self.tasks |= other.tasks
        self.resources |= other.resources
        self.moved |= other.moved
        self.cameras |= other.cameras
        self.events += other.events

    def __bool__(self) -> bool:
        return bool(self.events or self.baseline)
