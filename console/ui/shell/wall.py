"""Wall mode: the console full screen on a chosen display, large type, nothing to click that acts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from console.ui.common.theme import apply_theme
from console.ui.shell.registry import PANES, spec

if TYPE_CHECKING:
    from console.ui.shell.main_window import MainWindow


def apply_wall_mode(window: MainWindow, screen_index: int | None = None, *, full_screen: bool = True) -> None:
    """Turn a MainWindow into a wall display: full screen, large type, read-only.

    The controller must already be read-only (the wall token's role, or
    --wall); this only makes sure no action button is even shown. Critical
    alerts keep bringing their camera forward: the window does that itself.
    `full_screen=False` keeps the window's size (screenshots on a small offscreen screen).
    """
    if not window.controller.read_only:
        raise ValueError("wall mode needs a read-only controller")
    app = QApplication.instance()
    screens = QGuiApplication.screens()
    screen = None
    if screens:
        index = screen_index if screen_index is not None and 0 <= screen_index < len(screens) else 0
        screen = screens[index]
    if app is not None:
        apply_theme(app, wall=True, point_size=wall_point_size(screen.geometry().height() if screen else 1080))
    window.wall = True
    if app is not None:
        spread_font(window, app.font())
    # each pane's wall form (the incident without buttons, the compact queue, the focus line on its
    # own row, the map without its key), then across a room: video, the queue, the incident and the map
    for s in PANES:
        pane, dock = window.panes.get(s.name), window.docks.get(s.name)
        if pane is not None and s.on_wall is not None:
            s.on_wall(pane)
        if dock is not None and not s.review_only:
            dock.setVisible(s.shown_in(wall=True))
    hide_chrome(window)
    window.alarm.audible = False  # the desks ring; a wall in the same room only flashes
    arrange_docks(window)

    QTimer.singleShot(0, lambda: fix_widths(window))
    if not full_screen:
        window.show()
        return
    if screen is not None:
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
    window.showFullScreen()


def arrange_docks(window: MainWindow) -> None:
    """The wall's places (the pane table's `wall_under`: the map under the queue in the left column).

    The wall's columns are fixed shares of the window's width (`wall_width`): queue over map on
    the left, the incident on the right, the camera wall the rest (44 %). The map shares the
    queue's column because a wall's queue holds a handful of rows (the desks work it) and was 3/4
    empty, while the map under the incident got a third of a narrow column: across a room the map
    must be large. The incident keeps 30 %: at 1080p and wall type its location line needs about
    570 px. Done after any saved layout was restored, so the wall looks the same every time it starts.
    """
    docks = window.docks
    for s in PANES:
        dock, top = docks.get(s.name), docks.get(s.wall_under or "")
        if dock is None or top is None:
            continue
        window.addDockWidget(spec(s.wall_under).area, dock)
        window.splitDockWidget(top, dock, Qt.Orientation.Vertical)
        dock.show()


def hide_chrome(window: MainWindow) -> None:
    """No menu bar, no dock title bars or float/close buttons: a wall is looked at, not operated."""
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


def fix_widths(window: MainWindow) -> None:
    """Columns at fixed shares of the width, the map at a fixed share of its column's height.

    Fixed sizes, not proportions Qt may redistribute: an arriving alert (a longer title, a
    scroll bar in the queue) never moves a pane, and the desk's default split does not undo them.
    """
    docks = window.docks
    width = max(window.width(), 1)
    central = window.centralWidget()
    for s in PANES:
        dock = docks.get(s.name)
        if dock is None:
            continue
        if s.wall_width is not None:
            dock.setMinimumWidth(0)
            dock.setFixedWidth(int(width * s.wall_width))
        if s.wall_height is not None and central is not None and central.height() > 0:
            # the column is as tall as the camera wall beside it (top and bottom docks span the window)
            dock.setFixedHeight(int(central.height() * s.wall_height))
