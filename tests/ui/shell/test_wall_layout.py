"""The wall read across a room: a large map, whole reasons, a focus line that ends in "…", nothing moving.

The real MainWindow in wall mode at 1920×1080 on a replica fed real events.
"""

from __future__ import annotations

import pytest

from console.ui.panes.cameras.elided import ElidedLabel
from tests.ui.world import World

pytestmark = pytest.mark.ui


@pytest.fixture
def wall(qtbot, qapp, qsettings):
    from console.ui.common.theme import apply_theme
    from console.ui.shell.main_window import MainWindow
    from console.ui.shell.wall import apply_wall_mode

    world = World(read_only=True)
    win = MainWindow(world.replica, world.controller, wall=True, role_key="wall", settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(1920, 1080)
    apply_wall_mode(win, 0, full_screen=False)
    win.refresh_now()
    qtbot.waitUntil(lambda: win.docks["map"].height() > 0 and win.docks["alerts"].width() > 0, timeout=3000)
    yield world, win
    apply_theme(qapp, wall=False)


def _geometry(win) -> dict[str, tuple[int, int, int, int]]:
    return {n: win.docks[n].geometry().getRect() for n in ("alerts", "map", "incident")}


def test_the_wall_map_is_large_under_the_queue_and_nothing_moves_when_an_alert_arrives(qtbot, qapp, wall):
    world, win = wall
    alerts, map_dock, incident = (win.docks[n] for n in ("alerts", "map", "incident"))
    # the map shares the queue's column (the queue below is mostly empty on a wall), the incident has its own
    assert map_dock.x() == alerts.x() and map_dock.y() > alerts.y()
    assert incident.x() > win.centralWidget().x() + win.centralWidget().width() - 5
    central = win.centralWidget()
    assert map_dock.height() >= 0.55 * central.height(), (map_dock.height(), central.height())
    # under the incident it had 576×343 px at 1080p (9.5 % of the screen); now about 499×562 (13.5 %)
    assert map_dock.width() * map_dock.height() >= 0.125 * 1920 * 1080, "the map is a large part of the wall"
    assert incident.height() >= 0.9 * central.height(), "the incident runs the full height"

    before = _geometry(win)
    iid = world.raise_alert(1, severity="critical", title="人员密度超过阈值，请立即前往起点区东侧入口疏导并设置临时隔离")
    win.selection.select_incident(iid)
    win.refresh_now()
    qapp.processEvents()
    assert _geometry(win) == before, "no pane moves or changes size when an alert arrives"
    win.resize(1920, 1080)  # the same size again (a window manager's re-configure) changes nothing
    qapp.processEvents()
    assert _geometry(win) == before


def test_the_wall_shows_whole_reasons_wrapped_and_the_focus_line_elided_at_a_character(qtbot, qapp, wall):
    world, win = wall
    iid = world.raise_alert(1, severity="critical")
    win.selection.select_incident(iid)
    win.refresh_now()
    qapp.processEvents()
    scroll = win.incident_pane.scroll
    assert scroll.widget().width() <= scroll.viewport().width(), "no incident line cut at the right edge"
    recs = win.incident_pane.recommendations
    tree = recs.recs
    assert tree.topLevelItemCount() > 0, "someone is recommended"
    assert recs.wrapping and tree.wordWrap()
    fm = tree.fontMetrics()
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        reason, width = item.text(2), tree.columnWidth(2)
        lines = -(-fm.horizontalAdvance(reason) // max(1, width - 12))  # ceil: lines the reason needs
        rect = tree.visualItemRect(item)
        assert rect.height() >= min(lines, 3) * fm.height() * 0.9, (reason, width, rect.height())
    # every row is inside the list: nothing below its bottom edge to scroll to
    last = tree.visualItemRect(tree.topLevelItem(tree.topLevelItemCount() - 1))
    assert last.bottom() <= tree.viewport().height(), (last, tree.viewport().height())
    assert not tree.verticalScrollBar().isVisible()

    cams = win.panes["cameras"]
    camera = next(iter(world.replica.state.cameras))
    cams.focus_camera(camera)
    qapp.processEvents()
    line = cams.findChild(ElidedLabel, "focus_line")
    assert line.isVisible() and line.text().startswith("Focus: ")
    # on the wall the line has a row of its own, the column's width, below the layout buttons
    assert line.width() >= 0.9 * cams.width() and line.y() > cams.toolbar.tour_button.y()
    assert not line.is_elided(), f"the focused camera's line fits whole: {line.text()!r}"
    line.setText(line.text() + "  ·  " + "Nearby: " + ", ".join(f"CAM{i:02d} 滨江路 K{i}+120 起点区 40 m"
                                                               for i in range(12)))
    shown = line.shown_text()
    assert shown.endswith("…") and line.text().startswith(shown[:-1]), "cut at a whole character, marked"
    assert line.fontMetrics().horizontalAdvance(shown) <= line.contentsRect().width()
    assert line.toolTip() == line.text(), "the whole line in the tooltip"
    assert line.width() <= cams.width()
