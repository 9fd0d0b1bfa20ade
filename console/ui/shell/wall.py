"""Wall mode: the console full screen on a chosen display, a situation display read across a room.

The wall's layout is its own: the board (console/ui/wall/board.py: what it follows, the day's
figures, a countdown for every open critical and warning) over the camera of the followed
incident on the left, the map on the right over more than half the width, the whole height.
No queue, no incident pane with its buttons, no camera buttons, no menu, no diagnostics in the
status bar (only online/offline), and the header names the duty commander, not the wall's
account. What it follows comes from the duty commander's console through the hub
(console/ui/wall/follow.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from console.ui.common.theme import apply_theme
from console.ui.shell.registry import PANES


def apply_wall_mode(window, screen_index: int | None = None, *, full_screen: bool = True) -> None:
    """Turn a MainWindow into a wall display: full screen, large type, read-only.

    The controller must already be read-only (the wall token's role, or
    --wall); this only makes sure no action button is even shown. Critical
    alerts keep bringing their camera forward: the window does that itself.
    `full_screen=False` keeps the window's size (screenshots on a small offscreen screen).
    """
    if not window.controller.read_only:
        raise ValueError("wall mode needs a read-only controller")
    from console.ui.wall.screens import ScreenKeeper, choose_screen, place

    app = QApplication.instance()
    # --screen N, else the screen it was on last time on this workstation, else the second screen
    screen = choose_screen(window.settings, screen_index)
    if app is not None:
        apply_theme(app, wall=True, point_size=wall_point_size(screen.geometry().height() if screen else 1080))
    window.wall = True
    if app is not None:
        spread_font(window, app.font())
    for s in PANES:
        pane, dock = window.panes.get(s.name), window.docks.get(s.name)
        if pane is not None and s.on_wall is not None:
            s.on_wall(pane)
        if dock is not None and not s.review_only:
            dock.setVisible(s.shown_in(wall=True))
    hide_chrome(window)
    window.alarm.audible = False  # the desks ring; a wall in the same room only flashes
    window.header.follows_commander = True
    window.status.set_wall(True)
    arrange_docks(window)
    follow(window)

    QTimer.singleShot(0, lambda: fix_widths(window))
    if not full_screen:
        window.show()
        return
    if getattr(window, "screen_keeper", None) is None:
        window.screen_keeper = ScreenKeeper(window, window.settings)  # back on its monitor when re-plugged
    if screen is not None:
        place(window, screen)
    else:
        window.showFullScreen()


def follow(window) -> None:
    """The wall follows the duty commander (console/ui/wall/follow.py); the board says what and why."""
    from console.ui.wall.follow import WallFollow

    if getattr(window, "wall_follow", None) is not None:
        return
    def tell_board(pick) -> None:  # the board may be built after the first frame (deferred panes)
        board = window.panes.get("board")
        if board is not None:
            board.show_pick(pick)

    window.wall_follow = WallFollow(window, on_pick=tell_board)
    window.wall_follow.step()


def arrange_docks(window) -> None:
    """The wall's places: the map owns the right side top to bottom, the board sits over the camera.

    The right dock area takes both right corners, so a top dock (the board) spans only the
    left column above the camera. Done after any saved layout was restored, so the wall looks
    the same every time it starts.
    """
    window.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    for s in PANES:
        dock = window.docks.get(s.name)
        if dock is not None and s.area is not None and s.shown_in(wall=True):
            window.addDockWidget(s.area, dock)
            dock.show()


def hide_chrome(window) -> None:
    """No menu bar, no dock title bars or float/close buttons, no camera buttons: a wall is looked at."""
    window.menuBar().hide()
    for dock in window.docks.values():
        dock.setTitleBarWidget(QWidget(dock))
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)


def spread_font(window, font) -> None:
    """Give the wall's type to every widget that has no font of its own.

    Widgets polished under the desk's sheet keep their old size otherwise (seen at 4K:
    half the panes in 18 pt, half in 36 pt).
    """
    for w in [window, *window.findChildren(QWidget)]:
        if not w.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            w.setFont(font)


def wall_point_size(screen_height: int) -> float:
    """Large type in proportion to the wall's height: 18 pt at 1080 lines, 36 pt at 2160 (at 1× scaling)."""
    from console.ui.common.theme import WALL_POINT_SIZE

    return max(WALL_POINT_SIZE, min(40.0, WALL_POINT_SIZE * screen_height / 1080.0))


def fix_widths(window) -> None:
    """Docks at fixed shares of the window: the map's width, the board's height over the camera.

    Fixed sizes, not proportions Qt may redistribute: an arriving alert (a longer title, one
    more countdown) never moves a pane, and the desk's default split does not undo them.
    """
    docks = window.docks
    width = max(window.width(), 1)
    central = window.centralWidget()
    for s in PANES:
        dock = docks.get(s.name)
        if dock is None or not dock.isVisible():
            continue
        if s.wall_width is not None:
            dock.setMinimumWidth(0)
            dock.setFixedWidth(int(width * s.wall_width))
        if s.wall_height is not None and central is not None:
            column = central.height() + dock.height()  # the board and the camera under it
            if column > 0:
                dock.setMinimumHeight(0)
                dock.setFixedHeight(int(column * s.wall_height))
