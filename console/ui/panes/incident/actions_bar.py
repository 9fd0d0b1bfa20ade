"""The incident's action buttons: one per command, live exactly when `available_actions` says so.

Every button calls one controller method. Which are live comes from the domain
(`Controller.available_actions`, the checks `decide` runs); this bar only
chooses how a dead one looks: refused because of who asks (role, wall,
review) → hidden; refused because of the incident's state → greyed; the
hand-off answers appear only while there is an offer to answer.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QGridLayout, QGroupBox, QMenu, QPushButton, QSizePolicy, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.actions import Action
from console.domain.model import Incident
from console.domain.recommend import plan_for
from console.ui.shell.flow import ActionFlow

#: the tag of grids next to a forest (the fire-hazard scene's follow-up broadcast)
FOREST_TAG = "forest_adjacent"
#: answers to an offer: shown only while there is one to answer
_ONLY_WHEN_LIVE = frozenset({"cmd.accept_handoff", "cmd.decline_handoff"})


class ActionsBar(QGroupBox):
    """Acknowledge, dispatch, plan, escalate, cooperation, broadcast, hand-off, resolve, close, false alarm."""

    def __init__(self, replica: Replica, controller: Controller, parent: QWidget | None = None, *,
                 flow: ActionFlow | None = None):
        super().__init__(self.tr("Actions"), parent)
        self.replica = replica
        self.controller = controller
        #: keys and clicks take one path: asked, then held or sent, with a 5 s undo
        self.flow = flow or ActionFlow(replica, controller, parent=self)
        self.incident_id: str | None = None
        grid = QGridLayout(self)
        self._buttons: dict[str, QPushButton] = {}

        def button(key: str, text: str, slot: Callable[[], None], row: int, col: int,
                   role: str = "", span: int = 1) -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(key.replace(".", "_"))
            if role:
                b.setProperty("role", role)
            b.clicked.connect(slot)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(b, row, col, 1, span)
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
        # the longest label gets a row of its own: beside another button it made the pane
        # wider than its dock in English (482 px of buttons in a 400 px column)
        self.broadcast_button = button("cmd.broadcast", self.tr("Broadcast check to forest-adjacent grids"),
                                       self._on_broadcast, 5, 0, span=2)
        self.accept_button = button("cmd.accept_handoff", self.tr("Accept hand-off"), self._on_accept, 3, 0,
                                    "primary")
        self.decline_button = button("cmd.decline_handoff", self.tr("Decline hand-off"), self._on_decline, 3, 1)
        self.resolve_button = button("cmd.resolve", self.tr("Resolve"), self._on_resolve, 4, 0)
        self.close_button = button("cmd.close", self.tr("Close"), self._on_close, 2, 1)
        self.false_button = button("cmd.false_alarm", self.tr("False alarm"), self._on_false_alarm, 4, 1,
                                   "danger")

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

    def _request(self, code: str) -> None:
        if self.incident_id:
            self.flow.request(code, self.incident_id, self.window())

    def _on_acknowledge(self) -> None:
        self._request("cmd.acknowledge")

    def _on_dispatch_recommended(self) -> None:
        self._request("cmd.dispatch")

    def _on_activate_plan(self) -> None:
        self._request("cmd.activate_plan")

    def _on_escalate(self) -> None:
        self._request("cmd.escalate")

    def _on_cooperation(self, town: str) -> None:
        inc = self.replica.state.incidents.get(self.incident_id or "")
        unit = self.replica.state.org.get(town)
        if inc is not None:
            what = self.tr("Cooperation requested from %1: %2").replace("%1", unit.name if unit else town) \
                .replace("%2", inc.title)
            self.flow.hold_call("cmd.request_cooperation", inc.id, what,
                                lambda: self.controller.request_cooperation(inc.id, town))

    def _on_broadcast(self) -> None:
        inc = self.replica.state.incidents.get(self.incident_id or "")
        if inc is not None:
            text = self.tr("Check your grid for the same risk: %1").replace("%1", inc.title)
            self.flow.hold_call("cmd.broadcast", inc.id, self.tr("Broadcast: %1").replace("%1", inc.title),
                                lambda: self.controller.broadcast(inc.id, text, tag=FOREST_TAG))

    def _on_accept(self) -> None:
        self._request("cmd.accept_handoff")

    def _on_decline(self) -> None:
        self._request("cmd.decline_handoff")

    def _on_resolve(self) -> None:
        self._request("cmd.resolve")

    def _on_close(self) -> None:
        self._request("cmd.close")

    def _on_false_alarm(self) -> None:
        self._request("cmd.false_alarm")
