"""The main window: camera wall in the centre, panes in docks, one UI tick that refreshes them all.

This is the one place panes are wired together, from the pane table (registry.py).
Data reaches panes only through `refresh(changes)` on the tick (tick.py); panes act
only through the controller. Banners and the mode strip (banners.py), the menus
(menus.py), a critical alert's focus (critical.py), the docks (docks.py) and the
question before closing (closing.py) are small classes of their own.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.ui.common import theme
from console.ui.shell import registry
from console.ui.shell.alarm import Alarm, alarm_strip
from console.ui.shell.banners import BANNER_MS, Banners
from console.ui.shell.closing import CloseGuard
from console.ui.shell.critical import CriticalFocus
from console.ui.shell.desk import Desk
from console.ui.shell.docks import DockSet
from console.ui.shell.flow import ActionFlow
from console.ui.shell.header import HeaderBar, OfflineBar
from console.ui.shell.menus import WindowMenus
from console.ui.shell.registry import PANES, PaneContext, PaneLinks
from console.ui.shell.selection import Selection
from console.domain.focus import key_target
from console.ui.actions.table import KEYED
from console.ui.shell.shortcuts import ShortcutHelp, WindowShortcuts
from console.ui.shell.status_bar import ConsoleStatusBar
from console.ui.shell.tick import PaintClock, UiTick
from console.ui.shell.toast import Toast

if TYPE_CHECKING:
    from console.ui.panes.alerts.widget import AlertQueue
    from console.ui.panes.cameras.widget import CameraWall
    from console.ui.panes.diagnostics.widget import DiagnosticsPane
    from console.ui.panes.incident.widget import IncidentPane

log = logging.getLogger(__name__)

#: DUTY_CONSOLE_FIRST_FRAME=1 prints "window_painted <epoch seconds>" once, when a main window's
#: first frame is on screen (the start-up benchmark P5 reads it; the camera tile prints its own)
_report_first_paint = bool(os.environ.get("DUTY_CONSOLE_FIRST_FRAME"))


def _step_recording(panes: dict, step: int) -> None:
    """A review: jump to the next or previous alert of the recording (the drill bar does it)."""
    bar = panes.get("drillbar")
    if bar is not None:
        bar.step_alert(step)


class MainWindow(QMainWindow):
    """The duty commander's console window (desk or wall)."""

    sig_critical = Signal(str)
    """A new critical alert popped (incident id)."""

    sig_language = Signal(str)
    """The commander chose a language in the menu ('zh_CN' or 'en'); the app rebuilds the window in it."""

    sig_first_paint = Signal()
    """The window's first frame is on screen (the deferred panes are built right after it)."""

    def __init__(self, replica: Replica, controller: Controller, *, wall: bool = False,
                 outbox_depth: Callable[[], int] = lambda: 0, stall_ms: Callable[[], float] | None = None,
                 role_key: str = "commander", frames: object = None, settings: QSettings | None = None,
                 defer_panes: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.wall = wall
        self.role_key = role_key
        self.settings = settings or QSettings("duty-console", "console")
        self.selection = Selection(self)
        # a commander's desk tells the hub what it looks at: the center's walls follow it
        self.selection.sig_incident.connect(controller.report_selection)
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Duty commander's console"))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)

        #: the commander's actions, keys and clicks alike: asked, held or sent, undone within 5 s
        self.desk = Desk(controller, self)
        self.flow = ActionFlow(replica, controller, self.desk, self)
        self._frames = frames
        #: True until the panes after the first frame are built (`build_deferred_panes`)
        self.panes_pending = defer_panes
        self._first_painted = False
        self._closed = False
        first = tuple(s.name for s in PANES if s.first_frame) if defer_panes else None
        #: name → pane widget, in the pane table's order (panes built after the first frame join it)
        self.panes: dict[str, QWidget] = registry.build(first, self._pane_context())
        self.alerts: AlertQueue | None = self.panes.get("alerts")  # type: ignore[assignment]
        self.incident_pane: IncidentPane | None = None
        self.diagnostics: DiagnosticsPane | None = None
        self.camera_wall: CameraWall | None = None

        # ---- centre: mode strip (exercise / review, never hidden) and banner over the camera wall
        self.status: ConsoleStatusBar | None = None
        self.banners = Banners(replica, lambda: self.status, self._on_mode, self)
        self.mode_strip, self.banner = self.banners.mode_strip, self.banners.banner
        centre = QWidget(self)
        col = QVBoxLayout(centre)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.mode_strip)
        self.alarm_strip = alarm_strip(centre)
        col.addWidget(self.alarm_strip)
        col.addWidget(self.banner)
        self._centre = next(s.name for s in PANES if not s.docked)
        self._camera_placeholder: QLabel | None = None
        if self._centre in self.panes:
            col.addWidget(self.panes[self._centre], 1)
        else:
            placeholder = QLabel(self.tr("Camera wall"), centre)
            placeholder.setObjectName("camera_placeholder")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setStyleSheet(f"color: {theme.CAMERA_PLACEHOLDER_FG}; font-size: 28pt; "
                                      f"background: {theme.CAMERA_PLACEHOLDER_BG};")
            col.addWidget(placeholder, 1)
            self._camera_placeholder = placeholder
        self._centre_col = col
        self.toast = Toast(self.desk, centre)
        col.addWidget(self.toast)
        self.setCentralWidget(centre)

        # ---- docks
        pending = {s.name for s in PANES if defer_panes and s.name not in self.panes}
        self.dock_set = DockSet(self, self.panes, pending, wall)
        self.docks = self.dock_set.docks
        self._sized = False
        self.closing = CloseGuard(replica, self, self.close_without_asking)

        # ---- across the top: the offline banner, then clock, shift and who is on duty
        self.offline_bar = OfflineBar(replica, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.offline_bar)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.header = HeaderBar(replica, self.settings, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.header)

        # ---- keys (window-wide: they work wherever focus is) and menus
        self.shortcuts = WindowShortcuts(self, self._shortcut_handlers())
        self._help: ShortcutHelp | None = None
        self.menus = WindowMenus(self, self.docks, self.shortcuts.actions, self.reset_layout,
                                 self.sig_language.emit)
        self.language_actions = self.menus.language_actions
        self.status = ConsoleStatusBar(replica, outbox_depth, stall_ms, self)
        self.setStatusBar(self.status)

        # ---- wiring
        self.critical = CriticalFocus(replica, self.selection, self.panes, self.banners.show_banner,
                                      lambda: self.wall, self.sig_critical.emit)
        self._links = PaneLinks(critical=self.critical.on_critical, show_on_map=self._on_show_camera_on_map)
        self._wired: set[str] = set()
        self._adopt_panes()
        #: the alarm that rings until acknowledged and flashes the rows and the strip
        self.alarm = Alarm(replica, self.alarm_strip, lambda text: self.banners.say(text, "critical"),
                           self.status.say_once, self.settings, self,
                           on_flash=self.alerts.model.set_flash if self.alerts is not None else None,
                           audible=not self.wall)
        self._default_state = self.saveState()
        self._restored = self.restore_layout()
        #: the UI tick: `tick.stop()` / `tick.start()` (tests drive it themselves), `refresh_now()`
        self.tick = UiTick(replica, self.panes, self.critical, self._after_tick, self)
        self._paint_clock = PaintClock(self, self.tick.spent, self.tick.paint_may_wait)

    # ------------------------------------------------------------------ API

    def set_frames(self, frames: object) -> None:
        """The decoded-frame pool the panes still to be built show (it is loaded after the first frame)."""
        self._frames = frames

    def build_deferred_panes(self, names: tuple[str, ...] | None = None) -> None:
        """Build the panes the first frame went without (`names`: only those of them), put them in
        their docks, draw them whole.

        Called right after the first frame (the app does it on `sig_first_paint`; a test may call it
        at once). Safe to call again: it builds only what is still missing.
        """
        if not self.panes_pending or self._closed:
            return
        pending = tuple(s.name for s in PANES if s.name not in self.panes)
        names = pending if names is None else tuple(n for n in pending if n in names)
        if len(names) == len(pending):
            self.panes_pending = False
        made = registry.build(names, self._pane_context())
        for name, pane in made.items():
            self.panes[name] = pane
            if name == self._centre:
                self._centre_col.replaceWidget(self._camera_placeholder, pane)
                self._camera_placeholder.deleteLater()
                self._camera_placeholder = None
            else:
                self.dock_set.place(name, pane)
            pane.show()  # at once: a child added to a shown window would wait for the next loop turn
        # the table's order, which the tick refreshes in
        ordered = {s.name: self.panes[s.name] for s in PANES if s.name in self.panes}
        self.panes.clear()
        self.panes.update(ordered)
        self._adopt_panes()
        self.tick.draw_whole(set(made))

    def redraw_all(self) -> ChangeSet:
        """Draw every pane from the whole replica (a window made over a running session)."""
        return self.tick.redraw_all()

    def refresh_now(self) -> ChangeSet:
        """Run one UI tick at once (tests and the smoke run call it); returns the changes applied."""
        return self.tick.run(force=True)

    def show_banner(self, text: str, level: str = "warning") -> None:
        """A non-modal banner over the camera wall that hides itself after a few seconds."""
        self.banners.show_banner(text, level)

    def banner_text(self) -> str:
        """The banner's text ('' when hidden)."""
        return self.banners.banner_text()

    def save_layout(self) -> None:
        """Save dock layout and geometry for this role."""
        self.settings.setValue(f"layout/{self.role_key}", self.saveState())
        self.settings.setValue(f"geometry/{self.role_key}", self.saveGeometry())
        self.settings.sync()

    def restore_layout(self) -> bool:
        """Restore this role's saved layout; False if there was none."""
        state = self.settings.value(f"layout/{self.role_key}")
        geometry = self.settings.value(f"geometry/{self.role_key}")
        self._geometry_restored = False
        if isinstance(geometry, QByteArray) and not self.wall:
            self._geometry_restored = self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            restored = self.restoreState(state)
            self._pin_top_bars()
            return restored
        return False

    def reset_layout(self) -> None:
        """Back to the built-in layout."""
        self.restoreState(self._default_state)
        self._pin_top_bars()

    def _pin_top_bars(self) -> None:
        """The offline banner on a line of its own above the header, whatever a saved layout says.

        A layout saved while the banner was hidden (or by an older console) put both on one
        line: the banner came up as a 250 px box left of the clock, not across the window.
        """
        top = Qt.ToolBarArea.TopToolBarArea
        if self.toolBarArea(self.header) != top:
            self.addToolBar(top, self.header)
        if self.toolBarArea(self.offline_bar) != top or self.offline_bar.y() > self.header.y():
            self.insertToolBar(self.header, self.offline_bar)  # the banner first
        if not self.toolBarBreak(self.header):
            self.insertToolBarBreak(self.header)

    def show_on_screen(self) -> None:
        """Show the window: where it was last time if that was saved, else maximised on the current screen."""
        if self._geometry_restored:
            self.show()
            return
        from PySide6.QtGui import QCursor, QGuiApplication

        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
        self.showMaximized()

    # ------------------------------------------------------------------ Qt

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._first_painted:
            self._first_painted = True
            # after this paint's whole frame (every child of the window) is drawn and flushed
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        global _report_first_paint
        if _report_first_paint and not self._closed:
            _report_first_paint = False
            print(f"window_painted {time.time():.6f}", flush=True)
        self.sig_first_paint.emit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._sized:
            # Dock sizes only stick once the window has its real size.
            self._sized = True
            if not self._restored:
                QTimer.singleShot(0, self._apply_default_sizes)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.wall:
            from console.ui.shell.wall import fix_widths

            fix_widths(self)  # fixed shares of the new width: nothing moves when an alert arrives

    def carry_over(self, old: MainWindow) -> None:
        """Take up where a window of the same session left off (a language switch rebuilds the window).

        The same incident, person and camera stay selected (the commander was looking at them:
        a switch used to drop back to "Select an alert"), and the same closing rules hold.
        """
        self.closing.ask, self.closing.embedded_hub = old.closing.ask, old.closing.embedded_hub
        was = old.selection
        for value, select in ((was.incident, self.selection.select_incident),
                              (was.resource, self.selection.select_resource),
                              (was.camera, self.selection.select_camera)):
            if value:
                select(value)

    def close_without_asking(self) -> bool:
        """Close now (the app shuts down in order, a test ends): no question."""
        self.closing.confirmed = True
        return self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.closing.should_ask(self.wall):
            event.ignore()
            self.closing.ask_now()
            return
        self._closed = True
        self.tick.close()
        self.critical.stop()
        self.desk.flush()  # a decision still in its undo window is sent, never lost
        self.shortcuts.remove()
        self.save_layout()
        super().closeEvent(event)

    # ------------------------------------------------------------------ private

    def _pane_context(self) -> PaneContext:
        return PaneContext(self.replica, self.controller, self.selection, self._frames, self.flow)

    def _adopt_panes(self) -> None:
        """Typed references to the panes the window itself works with (the keys drive the queue), then
        each new pane's signals to the window's links and, on a wall, its wall form."""
        self.alerts = self.panes.get("alerts")  # type: ignore[assignment]
        self.incident_pane = self.panes.get("incident")  # type: ignore[assignment]
        self.diagnostics = self.panes.get("diagnostics")  # type: ignore[assignment]
        self.camera_wall = self.panes.get("cameras")  # type: ignore[assignment]
        for s in PANES:
            pane = self.panes.get(s.name)
            if pane is None or s.name in self._wired:
                continue
            self._wired.add(s.name)
            if s.connect is not None:
                s.connect(pane, self._links)
            if self.wall and s.on_wall is not None:
                s.on_wall(pane)

    def _after_tick(self, idle: bool) -> None:
        """Once a tick's panes are drawn: the figures, the toast, the offline banner, the clock, notices, mode."""
        self.status.update_figures()
        self.toast.tick()
        self.offline_bar.refresh()
        self.header.refresh()
        if not idle:
            self.banners.show_notices(self.panes_pending)
        self.banners.show_mode()

    def _on_mode(self, mode: str) -> None:
        """The link's mode changed: the title says exercise or review; review shows the drill bar."""
        from console.ui.shell.status_bar import MODE_TEXT

        title = self.tr("Duty commander's console")
        self.setWindowTitle(title if mode == "live" else f"[{MODE_TEXT.get(mode, mode.upper())}] {title}")
        self.dock_set.follow_mode(mode)

    def _apply_default_sizes(self) -> None:
        self.dock_set.apply_default_sizes()
        self._default_state = self.saveState()

    def _on_show_camera_on_map(self, camera_id: str) -> None:
        """A tile's "show on map": bring the map up, centred on the camera."""
        cam = self.replica.state.cameras.get(camera_id)
        if cam is None:
            return
        for s in PANES:
            dock, pane = self.docks.get(s.name), self.panes.get(s.name)
            if s.center_on is not None and dock is not None and pane is not None:
                dock.show()
                dock.raise_()
                s.center_on(pane, cam.x, cam.y)

    # ------------------------------------------------------------------ keys

    def _shortcut_handlers(self) -> dict[str, Callable[[], None]]:
        keyed = {name: (lambda code=code: self._on_action_key(code)) for name, code in KEYED.items()}
        return {
            **keyed, "undo": self.desk.undo,
            "next": lambda: self._step_queue(1), "previous": lambda: self._step_queue(-1),
            "queue": self._focus_queue, "help": self.show_shortcuts,
            "next_mark": lambda: _step_recording(self.panes, 1),
            "previous_mark": lambda: _step_recording(self.panes, -1),
        }

    def _on_action_key(self, code: str) -> None:
        """A queue key, whichever pane has the focus: act on the key target (console/domain/focus.py),
        the newest unacknowledged critical else the open selection; the panes follow it first."""
        if self.wall:
            return
        target = key_target(self.replica.state, self.selection.incident, self.replica.link.center,
                            self.desk.answering())
        if target is None:
            self.status.showMessage(self.tr("No open alert is selected: the key has nothing to act on"), BANNER_MS)
            return
        self.selection.select_incident(target.incident)
        self.flow.request(code, target.incident, self)

    def _step_queue(self, step: int) -> None:
        if self.alerts is not None:
            self.alerts.step(step)

    def _focus_queue(self) -> None:
        if self.alerts is not None:
            self.alerts.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_shortcuts(self) -> ShortcutHelp:
        """F1: the list of every shortcut."""
        if self._help is None:
            self._help = ShortcutHelp(self.shortcuts.shortcuts, self)
            self._help.destroyed.connect(lambda *_: setattr(self, "_help", None))
        self._help.show()
        self._help.raise_()
        return self._help
