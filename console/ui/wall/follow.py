"""Which incident the wall shows: the duty commander's, else the most urgent open one, else a rotation.

The commander's console reports its selection through the hub (`commander_selected`, PROTOCOL.md
8.1), so the wall shows what the commander looks at, not a guess. When the commander selects
nothing (or the selection closed): the most urgent open critical or warning (an unacknowledged
critical first, then the one whose promise runs out first). With none of those, the wall turns
through the open incidents and the day's figures, one every `ROTATE_S`.

`pick` is pure (tested without a screen); `WallFollow` applies it four times a second to the
window's selection and brings the incident's camera forward, large.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from console.domain.focus import is_shouting
from console.domain.model import SETTLED_STATUSES, Incident
from console.domain.rules import can_see
from console.domain.sla import incident_sla
from console.domain.state import State

#: seconds each incident (and the day's figures) stays on the wall in the rotation
ROTATE_S = 15.0
#: why the wall shows what it shows
WHY = ("commander", "urgent", "rotation", "figures")
#: severities the wall counts down and puts first
URGENT = ("critical", "warning")


@dataclass(frozen=True, slots=True)
class Pick:
    """The incident on the wall (None: the day's figures) and why (a code of WHY)."""

    incident: str | None
    why: str


def open_incidents(state: State, center: str | None) -> list[Incident]:
    """The open incidents a center sees (not settled, not merged away, not offered elsewhere)."""
    return [inc for inc in state.incidents.values()
            if inc.status not in SETTLED_STATUSES and inc.merged_into is None and can_see(state, center, inc)]


def urgency(inc: Incident, now: float) -> tuple:
    """Sort key, most urgent first: shouting criticals, then criticals, then warnings; the least time left first."""
    sla = incident_sla(inc, now)
    left = sla.response_left_s if sla.response_left_s is not None else sla.assembly_left_s
    return (not is_shouting(inc), URGENT.index(inc.severity) if inc.severity in URGENT else len(URGENT),
            left if left is not None else float("inf"), inc.created_at, inc.id)


def urgent_incidents(state: State, center: str | None, now: float) -> list[Incident]:
    """The open criticals and warnings, most urgent first: the wall's countdowns."""
    return sorted((i for i in open_incidents(state, center) if i.severity in URGENT), key=lambda i: urgency(i, now))


def pick(state: State, center: str | None, commander_incident: str | None, now: float, turn: int) -> Pick:
    """What the wall shows now; `turn` counts rotation steps (the caller adds one every ROTATE_S)."""
    inc = state.incidents.get(commander_incident or "")
    if inc is not None and inc.status not in SETTLED_STATUSES:
        return Pick(inc.id, "commander")
    urgent = urgent_incidents(state, center, now)
    if urgent:
        return Pick(urgent[0].id, "urgent")
    others = sorted(open_incidents(state, center), key=lambda i: (i.created_at, i.id))
    slots = [*others, None]  # the day's figures take a turn of their own
    chosen = slots[turn % len(slots)]
    return Pick(chosen.id, "rotation") if chosen is not None else Pick(None, "figures")


class WallFollow(QObject):
    """The pick on the window's selection, its camera large; `current` says what and why.

    Four times a second: the commander's selection is on the wall well within a second.
    """

    def __init__(self, window, *, on_pick=None, interval_ms: int = 250):
        super().__init__(window)
        self.window = window
        #: told each pick (the board shows what the wall follows and why)
        self.on_pick = on_pick
        self.current = Pick(None, "figures")
        self._turn = 0
        self._turn_at: float | None = None
        self._camera: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.step)
        self.timer.start()

    def step(self) -> Pick:
        """Look again (the timer calls it; a test may too) and show the pick."""
        replica = self.window.replica
        now = replica.hub_now() if replica.link.clock else replica.state.now
        if self._turn_at is None or now - self._turn_at >= ROTATE_S or now < self._turn_at:
            self._turn_at = now
            self._turn += 1
        told = replica.commander
        self.current = pick(replica.state, replica.link.center, told.incident if told else None, now, self._turn)
        self._show(self.current)
        if self.on_pick is not None:
            self.on_pick(self.current)
        return self.current

    def _show(self, chosen: Pick) -> None:
        window = self.window
        if chosen.incident is not None:
            window.selection.select_incident(chosen.incident)
        state = window.replica.state
        inc = state.incidents.get(chosen.incident or "")
        alert = state.alerts.get(inc.alert) if inc is not None else None
        camera = alert.camera if alert is not None else None
        wall = window.panes.get("cameras")
        if wall is None or camera == self._camera:
            return
        self._camera = camera
        # the incident's camera alone, as large as the column; without one, the grid
        wall.set_solo(camera if camera in state.cameras else None)
