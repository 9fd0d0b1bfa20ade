"""Wall mode: the console full screen on a chosen display, large type, nothing to click that acts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from console.ui.common.theme import apply_theme


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

    QTimer.singleShot(0, lambda: fix_widths(window))
    if not full_screen:
        window.show()
        return
    if screen is not None:
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
    window.showFullScreen()


#: the wall's columns as shares of the screen's width: queue, incident + map (the camera wall takes the rest)
WALL_SHARES = {"alerts": 0.25, "incident": 0.30}


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
    """Queue and incident columns at fixed shares of the width: an arriving alert never moves a pane."""
    docks = getattr(window, "docks", {})
    width = max(window.width(), 1)
    for name, share in WALL_SHARES.items():
        dock = docks.get(name)
        if dock is not None:
            dock.setMinimumWidth(0)
            dock.setFixedWidth(int(width * share))
    if "incident" in docks and "map" in docks:
        # the map gets the larger half of the right column: it is read from across the room
        window.resizeDocks([docks["incident"], docks["map"]], [45, 55], Qt.Orientation.Vertical)
