"""English fits: no window wider than a 1920 px screen, in either language, on a desk and on a wall.

Measures the real MainWindow's and each pane's minimum width (minimumSizeHint) with alerts in the
queue, in Chinese and English, at the desk's type and at the wall's. The English desk once needed
1935 px (the map's key on one row): the right edge was cut off on a 1920 px screen.
"""

from __future__ import annotations

import pytest

from console.ui.shell.registry import PANES
from tests.ui.world import World

pytestmark = pytest.mark.ui

SCREEN_W = 1920


@pytest.fixture(params=["zh_CN", "en"])
def lang(request, qapp):
    from console.ui.common.i18n import install_translator

    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def _window(qtbot, qsettings, wall: bool):
    from console.ui.shell.main_window import MainWindow
    from console.ui.shell.wall import apply_wall_mode

    world = World(read_only=wall)
    win = MainWindow(world.replica, world.controller, wall=wall, role_key="wall" if wall else "desk",
                     settings=qsettings)
    qtbot.addWidget(win)
    win.tick.stop()
    win.resize(SCREEN_W, 1080)
    if wall:
        apply_wall_mode(win, 0, full_screen=False)
        win.wall_follow.timer.stop()
    else:
        win.show()
    for n in range(1, 6):
        world.raise_alert(n, severity="critical" if n == 1 else "warning", kind="animal")
    win.refresh_now()
    return win


def test_the_desk_fits_a_1920_screen(qtbot, qapp, qsettings, lang):
    win = _window(qtbot, qsettings, wall=False)
    qapp.processEvents()
    need = win.minimumSizeHint().width()
    assert need <= SCREEN_W, f"{lang}: the desk needs {need} px"
    assert win.width() <= SCREEN_W
    for s in PANES:
        pane = win.panes.get(s.name)
        if pane is None or s.width_share is None:
            continue
        # a side dock's pane fits the share of the screen the desk gives it by default
        assert pane.minimumSizeHint().width() <= s.width_share * SCREEN_W, (lang, s.name,
                                                                            pane.minimumSizeHint().width())


def test_the_wall_fits_a_1920_screen_at_wall_type(qtbot, qapp, qsettings, lang):
    from console.ui.common.theme import apply_theme

    try:
        win = _window(qtbot, qsettings, wall=True)
        qapp.processEvents()
        need = win.minimumSizeHint().width()
        assert need <= SCREEN_W, f"{lang}: the wall needs {need} px"
        board, camera = win.panes["board"], win.panes["cameras"]
        # the left column (board over the camera) holds the board whole
        assert board.minimumSizeHint().width() <= (1 - 0.55) * SCREEN_W, board.minimumSizeHint().width()
        assert camera.minimumSizeHint().width() <= (1 - 0.55) * SCREEN_W, camera.minimumSizeHint().width()
        assert win.panes["map"].minimumSizeHint().width() <= 0.55 * SCREEN_W
    finally:
        apply_theme(qapp, wall=False)
