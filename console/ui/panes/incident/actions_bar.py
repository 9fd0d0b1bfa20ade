"""The incident's action buttons: one per command, live exactly when `available_actions` says so.

Every button calls one controller method. Which are live comes from the domain
(`Controller.available_actions`, the checks `decide` runs); this bar only
chooses how a dead one looks: refused because of who asks (role, wall,
review) → hidden; refused because of the incident's state → greyed; the
hand-off answers appear only while there is an offer to answer.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QMenu, QPushButton, QSizePolicy, QWidget

from console.client.controller import Controller
from console.client.handle import CommandHandle
from console.client.replica import Replica
from console.domain.actions import Action
from console.domain.model import Incident
from console.domain.recommend import plan_for
from console.ui.panes.incident.undo import UndoButton

#: the tag of grids next to a forest (the fire-hazard scene's follow-up broadcast)
FOREST_TAG = "forest_adjacent"
#: answers to an offer: shown only while there is one to answer
_ONLY_WHEN_LIVE = frozenset({"cmd.accept_handoff", "cmd.decline_handoff"})


class ActionsBar(QGroupBox):
    """Acknowledge, dispatch, plan, escalate, cooperation, broadcast, hand-off, resolve, close, false alarm, undo."""

    sig_sent = Signal(object)
    """A command that dispatches people was sent from this bar (its CommandHandle)."""

    def __init__(self, replica: Replica, controller: Controller, parent: QWidget | None = None):
        super().__init__(self.tr("Actions"), parent)
        self.replica = replica
        self.controller = controller
        self.incident_id: str | None = None
        grid = QGridLayout(self)
        self._buttons: dict[str, QPushButton] = {}

        def button(key: str, text: str, slot: Callable[[], None], row: int, col: int,
                   role: str = "") -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(key.replace(".", "_"))
            if role:
                b.setProperty("role", role)
            b.clicked.connect(slot)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(b, row, col)
            self._buttons[key] = b
            return b

        self.ack_button = button("cmd.acknowledge", self.tr("Acknowledge"), self._on_acknowledge, 0, 0)
        self.dispatch_button = button("cmd.dispatch", self.tr("Dispatch recommended"),
                                      self._on_dispatch_recommended, 0, 1, "primary")
        self.plan_button = button("cmd.activate_plan", self.tr("Activate plan"), self._on_activate_plan, 1, 0,
                                  "primary")
        self.escalate_button = button("cmd.escalate", self.tr("Escalate to district"), self._on_escalate, 1, 1)
        self.coop_button = button("cmd.request_cooperation", self.tr("Request cooperation"), lambda: None, 2, 0)
        self.coop_menu = QMenu(self.coop_button)
        self.coop_menu.aboutToShow.connect(self._fill_coop_menu)
        self.coop_button.setMenu(self.coop_menu)
        self.broadcast_button = button("cmd.broadcast", self.tr("Broadcast check to forest-adjacent grids"),
                                       self._on_broadcast, 2, 1)
        self.accept_button = button("cmd.accept_handoff", self.tr("Accept hand-off"), self._on_accept, 3, 0,
                                    "primary")
        self.decline_button = button("cmd.decline_handoff", self.tr("Decline hand-off"), self._on_decline, 3, 1)
        self.resolve_button = button("cmd.resolve", self.tr("Resolve"), self._on_resolve, 4, 0)
        self.close_button = button("cmd.close", self.tr("Close"), self._on_close, 4, 1)
        self.false_button = button("cmd.false_alarm", self.tr("False alarm"), self._on_false_alarm, 5, 0,
                                   "danger")
        self.undo_button = UndoButton(controller, self)
        grid.addWidget(self.undo_button, 5, 1)

    # ------------------------------------------------------------------ API

    def buttons(self) -> dict[str, QPushButton]:
        """Command type → its button."""
        return dict(self._buttons)

    def fill(self, inc: Incident, actions: tuple[Action, ...], visible: bool) -> None:
        """Show and enable the buttons for this incident's actions; `visible` False hides them all (wall)."""
        self.incident_id = inc.id
        plan = plan_for(self.replica.state, inc.kind)
        self.plan_button.setText(self.tr("Activate plan: %1").replace("%1", plan.name) if plan
                                 else self.tr("No plan for this type"))
        by_code = {a.code: a for a in actions}
        for key, b in self._buttons.items():
            action = by_code[key]
            shown = visible and action.for_asker and (action.live or key not in _ONLY_WHEN_LIVE)
            b.setVisible(shown)
            b.setEnabled(shown and action.live)
        self.setVisible(visible and any(by_code[k].for_asker for k in self._buttons))

    def tick(self, shown_incident: str | None, visible: bool) -> None:
        """Move the undo countdown."""
        self.undo_button.tick(shown_incident, visible)

    # ------------------------------------------------------------------ handlers

    def _fill_coop_menu(self) -> None:
        self.coop_menu.clear()
        inc = self.replica.state.incidents.get(self.incident_id or "")
        if inc is None:
            return
        skip = {inc.town, inc.owner, *inc.partners}
        for unit in sorted(self.replica.state.org.values(), key=lambda u: u.id):
            if unit.level == "town" and unit.id not in skip:
                act = self.coop_menu.addAction(unit.name)
                act.triggered.connect(lambda _=False, t=unit.id: self._on_cooperation(t))

    def _sent(self, handle: CommandHandle) -> None:
        if not handle.refused_here:
            self.sig_sent.emit(handle)

    def _on_acknowledge(self) -> None:
        if self.incident_id:
            self.controller.acknowledge(self.incident_id)

    def _on_dispatch_recommended(self) -> None:
        if self.incident_id:
            self._sent(self.controller.dispatch_recommended(self.incident_id))

    def _on_activate_plan(self) -> None:
        if self.incident_id:
            self._sent(self.controller.activate_plan(self.incident_id))

    def _on_escalate(self) -> None:
        if self.incident_id:
            self.controller.escalate(self.incident_id)

    def _on_cooperation(self, town: str) -> None:
        if self.incident_id:
            self.controller.request_cooperation(self.incident_id, town)

    def _on_broadcast(self) -> None:
        inc = self.replica.state.incidents.get(self.incident_id or "")
        if inc is not None:
            text = self.tr("Check your grid for the same risk: %1").replace("%1", inc.title)
            self.controller.broadcast(inc.id, text, tag=FOREST_TAG)

    def _on_accept(self) -> None:
        if self.incident_id:
            self.controller.accept_handoff(self.incident_id)

    def _on_decline(self) -> None:
        if self.incident_id:
            self.controller.decline_handoff(self.incident_id)

    def _on_resolve(self) -> None:
        if self.incident_id:
            self.controller.resolve(self.incident_id)

    def _on_close(self) -> None:
        if self.incident_id:
            self.controller.close(self.incident_id)

    def _on_false_alarm(self) -> None:
        if self.incident_id:
            self.controller.false_alarm(self.incident_id)
