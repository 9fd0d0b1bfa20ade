"""Keys → commands on the main window (window-wide shortcuts): Enter dispatches, A/E/F ask then
hold for the undo window, typing stays in text fields, F1 lists the shortcuts, read-only sends nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.protocol import messages as m
from console.ui.common import glossary
from tests.ui.keys import activate, press, type_into_dialog
from tests.ui.world import World

pytestmark = pytest.mark.ui


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
