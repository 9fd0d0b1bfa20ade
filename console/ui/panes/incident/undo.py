"""The undo button: for a few seconds after a dispatch it cancels exactly the tasks that dispatch made.

Which tasks those are comes from the command's handle: the hub's result names
the events the command caused (`seqs`), and the controller knows which task
each of those dispatch events created. A click before the hub has answered
waits for the answer (up to `UNDO_WAIT_MAX_S`), then cancels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtWidgets import QPushButton, QWidget

from console.client.controller import Controller
from console.client.handle import CommandHandle

#: seconds the undo button stays after a dispatch
UNDO_WINDOW_S = 5.0
#: give up waiting for the hub to confirm a dispatch after this long
UNDO_WAIT_MAX_S = 30.0


@dataclass(slots=True)
class _Undo:
    """One dispatch click waiting to be undone: its command, until when."""

    handle: CommandHandle
    incident: str
    clicked: float
    cancel_requested: bool = False

    def left(self, now: float) -> float:
        return UNDO_WINDOW_S - (now - self.clicked)


class UndoButton(QPushButton):
    """Counts down after a dispatch from this pane; a click cancels what that dispatch made."""

    def __init__(self, controller: Controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("undo")
        self.setProperty("role", "undo")
        self.clicked.connect(self._on_click)
        self._undo: _Undo | None = None
        self._shown_incident: str | None = None
        self._allowed = True
        self.hide()

    def start(self, handle: CommandHandle, incident_id: str) -> None:
        """A dispatch-like command was sent for an incident: offer to undo it."""
        if handle.refused_here:
            return
        self._undo = _Undo(handle, incident_id, time.monotonic())
        self.tick(self._shown_incident, self._allowed)

    def tick(self, shown_incident: str | None, allowed: bool) -> None:
        """Count down; shown only over its own incident and where actions are shown."""
        self._shown_incident, self._allowed = shown_incident, allowed
        undo = self._undo
        if undo is None:
            self.hide()
            return
        now = time.monotonic()
        if undo.handle.done and (not undo.handle.ok or undo.cancel_requested):
            self._finish(undo)
            return
        left = undo.left(now)
        waiting = undo.cancel_requested and now - undo.clicked < UNDO_WAIT_MAX_S
        if (left <= 0 and not waiting) or now - undo.clicked > UNDO_WAIT_MAX_S:
            self._drop()
            return
        self.setVisible(shown_incident == undo.incident and allowed)
        if undo.cancel_requested:
            self.setText(self.tr("Undoing…"))
            self.setEnabled(False)
        else:
            self.setText(self.tr("Undo (%1 s)").replace("%1", str(max(1, int(left + 0.999)))))
            self.setEnabled(self.controller.can("cmd.cancel_task"))

    # ------------------------------------------------------------------ private

    def _on_click(self) -> None:
        undo = self._undo
        if undo is None:
            return
        undo.cancel_requested = True
        if undo.handle.done:
            self._finish(undo)
        else:
            # cancel the moment the hub answers, not at the next tick
            undo.handle.on_done(lambda _h, u=undo: self._finish(u) if self._undo is u else None)
            self.tick(self._shown_incident, self._allowed)

    def _finish(self, undo: _Undo) -> None:
        if undo.cancel_requested:
            for task in self.controller.tasks_made(undo.handle):
                self.controller.cancel_task(task, "undo")
        self._drop()

    def _drop(self) -> None:
        self._undo = None
        self.hide()
