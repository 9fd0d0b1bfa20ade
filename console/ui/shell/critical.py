"""A new critical alert takes the stage: its camera forward, a banner naming it, its incident selected.

The queue rings and says which incident popped; this brings the rest of the window to
it. During the queue's early tick the focus is held until the new row is painted: the
row is what the commander must see first (tick.py).

The focus moves at most once per FOCUS_GAP_S: criticals that pop faster are each rung
and painted in the queue at once, and the newest of them takes the stage when the gap
ends. A camera wall, incident pane and map that jumped ten times a second showed nothing
anyone could read, and each jump held the GUI thread 20-60 ms while the next alerts
waited in the socket (P2).
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

from console.client.replica import Replica
from console.ui.common.i18n import title_label
from console.ui.shell.registry import PANES
from console.ui.shell.selection import Selection

log = logging.getLogger(__name__)

#: the focus moves to a new critical alert at most this often (s); the newest waiting one goes next
FOCUS_GAP_S = 0.5


class CriticalFocus:
    """Brings a critical alert's camera, banner and incident forward (`on_critical`), or holds it for a moment."""

    def __init__(self, replica: Replica, selection: Selection, panes: dict[str, QWidget],
                 banner: Callable[[str, str], None], wall: Callable[[], bool], popped: Callable[[str], None]):
        self.replica = replica
        self.selection = selection
        self.panes = panes
        self.banner = banner
        self.wall = wall
        self.popped = popped
        #: while held: critical alerts to focus once the queue is painted (else None)
        self._held: list[str] | None = None
        #: the newest critical waiting for the focus gap to end, and when the focus last moved (monotonic)
        self._waiting: str | None = None
        self._focused_at = -FOCUS_GAP_S
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._focus_waiting)

    def hold(self) -> None:
        """Keep what pops from now until `release` (the queue's early tick paints first)."""
        self._held = []

    def release(self) -> None:
        """Focus what popped while held (the newest of it)."""
        held, self._held = self._held or [], None
        if held:
            self.on_critical(held[-1])

    def on_critical(self, incident_id: str) -> None:
        """The queue popped a critical alert: its camera, a banner, and its incident if none is selected;
        now, or when the focus gap ends (the newest waiting alert then)."""
        if self._held is not None:
            self._held.append(incident_id)
            return
        wait_s = self._focused_at + FOCUS_GAP_S - time.monotonic()
        if wait_s > 0:
            self._waiting = incident_id
            if not self._timer.isActive():
                self._timer.start(max(1, int(wait_s * 1000)))
            return
        self._focus(incident_id)

    def stop(self) -> None:
        """No focus after this (the window is closing)."""
        self._timer.stop()
        self._waiting = None

    def _focus_waiting(self) -> None:
        incident_id, self._waiting = self._waiting, None
        if incident_id is not None:
            self._focus(incident_id)

    def _focus(self, incident_id: str) -> None:
        self._focused_at = time.monotonic()
        inc = self.replica.state.incidents.get(incident_id)
        if inc is None:
            return
        alert = self.replica.state.alerts.get(inc.alert)
        camera = alert.camera if alert is not None else None
        if camera:
            for spec in PANES:
                pane = self.panes.get(spec.name)
                if spec.focus_camera is None or pane is None:
                    continue
                try:
                    spec.focus_camera(pane, camera)
                except Exception:  # noqa: BLE001 - the banner and the selection still matter
                    log.exception("pane %s could not focus %s", spec.name, camera)
        town = self.replica.state.org.get(inc.town)
        words = QCoreApplication.translate("MainWindow", "Critical alert: %1 — %2")
        self.banner(words.replace("%1", title_label(inc)).replace("%2", town.name if town else inc.town), "critical")
        if self.selection.incident is None or self.wall():
            self.selection.select_incident(incident_id)
        self.popped(incident_id)
