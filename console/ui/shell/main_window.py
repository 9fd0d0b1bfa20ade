"""The main window: camera wall in the centre, panes in docks, one UI tick that refreshes them all.

This is the one place panes are wired together. Data reaches panes only
through `refresh(changes)` on the tick; panes act only through the controller.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.ui.panes.alerts.widget import AlertQueue
from console.ui.shell.alarm import Alarm, alarm_strip
from console.ui.shell.desk import Desk
from console.ui.shell.flow import ActionFlow
from console.ui.shell.header import HeaderBar, OfflineBar
from console.ui.shell.selection import Selection
from console.domain.focus import key_target
from console.ui.actions.table import KEYED
from console.ui.shell.shortcuts import ShortcutHelp, WindowShortcuts
from console.ui.shell.status_bar import ConsoleStatusBar
from console.ui.shell.toast import Toast

if TYPE_CHECKING:
    from console.ui.panes.incident.widget import IncidentPane

log = logging.getLogger(__name__)

#: DUTY_CONSOLE_FIRST_FRAME=1 prints "window_painted <epoch seconds>" once, when a main window's
#: first frame is on screen (the start-up benchmark P5 reads it; the camera tile prints its own)
_report_first_paint = bool(os.environ.get("DUTY_CONSOLE_FIRST_FRAME"))

#: panes refreshed every other tick, and on which: heavy, and seconds matter less there than in the queue
STAGGERED = {"roster": 0, "map": 1, "kpi": 1}
#: an early tick for a new alert comes no sooner than this after the last tick (s)
URGENT_GAP_S = 0.025
#: UI tick (ms): panes redraw at most this often
TICK_MS = 50
#: a tick refreshes panes for about this long before it lets the loop run (s)
TICK_SLICE_S = 0.008
#: regular ticks take at most this share of the GUI thread: after a tick that took d seconds the
#: next waits d / TICK_SHARE (a flood of events is applied, not drowned in redraws; alerts still tick early)
TICK_SHARE = 0.25
#: ... but never longer than this (s): one huge tick (the baseline of 20,000 people, 1-2 s) must not
#: leave the map and the queue still for four times as long (P4: the map redraws every second)
TICK_WAIT_MAX_S = 0.5
#: with nothing new, panes still refresh this often so countdowns move (s)
IDLE_REFRESH_S = 0.5
#: a banner hides itself after this long (ms)
BANNER_MS = 8_000

#: name → pane; a factory may return any subset, None removes a pane
PanesFactory = Callable[[Replica, Controller, Selection, object], dict[str, QWidget | None]]


#: the panes of the window's first frame (with the header, the status bar and the strips): the
#: rest (camera wall, map and KPIs with pyqtgraph, PyAV and numpy behind them) are built just after
#: it when the window is made with `defer_panes` (the start-up benchmark P5 counts to that frame)
SHELL_PANES = ("alerts",)
#: the panes in docks, in the order they are docked
DOCKED = ("alerts", "incident", "map", "roster", "diagnostics", "kpi", "drillbar")


def default_panes(replica: Replica, controller: Controller, selection: Selection,
                  frames: object = None, flow: ActionFlow | None = None,
                  only: tuple[str, ...] | None = None) -> dict[str, QWidget | None]:
    """Every pane the console knows (or those named in `only`); the ones that act share `flow`
    (one desk, one toast, one undo).

    The pane modules are imported here, not at the top: a window built with `defer_panes`
    paints its first frame before pyqtgraph, numpy and PyAV are loaded.
    """
    def make(name: str) -> QWidget:
        if name == "alerts":
            return AlertQueue(replica, controller, selection, flow=flow)
        if name == "incident":
            from console.ui.panes.incident.widget import IncidentPane
            return IncidentPane(replica, controller, selection, flow=flow, frames=frames)
        if name == "diagnostics":
            from console.ui.panes.diagnostics.widget import DiagnosticsPane
            return DiagnosticsPane(replica, frames)
        if name == "cameras":
            from console.ui.panes.cameras.widget import CameraWall
            return CameraWall(replica, controller, selection, frames)
        if name == "roster":
            from console.ui.panes.roster.widget import RosterPane
            return RosterPane(replica, controller, selection)
        if name == "map":
            from console.ui.panes.map.widget import MapPane
            return MapPane(replica, selection)
        if name == "kpi":
            from console.ui.panes.kpi.widget import KpiPane
            return KpiPane(replica)
        from console.ui.panes.drillbar.widget import DrillBar
        return DrillBar(replica, controller)

    names = ("alerts", "incident", "diagnostics", "cameras", "roster", "map", "kpi", "drillbar")
    return {name: make(name) for name in names if only is None or name in only}


class MainWindow(QMainWindow):
    """The duty commander's console window (desk or wall)."""

    sig_critical = Signal(str)
    """A new critical alert popped (incident id)."""

    sig_language = Signal(str)
    """The commander chose a language in the menu ('zh_CN' or 'en'); the app rebuilds the window in it."""

    sig_first_paint = Signal()
    """The window's first frame is on screen (the deferred panes are built right after it)."""

    def __init__(self, replica: Replica, controller: Controller, *,
                 panes_factory: PanesFactory | None = None, wall: bool = False,
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
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Duty commander's console"))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)

        #: the commander's actions, keys and clicks alike: asked, held or sent, undone within 5 s
        self.desk = Desk(controller, self)
        self.flow = ActionFlow(replica, controller, self.desk, self)
        self._frames = frames
        self._panes_factory = panes_factory
        #: True until the panes after the first frame are built (`build_deferred_panes`)
        self.panes_pending = defer_panes
        self._first_painted = False
        panes = default_panes(replica, controller, self.selection, frames, self.flow,
                              only=SHELL_PANES if defer_panes else None)
        if panes_factory is not None and not defer_panes:
            panes.update(panes_factory(replica, controller, self.selection, frames))
        self.panes: dict[str, QWidget] = {k: v for k, v in panes.items() if v is not None}
        self.alerts: AlertQueue | None = self.panes.get("alerts")  # type: ignore[assignment]
        self.incident_pane: IncidentPane | None = None
        self.diagnostics = None
        self.camera_wall: QWidget | None = None
        self._take_pane_refs()

        # ---- centre: mode strip (exercise / review, never hidden) and banner over the camera wall
        self.mode_strip = QLabel(self)
        self.mode_strip.setObjectName("mode_strip")
        self.mode_strip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode_strip.hide()
        self._mode_shown = "live"
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.timeout.connect(self.banner.hide)
        centre = QWidget(self)
        col = QVBoxLayout(centre)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.mode_strip)
        self.alarm_strip = alarm_strip(centre)
        col.addWidget(self.alarm_strip)
        col.addWidget(self.banner)
        self._camera_placeholder: QLabel | None = None
        if self.camera_wall is not None:
            col.addWidget(self.camera_wall, 1)
        else:
            placeholder = QLabel(self.tr("Camera wall"), centre)
            placeholder.setObjectName("camera_placeholder")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setStyleSheet("color: #30363d; font-size: 28pt; background: #05080c;")
            col.addWidget(placeholder, 1)
            self._camera_placeholder = placeholder
        self._centre_col = col
        self.toast = Toast(self.desk, centre)
        col.addWidget(self.toast)
        self.setCentralWidget(centre)

        # ---- docks
        self.docks: dict[str, QDockWidget] = {}
        titles = {"alerts": self.tr("Alert queue"), "incident": self.tr("Incident"),
                  "roster": self.tr("Resources"), "map": self.tr("Map"),
                  "diagnostics": self.tr("Diagnostics"), "kpi": self.tr("KPIs"),
                  "drillbar": self.tr("Drill replay")}
        areas = {"alerts": Qt.DockWidgetArea.LeftDockWidgetArea,
                 "incident": Qt.DockWidgetArea.RightDockWidgetArea,
                 "map": Qt.DockWidgetArea.RightDockWidgetArea,
                 "roster": Qt.DockWidgetArea.BottomDockWidgetArea,
                 "diagnostics": Qt.DockWidgetArea.BottomDockWidgetArea,
                 "kpi": Qt.DockWidgetArea.BottomDockWidgetArea,
                 "drillbar": Qt.DockWidgetArea.TopDockWidgetArea}
        for name in DOCKED:
            pane = self.panes.get(name)
            if pane is None and defer_panes:
                pane = QWidget(self)  # an empty dock until its pane is built, so the layout is whole
                pane.setObjectName(f"pending_{name}")
            if pane is None:
                continue
            dock = QDockWidget(titles[name], self)
            dock.setObjectName(f"dock_{name}")
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            dock.setWidget(pane)
            self.addDockWidget(areas[name], dock)
            self.docks[name] = dock
        if "incident" in self.docks and "map" in self.docks:
            self.splitDockWidget(self.docks["incident"], self.docks["map"], Qt.Orientation.Vertical)
        if "roster" in self.docks and "diagnostics" in self.docks:
            self.tabifyDockWidget(self.docks["roster"], self.docks["diagnostics"])
            self.docks["roster"].raise_()
        if "roster" in self.docks and "kpi" in self.docks:
            self.tabifyDockWidget(self.docks["roster"], self.docks["kpi"])
            self.docks["roster"].raise_()
        if "diagnostics" in self.docks:
            self.docks["diagnostics"].hide()
        if "drillbar" in self.docks:
            self.docks["drillbar"].hide()  # shown when the hub says it replays a recording
        if wall and "roster" in self.docks:
            # A wall is read from across the room: cameras, queue, incident and map only.
            self.docks["roster"].hide()
        self._sized = False
        #: ask before closing with incidents open (the app sets it; tests and a wall do not)
        self.ask_before_closing = False
        #: the demo runs its hub in this process: closing stops it too, and the question says so
        self.embedded_hub = False
        self.close_question = None

        # ---- across the top: the offline banner, then clock, shift and who is on duty
        self.offline_bar = OfflineBar(replica, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.offline_bar)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.header = HeaderBar(replica, self.settings, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.header)

        # ---- keys (window-wide: they work wherever focus is) and menus
        self.shortcuts = WindowShortcuts(self, self._shortcut_handlers())
        self._help: ShortcutHelp | None = None
        self._build_menus()
        self.status = ConsoleStatusBar(replica, outbox_depth, stall_ms, self)
        self.setStatusBar(self.status)

        # ---- wiring
        if self.alerts is not None:
            self.alerts.sig_critical.connect(self._on_critical)
        self._wired: set[str] = set()
        self._wire_panes()
        #: made with the diagnostics pane's module (it counts from the first notice: none is missed)
        self._notices = None
        self.alarm = self._make_alarm()
        self._last_refresh = 0.0
        self._default_state = self.saveState()
        self._restored = self.restore_layout()
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._on_tick)
        self.tick.start()
        self._urgent = False
        self._closed = False
        self._tick_at = 0.0
        #: changes an early tick showed in the queue only; the next regular tick shows them everywhere
        self._carry = ChangeSet()
        #: a redraw every pane (the queue too) owes on the next tick (a window made over a running session)
        self._redraw = ChangeSet()
        self._tick_no = 0
        #: changes a staggered pane has not been given yet
        self._backlog: dict[str, ChangeSet] = {}
        #: the current tick's pane refreshes not yet run: (name, refresh, changes)
        self._steps: deque = deque()
        self._steps_idle = False
        #: GUI-thread time the current tick took so far, and when the next may start (monotonic)
        self._tick_busy = 0.0
        self._tick_started = self._next_tick_at = 0.0
        replica.on_new_alert.append(self._tick_soon)

    # ------------------------------------------------------------------ API

    def set_frames(self, frames: object) -> None:
        """The decoded-frame pool the panes still to be built show (it is loaded after the first frame)."""
        self._frames = frames

    def build_deferred_panes(self) -> None:
        """Build the panes the first frame went without, put them in their docks, draw them whole.

        Called once, right after the first frame (the app does it on `sig_first_paint`; a test
        may call it at once). Safe to call again: it does nothing then.
        """
        if not self.panes_pending or self._closed:
            return
        self.panes_pending = False
        names = tuple(n for n in ("incident", "diagnostics", "cameras", "roster", "map", "kpi", "drillbar")
                      if n not in self.panes)
        made = default_panes(self.replica, self.controller, self.selection, self._frames, self.flow, only=names)
        if self._panes_factory is not None:
            # a shell pane is already on screen and wired: a factory's stand-in for it is not used
            made.update({k: v for k, v in self._panes_factory(self.replica, self.controller, self.selection,
                                                               self._frames).items() if k not in SHELL_PANES})
        for name, pane in made.items():
            dock = self.docks.get(name)
            if pane is None:
                if dock is not None:  # the factory removed it: no empty dock left behind
                    self.removeDockWidget(dock)
                    dock.deleteLater()
                    del self.docks[name]
                continue
            self.panes[name] = pane
            if name == "cameras":
                self._centre_col.replaceWidget(self._camera_placeholder, pane)
                self._camera_placeholder.deleteLater()
                self._camera_placeholder = None
            elif dock is not None:
                old = dock.widget()
                dock.setWidget(pane)
                if old is not None:
                    old.deleteLater()
            pane.show()  # at once: a child added to a shown window would wait for the next loop turn
        self._take_pane_refs()
        self._wire_panes()
        self._draw_new_panes({n for n in made if n in self.panes})

    def _draw_new_panes(self, names: set[str]) -> None:
        """New panes over a replica that may already hold a whole world: each draws it all once."""
        for name in sorted(names):
            refresh = getattr(self.panes[name], "refresh", None)
            if refresh is None:
                continue
            try:
                refresh(ChangeSet(baseline=True))
            except Exception:  # noqa: BLE001 - one broken pane must not stop the others
                self.replica.counters[f"ui_error.{name}"] += 1
                log.exception("pane %s failed to draw", name)

    def _take_pane_refs(self) -> None:
        self.incident_pane = self.panes.get("incident")  # type: ignore[assignment]
        self.diagnostics = self.panes.get("diagnostics")
        self.camera_wall = self.panes.get("cameras")

    def _wire_panes(self) -> None:
        """Signals between panes and the window's rules for them, once per pane."""
        wired = self._wired
        if self.camera_wall is not None and "cameras" not in wired:
            wired.add("cameras")
            show_on_map = getattr(self.camera_wall, "sig_show_on_map", None)
            if show_on_map is not None:
                show_on_map.connect(self._on_show_camera_on_map)
        if self.incident_pane is not None and "incident" not in wired:
            wired.add("incident")
            if self.wall:
                self.incident_pane.set_actions_visible(False)

    def _tick_soon(self) -> None:
        """A new critical alert: the queue shows it now, before the next event is applied.

        Called by the replica right after the event that raised it, so the row is painted
        ahead of whatever backlog the session still holds (the events stay applied in order:
        the queue only looks sooner). At most one early tick per URGENT_GAP_S: a burst of
        alerts is still one insert; an alert inside the gap gets its tick when the gap ends.
        """
        if self._urgent or self._closed:
            return
        wait_s = URGENT_GAP_S - (time.monotonic() - self._tick_at)
        if wait_s <= 0:
            self._urgent_tick()
            return
        self._urgent = True
        self.replica.yield_requested = True
        QTimer.singleShot(max(1, int(wait_s * 1000)), self._urgent_tick)

    def _urgent_tick(self) -> None:
        """Only the queue (and the camera focus) now; other panes get these changes next tick.

        The queue is painted before the critical alert is focused (banner, camera, incident
        details): the row is what the commander must see first.
        """
        self._urgent = False
        if self._closed or self.alerts is None:
            return
        self._tick_at = time.monotonic()
        changes = self.replica.take_changes()
        self._carry.merge(changes)
        self._critical_held = []
        try:
            self.alerts.refresh(changes)
        except Exception:  # noqa: BLE001 - the regular tick counts and logs pane failures
            log.exception("alert queue failed to refresh")
        finally:
            held, self._critical_held = self._critical_held, None
        self.alerts.view.viewport().repaint()
        for incident_id in held:
            self._on_critical(incident_id)

    def redraw_all(self) -> ChangeSet:
        """Draw every pane from the whole replica (a window made over a running session)."""
        self._redraw.merge(ChangeSet(baseline=True))
        return self._on_tick(force=True)

    def refresh_now(self) -> ChangeSet:
        """Run one UI tick at once (tests and the smoke run call it); returns the changes applied."""
        return self._on_tick(force=True)

    def show_banner(self, text: str, level: str = "warning") -> None:
        """A non-modal banner over the camera wall that hides itself after a few seconds."""
        self.banner.setProperty("level", level)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(text)
        self.banner.show()
        self._banner_timer.start(BANNER_MS)

    def banner_text(self) -> str:
        """The banner's text ('' when hidden)."""
        return self.banner.text() if not self.banner.isHidden() else ""

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
        self.ask_before_closing, self.embedded_hub = old.ask_before_closing, old.embedded_hub
        was = old.selection
        for value, select in ((was.incident, self.selection.select_incident),
                              (was.resource, self.selection.select_resource),
                              (was.camera, self.selection.select_camera)):
            if value:
                select(value)

    def close_without_asking(self) -> bool:
        """Close now (the app shuts down in order, a test ends): no question."""
        self._close_confirmed = True
        return self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._should_ask_before_closing():
            event.ignore()
            self._ask_before_closing()
            return
        if self._tick_soon in self.replica.on_new_alert:
            self.replica.on_new_alert.remove(self._tick_soon)
        self._closed = True
        self.tick.stop()
        self.desk.flush()  # a decision still in its undo window is sent, never lost
        self.shortcuts.remove()
        self.save_layout()
        super().closeEvent(event)

    # ------------------------------------------------------------------ private

    def _apply_default_sizes(self) -> None:
        width = max(self.width(), 1200)
        side = [(self.docks[n], int(width * f)) for n, f in (("alerts", 0.31), ("incident", 0.29))
                if n in self.docks]
        self.resizeDocks([d for d, _ in side], [w for _, w in side], Qt.Orientation.Horizontal)
        if "incident" in self.docks and "map" in self.docks:
            self.resizeDocks([self.docks["incident"], self.docks["map"]], [65, 35], Qt.Orientation.Vertical)
        if "roster" in self.docks and not self.docks["roster"].isHidden():
            self.resizeDocks([self.docks["roster"]], [int(self.height() * 0.28)], Qt.Orientation.Vertical)
        self._default_state = self.saveState()

    def _build_menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        reset = QAction(self.tr("Reset layout"), self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        lang = self.menuBar().addMenu(self.tr("&Language"))
        self.language_actions: dict[str, QAction] = {}
        for code, words in (("zh_CN", "中文"), ("en", "English")):  # each in its own language, on purpose
            action = QAction(words, self)
            action.setCheckable(True)
            action.setChecked(current_lang() == code)
            action.triggered.connect(lambda _=False, c=code: self._on_language(c))
            lang.addAction(action)
            self.language_actions[code] = action
        self._build_help_menu()

    def _on_language(self, code: str) -> None:
        for c, action in self.language_actions.items():
            action.setChecked(c == (code if code != current_lang() else current_lang()))
        if code != current_lang():
            self.sig_language.emit(code)

    def _build_help_menu(self) -> None:
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        keys = self.shortcuts.actions.get("help")
        if keys is not None:
            help_menu.addAction(keys)
        for name in ("dispatch", "acknowledge", "escalate", "false_alarm", "undo"):
            action = self.shortcuts.actions.get(name)
            if action is not None:
                help_menu.addAction(action)

    def _should_ask_before_closing(self) -> bool:
        if not self.ask_before_closing or getattr(self, "_close_confirmed", False) or self.wall:
            return False
        return bool(self._open_incidents())

    def _open_incidents(self) -> list:
        from console.domain.model import SETTLED_STATUSES

        return [i for i in self.replica.state.incidents.values() if i.status not in SETTLED_STATUSES]

    def _ask_before_closing(self) -> None:
        """Alt+F4 with incidents open: ask first (window-modal, opened, not exec'd inside the loop)."""
        from PySide6.QtWidgets import QMessageBox

        if self.close_question is not None and self.close_question.isVisible():
            return
        text = self.tr("%1 incidents are still open. Close the console anyway?").replace(
            "%1", str(len(self._open_incidents())))
        if self.embedded_hub:
            text += "\n\n" + self.tr("This is the demo: closing the console also stops its embedded hub "
                                      "and its scenario.")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Close the console?"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter keeps the console open
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda r: self.close_without_asking()
                             if r == QMessageBox.StandardButton.Yes else None)
        self.close_question = box
        box.open()

    def _refresh_chrome(self) -> None:
        """The toast, the offline banner and the header clock: every tick, cheap when nothing changed."""
        self.toast.tick()
        self.offline_bar.refresh()
        self.header.refresh()

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

    def _on_show_camera_on_map(self, camera_id: str) -> None:
        """A tile's "show on map": bring the map up, centred on the camera."""
        dock, map_pane = self.docks.get("map"), self.panes.get("map")
        cam = self.replica.state.cameras.get(camera_id)
        if dock is None or map_pane is None or cam is None:
            return
        dock.show()
        dock.raise_()
        map_pane.center_on(cam.x, cam.y)

    def _make_alarm(self) -> Alarm:
        """The alarm that rings until acknowledged and flashes the rows and the strip."""
        flash = self.alerts.model.set_flash if self.alerts is not None else None

        def loud(text: str) -> None:
            self.show_banner(text, "critical")
            self.status.showMessage(text, BANNER_MS)

        return Alarm(self.replica, self.alarm_strip, loud, self.status.say_once, self.settings, self,
                     on_flash=flash, audible=not self.wall)

    # ------------------------------------------------------------------ keys

    def _shortcut_handlers(self) -> dict[str, Callable[[], None]]:
        keyed = {name: (lambda code=code: self._on_action_key(code)) for name, code in KEYED.items()}
        return {
            **keyed, "undo": self.desk.undo,
            "next": lambda: self._step_queue(1), "previous": lambda: self._step_queue(-1),
            "queue": self._focus_queue, "help": self.show_shortcuts,
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

    def _on_tick(self, force: bool = False) -> ChangeSet:
        """One UI tick: every pane gets what changed, in steps of at most TICK_SLICE_S.

        Between steps the loop runs (the session applies what arrived, a critical alert is
        painted at once): a tick that redraws the map, the roster and the KPIs no longer holds
        the GUI thread for all of them in one go. A forced tick (tests, smoke, a new window)
        runs whole. A tick due while the last one's steps still run waits for the next.
        """
        if self._steps:
            if not force:
                return ChangeSet()
            self._run_steps(None)
        if not force and time.monotonic() < self._next_tick_at:
            # The last tick was heavy: domain changes pile up for the next one; video goes on.
            for pane in self.panes.values():
                if getattr(pane, "refresh_every_tick", False):
                    try:
                        pane.refresh(ChangeSet())
                    except Exception:  # noqa: BLE001 - counted and logged by the full tick
                        log.exception("pane failed to refresh")
            return ChangeSet()
        self._tick_at = self._tick_started = time.monotonic()
        self._tick_busy = 0.0
        # The queue already had the carried changes in the early tick: given them again, it
        # would ring, pop and focus a critical alert twice. It gets the rest.
        queue_changes, self._redraw = self._redraw, ChangeSet()
        queue_changes.merge(self.replica.take_changes())
        changes, self._carry = self._carry, ChangeSet()
        changes.merge(queue_changes)
        now = time.monotonic()
        idle = not changes and not force and now - self._last_refresh < IDLE_REFRESH_S
        if not idle:
            self._last_refresh = now
        self._tick_no += 1
        steps = self._steps
        for name, pane in self.panes.items():
            refresh = getattr(pane, "refresh", None)
            # Video is not a domain change: the camera wall pulls frames on every tick. A
            # staggered pane still owed changes is not idle: when events arrive in step with
            # the other phase (the hub's 10 Hz slices, our 20 Hz ticks) its ticks are all
            # empty ones, and skipping them left the map unredrawn for the whole run (P4).
            if refresh is None or (idle and not getattr(pane, "refresh_every_tick", False)
                                   and not self._backlog.get(name)):
                continue
            phase = STAGGERED.get(name)
            pane_changes = queue_changes if pane is self.alerts else changes
            if phase is not None:
                # Roster, map, KPIs: every other tick, on alternate ticks, with what piled up
                # meanwhile, so no single tick redraws everything (shorter GUI stalls).
                backlog = self._backlog.setdefault(name, ChangeSet())
                backlog.merge(changes)
                if not force and self._tick_no % 2 != phase:
                    continue
                pane_changes, self._backlog[name] = backlog, ChangeSet()
            steps.append((name, refresh, pane_changes))
        self._steps_idle = idle
        self._run_steps(None if force else TICK_SLICE_S)
        return changes

    def _run_steps(self, budget_s: float | None) -> None:
        """Refresh panes of the current tick until done or `budget_s` is spent (then go on soon)."""
        started = time.perf_counter()
        steps = self._steps
        while steps:
            name, refresh, pane_changes = steps.popleft()
            try:
                refresh(pane_changes)
            except Exception:  # noqa: BLE001 - one broken pane must not freeze the others
                self.replica.counters[f"ui_error.{name}"] += 1
                log.exception("pane %s failed to refresh", name)
            if steps and budget_s is not None and time.perf_counter() - started > budget_s:
                self._tick_busy += time.perf_counter() - started
                QTimer.singleShot(0, self._next_steps)
                return
        self.status.update_figures()
        self._refresh_chrome()
        if not self._steps_idle:
            self._show_notices()
        self._show_mode()
        self._tick_busy += time.perf_counter() - started
        self._next_tick_at = self._tick_started + min(self._tick_busy / TICK_SHARE, TICK_WAIT_MAX_S)

    def _next_steps(self) -> None:
        if not self._closed and self._steps:
            self._run_steps(TICK_SLICE_S)

    def _show_mode(self) -> None:
        """Exercise and review are marked in the title and a strip that never hides; review shows the drill bar."""
        mode = self.replica.link.mode or "live"
        if mode == self._mode_shown:
            return
        self._mode_shown = mode
        from console.ui.shell.status_bar import MODE_TEXT
        from console.ui.common.theme import MODE_COLORS

        title = self.tr("Duty commander's console")
        if mode == "live":
            self.mode_strip.hide()
            self.setWindowTitle(title)
        else:
            text = {"exercise": self.tr("EXERCISE 演练 — not live duty: the field is simulated"),
                    "review": self.tr("REVIEW 回放 — a recorded session: dispatch is off")}.get(mode, mode.upper())
            self.mode_strip.setText(text)
            from PySide6.QtWidgets import QApplication

            size = max(13.0, QApplication.font().pointSizeF() * 0.9)  # large on a wall too
            self.mode_strip.setStyleSheet(f"background: {MODE_COLORS.get(mode, '#6e7681')}; color: white; "
                                          f"font-weight: bold; font-size: {size:.0f}pt; padding: 3px;")
            self.mode_strip.show()
            self.setWindowTitle(f"[{MODE_TEXT.get(mode, mode.upper())}] {title}")
        dock = self.docks.get("drillbar")
        if dock is not None:
            dock.setVisible(mode == "review")

    def _show_notices(self) -> None:
        if self._notices is None:
            if self.panes_pending:
                return  # the cursor counts from the first notice: these are shown once it exists
            from console.ui.panes.diagnostics.widget import NoticeCursor

            self._notices = NoticeCursor(self.replica)
        loud = [n for n in self._notices.take() if n.level in ("warning", "error")]
        if not loud:
            return
        last = loud[-1]
        if last.reason:
            text = glossary.describe_refusal(last.code, last.reason, last.subject, self.replica.state,
                                             current_lang())
        else:
            text = f"{glossary.refusal(last.code, current_lang())}: {last.text}"
        if len(loud) > 1:
            text += "  " + self.tr("(+%1 more, see Diagnostics)").replace("%1", str(len(loud) - 1))
        self.show_banner(text, last.level)
        self.status.showMessage(text, BANNER_MS)

    #: during an early tick: critical alerts to focus once the queue is painted (else None)
    _critical_held: list[str] | None = None

    def _on_critical(self, incident_id: str) -> None:
        if self._critical_held is not None:
            self._critical_held.append(incident_id)
            return
        inc = self.replica.state.incidents.get(incident_id)
        if inc is None:
            return
        alert = self.replica.state.alerts.get(inc.alert)
        camera = alert.camera if alert is not None else None
        focus = getattr(self.camera_wall, "focus_camera", None)
        if camera and callable(focus):
            try:
                focus(camera)
            except Exception:  # noqa: BLE001
                log.exception("camera wall could not focus %s", camera)
        town = self.replica.state.org.get(inc.town)
        self.show_banner(self.tr("Critical alert: %1 — %2").replace("%1", inc.title)
                         .replace("%2", town.name if town else inc.town), "critical")
        if self.selection.incident is None or self.wall:
            self.selection.select_incident(incident_id)
        self.sig_critical.emit(incident_id)
