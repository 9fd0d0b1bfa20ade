"""The incident's action buttons: one per command, live exactly when `available_actions` says so.

Every button calls one controller method. Which are live comes from the domain
(`Controller.available_actions`, the checks `decide` runs); this bar only
chooses how a dead one looks: refused because of who asks (role, wall,
review) → hidden; refused because of the incident's state → greyed; the
hand-off answers appear only while there is an offer to answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QMenu, QPushButton, QSizePolicy, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain import bodies
from console.domain.actions import Action
from console.domain.model import Incident
from console.domain.recommend import plan_for
from console.domain.rules import broadcast_recipients
from console.ui.actions.table import ACTIONS, BY_ACTION
from console.ui.actions.words import ActionWords
from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.ui.panes.incident.broadcast_dialog import BroadcastDialog
from console.ui.shell.flow import ActionFlow



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
        #: the broadcast question being asked now (tests answer it)
        self.broadcast_dialog: BroadcastDialog | None = None
        grid = QGridLayout(self)
        self._buttons: dict[str, QPushButton] = {}
        words = ActionWords(self)
        for row in ACTIONS:
            if row.button is None:
                continue
            r, c, span, role = row.button
            b = QPushButton(words.button(row.code), self)
            b.setObjectName(row.code.replace(".", "_"))
            if role:
                b.setProperty("role", role)
            b.clicked.connect(lambda _=False, code=row.code: self._request(code))
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(b, r, c, 1, span)
            self._buttons[row.code] = b
        self.plan_button = self._buttons["cmd.activate_plan"]
        self.coop_button = self._buttons["cmd.request_cooperation"]
        self.coop_menu = QMenu(self.coop_button)
        self.coop_menu.aboutToShow.connect(self._fill_coop_menu)
        self.coop_button.setMenu(self.coop_menu)

    # ------------------------------------------------------------------ API

    def buttons(self) -> dict[str, QPushButton]:
        """Command type → its button."""
        return dict(self._buttons)

    def button(self, code: str) -> QPushButton:
        """The button of one command type (its row in the UI action table places it)."""
        return self._buttons[code]

    def fill(self, inc: Incident, actions: tuple[Action, ...], visible: bool) -> None:
        """Show and enable the buttons for this incident's actions; `visible` False hides them all (wall)."""
        self.incident_id = inc.id
        plan = plan_for(self.replica.state, inc.kind)
        self.plan_button.setText(self.tr("Activate plan: %1").replace("%1", plan.name) if plan
                                 else self.tr("No plan for this type"))
        by_code = {a.code: a for a in actions}
        for key, b in self._buttons.items():
            action = by_code[key]
            shown = visible and action.for_asker and (action.live or not BY_ACTION[key].only_when_live)
            b.setVisible(shown)
            b.setEnabled(shown and action.live)
            # a greyed button says why, in the words a key's refusal uses
            b.setToolTip("" if action.live else glossary.describe_refusal(
                action.refusal or "", action.reason, action.subject, self.replica.state, current_lang()))
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
        if code == "cmd.request_cooperation":
            return  # its menu asks which town
        if code in ("cmd.broadcast", "cmd.follow_up"):
            self._on_broadcast(code)
        elif self.incident_id:
            self.flow.request(code, self.incident_id, self.window())

    def _on_cooperation(self, town: str) -> None:
        inc = self.replica.state.incidents.get(self.incident_id or "")
        unit = self.replica.state.org.get(town)
        if inc is not None:
            what = self.tr("Cooperation requested from %1: %2").replace("%1", unit.name if unit else town) \
                .replace("%2", inc.title)
            self.flow.hold_call("cmd.request_cooperation", inc.id, what,
                                lambda: self.controller.request_cooperation(inc.id, town))

    def _on_broadcast(self, code: str = "cmd.broadcast") -> None:
        """Ask which grids and what words (previewing the reach), then hold it for the undo window.

        A follow-up check (举一反三) from a closed case asks the same, in its own words.
        """
        inc = self.replica.state.incidents.get(self.incident_id or "")
        if inc is None:
            return
        dialog = BroadcastDialog(self.replica.state, inc, self.window(), follow_up=code == "cmd.follow_up")
        dialog.sig_send.connect(lambda text, grids, i=inc: self._send_broadcast(i, text, grids, code))
        dialog.finished.connect(dialog.deleteLater)
        self.broadcast_dialog = dialog
        dialog.open()

    def _send_broadcast(self, inc: Incident, text: str, grids: list[str], code: str = "cmd.broadcast") -> None:
        people = len(broadcast_recipients(self.replica.state, grids))
        what = self.tr("Broadcast to %1 grids / %2 people: %3").replace("%1", str(len(grids))) \
            .replace("%2", str(people)).replace("%3", inc.title)
        if code == "cmd.follow_up":
            body = bodies.CmdFollowUp(incident=inc.id, text=text, grids=grids)
            self.flow.hold_call(code, inc.id, f"{glossary.case_word('follow_up', current_lang())} · {what}",
                                lambda: self.controller.send(code, body))
            return
        self.flow.hold_call("cmd.broadcast", inc.id, what,
                            lambda: self.controller.broadcast(inc.id, text, grids=grids))
