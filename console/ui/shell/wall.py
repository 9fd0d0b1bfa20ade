"""Wall mode: the console full screen on a chosen display, large type, nothing to click that acts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from console.ui.common.theme import apply_theme
from console.ui.panes.incident.recommendations import RecommendationList


def apply_wall_mode(window, screen_index: int | None = None, *, full_screen: bool = True) -> None:
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
    pane = getattr(window, "incident_pane", None)
    if pane is not None:
        pane.set_actions_visible(False)
    cameras = getattr(window, "panes", {}).get("cameras")
    if cameras is not None and hasattr(cameras, "set_wall"):
        cameras.set_wall(True)  # "聚焦: CAM02 滨江路 …" on its own row, not cut beside the buttons
    for recs in window.findChildren(RecommendationList):
        recs.set_wrap(True)  # the reason read whole across the room, not "最近的…"
    alerts = getattr(window, "alerts", None)
    if alerts is not None:
        alerts.set_compact(True)
    hide_chrome(window)
    alarm = getattr(window, "alarm", None)
    if alarm is not None:
        alarm.audible = False  # the desks ring; a wall in the same room only flashes
    map_pane = getattr(window, "panes", {}).get("map")
    if map_pane is not None and hasattr(map_pane, "legend_bar"):
        map_pane.legend_bar.hide()
    # Across a room: video, the queue and the map; the roster's fine print is for desks.
    docks = getattr(window, "docks", {})
    for name in ("roster", "diagnostics", "kpi"):
        if name in docks:
            docks[name].hide()
    if "alerts" in docks:
        docks["alerts"].show()
    arrange_docks(window)

    QTimer.singleShot(0, lambda: fix_widths(window))
    if not full_screen:
        window.show()
        return
    if screen is not None:
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
    window.showFullScreen()


#: the wall's columns as shares of the window's width: queue over map on the left, the incident on the
#: right (the camera wall takes the rest, 44 %). The map shares the queue's column because a wall's queue
#: holds a handful of rows (the desks work it) and was 3/4 empty, while the map under the incident got a
#: third of a narrow column: across a room the map must be large. The incident keeps 30 %: at 1080p and
#: wall type its location line needs about 570 px.
WALL_SHARES = {"alerts": 0.26, "map": 0.26, "incident": 0.30}
#: the map's share of the left column's height; the queue above keeps the rest (7 rows at wall type)
MAP_HEIGHT_SHARE = 0.62


def arrange_docks(window) -> None:
    """The wall's places: the map under the queue in the left column, the incident alone on the right.

    Done after any saved layout was restored, so the wall looks the same every time it starts.
    """
    docks = getattr(window, "docks", {})
    if "alerts" not in docks or "map" not in docks:
        return
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, docks["map"])
    window.splitDockWidget(docks["alerts"], docks["map"], Qt.Orientation.Vertical)
    docks["map"].show()


def hide_chrome(window) -> None:
    """No menu bar, no dock title bars or float/close buttons: a wall is looked at, not operated."""
    window.menuBar().hide()
    for dock in getattr(window, "docks", {}).values():
        dock.setTitleBarWidget(QWidget(dock))
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    pane = getattr(window, "incident_pane", None)
    scroll = getattr(pane, "scroll", None)
    if scroll is not None:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


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
    """Columns at fixed shares of the width, the map at a fixed share of its column's height.

    Fixed sizes, not proportions Qt may redistribute: an arriving alert (a longer title, a
    scroll bar in the queue) never moves a pane, and the desk's default split does not undo them.
    """
    docks = getattr(window, "docks", {})
    width = max(window.width(), 1)
    for name, share in WALL_SHARES.items():
        dock = docks.get(name)
        if dock is not None:
            dock.setMinimumWidth(0)
            dock.setFixedWidth(int(width * share))
    map_dock, central = docks.get("map"), window.centralWidget()
    if map_dock is not None and central is not None and central.height() > 0:
        # the column is as tall as the camera wall beside it (top and bottom docks span the window)
        map_dock.setFixedHeight(int(central.height() * MAP_HEIGHT_SHARE))
