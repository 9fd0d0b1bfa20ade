"""The camera wall: 1/4/9/16/25/36/64 layouts, paging, focus tile (弹窗预警), solo view.

Data arrives only through `refresh(changes)` on the main window's UI tick:
new frames are pulled from the decode pool for visible tiles, alert state is
recomputed for the cameras whose incidents changed. Only the visible page
decodes: cameras whose record names a stream URL are pulled by the console's
stream readers (sub-stream in the grid, main stream in the focus or solo tile,
scaled to the tile); the others are subscribed at the hub, which pushes their
frames (drill review always takes the hub's recorded frames). A tile without a
frame for 2 s greys and says why (stale.py).

This widget lays the tiles out and pages them. What it shows and how each camera
is fed is decided without Qt in `console/video/plan.py` (`Paging`, `live_set`,
`plan_sources`) and the tour in `console/video/tour.py`; frames reach the tiles
through `TileFeed` (feed.py), alerts through `TileAlerts` (alerting.py); saved views
are `ViewShelf` (shelf.py), the buttons `WallToolbar` (toolbar.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QGridLayout, QMenu, QVBoxLayout, QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.ui.panes.cameras.alerting import TileAlerts
from console.ui.panes.cameras.feed import TileFeed
from console.ui.panes.cameras.shelf import ViewShelf
from console.ui.panes.cameras.tile import CameraTile
from console.ui.panes.cameras.toolbar import WallToolbar
from console.video.tour import TOUR_S, Tour
from console.ui.shell.selection import Selection
from console.video.plan import LAYOUTS, LIVE_TILES, STILL_S, Paging, live_set, nearby_cameras, plan_sources
from console.video.pool import DecodePool


class CameraWall(QWidget):
    """Live camera tiles for the commander's wall of video.

    `paging` is what the wall shows (layout, page, focus, solo: plain values), `views` its
    saved views, `tour` its camera tour, `alerts` its alerting cameras, `feed` its frames.
    """

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
        #: cameras off the live tiles that keep a packet-only ring before any alert (0: none; `configure`)
        self.armed_rings = 0
        self.replica = replica
        self.controller = controller
        self.selection = selection
        self.frames = frames
        self.feed = TileFeed(replica, frames)
        self.streams = self.feed.streams
        self.paging = Paging(n=layout if layout in LAYOUTS else 9)
        self.tour = Tour()
        self.alerts = TileAlerts(replica)
        self._pulling = False
        self._visible: list[str] | None = None
        self._subscribed: list[str] | None = None
        self._pool_tiles: list[CameraTile] = []
        #: (review or live, the tiles told so): tiles show recorded pictures in a review
        self._recorded: tuple[bool, list[CameraTile]] | None = None
        #: the tiles on screen now, focus tile first
        self.tiles: list[CameraTile] = []
        self._by_camera: dict[str, CameraTile] = {}
        #: cameras near the selected alert, nearest first: (camera id, metres); shown beside the focus tile
        self.nearby: list[tuple[str, float]] = []

        self.toolbar = WallToolbar(self.paging.n, self)
        self.toolbar.sig_layout.connect(self.set_layout)
        self.toolbar.sig_page.connect(lambda step: self.set_page((self.paging.page + step) % self.paging.page_count()))
        self.toolbar.sig_tour.connect(lambda on: on != (self.tour.seconds is not None)
                                      and self.set_tour(TOUR_S if on else None))
        self.toolbar.sig_close_focus.connect(self.clear_focus)
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(2)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.toolbar)
        root.addWidget(self._grid_host, 1)
        for keys, slot in ((QKeySequence.StandardKey.MoveToNextPage, self.next_page),
                           (QKeySequence.StandardKey.MoveToPreviousPage, self.previous_page),
                           (QKeySequence(Qt.Key.Key_Escape), self.clear_focus),
                           (QKeySequence(Qt.Key.Key_R),
                            lambda: self.selection.camera and self.replay_last(self.selection.camera))):
            sc = QShortcut(keys, self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.views = ViewShelf(self)

        selection.sig_camera.connect(self._on_selected_camera)
        selection.sig_incident.connect(self._on_selected_incident)
        self.paging.reload(replica.state.cameras)
        self._relayout()

    # ================================================================== API

    def deferrable_paints(self) -> list[QWidget]:
        """What may be painted a frame later than a new alert's row (`PaintGate`): the shown tiles."""
        return [t for t in self.tiles if t.isVisible()]

    def refresh(self, changes: ChangeSet) -> None:
        """One UI tick: new frames for visible tiles, alert and camera state from `changes`."""
        if changes.baseline:
            self.paging.reload(self.replica.state.cameras, self.views.order())
            self.alerts.rebuild()
            self._relayout()
        else:
            if changes.incidents:
                touched = self.alerts.update(changes.incidents, self._by_camera)
                if self._pulling and touched:
                    # an off-page camera started or stopped alerting: keep its packets or not; one on
                    # the page goes live (an alert is never looked at as a still)
                    self._update_sources()
            if changes.cameras:
                cams = self.replica.state.cameras
                for cid in changes.cameras:
                    tile = self._by_camera.get(cid)
                    cam = cams.get(cid)
                    if tile is not None and cam is not None:
                        tile.set_online(cam.online)
                if self.paging.follow(cams, self.views.order()):
                    self._relayout()  # a camera was added to the site or removed from it
                elif self._by_camera.keys() & changes.cameras:
                    self._update_sources()  # a stream URL may have changed
        if self._pulling != self._should_pull():
            self._update_sources()  # the link now says review (recorded frames) or live
        review = self.replica.link.mode == "review"
        told = self._recorded
        if told is None or told[0] != review or told[1] is not self.tiles:  # told on a change, not every tick
            self._recorded = (review, self.tiles)
            for tile in self.tiles:
                tile.set_recorded(review)
        self.feed.pull(self.tiles, self._pulling)
        self.alerts.flash(self.tiles)
        p = self.paging
        if self.tour.due(held=bool(p.focus or p.solo or p.page_count() < 2)):
            self.next_page()

    def configure(self, *, live_tiles: int | None = None, still_s: float | None = None,
                  armed_rings: int | None = None) -> None:
        """Change the live budget (tiles decoding live), the idle tiles' still interval (seconds) and how
        many cameras off the live tiles keep a packet-only ring (plan.ARMED_RINGS on a site)."""
        if armed_rings is not None:
            self.armed_rings = max(0, int(armed_rings))
        if live_tiles is not None:
            self.live_tiles = max(1, int(live_tiles))
        if still_s is not None:
            self.still_s = max(1.0, float(still_s))
        self._update_sources()

    def idle_cameras(self) -> list[str]:
        """Cameras on screen showing stills (over the live budget), in tile order."""
        return [t.camera_id for t in self.tiles if t.camera_id and t.still]

    def show_view_cameras(self, layout: int | None) -> int:
        """Show the recalled view's cameras (`views.view`; every camera when there is none).

        With `layout` (a view just recalled): at that layout, from the first page, no focus
        or solo tile. Returns how many of the cameras exist (and are shown).
        """
        p = self.paging
        if layout is not None:
            p.focus = p.solo = None
            p.n = layout if layout in LAYOUTS else p.n
            self.toolbar.layout_buttons[p.n].setChecked(True)
            p.page = 0
        p.reload(self.replica.state.cameras, self.views.order())
        self._relayout()
        if layout is not None:
            self.sig_layout_changed.emit(p.n)
        return len(p.cameras)

    def set_layout(self, n: int) -> None:
        """Show n tiles per page (one of LAYOUTS); leaves the solo view."""
        self.paging.set_layout(n)
        self.toolbar.layout_buttons[n].setChecked(True)
        self._relayout()
        self.sig_layout_changed.emit(n)

    def set_page(self, page: int) -> None:
        """Go to a page of the camera list (clamped)."""
        if self.paging.set_page(page):
            self._relayout()

    def next_page(self) -> None:
        """The next page (after the last: the first)."""
        self.set_page((self.paging.page + 1) % self.paging.page_count())

    def previous_page(self) -> None:
        """The previous page (before the first: the last)."""
        self.set_page((self.paging.page - 1) % self.paging.page_count())

    def focus_camera(self, camera_id: str) -> None:
        """Pop a camera into the large focus tile at the top-left (弹窗预警)."""
        if camera_id not in self.replica.state.cameras:
            return
        self.paging.focus = camera_id
        self.paging.solo = None
        self._relayout()

    def clear_focus(self) -> None:
        """Esc or "Close focus": leave the solo view, else the focus tile (back to the plain grid)."""
        p = self.paging
        if p.solo or p.focus is not None:
            if p.solo:
                p.solo = None
            else:
                p.focus = None
            self._relayout()

    def toggle_solo(self, camera_id: str) -> None:
        """Double-click: show one camera full size; again to go back."""
        self.paging.solo = None if self.paging.solo == camera_id else camera_id
        self._relayout()

    def set_solo(self, camera_id: str | None) -> None:
        """One camera full size (None: back to the grid); the wall shows its followed incident's so."""
        self.paging.solo, self.paging.focus = camera_id, None
        self._relayout()

    def visible_cameras(self) -> list[str]:
        """Ids of the cameras on screen now, focus tile first."""
        return [t.camera_id for t in self.tiles if t.camera_id]

    def alerting_cameras(self) -> set[str]:
        """Cameras with at least one open incident."""
        return self.alerts.cameras.cameras()

    def set_tour(self, seconds: float | None) -> None:
        """Camera tour (轮巡): turn to the next page every `seconds` (None or 0: stop); `tour.seconds` says which."""
        self.tour.set(seconds)
        self.toolbar.tour_button.setChecked(self.tour.seconds is not None)

    def replay_last(self, camera_id: str) -> bool:
        """Play a visible streamed camera's last ~30 s on its tile; False if there is nothing kept."""
        tile = self._by_camera.get(camera_id)
        if tile is None:
            return False
        dpr = self.devicePixelRatioF()
        return self.feed.replay(tile, int(tile.width() * dpr), int(tile.height() * dpr))

    def tile_for(self, camera_id: str) -> CameraTile | None:
        """The visible tile showing a camera, if any."""
        return self._by_camera.get(camera_id)

    def tile_menu(self, camera_id: str) -> QMenu:
        """A tile's context menu: focus, full screen, show on map, the last 30 s."""
        menu = QMenu(self)
        menu.setObjectName("tile_menu")
        focus = menu.addAction(self.tr("Focus this camera"))
        focus.triggered.connect(lambda: self.focus_camera(camera_id))
        solo = menu.addAction(self.tr("Back to the grid") if self.paging.solo == camera_id
                              else self.tr("Full screen"))
        solo.triggered.connect(lambda: self.toggle_solo(camera_id))
        on_map = menu.addAction(self.tr("Show on map"))
        on_map.triggered.connect(lambda: (self.selection.select_camera(camera_id),
                                          self.sig_show_on_map.emit(camera_id)))
        replay = menu.addAction(self.tr("Play the last 30 s"))
        replay.triggered.connect(lambda: self.replay_last(camera_id))
        return menu

    def set_wall(self, on: bool) -> None:
        """Wall mode: the focus line on a row of its own under the buttons, always there."""
        if self.toolbar.set_wall(on):
            self.update_toolbar()

    def update_toolbar(self) -> None:
        """Redraw the toolbar from the wall's state (page, focus and nearby cameras, the view)."""
        p = self.paging
        cam = self.replica.state.cameras.get(p.focus or "")
        self.toolbar.show_state(page=p.page, pages=p.page_count(), solo=p.solo, focus=p.focus,
                                focus_name=cam.name if cam else "", nearby=self.nearby,
                                view=self.views.name(), message=self.views.message)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_sources()

    # ================================================================== private

    def _tile(self, i: int) -> CameraTile:
        while len(self._pool_tiles) <= i:
            t = CameraTile(self._grid_host)
            t.hide()
            t.sig_clicked.connect(self.selection.select_camera)
            t.sig_double_clicked.connect(self.toggle_solo)
            t.sig_replay_requested.connect(self.replay_last)
            # one menu for a tile, built here: focus, full screen, show on map, and the tile's replay
            t.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

            def open_menu(pos, t=t) -> None:
                if t.camera_id:
                    self._menu = self.tile_menu(t.camera_id)
                    self._menu.popup(t.mapToGlobal(pos))

            t.customContextMenuRequested.connect(open_menu)
            self._pool_tiles.append(t)
        return self._pool_tiles[i]

    def _relayout(self) -> None:
        side, placed = self.paging.grid(self.nearby)
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
            tile.set_focused(cid == self.paging.focus and not self.paging.solo)
            tile.set_selected(cid == self.selection.camera)
            grid.addWidget(tile, r, c, span, span)
            tile.show()
            self.tiles.append(tile)
            self._by_camera[cid] = tile
            self.alerts.show(tile)
        for tile in self._pool_tiles[len(placed):]:
            tile.hide()
            tile.set_camera(None)
        self.update_toolbar()
        self._update_sources()

    def _should_pull(self) -> bool:
        return self.streams is not None and self.replica.link.mode != "review"

    def _update_sources(self) -> None:
        """Pull streamed cameras at their tiles' size, subscribe the rest at the hub (plan.py decides)."""
        side, placed = self.paging.grid(self.nearby)
        gap = self._grid.spacing()
        # a tile's own pixels (the grid's gaps taken off), so the reader's picture fits it and paints 1:1
        cell = (max(1, self._grid_host.width() - gap * (side - 1)) / max(1, side),
                max(1, self._grid_host.height() - gap * (side - 1)) / max(1, side))
        self._pulling = pull = self._should_pull()
        cams = self.replica.state.cameras
        alerting = self.alerting_cameras() if pull else set()
        live = live_set(placed, cams, alerting, self.selection.camera, bool(self.paging.solo),
                        self.live_tiles) if pull else set()
        armed = self.alerts.cameras.armed(cams) if pull and self.armed_rings else []
        plan = plan_sources(placed, side, cell, gap, self.devicePixelRatioF(), cams, pull=pull, live=live,
                            alerting=alerting, still_s=self.still_s, armed=armed, armed_budget=self.armed_rings)
        for cid, still in plan.still.items():
            tile = self._by_camera.get(cid)
            if tile is not None:
                tile.set_still(still)
        if self.frames is not None:
            for cid, (w, h) in plan.min_size.items():
                # ask the pool for frames about the size of their tiles (cheap DCT downscale)
                self.frames.set_min_size(cid, w, h)
        self.feed.streamed = set(plan.wants)
        if self.streams is not None:
            self.streams.watch(plan.wants)
        subscribed = sorted(plan.hub)
        if subscribed != self._subscribed:
            self._subscribed = subscribed
            self.controller.subscribe_cameras(subscribed)
        visible = sorted(set(self.visible_cameras()))
        if visible != self._visible:
            self._visible = visible
            self.sig_visible_changed.emit(visible)

    def _on_selected_camera(self, camera_id: str) -> None:
        page = self.paging.page_of(camera_id)
        if page is not None and camera_id not in self._by_camera and not self.paging.solo:
            self.paging.page = page
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
        self.nearby = nearby_cameras(state.cameras.values(), x, y)
        own = alert.camera if alert is not None and alert.camera in state.cameras else None
        target = own or (self.nearby[0][0] if self.nearby else None)
        if target is not None:
            self.focus_camera(target)
        else:
            self._relayout()

