"""Wall mode: the console full screen on a chosen display, large type, nothing to click that acts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

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
    if app is not None:
        apply_theme(app, wall=True)
    window.wall = True
    pane = getattr(window, "incident_pane", None)
    if pane is not None:
        pane.set_actions_visible(False)
    alerts = getattr(window, "alerts", None)
    if alerts is not None:
        alerts.set_compact(True)
    map_pane = getattr(window, "panes", {}).get("map")
    if map_pane is not None and hasattr(map_pane, "legend_bar"):
        map_pane.legend_bar.hide()
    # Across a room: video, the queue and the map; the roster's fine print is for desks.
    docks = getattr(window, "docks", {})
    for name in ("roster", "diagnostics"):
        if name in docks:
            docks[name].hide()
    if "alerts" in docks:
        docks["alerts"].show()
        docks["alerts"].setMinimumWidth(480)  # the queue must stay readable across the room

    def share_width() -> None:  # once the window has its full-screen size
        side = [docks[n] for n in ("alerts", "incident") if n in docks]
        window.resizeDocks(side, [560, 620][:len(side)], Qt.Orientation.Horizontal)

    QTimer.singleShot(0, share_width)
    screens = QGuiApplication.screens()
    if not full_screen:
        window.show()
        return
    if screens:
        index = screen_index if screen_index is not None and 0 <= screen_index < len(screens) else 0
        screen = screens[index]
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
    window.showFullScreen()
