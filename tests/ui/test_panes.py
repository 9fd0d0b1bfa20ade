"""Widget tests of the console panes: a real Replica fed real events, a Controller with a recording sink.

Both directions: events → what the panes show, and keys/clicks → the commands sent.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.common import theme
from console.ui.common.i18n import install_translator, kind_label, status_label
from console.ui.panes.alerts.model import AlertQueueModel
from console.ui.panes.alerts.widget import AlertQueue
from console.ui.panes.incident.widget import IncidentPane
from console.ui.screenshots import SAMPLE_DAY_START, alert_event, baseline_event, sample_alert, sample_baseline
from console.ui.common import glossary
from console.ui.shell.selection import Selection
from tests.ui.keys import activate, press, type_into_dialog

pytestmark = pytest.mark.ui


class RecordingSink:
    """Where the controller's commands go in a widget test: two lists."""

    def __init__(self):
        self.commands: list[tuple[str, str, m.Body]] = []
        self.subscriptions: list[list[str]] = []
        #: the controller completes its handles from here, as from the session's
        self.on_result: list = []

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None:
        self.commands.append((command_id, type_, body))

    def subscribe(self, cameras: list[str]) -> None:
        self.subscriptions.append(cameras)

    def of(self, type_: str) -> list[m.Body]:
        return [body for _, t, body in self.commands if t == type_]

    def answer(self, command_id: str, result: m.Result, replica: Replica) -> None:
        """The hub's answer, delivered as the session delivers it."""
        replica.pending.pop(command_id, None)
        for callback in self.on_result:
            callback(command_id, result)


class World:
    """A replica with the sample baseline and a helper to raise alerts with increasing seq."""

    def __init__(self, read_only: bool = False):
        self.replica = Replica()
        self.sink = RecordingSink()
        self.controller = Controller(self.replica, self.sink, read_only=read_only)
        self.selection = Selection()
        self.seq = 1
        self.replica.apply_event(baseline_event(sample_baseline(), self.seq))

    def raise_alert(self, n: int, **kw) -> str:
        self.seq += 1
        alert = sample_alert(n, **kw)
        self.replica.apply_event(alert_event(alert, self.seq))
        return f"I-{alert.id}"

    def event(self, type_: str, body: m.Body, ts: float) -> None:
        self.seq += 1
        self.replica.apply_event(Message(type_, body, seq=self.seq, ts=ts))

    def freeze_clock(self, hub_time: float) -> None:
        """Pin the replica's hub clock (rate 0) so countdowns are deterministic."""
        link = self.replica.link
        link.clock, link.clock_wall, link.clock_rate = hub_time, time.time(), 0.0


@pytest.fixture
def world():
    return World()


