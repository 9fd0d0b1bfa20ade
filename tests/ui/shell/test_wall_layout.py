"""The wall as a situation display: its own layout, nothing to click, following the duty commander.

The real MainWindow in wall mode at 1920×1080 on a replica fed real events.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QScrollBar

from console.protocol import messages as m
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
    win.wall_follow.timer.stop()
    win.refresh_now()
    qtbot.waitUntil(lambda: win.docks["map"].height() > 0 and win.docks["board"].width() > 0, timeout=3000)
    yield world, win
    apply_theme(qapp, wall=False)


def _geometry(win) -> dict[str, tuple[int, int, int, int]]:
    return {n: win.docks[n].geometry().getRect() for n in ("board", "map")}


def _settle(win, qapp) -> None:
    win.wall_follow.step()
    win.refresh_now()
    qapp.processEvents()


def test_the_wall_has_its_own_layout_a_map_over_half_the_screen_and_nothing_to_click(qtbot, qapp, wall):
    world, win = wall
    board, map_dock, central = win.docks["board"], win.docks["map"], win.centralWidget()
    # the map owns the right side, top to bottom; the board sits over the camera on the left
    assert map_dock.width() * map_dock.height() >= 0.45 * win.width() * win.height(), map_dock.geometry()
    assert map_dock.x() > central.x() and board.y() < central.y()
    assert abs(board.x() - central.x()) <= 2 and board.width() >= central.width() - 2
    # no queue and no incident pane with its buttons: those are for desks
    for name in ("alerts", "incident", "roster", "kpi", "cases"):
        dock = win.docks.get(name)
        assert dock is None or dock.isHidden(), name
    assert win.menuBar().isHidden()
    shown = [b for b in win.findChildren(QAbstractButton) if b.isVisibleTo(win)]
    assert shown == [], [b.text() or b.toolTip() for b in shown]
    # the status bar says online/offline and the mode, no diagnostics
    status = win.status
    assert status.link_label.isVisibleTo(win)
    for label in (status.rtt_label, status.seq_label, status.rate_label, status.outbox_label,
                  status.stall_label, status.alarm_label):
        assert not label.isVisibleTo(win)

    before = _geometry(win)
    world.raise_alert(1, severity="critical", title="人员密度超过阈值，请立即前往起点区东侧入口疏导并设置临时隔离")
    for n in range(2, 8):
        world.raise_alert(n, severity="warning")
    _settle(win, qapp)
    assert _geometry(win) == before, "no pane moves or changes size when alerts arrive"
    assert not [s for s in win.findChildren(QScrollBar) if s.isVisibleTo(win)], "no scroll bars on a wall"
    # the countdowns and figures in the wall's large type, not the size the board was made in
    wall_pt = qapp.font().pointSizeF()
    board = win.panes["board"]
    shown = [row for row in board.rows if row.isVisibleTo(win)]
    assert len(shown) == 7
    assert all(row.clock.font().pointSizeF() >= 1.4 * wall_pt for row in shown), wall_pt
    assert all(f.value.font().pointSizeF() >= 1.5 * wall_pt for f in board.figures)


def test_the_wall_follows_the_commander_else_the_most_urgent_and_names_the_commander(qtbot, qapp, wall):
    world, win = wall
    warning = world.raise_alert(1, severity="warning", camera=None)  # a grid worker's report: no camera
    critical = world.raise_alert(2, severity="critical", camera="CAM1")
    _settle(win, qapp)
    # nothing selected by the commander: the most urgent open one (the unacknowledged critical)
    assert (win.wall_follow.current.incident, win.wall_follow.current.why) == (critical, "urgent")
    assert win.selection.incident == critical
    assert win.camera_wall.paging.solo == "CAM1", "the critical's camera, large"
    view = win.panes["map"].plot.getViewBox().viewRect()
    inc = world.replica.state.incidents[critical]
    assert view.contains(inc.x, inc.y) and win.panes["map"]._zoom_point is None, "the whole area, the incident ringed"
    board = win.panes["board"]
    assert world.replica.state.incidents[critical].title in board.headline.text()

    world.replica.commander = m.CommanderSelected(name="值班长 王敏", incident=warning, at=0.0)
    _settle(win, qapp)
    assert (win.wall_follow.current.incident, win.wall_follow.current.why) == (warning, "commander")
    assert win.selection.incident == warning
    assert win.camera_wall.paging.solo is None, "no camera: the grid"
    assert "值班长 王敏" in board.why.text()
    assert "值班长 王敏" in win.header.duty_label.text() and "大屏" not in win.header.duty_label.text()

    # the commander lets go: back to the most urgent
    world.replica.commander = m.CommanderSelected(name="值班长 王敏", incident=None, at=0.0)
    _settle(win, qapp)
    assert win.wall_follow.current.incident == critical


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_boards_words_are_whole_at_1080(qtbot, qapp, wall, lang):
    from console.ui.common.i18n import install_translator

    world, win = wall
    install_translator(qapp, lang)
    try:
        for n in range(1, 5):
            world.raise_alert(n, severity="critical" if n == 1 else "warning", kind="animal")
        _settle(win, qapp)
        board = win.panes["board"]
        for fig in board.figures:
            for label in (fig.value, fig.caption):
                assert label.width() >= min(label.minimumSizeHint().width(), label.sizeHint().width()) - 1, \
                    (lang, label.text(), label.width())
                need = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
                assert label.height() >= need - 1, (lang, label.text(), label.height(), need)
        for label in (board.why, board.headline, board.where):
            assert label.height() >= label.heightForWidth(label.width()) - 1 or not label.wordWrap(), label.text()
        for row in board.rows:
            if row.isVisible():
                assert row.clock.width() >= row.clock.sizeHint().width() - 1, row.clock.text()
                assert row.what.width() >= row.what.sizeHint().width() - 1, row.what.text()
                assert row.title.toolTip() == row.title.text(), "a cut title says itself whole on hover"
    finally:
        install_translator(qapp, "en")


def test_a_wall_whose_panes_come_after_the_first_frame_still_says_what_it_follows(qtbot, qapp, qsettings, tmp_path):
    """The app builds the heavy panes after the first frame (defer_panes): the board joins the wall then."""
    from console.ui.common.theme import apply_theme
    from console.video.views import ViewStore
    from console.ui.shell.main_window import MainWindow
    from console.ui.shell.wall import apply_wall_mode

    world = World(read_only=True)
    win = MainWindow(world.replica, world.controller, wall=True, role_key="wall", settings=qsettings,
                     defer_panes=True)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(1920, 1080)
    try:
        apply_wall_mode(win, 0, full_screen=False)
        win.wall_follow.timer.stop()
        win.build_deferred_panes()
        iid = world.raise_alert(1, severity="critical")
        _settle(win, qapp)
        board = win.panes["board"]
        assert board.pick.incident == iid and world.replica.state.incidents[iid].title in board.headline.text()
        assert board.rows[0].clock.font().pointSizeF() >= 1.4 * qapp.font().pointSizeF()
        # saved views are a desk's: the wall shows no "Views" button even with shelves attached
        win.camera_wall.views.set_stores(ViewStore(tmp_path / "mine.json"), ViewStore(tmp_path / "shared.json"))
        assert not win.camera_wall.toolbar.views_button.isVisibleTo(win)
    finally:
        apply_theme(qapp, wall=False)
