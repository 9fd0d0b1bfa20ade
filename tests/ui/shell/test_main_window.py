"""The main window over a real Replica: banners and notices, the UI tick (urgent, stepped, held
back, staggered), layouts per role, wall mode and the exercise mark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.ui.shell.registry import spec
from tests.ui.keys import activate, press
from tests.ui.world import World

pytestmark = pytest.mark.ui


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


def test_a_new_hub_log_is_said_in_words_not_as_its_code_and_diagnostic(world, window):
    from console.ui.common import glossary
    from console.ui.common.i18n import current_lang

    window.refresh_now()
    world.replica.notify("warning", "other_log", "this hub's log is not the one the screen came from")
    window.refresh_now()
    shown = window.banner_text()
    assert shown == glossary.notice_sentence("other_log", current_lang()) and shown
    assert "other_log" not in shown and "this hub's log" not in shown


def test_window_tick_refreshes_panes_and_pops_critical(qtbot, world, window):
    # A critical alert pops as it is applied (the early tick runs from the replica), not a tick later.
    with qtbot.waitSignal(window.sig_critical, timeout=1000):
        world.raise_alert(1, severity="critical", kind="animal")
    window.refresh_now()
    assert window.alerts.model.rowCount() == 1
    assert window.selection.incident == "I-A00001"
    assert "大型犬只" in window.banner_text()


def test_a_critical_alert_rings_once_across_the_urgent_and_the_regular_tick(qtbot, world, window):
    from console.ui.shell.tick import URGENT_GAP_S

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


def test_a_warning_alert_gets_its_row_from_an_early_tick_unless_the_hubs_frames_wait(qtbot, world, window):
    # No regular tick runs here (the timer is stopped): only the alert's own early tick can show it.
    window.refresh_now()
    incident = world.raise_alert(1)  # a warning
    qtbot.waitUntil(lambda: window.alerts.model.row_of(incident) is not None, timeout=2000)
    assert "大型犬只" not in window.banner_text() and window.selection.incident != incident, "no critical focus"

    # While the hub's frames wait (a flood), another alert's early tick gives way: the regular tick brings it.
    world.replica.input_pending = lambda: True
    incident = world.raise_alert(2)
    qtbot.waitUntil(lambda: not window.tick._urgent_due, timeout=2000)  # its early tick came and gave way
    assert window.alerts.model.row_of(incident) is None
    window.refresh_now()
    assert window.alerts.model.row_of(incident) is not None


def test_the_windows_paints_hold_the_next_tick_back_only_while_the_hubs_frames_wait(
        qtbot, world, window, monkeypatch):
    import console.ui.shell.tick as tick

    monkeypatch.setattr(tick, "TICK_WAIT_MAX_S", 3600.0)  # a tick held back would wait the hour
    monkeypatch.setattr(tick, "ROW_GAP_S", 3600.0)  # and no early tick shows the row meanwhile
    window.refresh_now()
    pending = [True]
    world.replica.input_pending = lambda: pending[0]
    incident = world.raise_alert(1)  # a warning
    window.tick.spent(60.0)  # a minute of the window's own paints (live tiles) since the last tick
    window.tick.run()  # what the tick timer calls: frames wait, so the paints' share holds it back
    assert window.alerts.model.row_of(incident) is None
    pending[0] = False  # nothing waits: the paints alone do not hold the tick back
    qtbot.waitUntil(lambda: (window.tick.run(), window.alerts.model.row_of(incident))[1] is not None, timeout=2000)


def test_a_tick_refreshes_its_panes_in_steps_that_let_the_loop_run_and_a_forced_tick_runs_whole(
        qtbot, world, window, monkeypatch):
    import console.ui.shell.tick as tick

    monkeypatch.setattr(tick, "TICK_SHARE", 1e9)  # no tick waits for the last one's cost
    window.refresh_now()
    monkeypatch.setattr(tick, "TICK_SLICE_S", 0.0)  # every pane is a step of its own
    given: dict[str, object] = {}
    for name, pane in window.panes.items():
        monkeypatch.setattr(pane, "refresh",
                            lambda changes, name=name, inner=pane.refresh: (given.__setitem__(name, changes),
                                                                            inner(changes)))
    world.raise_alert(1)  # a warning
    window.tick.run()  # what the tick timer calls
    assert len(given) == 1, f"one step, then the loop: {sorted(given)}"
    window.tick.run()  # due while steps remain: it waits, the steps go on
    qtbot.waitUntil(lambda: not window.tick.busy, timeout=2000)
    unstaggered = {n for n in given if spec(n).phase is None}
    shown = {n for n in window.panes if window.panes[n].isVisible()}
    assert unstaggered == {n for n in window.panes if spec(n).phase is None and (n in shown or spec(n).every_tick)}
    assert all(given[n].events for n in unstaggered), "each pane got the tick's changes"
    assert window.alerts.model.rowCount() == 1
    # a pane behind another tab waits until it is shown, then gets what it missed
    assert "diagnostics" not in shown and "diagnostics" not in given
    window.docks["diagnostics"].toggleViewAction().trigger()  # View → Diagnostics
    window.docks["diagnostics"].raise_()
    qtbot.waitUntil(lambda: window.panes["diagnostics"].isVisible(), timeout=2000)
    window.tick.run()
    qtbot.waitUntil(lambda: not window.tick.busy, timeout=2000)
    assert given["diagnostics"].events, "the changes it missed while hidden"
    given.clear()
    world.raise_alert(2)
    window.refresh_now()  # forced: every pane, at once, shown or not
    assert set(given) == set(window.panes)


def test_after_a_heavy_tick_the_next_one_only_pulls_video_and_the_changes_wait(qtbot, world, window, monkeypatch):
    import console.ui.shell.tick as tick

    monkeypatch.setattr(tick, "TICK_SHARE", 1e-9)  # every tick counts as heavy: the next waits long
    window.refresh_now()
    given: dict[str, object] = {}
    for name, pane in window.panes.items():
        monkeypatch.setattr(pane, "refresh",
                            lambda changes, name=name, inner=pane.refresh: (given.__setitem__(name, changes),
                                                                            inner(changes)))
    world.raise_alert(1)
    window.tick.run()  # what the tick timer calls
    video = {n for n in window.panes if spec(n).every_tick}
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


def test_a_staggered_pane_gets_what_arrived_on_the_other_phase_even_when_its_own_ticks_are_empty(
        qtbot, world, window, monkeypatch):
    # Events that always land on the roster's ticks (the hub's 10 Hz slices against our
    # 20 Hz ticks) once left the map without a single refresh for a whole P4 run.
    import console.ui.shell.tick as tick

    monkeypatch.setattr(tick, "TICK_SHARE", 1e9)  # no tick waits for the last one's cost
    # each tick runs whole: on a busy machine a slice could end before the map's step (this is
    # about the backlog, not the slices)
    monkeypatch.setattr(tick, "TICK_SLICE_S", 60.0)
    window.refresh_now()
    given: list[object] = []
    inner = window.panes["map"].refresh
    monkeypatch.setattr(window.panes["map"], "refresh", lambda changes: (given.append(changes), inner(changes)))
    if (window.tick.number + 1) % 2 == spec("map").phase:
        window.tick.run()  # so that the next tick is the other phase's
    given.clear()
    world.raise_alert(1)  # a warning: no early tick
    window.tick.run()  # the roster's tick: the map's share waits in its backlog
    assert given == []
    window.tick.run()  # the map's tick, with nothing new: it still gets what it is owed
    assert len(given) == 1 and given[0].events >= 1 and given[0].incidents


def test_an_early_tick_gives_the_queue_only_the_new_rows_and_every_pane_gets_every_change_once(
        qtbot, world, window, monkeypatch):
    """The early tick shows the new rows alone (the warning's with the critical's); the regular tick after
    it carries the rest to the queue and everything to the other panes, each new alert exactly once
    (nothing lost, nothing rung twice)."""
    window.refresh_now()
    given: dict[str, list] = {}
    for name, pane in window.panes.items():
        monkeypatch.setattr(pane, "refresh",
                            lambda changes, name=name, inner=pane.refresh, **kw: (
                                given.setdefault(name, []).append(changes), inner(changes, **kw)))
    warning = world.raise_alert(1, severity="warning", kind="animal")
    critical = world.raise_alert(2, severity="critical", kind="animal")
    qtbot.waitUntil(lambda: window.alerts.model.row_of(critical) is not None, timeout=2000)  # the early tick
    early = given["alerts"]
    assert len(early) == 1 and early[0].incidents == {warning, critical}, "the early tick: the new rows"
    assert set(given) == {"alerts"}, "the other panes wait for the regular tick"
    window.refresh_now()
    assert window.alerts.model.row_of(warning) is not None
    queue_new = [a for c in given["alerts"] for a in c.new_alerts]
    assert sorted(queue_new) == sorted(set(queue_new)) and len(queue_new) == 2, queue_new
    incident_pane = [a for c in given["incident"] for a in c.new_alerts]
    assert len(incident_pane) == 2 and set(incident_pane) == set(queue_new), "every pane: both alerts, once"


def test_two_criticals_inside_the_focus_gap_are_both_shown_at_once_and_the_newer_takes_the_stage_after(
        qtbot, world, window):
    """Both rows are in the queue at once; the focus (banner, camera) moves to the first now and to the
    newer one when the gap ends, never back and forth for each."""
    window.refresh_now()
    popped: list[str] = []
    window.sig_critical.connect(popped.append)
    first = world.raise_alert(1, severity="critical", kind="animal")
    qtbot.waitUntil(lambda: popped == [first], timeout=2000)
    second = world.raise_alert(2, severity="critical", kind="crowd_density")
    qtbot.waitUntil(lambda: window.alerts.model.row_of(second) is not None, timeout=2000)
    assert popped == [first], "the newer one waits for the gap; its row does not"
    qtbot.waitUntil(lambda: popped == [first, second], timeout=3000)
    assert window.selection.incident == first, "the commander's selection is not taken away"