@pytest.fixture
def queue(qtbot, world):
    w = AlertQueue(world.replica, world.controller, world.selection, sound=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    w.refresh(world.replica.take_changes())
    return w


def _selected_row_with(queue: AlertQueue, iid: str) -> None:
    queue.select_row(queue.model.row_of(iid))
    queue.view.setFocus()


# ---------------------------------------------------------------- alert queue: model

def test_burst_of_500_alerts_is_one_insert(qtbot, world, queue):
    inserts: list[tuple[int, int]] = []
    queue.model.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    for n in range(500):
        world.raise_alert(n, severity=("info", "warning", "critical")[n % 3])
    queue.refresh(world.replica.take_changes())
    assert inserts == [(0, 499)]
    assert queue.model.rowCount() == 500
    # and a second, smaller burst on top is again one insert
    for n in range(500, 520):
        world.raise_alert(n)
    queue.refresh(world.replica.take_changes())
    assert len(inserts) == 2 and inserts[1] == (500, 519)


def test_queue_sorts_critical_first_then_oldest(world, queue):
    world.raise_alert(1, severity="info")
    world.raise_alert(2, severity="warning")
    world.raise_alert(3, severity="critical")
    world.raise_alert(4, severity="critical")
    queue.refresh(world.replica.take_changes())
    assert queue.model.incident_ids() == ["I-A00003", "I-A00004", "I-A00002", "I-A00001"]
    # a later critical still lands above every warning, and the selection stays on its incident
    _selected_row_with(queue, "I-A00002")
    world.raise_alert(5, severity="critical")
    queue.refresh(world.replica.take_changes())
    assert queue.model.incident_ids()[:3] == ["I-A00003", "I-A00004", "I-A00005"]
    assert queue.current_incident() == "I-A00002"


def test_closed_incidents_leave_the_queue_unless_shown(world, queue):
    iid = world.raise_alert(1)
    queue.refresh(world.replica.take_changes())
    world.event("incident_false_alarm", m.IncidentStep(incident=iid, actor="x"), SAMPLE_DAY_START + 100)
    queue.refresh(world.replica.take_changes())
    assert queue.model.rowCount() == 0
    queue.closed_check.setChecked(True)
    assert queue.model.incident_ids() == [iid]


def test_filters_by_type_and_town(world, queue):
    world.raise_alert(1, kind="animal")
    world.raise_alert(2, kind="fire_hazard", town="T2", grid="G3", x=2250)
    queue.refresh(world.replica.take_changes())
    queue.kind_combo.setCurrentIndex(queue.kind_combo.findData("animal"))
    assert queue.model.incident_ids() == ["I-A00001"]
    queue.kind_combo.setCurrentIndex(0)
    queue.town_combo.setCurrentIndex(queue.town_combo.findData("T2"))
    assert queue.model.incident_ids() == ["I-A00002"]


def test_countdown_turns_amber_then_red_and_shows_met(world, queue):
    iid = world.raise_alert(1)
    queue.refresh(world.replica.take_changes())
    created = world.replica.state.incidents[iid].created_at
    model = queue.model

    def cell() -> tuple[str, str]:
        model.refresh(ChangeSet())
        idx = model.index(model.row_of(iid), AlertQueueModel.COL_COUNTDOWN)
        return model.data(idx), model.data(idx, Qt.ItemDataRole.ForegroundRole).color().name()

    world.freeze_clock(created + 10)
    assert cell() == ("0:50", QColor(theme.COUNTDOWN_OK).name())
    world.freeze_clock(created + 45)
    assert cell() == ("0:15", QColor(theme.COUNTDOWN_AMBER).name())
    world.freeze_clock(created + 72)
    text, colour = cell()
    assert text == "overdue 0:12" and colour == QColor(theme.COUNTDOWN_RED).name()
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="V1", actor="me"),
                created + 37)
    model.refresh(world.replica.take_changes())
    assert cell() == ("✓ 37 s", QColor(theme.COUNTDOWN_MET).name())


# ---------------------------------------------------------------- keys → commands (window-wide shortcuts)

@pytest.fixture
def desk_window(qtbot, world, qsettings):
    """A main window over the world, active, its tick driven by the test."""
    from console.ui.shell.main_window import MainWindow

    win = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(1600, 900)
    win.show()
    activate(qtbot, win)
    return win


def test_enter_dispatches_the_recommendation_once_with_focus_in_another_pane(qtbot, world, desk_window):
    iid = world.raise_alert(1, severity="critical")
    desk_window.refresh_now()
    assert desk_window.selection.incident == iid, "a critical alert is selected by itself"
    best = world.controller.recommendations(iid, limit=1)[0]
    target = press(desk_window, Qt.Key.Key_Return)
    assert desk_window.camera_wall.isAncestorOf(target), "the focus sat in the camera wall"
    assert world.sink.of("cmd.dispatch") == [m.CmdDispatch(incident=iid, resource=best.resource)]
    assert len(world.sink.commands) == 1
    desk_window.refresh_now()
    assert best.name in desk_window.toast.text()


def test_keys_acknowledge_escalate_false_alarm_ask_then_hold_for_the_undo_window(qtbot, world, desk_window):
    iid = world.raise_alert(1, severity="info")
    desk_window.selection.select_incident(iid)
    desk_window.refresh_now()
    flow = desk_window.flow
    press(desk_window, Qt.Key.Key_A)
    type_into_dialog(flow, "收到")
    press(desk_window, Qt.Key.Key_E)
    type_into_dialog(flow, "需区级协调")
    press(desk_window, Qt.Key.Key_F)  # on an info alert: no reason asked
    assert flow.dialog is None
    assert world.sink.commands == [], "held for the undo window, nothing sent yet"
    assert [e.code for e in desk_window.desk.entries] == ["cmd.acknowledge", "cmd.escalate", "cmd.false_alarm"]
    desk_window.desk.flush()  # the window is over (or the console closes): they go, in order
    assert [t for _, t, _ in world.sink.commands] == ["cmd.acknowledge", "cmd.escalate", "cmd.false_alarm"]
    assert world.sink.of("cmd.acknowledge") == [m.CmdIncident(incident=iid, note="收到")]
    assert world.sink.of("cmd.escalate") == [m.CmdIncident(incident=iid, note="需区级协调")]


