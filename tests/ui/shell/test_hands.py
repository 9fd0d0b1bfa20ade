"""The commander's hands: a declined dispatch asks again and skips the decliner; the alarm lasts until acknowledged.

A real Replica fed real events and a Controller with a recording sink (tests/ui/world.py);
keys go to the active window's focused widget, never to the queue.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from console.domain.model import FIELD_SOURCE
from console.protocol import messages as m
from console.ui.common import theme
from console.ui.common.i18n import install_translator
from console.ui.panes.alerts.model import AlertQueueModel, selected_foreground
from tests.ui.keys import activate, press
from tests.ui.world import World

pytestmark = pytest.mark.ui


@pytest.fixture
def world():
    return World()


@pytest.fixture
def win(qtbot, qapp, world, qsettings):
    from console.ui.shell.main_window import MainWindow

    install_translator(qapp, "en")
    qsettings.setValue("alarm/repeat_critical_s", 0.0)  # ring on every alarm tick: the test counts them
    qsettings.setValue("alarm/repeat_warning_s", 0.0)
    w = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(w)
    w.tick.stop()
    w.alarm.timer.stop()  # the test ticks the alarm itself
    w.resize(1600, 900)
    w.show()
    activate(qtbot, w)
    return w


def _cell(win, iid: str, col: int) -> tuple[str, str]:
    model = win.alerts.model
    idx = model.index(model.row_of(iid), col)
    return model.data(idx), model.data(idx, Qt.ItemDataRole.ForegroundRole).color().name()


def test_a_declined_dispatch_says_needs_redispatch_rings_and_enter_sends_someone_else(world, win):
    iid = world.raise_alert(1, severity="critical", kind="animal")
    win.refresh_now()
    press(win, Qt.Key.Key_Return)
    [(command_id, _, body)] = world.sink.commands
    first = body.resource
    t0 = world.replica.state.incidents[iid].created_at
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource=first,
                                                    actor=world.controller.actor.name), t0 + 34)
    world.sink.answer(command_id, m.Result(ok=True, seqs=[world.seq]), world.replica)
    world.event("task_declined", m.TaskStep(task=f"{iid}-T1", actor=FIELD_SOURCE, note="在处置另一起"), t0 + 50)
    world.freeze_clock(t0 + 55)
    win.refresh_now()
    rings = win.alarm.rings
    win.alarm.tick()

    status, colour = _cell(win, iid, AlertQueueModel.COL_STATUS)
    assert status == "⚠ Needs re-dispatch" and colour == QColor(theme.COUNTDOWN_RED).name()
    countdown, colour = _cell(win, iid, AlertQueueModel.COL_COUNTDOWN)
    assert "✓" not in countdown and colour == QColor(theme.COUNTDOWN_RED).name(), countdown
    assert "✓" not in win.incident_pane.promises.response_label.text()
    name = world.replica.state.resources[first].name
    line = win.incident_pane.dispatch_line.text()
    assert "Needs re-dispatch" in line and name in line, line
    assert "Needs re-dispatch" in win.banner_text() and name in win.banner_text()
    assert win.alarm.rings == rings + 1, "the notice rings"
    win.alarm.tick()
    assert win.alarm.rings == rings + 1, "once per decline, not on every tick"

    # Enter again: someone else, and the reason names who was skipped
    [best] = world.controller.recommendations(iid, limit=1)
    assert best.resource != first
    if best.kind == world.replica.state.resources[first].kind:
        assert best.skipped == (first,), "the reason names who was skipped"
    press(win, Qt.Key.Key_Return)
    second = world.sink.of("cmd.dispatch")[-1].resource
    assert second != first, "the person who declined is not sent again"


def test_no_answer_in_time_also_needs_redispatch(world, win):
    iid = world.raise_alert(1, severity="warning")
    t0 = world.replica.state.incidents[iid].created_at
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="W1", actor="me"),
                t0 + 10)
    world.freeze_clock(t0 + 20)
    win.refresh_now()
    assert _cell(win, iid, AlertQueueModel.COL_STATUS)[0] != "⚠ Needs re-dispatch"
    from console.domain import attention
    world.freeze_clock(t0 + 11 + attention.NO_ANSWER_S)
    win.refresh_now()
    assert _cell(win, iid, AlertQueueModel.COL_STATUS)[0] == "⚠ Needs re-dispatch"


def test_the_alarm_rings_and_flashes_until_acknowledged_and_says_once_that_it_is_silent(world, win, monkeypatch):
    monkeypatch.setattr("console.ui.shell.alarm.audio_available", lambda: False)
    iid = world.raise_alert(1, severity="critical", kind="animal")
    win.refresh_now()
    alarm = win.alarm
    alarm.tick()  # the first tick only starts the clock: the queue rang as the alert came
    lit = []
    for _ in range(4):
        alarm.tick()
        model = win.alerts.model
        lit.append(model.data(model.index(model.row_of(iid), 3), Qt.ItemDataRole.BackgroundRole) is not None)
    assert alarm.rings == 4, "it rings again while not acknowledged"
    assert lit == [True, False, True, False] or lit == [False, True, False, True], "the row flashes"
    assert win.alarm_strip.isVisible() and "Not acknowledged" in win.alarm_strip.text()
    assert "A: acknowledge" in win.alarm_strip.text(), "the key that answers it"
    was, world.replica.link.mode = world.replica.link.mode, "review"
    alarm.tick()
    assert win.alarm_strip.isHidden(), "no call to act in a review: nothing there can be acknowledged"
    world.replica.link.mode = was
    assert win.status.standing.isVisible() and "No audio device" in win.status.standing.text()
    said = [m for m in [win.status.standing.text()] if "No audio" in m]
    assert len(said) == 1
    world.event("incident_acknowledged", m.IncidentStep(incident=iid, actor="me"),
                world.replica.state.incidents[iid].created_at + 5)
    win.refresh_now()
    rings = alarm.rings
    alarm.tick()
    alarm.tick()
    assert alarm.rings == rings and not win.alarm_strip.isVisible(), "acknowledged: quiet"


def test_an_overdue_countdown_is_red_and_says_overdue_on_the_selected_row_too(world, win):
    iid = world.raise_alert(1, severity="critical")
    created = world.replica.state.incidents[iid].created_at
    world.freeze_clock(created + 80)
    win.refresh_now()
    win.alerts.select_row(win.alerts.model.row_of(iid))
    text, colour = _cell(win, iid, AlertQueueModel.COL_COUNTDOWN)
    assert text == "overdue 0:20" and colour == QColor(theme.COUNTDOWN_RED).name()
    view = win.alerts.view
    index = win.alerts.model.index(win.alerts.model.row_of(iid), AlertQueueModel.COL_COUNTDOWN)
    assert view.selectionModel().isRowSelected(index.row(), index.parent())
    option = QStyleOptionViewItem()
    option.state |= QStyle.StateFlag.State_Selected
    view.itemDelegateForIndex(index).initStyleOption(option, index)  # the delegate the view paints it with
    # still red, paled to read on the selection's blue (tests/ui/panes/alerts/test_selected_colour.py)
    shown = option.palette.color(QPalette.ColorRole.HighlightedText)
    assert shown.name() == selected_foreground(QColor(theme.COUNTDOWN_RED)).name()
    assert shown.red() > shown.green() and shown.red() > shown.blue()


def test_an_offline_banner_spans_the_top_while_the_link_is_down(world, win):
    link = world.replica.link
    link.state = "connecting"
    win.refresh_now()
    assert win.offline_bar.text() == "", "no banner while first connecting"
    link.state = "online"
    win.refresh_now()
    assert win.offline_bar.isHidden()
    link.state = "offline"
    win.refresh_now()
    assert win.offline_bar.isVisible() and win.offline_bar.text().startswith("OFFLINE")
    assert win.offline_bar.width() >= win.width() - 20, "across the whole window, not only the camera wall"
    link.state = "online"
    win.refresh_now()
    assert win.offline_bar.isHidden()


def test_the_header_shows_the_clock_marked_as_scenario_time_the_shift_and_who_is_on_duty(world, win):
    from console.domain.localtime import clock

    world.freeze_clock(1_764_548_400.0)  # 2025-12-01 08:20 in the center (UTC+8)
    link = world.replica.link
    link.user, link.role, link.mode = "值班长 王敏", "commander", "exercise"
    win.refresh_now()
    now, kind, shift, duty = win.header.texts()
    assert now == clock(world.replica.hub_now())
    assert kind == "scenario time (exercise)"
    assert shift.startswith("Day shift 08:00–20:00"), shift
    assert duty == "On duty: 值班长 王敏 (Commander)"
    link.mode = "live"
    win.refresh_now()
    assert win.header.texts()[1] == "local time"


def test_a_new_window_opens_maximised_and_a_saved_one_where_it_was(qtbot, world, qsettings):
    from console.ui.shell.main_window import MainWindow

    first = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(first)
    first.tick.stop()
    first.show_on_screen()
    assert first.isMaximized()
    first.showNormal()
    first.setGeometry(40, 30, 1700, 900)
    saved = first.size()
    first.save_layout()
    again = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(again)
    again.tick.stop()
    again.show_on_screen()
    # (offscreen clamps the restored size to its small screen: the point is it is restored, not maximised)
    assert again._geometry_restored and not again.isMaximized()
    assert saved.width() >= again.width()


def test_selecting_any_alert_focuses_its_camera_lists_nearby_ones_and_tiles_have_a_menu(qtbot, qsettings):
    from console.client.controller import Controller
    from console.ui.shell.main_window import MainWindow
    from tests.ui.panes.test_wall_map_roster import RecordingSink as Sink, World as MarathonWorld

    world = MarathonWorld()
    controller = Controller(world.replica, Sink())
    win = MainWindow(world.replica, controller, settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(1600, 900)
    win.show()
    wall = win.camera_wall
    cams = sorted(world.replica.state.cameras)
    camera = cams[len(cams) // 2]
    world.alert(camera, "I-W1", severity="warning")  # a warning: no critical pop-up, the selection does it
    win.refresh_now()
    assert wall.paging.focus != camera
    win.selection.select_incident("I-W1")
    assert wall.paging.focus == camera
    near = wall.nearby
    assert near and all(d1 <= d2 for (_, d1), (_, d2) in zip(near, near[1:])), near
    others = [c for c, _ in near if c != camera]
    assert set(others) <= set(wall.visible_cameras()), "nearby cameras sit next to the focus tile"
    if others:
        assert "Nearby" in wall.toolbar.focus_label.text() and others[0] in wall.toolbar.focus_label.text()

    other = next(c for c in wall.visible_cameras() if c != camera)
    menu = wall.tile_menu(other)
    words = [a.text() for a in menu.actions()]
    assert words == ["Focus this camera", "Full screen", "Show on map", "Play the last 30 s"]
    menu.actions()[1].trigger()
    assert wall.paging.solo == other
    wall.tile_menu(other).actions()[1].trigger()
    assert wall.paging.solo is None
    wall.tile_menu(other).actions()[0].trigger()
    assert wall.paging.focus == other
    wall.tile_menu(other).actions()[2].trigger()
    assert win.selection.camera == other and win.docks["map"].isVisible()


def test_the_map_zooms_centred_on_the_incident_labels_who_is_coming_declutters_and_tells_on_hover(qtbot):
    from console.ui.panes.map.widget import MapPane
    from console.ui.shell.selection import Selection
    from tests.ui.panes.test_wall_map_roster import World as MarathonWorld

    world = MarathonWorld()
    selection = Selection()
    pane = MapPane(world.replica, selection)
    qtbot.addWidget(pane)
    pane.resize(900, 700)
    pane.show()
    pane.refresh(world.replica.take_changes())
    pane.fit()
    shown = [lb.sceneBoundingRect() for lb in pane._town_labels if lb.isVisible()]
    assert shown and all(not a.intersects(b) for i, a in enumerate(shown) for b in shown[i + 1:]), \
        "no two visible town labels overlap"

    cams = sorted(world.replica.state.cameras)
    world.alert(cams[5], "I-M1")
    person = next(r for r in world.replica.state.resources.values() if r.status == "available")
    world.event("task_dispatched", m.TaskDispatched(task="I-M1-T1", incident="I-M1", resource=person.id, actor="me"))
    pane.refresh(world.replica.take_changes())
    selection.select_incident("I-M1")
    inc = world.replica.state.incidents["I-M1"]
    rect = pane.plot.getViewBox().viewRect()
    assert abs(rect.center().x() - inc.x) < rect.width() * 0.02 and abs(rect.center().y() - inc.y) < rect.height() * 0.02
    assert rect.width() < 5000, "zoomed in on the incident, not the whole area"
    [label] = pane.dispatched_labels()
    assert person.name in label and "min" in label, label
    xs, ys = pane.task_lines.getData()
    assert list(xs) == [person.x, inc.x] and list(ys) == [person.y, inc.y], "a line from the person to the incident"

    class _Point:
        def __init__(self, i):
            self._i = i

        def index(self):
            return self._i

    pane.hover.on_points(pane.people, [_Point(pane.people_layer.index[person.id])])
    assert person.name in pane.hover.text
    pane.hover.on_points(pane.incidents, [_Point(pane._incident_ids.index("I-M1"))])
    assert inc.title in pane.hover.text


def test_kpi_axes_read_whole_minutes_and_percent_and_crowd_gaps_are_not_joined(qtbot):
    import numpy as np

    from console.ui.panes.kpi.widget import KpiPane, MinutesAgoAxis, break_gaps

    axis = MinutesAgoAxis("bottom")
    [(major, _)] = axis.tickSpacing(-25.0, 0.0, 400)
    assert major >= 1 and float(major).is_integer()
    assert axis.tickStrings([-20.0, -10.0, 0.0], 1, major) == ["20", "10", "0"]
    pts = np.array([[0.0, 1.0], [60.0, 2.0], [1500.0, 3.0]])
    broken = break_gaps(pts)
    assert len(broken) == 4 and np.isnan(broken[2, 0]), "a 24-minute gap is a break, not a line"
    pane = KpiPane(World().replica)
    qtbot.addWidget(pane)
    ticks = pane.use_plot.getAxis("bottom")._tickLevels
    assert [v for v, _ in ticks[0]] == [0, 25, 50, 75, 100]


def test_closing_with_open_incidents_asks_first_and_no_keeps_the_console(world, win):
    from PySide6.QtWidgets import QMessageBox

    world.raise_alert(1, severity="critical")
    win.refresh_now()
    win.closing.ask = True
    win.closing.embedded_hub = True
    assert not win.close(), "Alt+F4 does not close at once"
    box = win.closing.question
    assert box is not None and box.isVisible() and "1 incidents" in box.text() and "demo" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.done(QMessageBox.StandardButton.No)
    assert win.isVisible()
    win.close()
    win.closing.question.done(QMessageBox.StandardButton.Yes)
    assert not win.isVisible()


def test_one_assembly_countdown_for_a_re_dispatched_task_and_its_incident(world, win):
    from console.domain.sla import incident_sla
    from console.domain.attention import assembly_left

    iid = world.raise_alert(1, severity="critical")
    t0 = world.replica.state.incidents[iid].created_at
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="W1", actor="me"), t0 + 10)
    world.event("task_declined", m.TaskStep(task=f"{iid}-T1", actor=FIELD_SOURCE), t0 + 30)
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T2", incident=iid, resource="V1", actor="me"), t0 + 50)
    world.freeze_clock(t0 + 60)
    now = world.replica.hub_now()
    task = world.replica.state.tasks[f"{iid}-T2"]
    inc = world.replica.state.incidents[iid]
    # the declined dispatch leaves no trace: the promise counts from the dispatch that stands (t0 + 50)
    assert assembly_left(world.replica.state, task, now) == incident_sla(inc, now).assembly_left_s == 590.0
    win.selection.select_incident(iid)
    win.refresh_now()
    rows = win.incident_pane.task_list.tasks
    texts = [rows.topLevelItem(i).text(3) for i in range(rows.topLevelItemCount())]
    assert "assembly: 9:50 left" in texts, texts
    assert "9:50" in win.incident_pane.promises.assembly_label.text()


def test_kpi_value_axes_print_only_as_many_labels_as_fit(qtbot):
    from PySide6.QtGui import QFontMetrics

    from console.ui.panes.kpi.widget import RoomyAxis, nice_step

    assert [nice_step(v) for v in (0.03, 0.1, 0.45, 3.0, 7.0)] == [0.05, 0.1, 0.5, 5.0, 10.0]
    crowd = RoomyAxis("left")
    line = QFontMetrics(crowd.font()).height()
    # a 40 px tall crowd plot over 0…0.45 people/m² (the desk's short dock): pyqtgraph drew 0.2 over 0.4
    ticks = [v for _, values in crowd.tickValues(0.0, 0.45, 40) for v in values]
    assert len(ticks) * 2 * line <= 40 + 2 * line, ticks
    tall = [v for _, values in crowd.tickValues(0.0, 0.45, 400) for v in values]
    assert len(tall) >= 4
    counts = RoomyAxis("left", whole=True)
    [(step, _)] = counts.tickSpacing(0.0, 1.2, 300)
    assert step >= 1 and counts.tickStrings([0.0, 1.0], 1, step) == ["0", "1"], "alerts are counted whole"
    from console.ui.panes.kpi.widget import MinutesAgoAxis

    ago = MinutesAgoAxis("bottom")
    ago.setLabel("minutes ago")
    ago.setRange(-0.002, 0.0)  # one reading: a span of milliseconds
    assert "x0.001" not in ago.labelString() and "(m" not in ago.labelString()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_queue_columns_fit_their_longest_kind_status_and_countdown(qtbot, qapp, world, qsettings, lang):
    from console.domain.model import ALERT_KINDS, INCIDENT_STATUSES
    from console.ui.common import glossary
    from console.ui.common.i18n import kind_label, status_label
    from console.ui.panes.alerts.widget import AlertQueue

    install_translator(qapp, lang)
    try:
        queue = AlertQueue(world.replica, world.controller, world.selection)
        qtbot.addWidget(queue)
        fm, header = queue.view.fontMetrics(), queue.view.horizontalHeader()
        for col, texts in ((AlertQueueModel.COL_KIND, [kind_label(k) for k in ALERT_KINDS]),
                           (AlertQueueModel.COL_STATUS, [status_label(s) for s in INCIDENT_STATUSES]),
                           (AlertQueueModel.COL_COUNTDOWN, [f"✓ {glossary.seconds(59, lang)}",
                                                            glossary.countdown(-599, lang)])):
            for text in texts:
                assert fm.horizontalAdvance(text) + 8 <= header.sectionSize(col), (lang, text)
    finally:
        install_translator(qapp, "en")


def test_no_detection_boxes_are_drawn_over_a_tile_without_video(qtbot):
    from PySide6.QtGui import QImage

    from console.domain.model import Detection
    from console.ui.panes.cameras.tile import CameraTile

    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.set_camera("CAM05", "滨江路 K1+420 桥下")
    tile.resize(480, 270)
    tile.set_alert(True, [Detection(label="person", score=0.9, x=0.2, y=0.3, w=0.4, h=0.4)], severity="warning")
    box = QColor(theme.DETECTION_BOX).rgb()

    def box_pixels() -> int:
        img = tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        return sum(img.pixel(x, y) == box for x in range(0, img.width(), 2) for y in range(0, img.height(), 2))

    assert box_pixels() == 0, "no frame yet ('waiting for video'): no boxes"
    frame = QImage(640, 360, QImage.Format.Format_RGB32)
    frame.fill(QColor("#404040"))
    tile.image = frame  # a decoded picture (how it arrives is the video pane's business)
    assert box_pixels() > 50, "with a picture the boxes are drawn"


def test_the_offline_banner_spans_the_top_even_from_a_layout_saved_with_it_beside_the_clock(qtbot, world, qsettings):
    from console.ui.shell.main_window import MainWindow

    old = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(old)
    old.tick.stop()
    old.removeToolBarBreak(old.header)  # the layout an older console saved: banner and clock on one line
    old.save_layout()
    old.close_without_asking()
    win = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(1600, 900)
    assert win.restore_layout()
    win.show()
    activate(qtbot, win)
    world.replica.link.state = "online"
    win.refresh_now()
    world.replica.link.state = "offline"
    win.refresh_now()
    qtbot.waitUntil(lambda: win.offline_bar.isVisible())
    assert win.offline_bar.width() >= win.width() - 20, "across the window, not a box beside the clock"
    assert win.offline_bar.geometry().bottom() <= win.header.geometry().top(), "above the header"
    assert win.header.isVisible()


def test_the_wall_header_names_its_account_once(world, win):
    link = world.replica.link
    link.user, link.role = "大屏", "wall"
    from console.ui.common.i18n import role_label

    link.user = role_label("wall")
    win.refresh_now()
    text = win.header.duty_label.text()
    assert text.count(role_label("wall")) == 1, text
    assert win.status.user_label.text().count(role_label("wall")) == 1, win.status.user_label.text()
    link.user, link.role = "值班长 王敏", "commander"
    win.refresh_now()
    assert f"值班长 王敏 ({role_label('commander')})" in win.header.duty_label.text()


def test_the_alarm_strip_names_the_critical_the_keys_act_on(world, win):
    """Two criticals: the strip's "A: acknowledge" names the newest, the one A acknowledges."""
    older = world.raise_alert(1, severity="critical", kind="animal")
    newer = world.raise_alert(2, severity="critical", kind="fall")
    win.refresh_now()
    win.alarm.tick()
    state = world.replica.state
    assert state.incidents[newer].created_at >= state.incidents[older].created_at
    assert state.incidents[newer].title in win.alarm_strip.text()
    assert state.incidents[newer].title in win.alerts.hint.text()
