"""A new critical alert takes the stage: its camera forward, a banner naming it, its incident selected.

The queue rings and says which incident popped; this brings the rest of the window to
it. During the queue's early tick the focus is held until the new row is painted: the
row is what the commander must see first (tick.py).
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from console.client.replica import Replica
from console.ui.common.i18n import title_label
from console.ui.shell.registry import PANES
from console.ui.shell.selection import Selection

log = logging.getLogger(__name__)


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

    def hold(self) -> None:
        """Keep what pops from now until `release` (the queue's early tick paints first)."""
        self._held = []

    def release(self) -> None:
        """Focus what popped while held, in order."""
        held, self._held = self._held or [], None
        for incident_id in held:
            self.on_critical(incident_id)

    def on_critical(self, incident_id: str) -> None:
        """The queue popped a critical alert: its camera, a banner, and its incident if none is selected."""
        if self._held is not None:
            self._held.append(incident_id)
            return
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