def test_f_on_a_critical_asks_for_a_reason_and_undo_within_5_s_restores_the_row(qtbot, world, desk_window):
    iid = world.raise_alert(1, severity="critical", kind="crowd_density")
    desk_window.refresh_now()
    queue = desk_window.alerts
    assert queue.model.row_of(iid) is not None
    press(desk_window, Qt.Key.Key_F)
    dialog = desk_window.flow.dialog
    assert dialog is not None and dialog.isVisible(), "F on a critical asks first"
    assert dialog.reason.count() == len(glossary.FALSE_ALARM_REASONS) + 1  # and "choose a reason" first
    assert dialog.reason.currentData() is None, "no reason is chosen for the commander"
    QTest.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.isVisible() and world.sink.commands == [], "Enter without a reason does nothing"
    type_into_dialog(desk_window.flow, "树影", reason="misdetection")
    desk_window.refresh_now()
    assert queue.model.row_of(iid) is None, "the row leaves the queue at once"
    assert "False alarm" in desk_window.toast.text() and desk_window.toast.undo_button.isVisible()
    assert world.sink.commands == []
    press(desk_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    desk_window.refresh_now()
    assert queue.model.row_of(iid) is not None, "undo put the row back"
    desk_window.desk.flush()
    assert world.sink.commands == [], "an undone false alarm never reaches the hub"
    # and without undo it is sent once the window is over, with its reason code and the text
    press(desk_window, Qt.Key.Key_F)
    type_into_dialog(desk_window.flow, "树影", reason="misdetection")
    desk_window.desk.flush()
    assert world.sink.of("cmd.false_alarm") == [m.CmdIncident(incident=iid, note="[misdetection] 树影")]


def test_keys_typed_into_a_text_field_stay_there(qtbot, world, desk_window):
    iid = world.raise_alert(1, severity="critical")
    desk_window.refresh_now()
    roster = desk_window.panes["roster"]
    desk_window.docks["roster"].show()
    roster.search.setFocus()
    QTest.keyClicks(roster.search, "FAE")
    QTest.keyClick(roster.search, Qt.Key.Key_Return)
    assert roster.search.text() == "FAE"
    assert world.sink.commands == [] and desk_window.flow.dialog is None
    # a new critical alert does not take the focus away from the field
    world.raise_alert(2, severity="critical")
    desk_window.refresh_now()
    assert QApplication.focusWidget() is roster.search
    assert iid


def test_f1_lists_every_shortcut_and_the_help_menu_has_it(qtbot, world, desk_window):
    press(desk_window, Qt.Key.Key_F1)
    help_ = desk_window._help
    assert help_ is not None and help_.isVisible()
    rows = help_.rows()
    assert len(rows) == len(desk_window.shortcuts.shortcuts)
    assert any("Return" in k or "Enter" in k for k, _ in rows) and any("Ctrl+Z" in k for k, _ in rows)
    menus = [a.text() for a in desk_window.menuBar().actions()]
    assert "&Help" in menus


def test_arrows_move_and_follow_the_shared_selection(qtbot, world, queue):
    first = world.raise_alert(1, severity="critical")
    second = world.raise_alert(2, severity="warning")
    queue.refresh(world.replica.take_changes())
    _selected_row_with(queue, first)
    assert world.selection.incident == first
    qtbot.keyClick(queue.view, Qt.Key.Key_Down)
    assert world.selection.incident == second
    world.selection.select_incident(first)
    assert queue.current_incident() == first


def test_read_only_keys_send_nothing(qtbot, qsettings):
    from console.ui.shell.main_window import MainWindow

    w = World(read_only=True)
    win = MainWindow(w.replica, w.controller, settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.show()
    activate(qtbot, win)
    iid = w.raise_alert(1, severity="critical")
    win.refresh_now()
    win.selection.select_incident(iid)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_A, Qt.Key.Key_E, Qt.Key.Key_F):
        press(win, key)
    win.desk.flush()
    assert w.sink.commands == [] and win.flow.dialog is None


def test_new_critical_alert_signals_once_per_tick(qtbot, world, queue):
    world.raise_alert(1, severity="warning")
    world.raise_alert(2, severity="critical")
    world.raise_alert(3, severity="critical")
    with qtbot.waitSignal(queue.sig_critical, timeout=1000) as blocker:
        queue.refresh(world.replica.take_changes())
    assert blocker.args == ["I-A00003"]
    seen: list[str] = []
    queue.sig_critical.connect(seen.append)
    world.raise_alert(4, severity="warning")
    queue.refresh(world.replica.take_changes())
    assert seen == []


# ---------------------------------------------------------------- incident pane

@pytest.fixture
def incident_pane(qtbot, world):
    pane = IncidentPane(world.replica, world.controller, world.selection)
    qtbot.addWidget(pane)
    pane.resize(520, 900)
    pane.show()
    return pane


def test_incident_pane_shows_selection_and_dispatches_a_recommendation(qtbot, world, incident_pane):
    iid = world.raise_alert(1, kind="fire_hazard", town="T2", grid="G3", x=2250)
    incident_pane.refresh(world.replica.take_changes())
    world.selection.select_incident(iid)
    assert incident_pane.header.title_label.text() == world.replica.state.incidents[iid].title
    assert incident_pane.timeline_view.timeline.topLevelItemCount() == 1
    assert incident_pane.recommendations.recs.topLevelItemCount() > 0
    first = incident_pane.recommendations.recs.topLevelItem(0)
    resource = first.data(0, Qt.ItemDataRole.UserRole)
    button = incident_pane.recommendations.recs.itemWidget(first, 3)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert world.sink.of("cmd.dispatch") == [m.CmdDispatch(incident=iid, resource=resource)]
    assert "南山" in incident_pane.header.location_label.text()


def test_undo_cancels_the_task_the_dispatch_made(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.dispatch"), Qt.MouseButton.LeftButton)
    ((command_id, _, body),) = [c for c in world.sink.commands if c[1] == "cmd.dispatch"]
    undo = incident_pane.dispatch_line.undo_button
    assert undo.isVisible(), "the undo sits in the dispatch line at the top of the pane"
    assert "5" in undo.text()
    # the hub applies the dispatch (a task sent by this user appears on the incident) and answers
    inc = world.replica.state.incidents[iid]
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource=body.resource,
                                                    actor=world.controller.actor.name), inc.created_at + 3)
    world.sink.answer(command_id, m.Result(ok=True, seqs=[world.seq]), world.replica)
    incident_pane.refresh(world.replica.take_changes())
    assert incident_pane.task_list.tasks.topLevelItemCount() == 1
    assert incident_pane.task_list.tasks.topLevelItem(0).text(3).startswith("assembly:")
    who = world.replica.state.resources[body.resource]
    line = incident_pane.dispatch_line.text()
    assert who.name in line and " m · ≈ " in line, line
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert world.sink.of("cmd.cancel_task") == [m.CmdCancelTask(task=f"{iid}-T1", reason="undo")]
    assert not undo.isVisible()


