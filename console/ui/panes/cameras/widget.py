"""The camera wall: 1/4/9/16/25/36/64 layouts, paging, focus tile (弹窗预警), solo view.

Data arrives only through `refresh(changes)` on the main window's UI tick:
new frames are pulled from the decode pool for visible tiles, alert state is
recomputed for the cameras whose incidents changed. Only the visible page
decodes: cameras whose record names a stream URL are pulled by the console's
stream readers (sub-stream in the grid, main stream in the focus or solo tile,
scaled to the tile); the others are subscribed at the hub, which pushes their
frames (drill review always takes the hub's recorded frames). A tile without a
frame for 2 s greys and says why (stale.py).
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup, QGridLayout, QHBoxLayout, QInputDialog, QLabel, QMenu, QToolButton, QVBoxLayout,
    QWidget,
)

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import SETTLED_STATUSES, Alert
from console.domain.state import ChangeSet
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.cameras.elided import ElidedLabel
from console.ui.panes.cameras.tile import CameraTile
from console.video.views import View, ViewError, ViewStore
from console.ui.shell.selection import Selection
from console.video.pool import DecodePool
from console.video.playback import ClipPlayback, replay_key
from console.video.sources import Want
from console.video.urls import is_pulled

#: tiles per page; n×n grids except 64 (8×8)
LAYOUTS = (1, 4, 9, 16, 25, 36, 64)
#: flash frequency of an alerting tile's border (full on/off cycles per second)
FLASH_HZ = 2.0
#: cameras within this many metres of an alert count as nearby (at most NEARBY_MAX of them)
NEARBY_M = 1500.0
NEARBY_MAX = 4
#: a camera tour (轮巡) turns the page this often by default (seconds)
TOUR_S = 10.0
#: at most this many pulled tiles decode live (two cores: 16 sub-streams ≈ 25 % of a core with painting);
#: the others on the page are idle and show a still refreshed every STILL_S seconds
LIVE_TILES = 16
STILL_S = 10.0


def nearby_cameras(cameras, x: float, y: float, radius: float = NEARBY_M,
                   limit: int = NEARBY_MAX) -> list[tuple[str, float]]:
    """(camera id, metres) of the cameras within `radius` of a point, nearest first."""
    found = sorted((math.hypot(c.x - x, c.y - y), c.id) for c in cameras)
    return [(cid, d) for d, cid in found if d <= radius][:limit]


class CameraWall(QWidget):
    """Live camera tiles for the commander's wall of video."""

    sig_visible_changed = Signal(list)
    """The visible camera ids changed (hub-pushed ones are subscribed, streamed ones pulled)."""

    sig_layout_changed = Signal(int)
    """The tile count per page changed (1, 4, 9, … 64)."""

    sig_show_on_map = Signal(str)
    """A tile's menu asked to show its camera on the map (camera id)."""

    sig_view_changed = Signal(str)
    """A saved view was recalled (its name), or "" for all cameras again."""

    def __init__(self, replica: Replica, controller: Controller, selection: Selection,
                 frames: DecodePool | None = None, parent: QWidget | None = None, *,
                 layout: int = 9, live_tiles: int = LIVE_TILES, still_s: float = STILL_S):
        super().__init__(parent)
        #: the live budget: pulled tiles beyond it show stills every `still_s` seconds
        self.live_tiles = max(1, int(live_tiles))
        self.still_s = max(1.0, float(still_s))
        self.replica = replica
        self.controller = controller
        self.selection = selection
        self.frames = frames
        #: the stream readers feeding `frames` (None: every frame comes from the hub)
        self.streams = getattr(frames, "streams", None)
        self._pulling = False
        #: cameras on screen pulled by a stream reader (the others wait for hub frames)
        self._streamed: set[str] = set()
        #: camera id → its "last 30 s" playing on its tile
        self._replays: dict[str, ClipPlayback] = {}
        #: camera tour: seconds per page (None: off) and when the next turn is due (monotonic)
        self._tour_s: float | None = None
        self._tour_due = 0.0
        self._visible: list[str] | None = None
        #: saved views: the user's own shelf and the site's shared one (None: not kept)
        self.private_views: ViewStore | None = None
        self.shared_views: ViewStore | None = None
        #: the recalled view whose cameras the wall shows (None: every camera, by id)
        self._view: View | None = None
        #: the last thing about views the operator should read (saved, not saved and why, cameras gone)
        self.view_message = ""
        self._n = layout if layout in LAYOUTS else 9
        self._page = 0
        self._cameras: list[str] = []
        #: camera id → the newest decoded frame, for cameras on a tile
        self._last_frames: dict = {}
        #: camera id → ids of its open incidents
        self._open: dict[str, set[str]] = {}
        self._focus: str | None = None
        self._solo: str | None = None
        self._subscribed: list[str] | None = None
        self._pool_tiles: list[CameraTile] = []
        #: the tiles on screen now, focus tile first
        self.tiles: list[CameraTile] = []
        self._by_camera: dict[str, CameraTile] = {}
        self._flash_phase = False
        #: cameras near the selected alert, nearest first: (camera id, metres)
        self._nearby: list[tuple[str, float]] = []

        self._build_ui()
        selection.sig_camera.connect(self._on_selected_camera)
        selection.sig_incident.connect(self._on_selected_incident)
        self._reload_cameras()
        self._rebuild_alerts()
        self._relayout()

    # ================================================================== API

    def refresh(self, changes: ChangeSet) -> None:
        """One UI tick: new frames for visible tiles, alert and camera state from `changes`."""
        if changes.baseline:
            self._reload_cameras()
            self._rebuild_alerts()
            self._relayout()
        else:
            if changes.incidents:
                self._update_alerts(changes.incidents)
            if changes.cameras:
                cams = self.replica.state.cameras
                for cid in changes.cameras:
                    tile = self._by_camera.get(cid)
                    cam = cams.get(cid)
                    if tile is not None and cam is not None:
                        tile.set_online(cam.online)
                if self._by_camera.keys() & changes.cameras:
                    self._update_sources()  # a stream URL may have changed
        if self._pulling != self._should_pull():
            self._update_sources()  # the link now says review (recorded frames) or live
        self._pull_frames()
        self._flash()
        self._turn_tour()

    def configure(self, *, live_tiles: int | None = None, still_s: float | None = None) -> None:
        """Change the live budget (tiles decoding live) and the idle tiles' still interval (seconds)."""
        if live_tiles is not None:
            self.live_tiles = max(1, int(live_tiles))
        if still_s is not None:
            self.still_s = max(1.0, float(still_s))
        self._update_sources()

    def idle_cameras(self) -> list[str]:
        """Cameras on screen showing stills (over the live budget), in tile order."""
        return [t.camera_id for t in self.tiles if t.camera_id and t.still]

    # ------------------------------------------------------------------ saved views

    def set_view_stores(self, private: ViewStore | None, shared: ViewStore | None) -> None:
        """Where views are kept (the console's data dir, the site's shared file); shows the Views button."""
        self.private_views, self.shared_views = private, shared
        self._views_button.setVisible(private is not None or shared is not None)

    def current_view(self, name: str) -> View:
        """What is on screen now as a view: the visible cameras in tile order, and the layout that holds them."""
        cams = self.visible_cameras()
        if self._solo:
            return View(name, 1, (self._solo,))
        n = self._n if len(cams) <= self._n else next(k for k in LAYOUTS if k >= len(cams))
        return View(name, n, tuple(cams[:64]))

    def save_view(self, name: str, *, shared: bool = False) -> View:
        """Keep what is on screen under `name` on the private or shared shelf; ViewError says why not."""
        store = self.shared_views if shared else self.private_views
        if store is None:
            raise ViewError("views are not kept on this console")
        view = store.save(self.current_view(name))
        self._view = view
        self._update_toolbar()
        return view

    def show_view(self, view: View) -> None:
        """Recall a view: its cameras in its order, at its layout, first page; cameras gone are left out."""
        self._view = view
        self._focus = self._solo = None
        self._n = view.layout if view.layout in LAYOUTS else self._n
        self._layout_buttons[self._n].setChecked(True)
        self._page = 0
        self._reload_cameras()
        gone = len(view.cameras) - len(self._cameras)
        lang = current_lang()
        self.view_message = glossary.video_words("view_missing", lang, n=gone) if gone else ""
        self._relayout()
        self.sig_layout_changed.emit(self._n)
        self.sig_view_changed.emit(view.name)

    def show_all_cameras(self) -> None:
        """Leave the recalled view: every camera, by id."""
        if self._view is not None:
            self._view = None
            self.view_message = ""
            self._reload_cameras()
            self._relayout()
            self.sig_view_changed.emit("")

    def view_name(self) -> str:
        """The recalled view's name, "" when the wall shows every camera."""
        return self._view.name if self._view is not None else ""

    def views_menu(self) -> QMenu:
        """The Views menu as it is now: all cameras, my views, shared views, save, delete (re-read from disk)."""
        lang = current_lang()
        w = lambda key, **kv: glossary.video_words(key, lang, **kv)  # noqa: E731
        menu = self._views_menu
        menu.clear()
        everything = menu.addAction(w("all_cameras"))
        everything.setCheckable(True)
        everything.setChecked(self._view is None)
        everything.triggered.connect(self.show_all_cameras)
        for title, store, shared in ((w("my_views"), self.private_views, False),
                                     (w("shared_views"), self.shared_views, True)):
            if store is None:
                continue
            menu.addSeparator()
            # a disabled bold entry, not addSection: the Fusion style draws a section as a bare line
            head = menu.addAction(title)
            head.setEnabled(False)
            bold = head.font()
            bold.setBold(True)
            head.setFont(bold)
            views = store.load()
            if not views:
                menu.addAction(w("no_views")).setEnabled(False)
            for view in views:
                act = menu.addAction(f"{view.name}  ·  {w('view_tiles', n=len(view.cameras))}")
                act.setObjectName(f"view:{'shared' if shared else 'mine'}:{view.name}")
                act.setCheckable(True)
                act.setChecked(self._view == view)
                act.triggered.connect(lambda _=False, v=view: self.show_view(v))
        menu.addSeparator()
        if self.private_views is not None:
            save = menu.addAction(w("save_view"))
            save.setShortcut(QKeySequence("Ctrl+Shift+S"))
            save.triggered.connect(lambda: self.ask_save_view(shared=False))
        if self.shared_views is not None:
            menu.addAction(w("save_shared_view")).triggered.connect(lambda: self.ask_save_view(shared=True))
        doomed = [(v, s) for s in (self.private_views, self.shared_views) if s is not None for v in s.load()]
        if doomed:
            sub = menu.addMenu(w("delete_view"))
            for view, store in doomed:
                shelf = w("shared_views") if store is self.shared_views else w("my_views")
                sub.addAction(f"{view.name} ({shelf})").triggered.connect(
                    lambda _=False, v=view, st=store: self._delete_view(st, v))
        return menu

    def ask_save_view(self, *, shared: bool = False) -> QInputDialog:
        """Ask for a name (the recalled view's by default) and keep the screen under it; returns the dialog."""
        lang = current_lang()
        dialog = QInputDialog(self)
        dialog.setObjectName("save_view_dialog")
        dialog.setWindowTitle(glossary.video_words("save_shared_view" if shared else "save_view", lang))
        dialog.setLabelText(glossary.video_words("view_name", lang))
        dialog.setTextValue(self.view_name())
        dialog.textValueSelected.connect(lambda name: self._save_from_dialog(name, shared))
        dialog.open()
        return dialog

    def set_layout(self, n: int) -> None:
        """Show n tiles per page (one of LAYOUTS); leaves the solo view."""
        if n not in LAYOUTS:
            raise ValueError(f"layout {n} not in {LAYOUTS}")
        first = self._page * self._n
        self._n = n
        self._solo = None
        self._page = min(first // n, self.page_count() - 1)
        self._layout_buttons[n].setChecked(True)
        self._relayout()
        self.sig_layout_changed.emit(n)

    def layout_size(self) -> int:
        """Tiles per page of the current layout."""
        return self._n

    def set_page(self, page: int) -> None:
        """Go to a page of the camera list (clamped)."""
        page = max(0, min(page, self.page_count() - 1))
        if page != self._page or self._solo:
            self._page = page
            self._solo = None
            self._relayout()

    def page(self) -> int:
        return self._page

    def page_count(self) -> int:
        return max(1, math.ceil(len(self._cameras) / self._n))

    def next_page(self) -> None:
        self.set_page((self._page + 1) % self.page_count())

    def previous_page(self) -> None:
        self.set_page((self._page - 1) % self.page_count())

    def focus_camera(self, camera_id: str) -> None:
        """Pop a camera into the large focus tile at the top-left (弹窗预警)."""
        if camera_id not in self.replica.state.cameras:
            return
        self._focus = camera_id
        self._solo = None
        self._relayout()

    def clear_focus(self) -> None:
        """Back to the plain grid."""
        if self._focus is not None:
            self._focus = None
            self._relayout()

    def focused_camera(self) -> str | None:
        return self._focus

    def toggle_solo(self, camera_id: str) -> None:
        """Double-click: show one camera full size; again to go back."""
        self._solo = None if self._solo == camera_id else camera_id
        self._relayout()

    def solo_camera(self) -> str | None:
        return self._solo

    def visible_cameras(self) -> list[str]:
        """Ids of the cameras on screen now, focus tile first."""
        return [t.camera_id for t in self.tiles if t.camera_id]

    def alerting_cameras(self) -> set[str]:
        """Cameras with at least one open incident."""
        return {cid for cid, incs in self._open.items() if incs}

    def set_tour(self, seconds: float | None) -> None:
        """Camera tour (轮巡): turn to the next page every `seconds` (None or 0: stop).

        Only the visible page decodes, so a tour is how 65 cameras are all seen on two cores.
        The tour waits while a focus or solo tile is up: an alert is being looked at.
        """
        self._tour_s = seconds if seconds and seconds > 0 else None
        self._tour_due = time.monotonic() + (self._tour_s or 0.0)
        self._tour_button.setChecked(self._tour_s is not None)

    def tour_seconds(self) -> float | None:
        """Seconds per page of the running tour, or None."""
        return self._tour_s

    def replay_last(self, camera_id: str) -> bool:
        """Play a visible streamed camera's last ~30 s on its tile; False if there is nothing kept."""
        tile = self._by_camera.get(camera_id)
        if tile is None or self.streams is None or self.frames is None:
            return False
        clip = self.streams.clip(camera_id)
        if clip is None or not clip.packets:
            return False
        old = self._replays.pop(camera_id, None)
        if old is not None:
            old.stop()
        dpr = self.devicePixelRatioF()
        self._replays[camera_id] = ClipPlayback(clip, self.frames, width=int(tile.width() * dpr),
                                                height=int(tile.height() * dpr)).start()
        tile.set_replay(True)
        return True

    def replaying(self) -> list[str]:
        """Cameras whose tile plays back their last 30 s now."""
        return sorted(self._replays)

    def tile_for(self, camera_id: str) -> CameraTile | None:
        """The visible tile showing a camera, if any."""
        return self._by_camera.get(camera_id)

    def nearby_cameras(self) -> list[tuple[str, float]]:
        """Cameras near the selected alert, nearest first, as (id, metres); shown next to the focus tile."""
        return list(self._nearby)

    def tile_menu(self, camera_id: str) -> QMenu:
        """A tile's context menu: focus, full screen, show on map."""
        menu = QMenu(self)
        menu.setObjectName("tile_menu")
        focus = menu.addAction(self.tr("Focus this camera"))
        focus.triggered.connect(lambda: self.focus_camera(camera_id))
        solo = menu.addAction(self.tr("Back to the grid") if self._solo == camera_id else self.tr("Full screen"))
        solo.triggered.connect(lambda: self.toggle_solo(camera_id))
        on_map = menu.addAction(self.tr("Show on map"))
        on_map.triggered.connect(lambda: self._on_show_on_map(camera_id))
        replay = menu.addAction(self.tr("Play the last 30 s"))
        replay.triggered.connect(lambda: self.replay_last(camera_id))
        return menu

    # ================================================================== UI

    def _build_ui(self) -> None:
        self._bar = bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.setSpacing(2)
        self._layout_group = QButtonGroup(self)
        self._layout_group.setExclusive(True)
        self._layout_buttons: dict[int, QToolButton] = {}
        for n in LAYOUTS:
            b = QToolButton(self)
            b.setText(str(n))
            b.setCheckable(True)
            b.setChecked(n == self._n)
            b.setToolTip(self.tr("%n camera(s) per page", "", n))
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, n=n: self.set_layout(n))
            self._layout_group.addButton(b)
            self._layout_buttons[n] = b
            bar.addWidget(b)
        bar.addSpacing(12)
        self._prev = QToolButton(self)
        self._prev.setText("◀")
        self._prev.setToolTip(self.tr("Previous page (PgUp)"))
        self._prev.clicked.connect(self.previous_page)
        self._next = QToolButton(self)
        self._next.setText("▶")
        self._next.setToolTip(self.tr("Next page (PgDown)"))
        self._next.clicked.connect(self.next_page)
        self._page_label = QLabel(self)
        self._page_label.setMinimumWidth(60)
        self._page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self._prev)
        bar.addWidget(self._page_label)
        bar.addWidget(self._next)
        self._tour_button = QToolButton(self)
        self._tour_button.setText(self.tr("Tour"))
        self._tour_button.setToolTip(self.tr("Camera tour: next page every %1 s").replace("%1", f"{TOUR_S:.0f}"))
        self._tour_button.setCheckable(True)
        self._tour_button.toggled.connect(lambda on: on != (self._tour_s is not None)
                                          and self.set_tour(TOUR_S if on else None))
        bar.addWidget(self._tour_button)
        self._focus_label = ElidedLabel(self)
        self._focus_label.setObjectName("focus_line")
        self._focus_label.setStyleSheet(f"color: {theme.CAMERA_FOCUSED}; font-weight: bold;")
        # a long focus/nearby line must never widen the wall (and with it the window): it ends in "…"
        # at a whole character, the full line in its tooltip
        self._unfocus = QToolButton(self)
        self._unfocus.setText(self.tr("Close focus"))
        self._unfocus.setToolTip(self.tr("Leave the focus tile (Esc)"))
        self._unfocus.clicked.connect(self._on_close_focus)
        self._views_button = QToolButton(self)
        self._views_button.setObjectName("views_button")
        self._views_button.setText(glossary.video_words("views", current_lang()))
        self._views_button.setToolTip(glossary.video_words("views_tip", current_lang()))
        self._views_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._views_menu = QMenu(self._views_button)
        self._views_menu.setObjectName("views_menu")
        self._views_menu.aboutToShow.connect(self.views_menu)  # re-read: another console may have saved
        self._views_button.setMenu(self._views_menu)
        self._views_button.hide()
        bar.addWidget(self._views_button)
        bar.addWidget(self._focus_label, 1)
        bar.addWidget(self._unfocus)

        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(2)

        #: the wall's second toolbar row: the focus line whole across the column (set_wall)
        self._line_row = QHBoxLayout()
        self._line_row.setContentsMargins(6, 0, 4, 2)
        self._wall = False

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(bar)
        root.addLayout(self._line_row)
        root.addWidget(self._grid_host, 1)

        for keys, slot in ((QKeySequence.StandardKey.MoveToNextPage, self.next_page),
                           (QKeySequence.StandardKey.MoveToPreviousPage, self.previous_page)):
            sc = QShortcut(keys, self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self._on_close_focus)
        # views work from anywhere in the window: recalling a view is what a commander does between alerts
        views = QShortcut(QKeySequence("Ctrl+Shift+V"), self)
        views.setContext(Qt.ShortcutContext.WindowShortcut)
        views.activated.connect(self._open_views_menu)
        save = QShortcut(QKeySequence("Ctrl+Shift+S"), self)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(lambda: self.private_views is not None and self.ask_save_view(shared=False))
        replay = QShortcut(QKeySequence(Qt.Key.Key_R), self)
        replay.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        replay.activated.connect(lambda: self.selection.camera and self.replay_last(self.selection.camera))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_sources()

    # ================================================================== private

    def _reload_cameras(self) -> None:
        cams = self.replica.state.cameras
        if self._view is not None:
            self._cameras = [c for c in self._view.cameras if c in cams]
        else:
            self._cameras = sorted(cams)
        if self._focus not in cams:
            self._focus = None
        if self._solo not in cams:
            self._solo = None
        self._page = min(self._page, self.page_count() - 1)

    def _tile(self, i: int) -> CameraTile:
        while len(self._pool_tiles) <= i:
            t = CameraTile(self._grid_host)
            t.hide()
            t.sig_clicked.connect(self.selection.select_camera)
            t.sig_double_clicked.connect(self.toggle_solo)
            t.sig_replay_requested.connect(self.replay_last)
            # one menu for a tile, built here: focus, full screen, show on map, and the tile's replay
            t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            t.customContextMenuRequested.connect(lambda pos, t=t: self._on_tile_menu(t, pos))
            self._pool_tiles.append(t)
        return self._pool_tiles[i]

    def _plan(self) -> tuple[int, list[tuple[str, int, int, int]]]:
        """(grid size, [(camera, row, col, span)]) for the current mode."""
        if self._solo:
            return 1, [(self._solo, 0, 0, 1)]
        n = self._n
        side = 8 if n == 64 else math.isqrt(n)
        page = self._cameras[self._page * n:(self._page + 1) * n]
        if self._focus is None:
            return side, [(c, i // side, i % side, 1) for i, c in enumerate(page)]
        if side == 1:
            return 1, [(self._focus, 0, 0, 1)]
        # 1 + N: the focus tile takes the top-left span×span block, the page fills the rest
        side = max(side, 3)
        span = max(2, (side + 1) // 2)
        cells = [(r, c) for r in range(side) for c in range(side) if not (r < span and c < span)]
        near = [c for c, _ in self._nearby if c != self._focus]
        others = near + [c for c in page if c != self._focus and c not in near]
        if len(others) < len(cells):  # fill the free cells from the following cameras
            extra = [c for c in self._cameras if c != self._focus and c not in others]
            others += extra[:len(cells) - len(others)]
        placed = [(self._focus, 0, 0, span)]
        placed += [(cam, r, c, 1) for cam, (r, c) in zip(others, cells)]
        return side, placed

    def _relayout(self) -> None:
        side, placed = self._plan()
        grid = self._grid
        while grid.count():
            grid.takeAt(0)
        for i in range(max(side, grid.rowCount(), grid.columnCount())):
            grid.setRowStretch(i, 1 if i < side else 0)
            grid.setColumnStretch(i, 1 if i < side else 0)
        cams = self.replica.state.cameras
        self.tiles = []
        self._by_camera = {}
        for i, (cid, r, c, span) in enumerate(placed):
            tile = self._tile(i)
            cam = cams.get(cid)
            tile.set_camera(cid, cam.name if cam else "", cam.online if cam else False)
            tile.set_focused(cid == self._focus and not self._solo)
            tile.set_selected(cid == self.selection.camera)
            grid.addWidget(tile, r, c, span, span)
            tile.show()
            self.tiles.append(tile)
            self._by_camera[cid] = tile
            self._apply_alert(tile)
        for tile in self._pool_tiles[len(placed):]:
            tile.hide()
            tile.set_camera(None)
        self._update_toolbar()
        self._update_sources()

    def set_wall(self, on: bool) -> None:
        """Wall mode: the focus line on a row of its own under the buttons, always there.

        At wall type the buttons leave the line a few characters beside them; on its own row it
        has the column's width (and ends in "…" if even that is short). The row is kept when the
        line is empty, so the grid never moves when a camera is focused or let go.
        """
        if on == self._wall:
            return
        self._wall = on
        if on:
            self._bar.removeWidget(self._focus_label)
            self._line_row.addWidget(self._focus_label, 1)
        else:
            self._line_row.removeWidget(self._focus_label)
            self._bar.insertWidget(self._bar.indexOf(self._unfocus), self._focus_label, 1)
        self._update_toolbar()

    def _update_toolbar(self) -> None:
        if self._view is not None:
            self._views_button.setText(glossary.video_words("view_showing", current_lang(), name=self._view.name))
        else:
            self._views_button.setText(glossary.video_words("views", current_lang()))
        if self._solo:
            self._page_label.setText(self._solo)
        else:
            self._page_label.setText(f"{self._page + 1} / {self.page_count()}")
        paging = not self._solo and self.page_count() > 1
        self._prev.setEnabled(paging)
        self._next.setEnabled(paging)
        if self._focus and not self._solo:
            cam = self.replica.state.cameras.get(self._focus)
            text = self.tr("Focus: %1").replace("%1", f"{self._focus} {cam.name if cam else ''}")
            near = [(c, d) for c, d in self._nearby if c != self._focus]
            if near:
                text += "  ·  " + self.tr("Nearby: %1").replace(
                    "%1", ", ".join(f"{c} {glossary.metres(d, current_lang())}" for c, d in near))
            self._focus_label.setText(text)
            self._focus_label.show()
            self._unfocus.show()
        else:
            # no focus tile: the line says what happened to a view (saved? cameras gone?), if anything
            self._focus_label.setText(self.view_message)
            self._focus_label.setVisible(bool(self.view_message) or self._wall)
            self._unfocus.setVisible(bool(self._solo))

    def _should_pull(self) -> bool:
        return self.streams is not None and self.replica.link.mode != "review"

    def _update_sources(self) -> None:
        """Pull streamed cameras at their tiles' size, subscribe the rest at the hub."""
        side, placed = self._plan()
        dpr = self.devicePixelRatioF()
        gap = self._grid.spacing()
        # a tile's own pixels (the grid's gaps taken off), so the reader's picture fits it and paints 1:1
        cw = max(1, self._grid_host.width() - gap * (side - 1)) / max(1, side)
        ch = max(1, self._grid_host.height() - gap * (side - 1)) / max(1, side)
        self._pulling = pull = self._should_pull()
        cams = self.replica.state.cameras
        wants: dict[str, Want] = {}
        hub: set[str] = set()
        live = self._live_set(placed) if pull else set()
        alerting = self.alerting_cameras() if pull else set()
        for cid, _, _, span in placed:
            w, h = int((cw * span + gap * (span - 1)) * dpr), int((ch * span + gap * (span - 1)) * dpr)
            cam = cams.get(cid)
            # the focus and solo tiles get the main stream, grid tiles the sub-stream
            url = cam.url_for(large=span > 1 or side == 1) if cam is not None else ""
            tile = self._by_camera.get(cid)
            if pull and is_pulled(url):
                still = 0.0 if cid in live else self.still_s
                # the ring keeps the sub-stream of live and alerting tiles, also while focus shows the main
                ring = cam.url_for(large=False) if cid in live or cid in alerting else ""
                wants[cid] = Want(url, w, h, cam.rtsp_transport, still_s=still, ring_url=ring)
                if tile is not None:
                    tile.set_still(still or None)
            else:
                if tile is not None:
                    tile.set_still(None)
                hub.add(cid)
                if self.frames is not None:
                    # ask the pool for frames about the size of their tiles (cheap DCT downscale)
                    self.frames.set_min_size(cid, w, h)
        # alerting cameras off the page keep their last 30 s (packets only, no decoding) for replay and evidence
        if pull:
            for cid in sorted(alerting - set(wants) - hub):
                cam = cams.get(cid)
                url = cam.url_for(large=False) if cam is not None else ""
                if is_pulled(url):
                    wants[cid] = Want(url, transport=cam.rtsp_transport, decode=False, ring_url=url)
        self._streamed = set(wants)
        if self.streams is not None:
            self.streams.watch(wants)
        subscribed = sorted(hub)
        if subscribed != self._subscribed:
            self._subscribed = subscribed
            self.controller.subscribe_cameras(subscribed)
        visible = sorted(set(self.visible_cameras()))
        if visible != self._visible:
            self._visible = visible
            self.sig_visible_changed.emit(visible)

    def _live_set(self, placed: list[tuple[str, int, int, int]]) -> set[str]:
        """The pulled cameras that decode live: focus or solo first, then alerting, selected, page order."""
        cams = self.replica.state.cameras
        pulled = [cid for cid, _, _, span in placed
                  if (cam := cams.get(cid)) is not None and is_pulled(cam.url_for(large=span > 1))]
        alerting = self.alerting_cameras()
        first = [cid for cid, _, _, span in placed[:1] if span > 1 or self._solo]
        order = first + [c for c in pulled if c in alerting] + [c for c in pulled if c == self.selection.camera]
        order += pulled
        live: list[str] = []
        for cid in order:
            if cid in pulled and cid not in live:
                live.append(cid)
        return set(live[:self.live_tiles])

    def _on_console_clock(self, camera_id: str, frame) -> float | None:
        """A pulled camera's frame time on the console's clock (the header's); None: it is already.

        The stream reader stamps frames with this machine's time; in an exercise the header shows
        the scenario's, so "最后画面 21:09" under a header at 07:03 would be two clocks on one screen.
        Hub-pushed frames carry the hub's time already. Live, the hub's clock is wall time.
        """
        link = self.replica.link
        if camera_id not in self._streamed or not link.clock:
            return None
        # hub time now, less the frame's age at the hub clock's rate (an exercise may run faster)
        return self.replica.hub_now() - (time.time() - frame.ts) * link.clock_rate

    def _pull_frames(self) -> None:
        if self.frames is None:
            return
        take = self.frames.take
        status = self.streams.status if self._pulling else None
        last = self._last_frames
        shown: set[str] = set()
        now = time.monotonic()
        for tile in self.tiles:
            cid = tile.camera_id
            if cid is None:
                continue
            shown.add(cid)
            playback = self._replays.get(cid)
            if playback is not None:
                frame = take(replay_key(cid))
                if frame is not None:
                    tile.show_frame(frame, now, self._on_console_clock(cid, frame))
                elif playback.done:
                    del self._replays[cid]
                    tile.set_replay(False)
                take(cid)  # the live frame waits behind the replay; drop it, the next one comes soon
                tile.check_stale(now)
                continue
            frame = take(cid)
            if frame is not None:
                last[cid] = kept = (frame, now, self._on_console_clock(cid, frame))
                tile.show_frame(*kept)
            elif not tile.has_picture and (kept := last.get(cid)) is not None:
                # A tile that just got this camera (focus, new layout) shows its last picture at
                # once: a camera that sends rarely (a drill's recorded frames) may not send again soon.
                # It keeps its arrival time, so an old picture is stale at once, not live.
                tile.show_frame(*kept)
            s = status(cid) if status is not None and cid in self._streamed else None
            tile.set_stream(s.state if s is not None else None, s.attempts if s is not None else 0)
            tile.check_stale(now)
        for cid in [c for c in last if c not in shown]:
            del last[cid]  # only cameras on screen keep a picture in memory
        for cid in [c for c in self._replays if c not in shown]:
            self._replays.pop(cid).stop()  # the camera left the screen

    # ------------------------------------------------------------------ alerts

    def _is_open(self, inc) -> bool:
        return inc.status not in SETTLED_STATUSES  # a settled incident's camera stops flashing

    def _camera_of(self, incident_id: str) -> str | None:
        state = self.replica.state
        inc = state.incidents.get(incident_id)
        if inc is None:
            return None
        alert = state.alerts.get(inc.alert)
        return alert.camera if alert is not None else None

    def _rebuild_alerts(self) -> None:
        self._open = {}
        state = self.replica.state
        for iid, inc in state.incidents.items():
            if self._is_open(inc):
                cam = self._camera_of(iid)
                if cam:
                    self._open.setdefault(cam, set()).add(iid)

    def _update_alerts(self, incident_ids: set[str]) -> None:
        state = self.replica.state
        touched: set[str] = set()
        for iid in incident_ids:
            cam = self._camera_of(iid)
            if not cam:
                continue
            inc = state.incidents[iid]
            incs = self._open.setdefault(cam, set())
            if self._is_open(inc):
                incs.add(iid)
            else:
                incs.discard(iid)
            touched.add(cam)
        for cam in touched:
            tile = self._by_camera.get(cam)
            if tile is not None:
                self._apply_alert(tile)
        if self._pulling and touched:
            # an off-page camera started or stopped alerting: keep its packets or not; one on the page
            # goes live (an alert is never looked at as a still)
            self._update_sources()

    def _latest_alert(self, camera_id: str) -> Alert | None:
        state = self.replica.state
        best = None
        for iid in self._open.get(camera_id, ()):
            inc = state.incidents.get(iid)
            alert = state.alerts.get(inc.alert) if inc else None
            if alert is not None and (best is None or (alert.at, alert.id) > (best.at, best.id)):
                best = alert
        return best

    def _apply_alert(self, tile: CameraTile) -> None:
        cid = tile.camera_id
        alert = self._latest_alert(cid) if cid else None
        if alert is None:
            tile.set_alert(False)
        else:
            tile.set_alert(True, alert.detections, alert.severity, alert.title)
            tile.set_flash(self._flash_phase)

    def _turn_tour(self) -> None:
        if self._tour_s is None:
            return
        now = time.monotonic()
        if self._focus or self._solo or self.page_count() < 2:
            self._tour_due = now + self._tour_s
            return
        if now >= self._tour_due:
            self._tour_due = now + self._tour_s
            self.next_page()

    def _flash(self) -> None:
        phase = int(time.monotonic() * FLASH_HZ * 2) % 2 == 0
        if phase == self._flash_phase:
            return
        self._flash_phase = phase
        for tile in self.tiles:
            if tile.alerting:
                tile.set_flash(phase)

    # ------------------------------------------------------------------ handlers

    def _on_selected_camera(self, camera_id: str) -> None:
        if camera_id in self._cameras and camera_id not in self._by_camera and not self._solo:
            self._page = self._cameras.index(camera_id) // self._n
            self._relayout()
        for tile in self.tiles:
            tile.set_selected(tile.camera_id == camera_id)
        if camera_id in self._by_camera and self.streams is not None:
            self._update_sources()  # the selected camera is live even over the budget

    def _on_selected_incident(self, incident_id: str) -> None:
        """Any selected alert: its camera (or the nearest one) into the focus tile, nearby ones beside it."""
        state = self.replica.state
        inc = state.incidents.get(incident_id)
        if inc is None:
            return
        alert = state.alerts.get(inc.alert)
        x, y = (alert.x, alert.y) if alert is not None else (inc.x, inc.y)
        self._nearby = nearby_cameras(state.cameras.values(), x, y)
        own = alert.camera if alert is not None and alert.camera in state.cameras else None
        target = own or (self._nearby[0][0] if self._nearby else None)
        if target is not None:
            self.focus_camera(target)
        else:
            self._relayout()

    def _open_views_menu(self) -> None:
        if self._views_button.isVisible():
            # popup, not the button's showMenu(): that runs a nested event loop until the menu closes
            self._views_menu.popup(self._views_button.mapToGlobal(self._views_button.rect().bottomLeft()))

    def _save_from_dialog(self, name: str, shared: bool) -> None:
        lang = current_lang()
        try:
            view = self.save_view(name, shared=shared)
        except ViewError as exc:
            self.view_message = glossary.video_words("view_error", lang, why=str(exc))
        else:
            self.view_message = ""
            self.sig_view_changed.emit(view.name)
        self._update_toolbar()

    def _delete_view(self, store: ViewStore, view: View) -> None:
        store.delete(view.name)
        if self._view == view:
            self.show_all_cameras()

    def _on_tile_menu(self, tile: CameraTile, pos) -> None:
        if tile.camera_id:
            self._menu = self.tile_menu(tile.camera_id)
            self._menu.popup(tile.mapToGlobal(pos))

    def _on_show_on_map(self, camera_id: str) -> None:
        self.selection.select_camera(camera_id)
        self.sig_show_on_map.emit(camera_id)

    def _on_close_focus(self) -> None:
        if self._solo:
            self._solo = None
            self._relayout()
        else:
            self.clear_focus()
