"""Incident detail: what happened, where, who reported it, the clock, the timeline, and every action.

Shows `selection.incident`. Recommendations come from the controller; every
button calls one controller method and is hidden when the controller may not
send that command (wall mode, operator role). After a dispatch an undo
button counts down for a few seconds and cancels the task(s) that dispatch made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout, QFrame, QGridLayout, QGroupBox, QHeaderView, QLabel, QMenu,
    QPushButton, QScrollArea, QSizePolicy, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.localtime import clock, duration
from console.domain.model import FINAL_STATUSES, Incident
from console.domain.recommend import plan_for
from console.domain.sla import incident_sla, task_assembly_left
from console.domain.state import ChangeSet
from console.ui.common import glossary, theme
from console.ui.common.i18n import (
    actor_label, current_lang, kind_label, resource_kind_label, severity_label, source_label, status_label,
    timeline_label,
)
from console.ui.shell.selection import Selection

#: seconds the undo button stays after a dispatch
UNDO_WINDOW_S = 5.0
#: give up waiting for the hub to confirm a dispatch after this long
UNDO_WAIT_MAX_S = 30.0
#: the tag of grids next to a forest (the fire-hazard scene's follow-up broadcast)
FOREST_TAG = "forest_adjacent"


@dataclass(slots=True)
class _Undo:
    """One dispatch click waiting to be undone: which tasks it made, until when."""

    incident: str
    tasks_before: int
    actor: str
    clicked: float
    tasks: list[str] = field(default_factory=list)
    cancel_requested: bool = False

    def left(self, now: float) -> float:
        return UNDO_WINDOW_S - (now - self.clicked)


class IncidentPane(QWidget):
    """Detail and actions for the selected incident."""


    sig_dispatched = Signal(str)
    """A dispatch command was sent from this pane (command id)."""

    def __init__(self, replica: Replica, controller: Controller, selection: Selection,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.selection = selection
        self.incident_id: str | None = None
        self._actions_visible = True
        self._undo: _Undo | None = None
        self._recs_for: tuple | None = None
        self._recs_at = 0.0
        #: resource ids in the recommendation list now
        self._recs_shown: set[str] = set()
        self._build()
        selection.sig_incident.connect(self._on_selection)
        self._show(None)

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet) -> None:
        """Redraw what the tick changed for the shown incident; the clocks always tick."""
        if self.incident_id is None and self.selection.incident is not None:
            self.incident_id = self.selection.incident
            changes = ChangeSet(baseline=True)
        inc = self._incident()
        if inc is None:
            if changes.baseline:
                self._show(None)
            return
        mine = changes.baseline or inc.id in changes.incidents
        if mine:
            self._fill_header(inc)
            self._fill_timeline(inc)
            self._fill_actions(inc)
        if mine or changes.tasks:
            self._fill_tasks(inc)
        # Someone else's status change re-ranks only if it touches a person on the list (they
        # may have become unavailable); otherwise the 2 s re-rank picks it up. Forcing on every
        # change re-built the list on every tick at peak load (thousands of changes a second).
        shown = changes.resources & self._recs_shown
        self._fill_recommendations(inc, force=mine or bool(shown) or bool(changes.tasks))
        self._fill_sla(inc)
        self._tick_tasks(inc)
        self._tick_undo(inc)

    def show_incident(self, incident_id: str | None) -> None:
        """Show an incident (normally through the shared selection)."""
        self._show(incident_id)

    def set_actions_visible(self, visible: bool) -> None:
        """Wall mode hides every action button, whatever the controller allows."""
        self._actions_visible = visible
        self.actions_box.setVisible(visible)
        self._show(self.incident_id)

    def action_buttons(self) -> dict[str, QPushButton]:
        """Command type → its button (tests and wall mode look at them)."""
        return dict(self._buttons)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: bold;")
        self.badges = QLabel(self)
        self.badges.setTextFormat(Qt.TextFormat.RichText)

        info = QGroupBox(self.tr("Alert"), self)
        form = QFormLayout(info)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.location_label = QLabel(self)
        self.reporter_label = QLabel(self)
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        for lbl in (self.location_label, self.reporter_label, self.text_label):
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Location"), self.location_label)
        form.addRow(self.tr("Source"), self.reporter_label)
        form.addRow(self.tr("Report"), self.text_label)
        self.snapshot = QLabel(self)
        self.snapshot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.snapshot.setMinimumHeight(90)
        self.snapshot.setFrameShape(QFrame.Shape.StyledPanel)
        self.snapshot.setStyleSheet(f"background: {theme.VIDEO_BG}; color: {theme.FG_DIM}; "
                                    f"border: 1px dashed {theme.BORDER};")
        self.snapshot.setWordWrap(True)
        form.addRow(self.snapshot)

        sla_box = QGroupBox(self.tr("Service promises"), self)
        sla_layout = QVBoxLayout(sla_box)
        self.response_label = QLabel(self)
        self.assembly_label = QLabel(self)
        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(f"color: {theme.COUNTDOWN_RED};")
        for lbl in (self.response_label, self.assembly_label, self.reason_label):
            sla_layout.addWidget(lbl)

        self.actions_box = QGroupBox(self.tr("Actions"), self)
        grid = QGridLayout(self.actions_box)
        self._buttons: dict[str, QPushButton] = {}

        def button(key: str, text: str, slot, row: int, col: int, role: str = "") -> QPushButton:
            b = QPushButton(text, self.actions_box)
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
        self.undo_button = QPushButton(self.actions_box)
        self.undo_button.setObjectName("undo")
        self.undo_button.setProperty("role", "undo")
        self.undo_button.clicked.connect(self._on_undo)
        self.undo_button.hide()
        grid.addWidget(self.undo_button, 5, 1)

        recs_box = QGroupBox(self.tr("Recommended"), self)
        recs_layout = QVBoxLayout(recs_box)
        self.recs = QTreeWidget(recs_box)
        self.recs.setRootIsDecorated(False)
        self.recs.setHeaderLabels([self.tr("Who"), self.tr("ETA"), self.tr("Why"), ""])
        self.recs.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.recs.header().setStretchLastSection(False)
        self.recs.setMinimumHeight(120)
        recs_layout.addWidget(self.recs)

        tasks_box = QGroupBox(self.tr("Tasks"), self)
        tasks_layout = QVBoxLayout(tasks_box)
        self.tasks = QTreeWidget(tasks_box)
        self.tasks.setRootIsDecorated(False)
        self.tasks.setHeaderLabels([self.tr("Task"), self.tr("Who"), self.tr("Status"), self.tr("Assembly")])
        self.tasks.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tasks.setMinimumHeight(90)
        tasks_layout.addWidget(self.tasks)

        timeline_box = QGroupBox(self.tr("Timeline"), self)
        timeline_layout = QVBoxLayout(timeline_box)
        self.timeline = QTreeWidget(timeline_box)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setHeaderLabels([self.tr("Time"), self.tr("Who"), self.tr("What"), self.tr("Note")])
        self.timeline.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setMinimumHeight(140)
        timeline_layout.addWidget(self.timeline)

        self.empty_label = QLabel(self.tr("Select an alert in the queue"), self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {theme.FG_DIM}; font-size: 13pt;")

        body = QWidget(self)
        col = QVBoxLayout(body)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.title_label)
        col.addWidget(self.badges)
        for w in (info, sla_box, self.actions_box, recs_box, tasks_box, timeline_box):
            col.addWidget(w)
        col.addStretch(1)
        self.body = body
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.empty_label)
        outer.addWidget(scroll, 1)
        self.scroll = scroll

    # ------------------------------------------------------------------ filling

    def _incident(self) -> Incident | None:
        return self.replica.state.incidents.get(self.incident_id or "")

    def _show(self, incident_id: str | None) -> None:
        if incident_id != self.incident_id:
            self._recs_for = None
        self.incident_id = incident_id
        inc = self._incident()
        self.empty_label.setVisible(inc is None)
        self.scroll.setVisible(inc is not None)
        if inc is None:
            return
        self._fill_header(inc)
        self._fill_timeline(inc)
        self._fill_actions(inc)
        self._fill_tasks(inc)
        self._fill_recommendations(inc, force=True)
        self._fill_sla(inc)
        self._tick_undo(inc)

    def _fill_header(self, inc: Incident) -> None:
        state = self.replica.state
        alert = state.alerts.get(inc.alert)
        self.title_label.setText(inc.title)
        title_font = self.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        self.title_label.setFont(title_font)
        sev = theme.SEVERITY_COLORS.get(inc.severity, theme.FG)
        st = theme.INCIDENT_STATUS_COLORS.get(inc.status, theme.FG)
        self.badges.setText(
            f'<span style="background:{sev}; color:white;">&nbsp;{severity_label(inc.severity)}&nbsp;</span>'
            f' &nbsp;<b>{kind_label(inc.kind)}</b> &nbsp;'
            f'<span style="color:{st};">● {status_label(inc.status)}</span>'
            f' &nbsp;<span style="color:{theme.FG_DIM};">{inc.id}</span>')
        town = state.org.get(inc.town)
        grid = state.org.get(inc.grid)
        self.location_label.setText(
            f"{town.name if town else inc.town} / {grid.name if grid else inc.grid}"
            f"  ({inc.x:.0f}, {inc.y:.0f})")
        if alert is None:
            self.reporter_label.setText("—")
            self.text_label.setText("")
            self.snapshot.setText(self.tr("No snapshot"))
            return
        who = alert.reporter or ""
        if alert.camera:
            cam = state.cameras.get(alert.camera)
            who = f"{cam.name if cam else alert.camera}" + (f" · {who}" if who else "")
        self.reporter_label.setText(f"{source_label(alert.source)} · {who}" if who else source_label(alert.source))
        self.text_label.setText(alert.text or "—")
        ref = alert.photo or alert.snapshot
        boxes = ", ".join(f"{d.label} {d.score:.0%}" for d in alert.detections)
        if ref:
            label = self.tr("Snapshot: %1").replace("%1", ref)
            self.snapshot.setText(label + (f"\n{boxes}" if boxes else ""))
        else:
            self.snapshot.setText(self.tr("No snapshot") + (f"\n{boxes}" if boxes else ""))

    def _fill_timeline(self, inc: Incident) -> None:
        self.timeline.clear()
        items = []
        for step in inc.timeline:
            detail = glossary.describe_step(step, current_lang(), glossary.names_in(self.replica.state))
            item = QTreeWidgetItem([clock(step.at), actor_label(step.actor), timeline_label(step.what), detail])
            item.setToolTip(3, detail)
            items.append(item)
        self.timeline.addTopLevelItems(items)
        self.timeline.resizeColumnToContents(0)
        self.timeline.resizeColumnToContents(2)
        if items:
            self.timeline.scrollToItem(items[-1])

    def _fill_actions(self, inc: Incident) -> None:
        can = self.controller.can
        final = inc.status in FINAL_STATUSES
        center = self.replica.link.center or self.replica.state.district()
        offered_here = inc.offered_to is not None and inc.offered_to == center
        escalated_away = inc.offer_kind == "escalation" and not offered_here
        plan = plan_for(self.replica.state, inc.kind)
        self.plan_button.setText(self.tr("Activate plan: %1").replace("%1", plan.name) if plan
                                 else self.tr("No plan for this type"))
        enabled = {
            "cmd.acknowledge": not final and inc.acknowledged_at is None,
            "cmd.dispatch": not final and not escalated_away,
            "cmd.activate_plan": not final and not escalated_away and plan is not None,
            "cmd.escalate": not final and inc.offered_to is None and inc.owner != self.replica.state.district(),
            "cmd.request_cooperation": not final and inc.offered_to is None,
            "cmd.broadcast": not final,
            "cmd.accept_handoff": offered_here and not final,
            "cmd.decline_handoff": offered_here and not final,
            "cmd.resolve": not final and inc.status != "resolved",
            "cmd.close": not final,
            "cmd.false_alarm": not final,
        }
        for key, b in self._buttons.items():
            allowed = self._actions_visible and can(key)
            if key in ("cmd.accept_handoff", "cmd.decline_handoff"):
                allowed = allowed and offered_here
            b.setVisible(allowed)
            b.setEnabled(allowed and enabled.get(key, False))
        self.actions_box.setVisible(self._actions_visible and any(can(k) for k in self._buttons))

    def _fill_tasks(self, inc: Incident) -> None:
        state = self.replica.state
        self.tasks.clear()
        for tid in inc.tasks:
            task = state.tasks.get(tid)
            if task is None:
                continue
            res = state.resources.get(task.resource)
            who = f"{res.name} ({resource_kind_label(res.kind)})" if res else task.resource
            item = QTreeWidgetItem([task.id.rsplit("-", 1)[-1], who, status_label(task.status), ""])
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            item.setForeground(2, theme.color(task.status if task.status != "sent" else "dispatched"))
            self.tasks.addTopLevelItem(item)
        self.tasks.resizeColumnToContents(0)

    def _tick_tasks(self, inc: Incident) -> None:
        now = self.replica.hub_now()
        tasks = self.replica.state.tasks
        for i in range(self.tasks.topLevelItemCount()):
            item = self.tasks.topLevelItem(i)
            task = tasks.get(item.data(0, Qt.ItemDataRole.UserRole))
            if task is None:
                continue
            left = task_assembly_left(task, now)
            if left is None:
                if task.arrived_at is not None:
                    text = self.tr("on scene in %1").replace("%1", duration(task.arrived_at - task.sent_at))
                else:
                    text = "—"
                colour = theme.COUNTDOWN_MET if task.arrived_at is not None else theme.FG_DIM
            elif left >= 0:
                text = self.tr("assembly: %1 left").replace("%1", duration(left))
                colour = theme.COUNTDOWN_AMBER if left < 120 else theme.COUNTDOWN_OK
            else:
                text = self.tr("assembly: %1 over").replace("%1", duration(-left))
                colour = theme.COUNTDOWN_RED
            if item.text(3) != text:
                item.setText(3, text)
                item.setForeground(3, QColor(colour))

    def _fill_sla(self, inc: Incident) -> None:
        now = self.replica.hub_now()
        sla = incident_sla(inc, now)
        if sla.response_s is not None:
            colour = theme.COUNTDOWN_RED if sla.response_breached else theme.COUNTDOWN_MET
            text = self.tr("Response: %1 s (promise 60 s)").replace("%1", f"{sla.response_s:.0f}")
            text = ("✗ " if sla.response_breached else "✓ ") + text
        else:
            left = sla.response_left_s or 0.0
            colour = (theme.COUNTDOWN_RED if left < 0 else
                      theme.COUNTDOWN_AMBER if left < 20 else theme.COUNTDOWN_OK)
            text = (self.tr("Response: %1 left").replace("%1", duration(left)) if left >= 0
                    else self.tr("Response: breached by %1").replace("%1", duration(-left)))
        self.response_label.setText(text)
        self.response_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        if sla.assembly_left_s is not None:
            left = sla.assembly_left_s
            a_colour = theme.COUNTDOWN_RED if left < 0 else theme.COUNTDOWN_AMBER if left < 120 else theme.COUNTDOWN_OK
            a_text = (self.tr("Assembly: %1 left (promise 10 min)").replace("%1", duration(left)) if left >= 0
                      else self.tr("Assembly: breached by %1").replace("%1", duration(-left)))
        elif sla.full_on_scene_s is not None:
            a_colour = theme.COUNTDOWN_RED if sla.assembly_breached else theme.COUNTDOWN_MET
            a_text = self.tr("Assembly: whole team on scene in %1").replace("%1", duration(sla.full_on_scene_s))
        elif sla.first_arrival_s is not None:
            a_colour = theme.COUNTDOWN_MET
            a_text = self.tr("Assembly: first arrival in %1").replace("%1", duration(sla.first_arrival_s))
        else:
            a_colour, a_text = theme.FG_DIM, self.tr("Assembly: not dispatched yet")
        self.assembly_label.setText(a_text)
        self.assembly_label.setStyleSheet(f"color: {a_colour};")
        reason = glossary.describe_breaches(sla.breaches, current_lang())
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))

    def _fill_recommendations(self, inc: Incident, force: bool) -> None:
        now = time.monotonic()
        # People move every tick; ETAs are re-ranked at most every 2 s unless something real changed.
        key = (inc.id, inc.status, len(inc.tasks), self.controller.read_only, self._actions_visible)
        if not force and key == self._recs_for and now - self._recs_at < 2.0:
            return
        self._recs_for, self._recs_at = key, now
        self.recs.clear()
        self._recs_shown = set()
        if inc.status in FINAL_STATUSES:
            return
        can_dispatch = self._actions_visible and self.controller.can("cmd.dispatch")
        lang = current_lang()
        for rec in self.controller.recommendations(inc.id):
            item = QTreeWidgetItem([f"{rec.name} · {resource_kind_label(rec.kind)}",
                                    glossary.eta(rec.eta_s, lang), glossary.describe_reason(rec, lang), ""])
            item.setData(0, Qt.ItemDataRole.UserRole, rec.resource)
            self._recs_shown.add(rec.resource)
            item.setForeground(0, theme.color("available"))
            self.recs.addTopLevelItem(item)
            if can_dispatch:
                b = QPushButton(self.tr("Dispatch"), self.recs)
                b.setObjectName(f"dispatch_{rec.resource}")
                b.clicked.connect(lambda _=False, r=rec.resource: self._on_dispatch(r))
                self.recs.setItemWidget(item, 3, b)
        self.recs.resizeColumnToContents(0)
        self.recs.resizeColumnToContents(1)
        self.recs.resizeColumnToContents(3)

    def _fill_coop_menu(self) -> None:
        self.coop_menu.clear()
        inc = self._incident()
        if inc is None:
            return
        skip = {inc.town, inc.owner, *inc.partners}
        for unit in sorted(self.replica.state.org.values(), key=lambda u: u.id):
            if unit.level == "town" and unit.id not in skip:
                act = self.coop_menu.addAction(unit.name)
                act.triggered.connect(lambda _=False, t=unit.id: self._on_cooperation(t))

    # ------------------------------------------------------------------ undo window

    def _start_undo(self, incident_id: str) -> None:
        inc = self.replica.state.incidents.get(incident_id)
        if inc is None:
            return
        self._undo = _Undo(incident_id, len(inc.tasks), self.controller.actor.name, time.monotonic())
        self._tick_undo(inc)

    def _tick_undo(self, inc: Incident | None) -> None:
        undo = self._undo
        if undo is None:
            self.undo_button.hide()
            return
        now = time.monotonic()
        target = self.replica.state.incidents.get(undo.incident)
        if target is not None and not undo.tasks:
            # The dispatch's tasks are the newest ones of the incident sent by this user after the click.
            tasks = self.replica.state.tasks
            undo.tasks = [tid for tid in target.tasks[undo.tasks_before:]
                          if (t := tasks.get(tid)) is not None and t.actor == undo.actor]
            if undo.tasks and undo.cancel_requested:
                self._cancel_undo_tasks(undo)
                return
        left = undo.left(now)
        waiting = undo.cancel_requested and not undo.tasks and now - undo.clicked < UNDO_WAIT_MAX_S
        if (left <= 0 and not waiting) or now - undo.clicked > UNDO_WAIT_MAX_S:
            self._undo = None
            self.undo_button.hide()
            return
        shown = inc is not None and inc.id == undo.incident and self._actions_visible
        self.undo_button.setVisible(shown)
        if undo.cancel_requested:
            self.undo_button.setText(self.tr("Undoing…"))
            self.undo_button.setEnabled(False)
        else:
            self.undo_button.setText(self.tr("Undo (%1 s)").replace("%1", str(max(1, int(left + 0.999)))))
            self.undo_button.setEnabled(self.controller.can("cmd.cancel_task"))

    def _on_undo(self) -> None:
        undo = self._undo
        if undo is None:
            return
        undo.cancel_requested = True
        if undo.tasks:
            self._cancel_undo_tasks(undo)
        else:
            self._tick_undo(self._incident())

    def _cancel_undo_tasks(self, undo: _Undo) -> None:
        for tid in undo.tasks:
            self.controller.cancel_task(tid, "undo")
        self._undo = None
        self.undo_button.hide()

    # ------------------------------------------------------------------ handlers

    def _on_selection(self, incident_id: str) -> None:
        self._show(incident_id)

    def _after_dispatch(self, command_id: str | None) -> None:
        if command_id is not None and self.incident_id is not None:
            self._start_undo(self.incident_id)
            self.sig_dispatched.emit(command_id)

    def _on_acknowledge(self) -> None:
        if self.incident_id:
            self.controller.acknowledge(self.incident_id)

    def _on_dispatch_recommended(self) -> None:
        if self.incident_id:
            self._after_dispatch(self.controller.dispatch_recommended(self.incident_id))

    def _on_dispatch(self, resource: str) -> None:
        if self.incident_id:
            self._after_dispatch(self.controller.dispatch(self.incident_id, resource))

    def _on_activate_plan(self) -> None:
        if self.incident_id:
            self._after_dispatch(self.controller.activate_plan(self.incident_id))

    def _on_escalate(self) -> None:
        if self.incident_id:
            self.controller.escalate(self.incident_id)

    def _on_cooperation(self, town: str) -> None:
        if self.incident_id:
            self.controller.request_cooperation(self.incident_id, town)

    def _on_broadcast(self) -> None:
        inc = self._incident()
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