def test_undo_of_a_plan_cancels_its_tasks_and_not_a_later_dispatch_by_the_same_user(qtbot, world, incident_pane,
                                                                                   english):
    iid = world.raise_alert(1, kind="crowd_density")
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.activate_plan"), Qt.MouseButton.LeftButton)
    ((command_id, _, _),) = [c for c in world.sink.commands if c[1] == "cmd.activate_plan"]
    undo = incident_pane.dispatch_line.undo_button
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)  # before the hub has answered: it waits
    assert undo.text() == "Undoing…" and world.sink.of("cmd.cancel_task") == []
    me = world.controller.actor.name
    free = [r.id for r in world.replica.state.resources.values() if r.status == "available"]
    t0 = world.replica.state.incidents[iid].created_at
    world.event("plan_activated", m.PlanActivated(incident=iid, plan="P01", actor=me), t0 + 2)
    seqs = [world.seq]
    for n, rid in enumerate(free[:3], start=1):
        world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T{n}", incident=iid, resource=rid,
                                                        actor=me, plan="P01"), t0 + 2)
        seqs.append(world.seq)
    # the same user (another desk) sends one more before this answer arrives: not part of the plan
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T4", incident=iid, resource=free[3], actor=me),
                t0 + 3)
    world.sink.answer(command_id, m.Result(ok=True, seqs=seqs), world.replica)
    assert [b.task for b in world.sink.of("cmd.cancel_task")] == [f"{iid}-T1", f"{iid}-T2", f"{iid}-T3"]
    incident_pane.refresh(world.replica.take_changes())
    assert not undo.isVisible()


