"""Incident detail: what happened, where, who reported it, the clock, the timeline, and every action.

Shows `selection.incident`, composed of small pieces that each fill from the
replica: header, service promises, actions bar (live buttons from
`Controller.available_actions`), recommendations, tasks and timeline, under a
dispatch line (who was sent, undo, "needs re-dispatch") that never scrolls away. This file only decides what to redraw on each tick.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.actions import Action
from console.domain.model import Incident
from console.domain.state import ChangeSet
from console.ui.common import theme
from console.ui.panes.cases.case_card import CaseCard
from console.ui.panes.incident.actions_bar import ActionsBar
from console.ui.panes.incident.dispatch_line import DispatchLine
from console.ui.panes.incident.evidence import EvidencePanel
from console.ui.panes.incident.header import IncidentHeader
from console.ui.panes.incident.promises import ServicePromises
from console.ui.panes.incident.recommendations import RecommendationList
from console.ui.panes.incident.tasks import TaskList
from console.ui.panes.incident.timeline import TimelineView
from console.ui.shell.flow import ActionFlow
from console.ui.shell.selection import Selection


class IncidentPane(QWidget):
    """Detail and actions for the selected incident."""

    def __init__(self, replica: Replica, controller: Controller, selection: Selection,
                 parent: QWidget | None = None, *, flow: ActionFlow | None = None, frames: object = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.selection = selection
        self.flow = flow or ActionFlow(replica, controller, parent=self)
        self.incident_id: str | None = None
        self._actions_visible = True
        self._actions: dict[str, Action] = {}

        body = QWidget(self)
        self.header = IncidentHeader(replica, body)
        #: the alert's snapshot and photos, kept clips, and the evidence export
        self.evidence = EvidencePanel(replica, body, frames=frames)
        self.promises = ServicePromises(replica, body)
        self.actions = ActionsBar(replica, controller, body, flow=self.flow)
        self.recommendations = RecommendationList(controller, body, flow=self.flow)
        self.task_list = TaskList(replica, body, recall=lambda task: self.flow.recall(task, self.window()))
        self.task_list.recall_allowed = controller.can("cmd.recall")
        self.timeline_view = TimelineView(body)
        #: a case's stages and its desk actions (hidden for an incident on the emergency promise)
        self.case_card = CaseCard(replica, parent=body)
        self.case_card.sig_action.connect(lambda code, inc: self.flow.case_action(code, inc, self.window()))
        #: who was sent, and undo: above the scrolled detail, never below the fold
        self.dispatch_line = DispatchLine(replica, self.flow.desk, self)
        self.flow.desk.sig_changed.connect(self._on_desk_changed)
        col = QVBoxLayout(body)
        col.setContentsMargins(4, 4, 4, 4)
        # a case's own clock stands where an emergency incident's promises do (it has no 60 s / 10 min)
        for w in (self.header, self.evidence, self.promises, self.case_card, self.actions, self.recommendations,
                  self.task_list, self.timeline_view):
            col.addWidget(w)
        col.addStretch(1)

        self.empty_label = QLabel(self.tr("Select an alert in the queue"), self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {theme.FG_DIM}; font-size: 13pt;")
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.dispatch_line)
        outer.addWidget(self.empty_label)
        outer.addWidget(self.scroll, 1)

        selection.sig_incident.connect(self.show_incident)
        self.show_incident(None)

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet) -> None:
        """Redraw what the tick changed for the shown incident; the clocks always tick."""
        self.evidence.note_alerts(changes.new_alerts)  # every camera alert's evidence, shown or not
        if self.incident_id is None and self.selection.incident is not None:
            self.incident_id = self.selection.incident
            changes = ChangeSet(baseline=True)
        inc = self._incident()
        if inc is None:
            if changes.baseline:
                self.show_incident(None)
            return
        mine = changes.baseline or inc.id in changes.incidents
        if mine:
            self.header.fill(inc)
            self.evidence.fill(inc)
            self.timeline_view.fill(inc, self.replica.state)
            self._fill_actions(inc)
        tasks = self.replica.state.tasks
        people = {t.resource for i in inc.tasks if (t := tasks.get(i))} if changes.resources else set()
        if mine or changes.tasks or changes.resources & people:  # a field page's ●/○ (issue 13)
            self.task_list.fill(inc)
        # Someone else's status change re-ranks only if it touches a person on the list (they
        # may have become unavailable); otherwise the 2 s re-rank picks it up. Forcing on every
        # change re-built the list on every tick at peak load (thousands of changes a second).
        shown = changes.resources & self.recommendations.shown
        self._fill_recommendations(inc, force=mine or bool(shown) or bool(changes.tasks))
        self._tick(inc)

    def show_incident(self, incident_id: str | None) -> None:
        """Show an incident (normally through the shared selection); a new one starts at the top."""
        if incident_id != self.incident_id:
            self.recommendations.forget()
            self.scroll.verticalScrollBar().setValue(0)
        self.incident_id = incident_id
        inc = self._incident()
        self.empty_label.setVisible(inc is None)
        self.scroll.setVisible(inc is not None)
        if inc is None:
            self.dispatch_line.hide()
            return
        self.header.fill(inc)
        self.evidence.fill(inc)
        self.timeline_view.fill(inc, self.replica.state)
        self._fill_actions(inc)
        self.task_list.fill(inc)
        self._fill_recommendations(inc, force=True)
        self._tick(inc)

    def set_actions_visible(self, visible: bool) -> None:
        """Wall mode hides every action button, whatever the controller allows."""
        self._actions_visible = visible
        self.actions.setVisible(visible)
        self.task_list.recall_allowed = visible and self.controller.can("cmd.recall")
        self.show_incident(self.incident_id)

    def set_wall(self, on: bool) -> None:
        """Wall mode: no action buttons, each recommendation's reason whole, no sideways scrolling."""
        self.set_actions_visible(not on)
        self.recommendations.set_wrap(on)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on
                                                 else Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def action_buttons(self) -> dict[str, QPushButton]:
        """Command type → its button (tests and wall mode look at them)."""
        return self.actions.buttons()

    # ------------------------------------------------------------------ private

    def _incident(self) -> Incident | None:
        return self.replica.state.incidents.get(self.incident_id or "")

    def _fill_actions(self, inc: Incident) -> None:
        actions = self.controller.available_actions(inc.id)
        self._actions = {a.code: a for a in actions}
        self.actions.fill(inc, actions, self._actions_visible)

    def _fill_recommendations(self, inc: Incident, force: bool) -> None:
        self.recommendations.fill(inc, self._actions["cmd.dispatch"], self._actions_visible, force)

    def _tick(self, inc: Incident) -> None:
        self.promises.setVisible(inc.case is None)
        if inc.case is None:
            self.promises.fill(inc)
        if inc.case is not None or self.case_card.incident is not None:
            self._fill_case(inc)
        self.task_list.tick(inc)
        self.dispatch_line.fill(inc, self._actions_visible)

    def _fill_case(self, inc: Incident) -> None:
        # the controller's actor is known only once the hub said hello; a wall acts as nobody
        self.case_card.actor = self.controller.actor if self._actions_visible else None
        self.case_card.incident = inc.id if inc.case is not None else None
        self.case_card.refresh()

    def _on_desk_changed(self) -> None:
        inc = self._incident()
        if inc is not None:
            self.dispatch_line.fill(inc, self._actions_visible)