def test_a_refused_dispatch_offers_no_undo(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.dispatch"), Qt.MouseButton.LeftButton)
    ((command_id, _, _),) = world.sink.commands
    world.sink.answer(command_id, m.Result(ok=False, code="conflict", message="taken"), world.replica)
    incident_pane.refresh(world.replica.take_changes())
    assert not incident_pane.dispatch_line.undo_button.isVisible()


def test_incident_actions_send_commands(qtbot, world, incident_pane):
    iid = world.raise_alert(1, kind="crowd_density")
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    assert "人群踩踏风险预案" in incident_pane.actions.button("cmd.activate_plan").text()
    flow = incident_pane.flow
    qtbot.mouseClick(incident_pane.actions.button("cmd.acknowledge"), Qt.MouseButton.LeftButton)
    type_into_dialog(flow, "")
    qtbot.mouseClick(incident_pane.actions.button("cmd.activate_plan"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(incident_pane.actions.button("cmd.escalate"), Qt.MouseButton.LeftButton)
    type_into_dialog(flow, "需区级协调")
    qtbot.mouseClick(incident_pane.actions.button("cmd.broadcast"), Qt.MouseButton.LeftButton)
    ask = incident_pane.actions.broadcast_dialog
    assert ask is not None and ask.isVisible(), "a broadcast asks which grids first"
    n_grids, n_people = ask.reach()
    assert n_grids >= 1 and n_people >= 1
    assert ask.preview.text() == f"Send to {n_grids} grids / {n_people} people"
    chosen = ask.grids()
    QTest.mouseClick(ask.buttons.button(ask.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert [t for _, t, _ in world.sink.commands] == ["cmd.activate_plan"], "the plan goes at once, the rest wait"
    flow.desk.flush()
    types = [t for _, t, _ in world.sink.commands]
    assert types == ["cmd.activate_plan", "cmd.acknowledge", "cmd.escalate", "cmd.broadcast"]
    sent = world.sink.of("cmd.broadcast")[0]
    assert sent.grids == chosen and sent.tag is None and "人群密度" in sent.text
    incident_pane.actions.coop_menu.aboutToShow.emit()  # what opening the menu does
    towns = [a.text() for a in incident_pane.actions.coop_menu.actions()]
    assert towns == ["南山镇"]
    incident_pane.actions.coop_menu.actions()[0].trigger()
    flow.desk.flush()
    assert world.sink.of("cmd.request_cooperation") == [m.CmdCooperation(incident=iid, to_center="T2")]


def test_handoff_buttons_only_when_offered_here(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.replica.link.center = "T2"
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    assert not incident_pane.actions.button("cmd.accept_handoff").isVisible()
    world.event("cooperation_requested", m.IncidentOffered(incident=iid, to_center="T2", actor="T1 值班长"),
                SAMPLE_DAY_START + 70)
    incident_pane.refresh(world.replica.take_changes())
    assert incident_pane.actions.button("cmd.accept_handoff").isVisible() and incident_pane.actions.button("cmd.accept_handoff").isEnabled()
    qtbot.mouseClick(incident_pane.actions.button("cmd.accept_handoff"), Qt.MouseButton.LeftButton)
    incident_pane.flow.desk.flush()
    assert world.sink.of("cmd.accept_handoff") == [m.CmdIncident(incident=iid)]


def test_read_only_incident_pane_has_no_enabled_action(qtbot):
    w = World(read_only=True)
    pane = IncidentPane(w.replica, w.controller, w.selection)
    qtbot.addWidget(pane)
    pane.show()
    iid = w.raise_alert(1)
    w.selection.select_incident(iid)
    pane.refresh(w.replica.take_changes())
    for key, button in pane.action_buttons().items():
        assert not (button.isVisible() and button.isEnabled()), key
    assert not pane.actions.isVisible()
    for i in range(pane.recommendations.recs.topLevelItemCount()):
        assert pane.recommendations.recs.itemWidget(pane.recommendations.recs.topLevelItem(i), 3) is None


# ---------------------------------------------------------------- main window

@pytest.fixture
def window(qtbot, world, qsettings):
    from console.ui.shell.main_window import MainWindow

    win = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()  # tests drive the tick themselves
    win.resize(1600, 900)
    win.show()
    return win


def test_conflict_notice_is_shown_in_banner_and_diagnostics(world, window):
    window.refresh_now()
    world.replica.notify("warning", "conflict", "王芳 is already on task I-A00001-T1, sent by 张三")
    window.refresh_now()
    assert "王芳 is already on task" in window.banner_text()
    assert window.banner.isVisible()
    assert "王芳 is already on task" in window.statusBar().currentMessage()
    assert any("王芳" in t for t in window.diagnostics.notice_texts())


def test_window_tick_refreshes_panes_and_pops_critical(qtbot, world, window):
    # A critical alert pops as it is applied (the early tick runs from the replica), not a tick later.
    with qtbot.waitSignal(window.sig_critical, timeout=1000):
        world.raise_alert(1, severity="critical", kind="animal")
    window.refresh_now()
    assert window.alerts.model.rowCount() == 1
    assert window.selection.incident == "I-A00001"
    assert "大型犬只" in window.banner_text()


def test_a_critical_alert_rings_once_across_the_urgent_and_the_regular_tick(qtbot, world, window):
    from console.ui.shell.main_window import URGENT_GAP_S

    window.refresh_now()
    rang: list[str] = []
    popped: list[str] = []
    window.alerts.sig_critical.connect(rang.append)  # the queue's sound plays with this signal
    window.sig_critical.connect(popped.append)  # banner, camera focus, selection
    qtbot.wait(int(URGENT_GAP_S * 1000) + 50)  # past the gap between early ticks
    incident = world.raise_alert(1, severity="critical", kind="animal")
    qtbot.waitUntil(lambda: window.alerts.model.row_of(incident) is not None, timeout=2000)  # the urgent tick
    assert rang == [incident]
    window.refresh_now()  # the next regular tick carries the same changes to the other panes
    window.refresh_now()
    assert rang == [incident] and popped == [incident]
    assert window.alerts.model.rowCount() == 1


def test_a_critical_alert_inside_the_urgent_gap_is_shown_without_a_regular_tick(qtbot, world, window):
    window.tick.stop()
    window.refresh_now()  # a tick just ran: the alert's early tick falls inside the gap after it
    incident = world.raise_alert(1, severity="critical", kind="animal")
    # it waits for the gap to end, not for a regular tick (there is none: the timer is stopped)
    qtbot.waitUntil(lambda: window.alerts.model.row_of(incident) is not None, timeout=2000)
    assert window.selection.incident == incident


def test_a_tick_refreshes_its_panes_in_steps_that_let_the_loop_run_and_a_forced_tick_runs_whole(
        qtbot, world, window, monkeypatch):
    import console.ui.shell.main_window as main_window

    monkeypatch.setattr(main_window, "TICK_SHARE", 1e9)  # no tick waits for the last one's cost
    window.refresh_now()
    monkeypatch.setattr(main_window, "TICK_SLICE_S", 0.0)  # every pane is a step of its own
    given: dict[str, object] = {}
    for name, pane in window.panes.items():
        if getattr(pane, "refresh", None) is not None:
            monkeypatch.setattr(pane, "refresh",
                                lambda changes, name=name, inner=pane.refresh: (given.__setitem__(name, changes),
                                                                                inner(changes)))
    world.raise_alert(1)  # a warning: no early tick
    window._on_tick()  # what the tick timer calls
    assert len(given) == 1, f"one step, then the loop: {sorted(given)}"
    window._on_tick()  # due while steps remain: it waits, the steps go on
    qtbot.waitUntil(lambda: not window._steps, timeout=2000)
    unstaggered = {n for n in given if n not in main_window.STAGGERED}
    assert unstaggered == {n for n, p in window.panes.items()
                           if getattr(p, "refresh", None) is not None and n not in main_window.STAGGERED}
    assert all(given[n].events for n in unstaggered), "each pane got the tick's changes"
    assert window.alerts.model.rowCount() == 1
    given.clear()
    world.raise_alert(2)
    window.refresh_now()  # forced: every pane, at once
    assert set(given) == {n for n, p in window.panes.items() if getattr(p, "refresh", None) is not None}


def test_after_a_heavy_tick_the_next_one_only_pulls_video_and_the_changes_wait(qtbot, world, window, monkeypatch):
    import console.ui.shell.main_window as main_window

    monkeypatch.setattr(main_window, "TICK_SHARE", 1e-9)  # every tick counts as heavy: the next waits long
    window.refresh_now()
    given: dict[str, object] = {}
    for name, pane in window.panes.items():
        if getattr(pane, "refresh", None) is not None:
            monkeypatch.setattr(pane, "refresh",
                                lambda changes, name=name, inner=pane.refresh: (given.__setitem__(name, changes),
                                                                                inner(changes)))
    world.raise_alert(1)
    window._on_tick()  # what the tick timer calls
    video = {n for n, p in window.panes.items() if getattr(p, "refresh_every_tick", False)}
    assert set(given) == video, "only the panes that pull video every tick"
    assert window.alerts.model.rowCount() == 0 and window.replica._changes, "the alert waits in the replica"
    window.refresh_now()  # a forced tick is never held back
    assert window.alerts.model.rowCount() == 1


def test_tick_timer_drives_refresh(qtbot, world, window):
    window.tick.start()
    world.raise_alert(1)
    qtbot.waitUntil(lambda: window.alerts.model.rowCount() == 1, timeout=2000)


def test_layout_is_saved_per_role(qtbot, world, window, qsettings):
    window.docks["diagnostics"].show()
    window.save_layout()
    assert qsettings.value("layout/commander") is not None
    from console.ui.shell.main_window import MainWindow

    again = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(again)
    again.tick.stop()
    assert not again.docks["diagnostics"].isHidden()


def test_wall_mode_has_no_enabled_dispatch_control(qtbot, qsettings):
    from console.ui.shell.main_window import MainWindow
    from console.ui.common.theme import apply_theme
    from console.ui.shell.wall import apply_wall_mode

    w = World(read_only=True)
    win = MainWindow(w.replica, w.controller, wall=True, role_key="wall", settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    try:
        apply_wall_mode(win, 0)
        iid = w.raise_alert(1, severity="critical")
        win.refresh_now()
        w.selection.select_incident(iid)
        win.refresh_now()
        for key, button in win.incident_pane.action_buttons().items():
            assert not (button.isVisible() and button.isEnabled()), key
        win.show()
        activate(qtbot, win)
        press(win, Qt.Key.Key_Return)
        assert w.sink.commands == []
    finally:
        from PySide6.QtWidgets import QApplication
        apply_theme(QApplication.instance(), wall=False)


def test_status_bar_marks_exercise_mode(world, window):
    world.replica.link.mode = "exercise"
    world.replica.link.state = "online"
    window.refresh_now()
    assert "演练" in window.status.mode_text()
    assert "EXERCISE" in window.status.mode_text()


# ---------------------------------------------------------------- languages

def test_chinese_and_english_both_load(qtbot, qapp, world):
    try:
        assert install_translator(qapp, "zh") == "zh_CN"
        zh = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(zh)
        assert zh.actions.button("cmd.acknowledge").text() == "确认"
        assert kind_label("animal") == "动物"
        assert status_label("dispatched") == "已派遣"
        assert install_translator(qapp, "en") == "en"
        en = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(en)
        assert en.actions.button("cmd.acknowledge").text() == "Acknowledge"
        assert kind_label("animal") == "Animal"
    finally:
        install_translator(qapp, "en")


def test_theme_has_a_cjk_font(qapp):
    from console.ui.common.theme import RESOURCE_STATUS_COLORS, apply_theme

    family = apply_theme(qapp)
    assert family is not None, "no CJK font installed: Chinese would render as tofu"
    assert set(RESOURCE_STATUS_COLORS) == {"off_duty", "available", "dispatched", "en_route", "on_scene", "busy"}


# ---------------------------------------------------------------- async on the qasync loop

async def test_qt_timers_fire_inside_async_tests(qapp):
    """The tests/ui loop factory gives async tests a qasync loop, so QTimer fires while awaiting."""
    fired = asyncio.get_running_loop().create_future()
    QTimer.singleShot(10, lambda: fired.set_result(True))
    assert await asyncio.wait_for(fired, 2.0)


def test_a_command_not_yet_confirmed_shows_as_pending_until_its_answer(qtbot, world, queue, english):
    iid = world.raise_alert(1, severity="critical")
    queue.refresh(world.replica.take_changes())
    status = queue.model.index(queue.model.row_of(iid), queue.model.COL_STATUS)
    assert "Pending" not in status.data()
    command_id = world.controller.acknowledge(iid).id
    queue.refresh(world.replica.take_changes())
    assert "Pending" in status.data()
    world.replica.pending.pop(command_id)  # the hub answered (the session does this)
    queue.refresh(world.replica.take_changes())
    assert "Pending" not in status.data()


# ---------------------------------------------------------------- the domain's codes in words

def _texts(tree, col: int) -> list[str]:
    return [tree.topLevelItem(i).text(col) for i in range(tree.topLevelItemCount())]


def _worked_incident(world: World) -> str:
    """A crowd incident with a plan short of police and a task declined with a note."""
    from console.domain.model import FIELD_SOURCE, PlanRole

    iid = world.raise_alert(1, kind="crowd_density")
    t0 = world.replica.state.incidents[iid].created_at
    world.event("plan_activated", m.PlanActivated(incident=iid, plan="PL-CROWD", actor="值班长 王敏",
                                                  missing=[PlanRole(kind="police", count=1)]), t0 + 70)
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="V1",
                                                    actor="值班长 王敏", plan="PL-CROWD"), t0 + 70)
    world.event("task_declined", m.TaskStep(task=f"{iid}-T1", actor=FIELD_SOURCE, note="在处置另一起"), t0 + 80)
    world.freeze_clock(t0 + 95)
    return iid


@pytest.mark.parametrize("lang, words", [
    ("zh", {"steps": ["预警", "启动预案", "已派遣", "任务被拒绝", "已上报"],
            "plan": "人群踩踏风险预案 缺：民警 ×1", "declined": "王芳：在处置另一起", "escalated": "→ 滨江区：需区级协调",
            "field": "现场（模拟）", "breach": "响应已 95 秒，超过 60 秒（无人在途）", "reason": "最近的志愿者："}),
    ("en", {"steps": ["Raised", "Plan activated", "Dispatched", "Task declined", "Escalated"],
            "plan": "人群踩踏风险预案 missing: Police ×1", "declined": "王芳: 在处置另一起",
            "escalated": "→ 滨江区: 需区级协调", "field": "Field (simulated)", "breach": "response 95 s > 60 s (nobody on the way)",
            "reason": "nearest volunteer: "}),
])
def test_the_incident_pane_says_timeline_breaches_and_reasons_in_the_chosen_language(qtbot, qapp, world, lang,
                                                                                     words):
    try:
        install_translator(qapp, lang)
        iid = _worked_incident(world)
        pane = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(pane)
        world.selection.select_incident(iid)
        pane.refresh(world.replica.take_changes())
        assert pane.promises.reason_label.text() == words["breach"]
        # each recommendation: its reason in words, and an ETA figure of its own
        etas, why = _texts(pane.recommendations.recs, 1), _texts(pane.recommendations.recs, 2)
        assert len(etas) >= 2 and len(set(etas)) == len(etas), etas
        assert why[0].startswith(words["reason"]) and etas[0].split(" · ")[1] in why[0]
        # 王芳 declined this incident: not recommended again, and the reason says so
        assert "王芳" not in _texts(pane.recommendations.recs, 0)[0] and "王芳" in why[0], why[0]
        inc = world.replica.state.incidents[iid]
        world.event("incident_escalated", m.IncidentOffered(incident=iid, to_center="D", actor="值班长 王敏",
                                                            note="需区级协调"), inc.created_at + 90)
        pane.refresh(world.replica.take_changes())
        assert _texts(pane.timeline_view.timeline, 2) == words["steps"]
        detail = _texts(pane.timeline_view.timeline, 3)
        assert detail[1] == words["plan"] and detail[2] == "王芳"
        assert detail[3] == words["declined"] and detail[4] == words["escalated"]
        assert _texts(pane.timeline_view.timeline, 1)[3] == words["field"]
        assert not any(code in " ".join(why + detail) for code in ("nearest_of_role", "next_of_role", "PL-CROWD"))
    finally:
        install_translator(qapp, "en")


def test_a_staggered_pane_gets_what_arrived_on_the_other_phase_even_when_its_own_ticks_are_empty(
        qtbot, world, window, monkeypatch):
    # Events that always land on the roster's ticks (the hub's 10 Hz slices against our
    # 20 Hz ticks) once left the map without a single refresh for a whole P4 run.
    import console.ui.shell.main_window as main_window

    monkeypatch.setattr(main_window, "TICK_SHARE", 1e9)  # no tick waits for the last one's cost
    window.refresh_now()
    given: list[object] = []
    inner = window.panes["map"].refresh
    monkeypatch.setattr(window.panes["map"], "refresh", lambda changes: (given.append(changes), inner(changes)))
    if (window._tick_no + 1) % 2 == main_window.STAGGERED["map"]:
        window._on_tick()  # so that the next tick is the other phase's
    given.clear()
    world.raise_alert(1)  # a warning: no early tick
    window._on_tick()  # the roster's tick: the map's share waits in its backlog
    assert given == []
    window._on_tick()  # the map's tick, with nothing new: it still gets what it is owed
    assert len(given) == 1 and given[0].events >= 1 and given[0].incidents
