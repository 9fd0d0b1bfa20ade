"""The map pane (pyqtgraph, no tile server): the area drawn from the baseline itself.

Layers, bottom to top: the base map (MBTiles, when attached), grid boundaries
(one curve for all polygons), town outlines, the crowd-density heat, the course,
town labels, camera field-of-view cones, people (one scatter, coloured by
status), cameras (triangles), open incidents (stars), the selection ring. A row
of switches shows or hides each layer. People are kept in preallocated numpy
arrays indexed by a fixed resource order; a tick that moved or re-coloured
anyone costs one `setData`.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pyqtgraph as pg
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QCursor, QFont, QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.model import CROWD_UNIT, RESOURCE_STATUSES, SETTLED_STATUSES, TASK_FINAL
from console.domain.recommend import eta_seconds
from console.domain.state import ChangeSet
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.common.i18n import status_label as _status_label
from console.ui.common.theme import BG, RESOURCE_STATUS_COLORS, SEVERITY_COLORS
from console.ui.panes.map.cones import ConeLayer
from console.ui.panes.map.heat import HEAT_MAX, HEAT_MIN, HEAT_WINDOW_S, LEGEND_MARKS, HeatLayer, readings
from console.ui.shell.selection import Selection

_STATUS_INDEX = {s: i for i, s in enumerate(RESOURCE_STATUSES)}
_PENDING = len(RESOURCE_STATUSES)  # extra colour slot: a dispatch not yet confirmed
_PERSON_SIZE = 4

#: how often, at most, incident stars and camera colours are redrawn under load (s)
MARKERS_EVERY_S = 0.25
#: the box (metres) a selected incident is zoomed to, centred
ZOOM_SPAN_M = 2500.0
#: how often the heat is redrawn without a new reading, so old readings fade (s)
HEAT_EVERY_S = 10.0
#: the layer switches, in the order shown
LAYERS = ("base", "grids", "cameras", "people", "incidents", "heat")
#: the camera picture shown on hovering a cone (pixels wide)
PEEK_WIDTH = 200


@functools.cache
def _brush(colour: str) -> QBrush:
    """One brush per colour, for the life of the process.

    pyqtgraph's symbol atlas keys a rendered symbol by the brush object's identity: a
    fresh `mkBrush` per point and redraw renders every symbol again and grows the atlas
    (and its copy) without bound, which is where most of a marker redraw's time went.
    """
    return pg.mkBrush(colour)


class MapPane(QWidget):
    """The area on one screen: select on the map selects everywhere, and back."""

    sig_item_clicked = Signal(str, str)
    """A map item was clicked: (kind "resource" | "camera" | "incident", id)."""

    def __init__(self, replica: Replica, selection: Selection, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.selection = selection
        #: fixed order of people in the scatter; index i ↔ arrays[i]
        self.resource_ids: list[str] = []
        self._index: dict[str, int] = {}
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._status = np.zeros(0, np.int8)
        self._brush_lut = np.empty(0, dtype=object)
        self._pending: set[str] = set()
        self._camera_ids: list[str] = []
        self._incident_ids: list[str] = []
        self._selected: tuple[str, str] | None = None  # (kind, id)
        self._from_map = False
        self._town_labels: list[pg.TextItem] = []
        self._zoom_point: tuple[float, float] | None = None
        #: what the last hover said (tests read it; the tooltip shows it)
        self.hover_text = ""
        #: setData calls on the people scatter and the last one's duration (ms)
        self.people_updates = 0
        self.last_people_ms = 0.0
        #: the MBTiles layer, once `attach_basemap` puts one under the map
        self.basemap = None
        #: camera id → its newest picture (QImage) or None; the app wires it to the camera wall
        self.snapshot_of: Callable[[str], QImage | None] | None = None
        self._heat_at = 0.0
        self._heat_stale = False
        self._peek_text = ""
        #: ids of the open incidents, kept from each tick's changed ids (`_track_open`)
        self._open: set[str] = set()
        #: what the camera and incident scatters were last drawn from: unchanged → no setData
        self._cameras_drawn: tuple | None = None
        self._incidents_drawn: tuple | None = None
        #: setData calls on the camera and incident scatters (tests read them)
        self.marker_updates = 0

        self._build_ui()
        selection.sig_resource.connect(lambda rid: self._on_selected("resource", rid))
        selection.sig_camera.connect(lambda cid: self._on_selected("camera", cid))
        selection.sig_incident.connect(lambda iid: self._on_selected("incident", iid))
        self._load_baseline()
        self._user_moved = False
        self.plot.getViewBox().sigRangeChangedManually.connect(self._on_user_moved)
        self._markers_dirty = False
        self._markers_at = 0.0

    def _on_user_moved(self, *_args) -> None:
        self._user_moved = True

    # ================================================================== API

    def refresh(self, changes: ChangeSet) -> None:
        """One UI tick: move and re-colour people, update cameras and incidents."""
        if changes.baseline:
            self._load_baseline()
            return
        state = self.replica.state
        pending = self.replica.pending_resources()
        recolour = pending ^ self._pending
        self._pending = pending
        moved = changes.moved
        if moved:
            res = state.resources
            idx = self._index
            x, y = self._x, self._y
            for rid in moved:
                i = idx.get(rid)
                if i is not None:
                    r = res[rid]
                    x[i] = r.x
                    y[i] = r.y
        recoloured: list[int] = []
        if changes.resources or recolour:
            if any(rid not in self._index for rid in changes.resources):
                self._load_people()  # someone new: rebuild the order and arrays
                moved = recoloured = []
            else:
                for rid in changes.resources | recolour:
                    i = self._set_status(rid)
                    if i is not None:
                        recoloured.append(i)
        if moved or recoloured:
            self._update_people(bool(moved), recoloured)
        # Incident stars and camera colours: the open set is kept up to date from the
        # changed ids (never a scan of every incident ever raised); the scatters are
        # redrawn at most a few times a second under load, at once for a new alert, and
        # only when what they show differs from what is drawn.
        if changes.incidents:
            self._track_open(changes.incidents)
        if changes.incidents or changes.cameras or changes.alerts:
            self._markers_dirty = True
        now = time.monotonic()
        if self._markers_dirty and (changes.new_alerts or now - self._markers_at >= MARKERS_EVERY_S):
            self._markers_dirty = False
            self._markers_at = now
            self._load_incidents()
            self._load_cameras()  # alert colouring follows incidents
        if self._selected and (changes.moved or changes.incidents):
            self._place_ring(center=False)
        if self._selected and (changes.moved or changes.tasks or changes.incidents):
            self._draw_dispatched()
        alerts = self.replica.state.alerts
        if (any((a := alerts.get(aid)) is not None and a.kind == "crowd_density" and a.unit == CROWD_UNIT
                for aid in changes.new_alerts) or now - self._heat_at >= HEAT_EVERY_S):
            if self.layer_buttons["heat"].isChecked():
                self._load_heat()
            else:
                self._heat_stale = True  # read every alert only when someone can see the heat

    def point_of(self, resource_id: str) -> tuple[float, float] | None:
        """Where the scatter draws a person now (what the user sees), or None."""
        i = self._index.get(resource_id)
        if i is None:
            return None
        data = self.people.data
        return float(data["x"][i]), float(data["y"][i])

    def set_wall(self, on: bool) -> None:
        """Wall mode: no colour key and no layer switches (a wall is read, not switched by hand)."""
        self.legend_bar.setVisible(not on)

    def center_on(self, x: float, y: float) -> None:
        """Pan (keeping the zoom) so (x, y) is in the middle of the view."""
        vb = self.plot.getViewBox()
        rect = vb.viewRect()
        vb.setRange(QRectF(x - rect.width() / 2, y - rect.height() / 2, rect.width(), rect.height()),
                    padding=0)

    def fit(self) -> None:
        """Zoom to the whole area (and forget any incident zoom)."""
        self._zoom_point = None
        self.plot.getViewBox().autoRange(padding=0.02, items=[self.grids, self.course])
        self._declutter_labels()

    def zoom_to(self, x: float, y: float, span: float = ZOOM_SPAN_M) -> None:
        """Zoom so a `span`-metre box is centred on (x, y); kept centred when the pane is resized."""
        self._zoom_point = (x, y)
        vb = self.plot.getViewBox()
        vb.setRange(xRange=(x - span / 2, x + span / 2), yRange=(y - span / 2, y + span / 2), padding=0)
        self._declutter_labels()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Keep the whole area (or the incident zoom) in view when resized, until the user pans or zooms."""
        super().resizeEvent(event)
        if not getattr(self, "_user_moved", False):
            if getattr(self, "_zoom_point", None) is not None:
                self.zoom_to(*self._zoom_point)
            else:
                self.fit()

    # ================================================================== UI

    def _build_ui(self) -> None:
        pg.setConfigOptions(antialias=False, exitCleanup=False)
        self.plot = pg.PlotWidget(background=BG)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        vb = self.plot.getViewBox()
        vb.setDefaultPadding(0.02)

        self.grids = pg.PlotCurveItem(pen=pg.mkPen(theme.MAP_GRID, width=1), antialias=False)
        self.towns = pg.PlotCurveItem(pen=pg.mkPen(theme.MAP_TOWN, width=2), antialias=False)
        self.course = pg.PlotCurveItem(pen=pg.mkPen(theme.MAP_COURSE, width=4), antialias=True)
        self.people = pg.ScatterPlotItem(pxMode=True, size=_PERSON_SIZE, pen=None, symbol="o",
                                         useCache=True, hoverable=False, tip=None)
        self.cameras = pg.ScatterPlotItem(pxMode=True, size=13, symbol="t1",
                                          pen=pg.mkPen(BG, width=1), tip=None)
        self.incidents = pg.ScatterPlotItem(pxMode=True, size=20, symbol="star",
                                            pen=pg.mkPen(theme.MAP_RING, width=1), tip=None)
        self.ring = pg.ScatterPlotItem(pxMode=True, size=26, symbol="o", brush=None,
                                       pen=pg.mkPen(theme.MAP_RING, width=2.5), tip=None)
        for z, item in enumerate((self.grids, self.towns, self.course, self.people, self.cameras,
                                  self.incidents, self.ring)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.heat = HeatLayer()
        self.heat.setZValue(1.5)  # over the grid lines, under the course and every marker
        self.plot.addItem(self.heat)
        self.cones = ConeLayer({"normal": theme.MAP_CAMERA, "alert": theme.MAP_CAMERA_ALERT,
                                "off": theme.MAP_CAMERA_OFF})
        self.cones.setZValue(2.7)  # under people and camera triangles: a click on a marker wins
        self.plot.addItem(self.cones)
        self.cones.sig_clicked.connect(lambda cid: self._emit("camera", cid))
        self.cones.sig_hovered.connect(self._on_cone_hovered)
        #: the picture (or name and state) of the camera whose cone is under the mouse
        self.peek = QLabel(self)
        self.peek.setObjectName("mapPeek")
        self.peek.setStyleSheet(f"background: {theme.BG}; color: {theme.FG}; border: 1px solid {theme.MAP_CAMERA};"
                                " padding: 3px;")
        self.peek.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.peek.hide()
        #: lines from the selected incident's dispatched people to it, and their name/ETA labels
        self.task_lines = pg.PlotCurveItem(pen=pg.mkPen(theme.MAP_TASK_LINE, width=2,
                                                        style=Qt.PenStyle.DashLine), antialias=True)
        self.task_lines.setZValue(3.5)
        self.plot.addItem(self.task_lines)
        self._task_labels: list[pg.TextItem] = []
        for item in (self.people, self.cameras, self.incidents):
            item.setAcceptHoverEvents(True)
            item.opts["hoverable"] = True
            item.sigHovered.connect(self._on_hovered)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._declutter_labels())
        self.people.sigClicked.connect(self._on_people_clicked)
        self.cameras.sigClicked.connect(self._on_camera_clicked)
        self.incidents.sigClicked.connect(self._on_incident_clicked)

        #: the colour key row and the layer switches under it; wall mode hides both (they set
        #: the pane's minimum width at large type, and a wall is not switched by hand)
        self.legend_bar = QWidget(self)
        bars = QVBoxLayout(self.legend_bar)
        bars.setContentsMargins(0, 0, 0, 0)
        bars.setSpacing(0)
        key_row = QWidget(self.legend_bar)
        bars.addWidget(key_row)
        legend = QHBoxLayout(key_row)
        legend.setContentsMargins(6, 2, 6, 2)
        legend.setSpacing(10)
        for status in ("available", "dispatched", "en_route", "on_scene", "busy", "off_duty"):
            lab = QLabel(f"<span style='color:{RESOURCE_STATUS_COLORS.get(status, theme.FG_DIM)}'>●</span> "
                         f"{_status_label(status)}")
            legend.addWidget(lab)
        camera_word = self.tr("camera")
        incident_word = self.tr("open incident")
        legend.addWidget(QLabel(f"<span style='color:{theme.MAP_CAMERA}'>▼</span> {camera_word}"))
        legend.addWidget(QLabel(f"<span style='color:{SEVERITY_COLORS['critical']}'>★</span> {incident_word}"))
        legend.addStretch(1)
        fit = QToolButton(self)
        fit.setText(self.tr("Fit"))
        fit.setToolTip(self.tr("Show the whole area"))
        fit.clicked.connect(self.fit)
        legend.addWidget(fit)

        #: the layer switches and the heat scale
        self.layer_bar = QWidget(self.legend_bar)
        bars.addWidget(self.layer_bar)
        row = QHBoxLayout(self.layer_bar)
        row.setContentsMargins(6, 0, 6, 2)
        row.setSpacing(4)
        lang = current_lang()
        self.layer_buttons: dict[str, QToolButton] = {}
        for name in LAYERS:
            b = QToolButton(self.layer_bar)
            b.setText(glossary.map_word(f"layer_{name}", lang))
            b.setToolTip(glossary.map_word("layers_tip", lang))
            b.setCheckable(True)
            b.setChecked(True)
            b.toggled.connect(lambda on, n=name: self.set_layer(n, on))
            row.addWidget(b)
            self.layer_buttons[name] = b
        self.layer_buttons["base"].setEnabled(False)  # until a base map is attached
        # on reads lit, off reads dim: the switch's state is visible without hovering it
        self.layer_bar.setStyleSheet(
            f"QToolButton {{ padding: 1px 6px; border: 1px solid {theme.BORDER}; color: {theme.FG_DIM}; }}"
            f"QToolButton:checked {{ background: {theme.ACCENT}; border-color: {theme.ACCENT}; color: white; }}"
            f"QToolButton:disabled {{ color: {theme.BORDER}; }}")
        row.addSpacing(12)
        self.heat_legend = QLabel(self._heat_legend_html(lang), self.layer_bar)
        row.addWidget(self.heat_legend)
        row.addStretch(1)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.legend_bar)
        root.addWidget(self.plot, 1)

    @staticmethod
    def _heat_legend_html(lang: str) -> str:
        """The heat scale: its words, then one coloured block per mark (people/m²)."""
        from console.ui.panes.map.heat import colour_map

        cmap = colour_map()
        cells = []
        for mark in LEGEND_MARKS:
            f = min(max((mark - HEAT_MIN) / (HEAT_MAX - HEAT_MIN), 0.0), 1.0)
            c = cmap.map(f, mode="qcolor")
            c.setAlpha(255)
            cells.append(f"<span style='background:{c.name()}; color:#000'>&nbsp;{mark}{'+' if mark == HEAT_MAX else ''}&nbsp;</span>")
        words = glossary.map_word("heat_legend", lang, min=int(HEAT_WINDOW_S // 60))
        return f"{words} " + "".join(cells)

    # ------------------------------------------------------------------ layers
    def set_layer(self, name: str, on: bool) -> None:
        """Show or hide one layer (LAYERS); the switch follows."""
        b = self.layer_buttons.get(name)
        if b is not None and b.isChecked() != on:
            b.setChecked(on)  # comes back here through `toggled`
            return
        if name == "base":
            if self.basemap is not None:
                self.basemap.set_visible(on)
        elif name == "grids":
            for item in (self.grids, self.towns, *self._town_labels):
                item.setVisible(on)
            if on:
                self._declutter_labels()
        elif name == "cameras":
            self.cameras.setVisible(on)
            self.cones.setVisible(on)
            if not on:
                self._on_cone_hovered("")
        elif name == "people":
            for item in (self.people, self.task_lines, *self._task_labels):
                item.setVisible(on)
        elif name == "incidents":
            self.incidents.setVisible(on)
        elif name == "heat":
            self.heat.setVisible(on)
            if on and self._heat_stale:
                self._load_heat()
            self.heat_legend.setVisible(on)

    def layer_on(self, name: str) -> bool:
        """Whether a layer is shown now."""
        return self.layer_buttons[name].isChecked()

    def base_attached(self, layer) -> None:
        """A base map was put under the map: its switch works now."""
        self.basemap = layer
        b = self.layer_buttons["base"]
        b.setEnabled(True)
        layer.set_visible(b.isChecked())

    # ================================================================== private

    def _load_baseline(self) -> None:
        state = self.replica.state
        self._load_geometry()
        self._open = {iid for iid, inc in state.incidents.items() if inc.status not in SETTLED_STATUSES}
        self._cameras_drawn = self._incidents_drawn = None
        self._pending = self.replica.pending_resources()
        self._load_people()
        self._load_cameras()
        self._load_incidents()
        self._load_heat()
        if state.org or state.resources:
            self.fit()
        self._place_ring(center=False)

    def _load_geometry(self) -> None:
        state = self.replica.state
        xs: list[float] = []
        ys: list[float] = []
        conn: list[bool] = []
        for unit in state.org.values():
            poly = unit.polygon
            if unit.level != "grid" or len(poly) < 2:
                continue
            for px, py in poly:
                xs.append(px)
                ys.append(py)
                conn.append(True)
            xs.append(poly[0][0])
            ys.append(poly[0][1])
            conn.append(False)  # close the ring, then break to the next polygon
        self.grids.setData(np.asarray(xs, float), np.asarray(ys, float),
                           connect=np.asarray(conn, bool) if conn else "all")
        # town outlines: the outer edges of each town's grids (an edge used once)
        edges: dict[tuple, int] = {}
        town_of = state.town_of
        for unit in state.org.values():
            poly = unit.polygon
            if unit.level != "grid" or len(poly) < 3:
                continue
            town = town_of(unit.id)
            for a, b in zip(poly, poly[1:] + poly[:1]):
                key = (town, min(a, b), max(a, b))
                edges[key] = edges.get(key, 0) + 1
        tx, ty, tc = [], [], []
        for (town, a, b), n in edges.items():
            if n == 1:
                tx += [a[0], b[0]]
                ty += [a[1], b[1]]
                tc += [True, False]
        self.towns.setData(np.asarray(tx, float), np.asarray(ty, float),
                           connect=np.asarray(tc, bool) if tc else "all")
        if state.course:
            c = np.asarray(state.course, float)
            self.course.setData(c[:, 0], c[:, 1])
        else:
            self.course.setData([], [])
        for item in self._town_labels:
            self.plot.removeItem(item)
        self._town_labels = []
        font = QFont(self.font())
        font.setPointSize(11)
        font.setBold(True)
        for unit in state.org.values():
            if unit.level != "town":
                continue
            label = pg.TextItem(unit.name, color=theme.MAP_TOWN_LABEL, anchor=(0.5, 0.5))
            label.setFont(font)
            label.setPos(unit.center_x, unit.center_y)
            label.setZValue(2.5)
            label.setVisible(self.layer_buttons["grids"].isChecked())
            self.plot.addItem(label)
            self._town_labels.append(label)

    def _load_people(self) -> None:
        res = self.replica.state.resources
        self.resource_ids = list(res)
        self._index = {rid: i for i, rid in enumerate(self.resource_ids)}
        n = len(self.resource_ids)
        self._x = np.fromiter((r.x for r in res.values()), float, n)
        self._y = np.fromiter((r.y for r in res.values()), float, n)
        self._status = np.zeros(n, np.int8)
        lut = [pg.mkBrush(RESOURCE_STATUS_COLORS.get(s, theme.FG_DIM)) for s in RESOURCE_STATUSES]
        lut.append(pg.mkBrush(theme.PENDING_DOT))  # pending
        self._brush_lut = np.empty(len(lut), dtype=object)
        self._brush_lut[:] = lut
        for rid in self.resource_ids:
            self._set_status(rid)
        self._push_people()

    def _set_status(self, rid: str) -> int | None:
        i = self._index.get(rid)
        if i is None:
            return None
        if rid in self._pending:
            self._status[i] = _PENDING
        else:
            self._status[i] = _STATUS_INDEX.get(self.replica.state.resources[rid].status, 0)
        return i

    def _push_people(self) -> None:
        """Full setData: new point set (baseline or someone new)."""
        t0 = time.perf_counter()
        self.people.setData(x=self._x, y=self._y, brush=self._brush_lut[self._status])
        self.people_updates += 1
        self.last_people_ms = (time.perf_counter() - t0) * 1000

    def _update_people(self, moved: bool, recoloured: list[int]) -> None:
        """Same people, new positions and/or colours: write into the scatter's own arrays.

        A full `setData` re-derives every point's style key in Python (≈ 90 ms
        for 20,000 people with per-point brushes); positions are two array
        copies, and only re-coloured points need a new atlas fragment.
        """
        t0 = time.perf_counter()
        item = self.people
        data = item.data
        if len(data) != len(self._x):
            self._push_people()
            return
        if moved:
            data["x"] = self._x
            data["y"] = self._y
            item.prepareGeometryChange()
            item.informViewBoundsChanged()
            item.bounds = [None, None]
        if recoloured:
            idx = np.asarray(recoloured, dtype=np.intp)
            data["brush"][idx] = self._brush_lut[self._status[idx]]
            data["sourceRect"][idx] = 0  # marks the fragment as stale for updateSpots
            item.updateSpots(data)
        item.invalidate()
        item.sigPlotChanged.emit(item)
        self.people_updates += 1
        self.last_people_ms = (time.perf_counter() - t0) * 1000

    def _track_open(self, incident_ids: set[str]) -> None:
        """Keep the open-incident set in step with the incidents a tick changed (raised, closed, archived)."""
        incidents = self.replica.state.incidents
        for iid in incident_ids:
            inc = incidents.get(iid)
            if inc is not None and inc.status not in SETTLED_STATUSES:
                self._open.add(iid)
            else:
                self._open.discard(iid)

    def _open_incidents(self) -> list:
        """The open incidents, oldest first (the star drawn last is on top)."""
        incidents = self.replica.state.incidents
        open_ = [incidents[iid] for iid in self._open if iid in incidents]
        open_.sort(key=lambda inc: (inc.created_at, inc.id))
        return open_

    def _load_cameras(self) -> None:
        state = self.replica.state
        alerting = set()
        for inc in self._open_incidents():
            alert = state.alerts.get(inc.alert)
            if alert is not None and alert.camera:
                alerting.add(alert.camera)
        cams = list(state.cameras.values())
        camera_state = {c.id: "alert" if c.id in alerting else ("normal" if c.online else "off") for c in cams}
        drawn = tuple((c.id, c.x, c.y, c.heading, c.fov, camera_state[c.id]) for c in cams)
        if drawn == self._cameras_drawn:
            return  # the same cameras in the same states: nothing to redraw
        self._cameras_drawn = drawn
        self._camera_ids = [c.id for c in cams]
        colour = {"alert": theme.MAP_CAMERA_ALERT, "normal": theme.MAP_CAMERA, "off": theme.MAP_CAMERA_OFF}
        brushes = [_brush(colour[camera_state[c.id]]) for c in cams]
        self.cameras.setData(x=[c.x for c in cams], y=[c.y for c in cams], brush=brushes)
        self.marker_updates += 1
        self._camera_state = camera_state
        self.cones.set_cameras(cams, camera_state)

    def _load_heat(self) -> None:
        self._heat_at = time.monotonic()
        self._heat_stale = False
        self.heat.show_readings(readings(self.replica.state, self.replica.hub_now()))

    # ------------------------------------------------------------------ cone hover
    def camera_peek(self, camera_id: str) -> tuple[str, QImage | None]:
        """What hovering a camera's cone shows: its name and state, and its newest picture if the console has one."""
        cam = self.replica.state.cameras.get(camera_id)
        if cam is None:
            return "", None
        lang = current_lang()
        state = getattr(self, "_camera_state", {}).get(camera_id, "normal" if cam.online else "off")
        word = {"normal": "camera_online", "off": "camera_offline", "alert": "camera_alerting"}[state]
        image = None
        if self.snapshot_of is not None:
            try:
                image = self.snapshot_of(camera_id)
            except Exception:  # noqa: BLE001 - a picture source must never break the map's hover
                image = None
        text = f"{cam.id} {cam.name} · {glossary.map_word(word, lang)}"
        if image is None or image.isNull():
            text += f" · {glossary.map_word('no_picture', lang)}"
            image = None
        return text, image

    def _on_cone_hovered(self, camera_id: str) -> None:
        if not camera_id:
            if self.peek.isVisible() and self.hover_text == self._peek_text:
                self.hover_text = ""
            self.peek.hide()
            return
        text, image = self.camera_peek(camera_id)
        self.hover_text = self._peek_text = text
        if image is not None:
            small = image.scaledToWidth(PEEK_WIDTH, Qt.TransformationMode.SmoothTransformation)
            ba = QByteArray()
            buf = QBuffer(ba)
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            small.save(buf, "PNG")
            self.peek.setText(f"<img src='data:image/png;base64,{bytes(ba.toBase64()).decode()}'><br>{text}")
        else:
            self.peek.setText(text)
        self.peek.adjustSize()
        pos = self.mapFromGlobal(QCursor.pos()) + QPoint(16, 16)
        pos.setX(max(0, min(pos.x(), self.width() - self.peek.width())))
        pos.setY(max(0, min(pos.y(), self.height() - self.peek.height())))
        self.peek.move(pos)
        self.peek.raise_()
        self.peek.show()

    def _load_incidents(self) -> None:
        open_ = self._open_incidents()
        drawn = tuple((inc.id, inc.x, inc.y, inc.severity == "critical") for inc in open_)
        if drawn == self._incidents_drawn:
            return
        self._incidents_drawn = drawn
        self._incident_ids = [inc.id for inc in open_]
        brushes = [_brush(SEVERITY_COLORS["critical"] if critical else SEVERITY_COLORS["warning"])
                   for *_pos, critical in drawn]
        self.incidents.setData(x=[inc.x for inc in open_], y=[inc.y for inc in open_],
                               brush=brushes)
        self.marker_updates += 1

    def _position(self, kind: str, item_id: str) -> tuple[float, float] | None:
        state = self.replica.state
        obj = {"resource": state.resources, "camera": state.cameras,
               "incident": state.incidents}[kind].get(item_id)
        return None if obj is None else (obj.x, obj.y)

    def _place_ring(self, center: bool) -> None:
        pos = self._position(*self._selected) if self._selected else None
        if pos is None:
            self.ring.setData([], [])
            return
        self.ring.setData([pos[0]], [pos[1]])
        if center:
            self.center_on(*pos)

    # ------------------------------------------------------------------ handlers

    def _on_selected(self, kind: str, item_id: str) -> None:
        self._selected = (kind, item_id)
        # A click on the map itself must not pan the map under the mouse.
        if kind == "incident" and not self._from_map:
            pos = self._position(kind, item_id)
            if pos is not None:
                self._user_moved = False
                self.zoom_to(*pos)  # the incident in the middle, its neighbourhood around it
            self._place_ring(center=False)
        else:
            self._place_ring(center=not self._from_map)
        self._draw_dispatched()

    def _emit(self, kind: str, item_id: str) -> None:
        self._from_map = True
        try:
            self.sig_item_clicked.emit(kind, item_id)
            {"resource": self.selection.select_resource, "camera": self.selection.select_camera,
             "incident": self.selection.select_incident}[kind](item_id)
        finally:
            self._from_map = False

    def dispatched_labels(self) -> list[str]:
        """The labels drawn next to the selected incident's dispatched people (tests read them)."""
        return [label.toPlainText() for label in self._task_labels]

    def _draw_dispatched(self) -> None:
        """A dashed line from each person on the way to the selected incident, labelled with name and ETA."""
        for label in self._task_labels:
            self.plot.removeItem(label)
        self._task_labels = []
        state = self.replica.state
        inc = state.incidents.get(self._selected[1]) if self._selected and self._selected[0] == "incident" else None
        xs: list[float] = []
        ys: list[float] = []
        if inc is not None:
            lang = current_lang()
            for tid in inc.tasks:
                task = state.tasks.get(tid)
                res = state.resources.get(task.resource) if task is not None else None
                if task is None or res is None or task.status in TASK_FINAL:
                    continue
                xs += [res.x, inc.x]
                ys += [res.y, inc.y]
                if task.status == "arrived":
                    text = f"{res.name} · {_status_label('on_scene')}"
                else:
                    _dist, eta = eta_seconds(res, inc.x, inc.y)
                    text = f"{res.name} · {glossary.eta(eta, lang)}"
                label = pg.TextItem(text, color=theme.MAP_TASK_LABEL, anchor=(0, 1), fill=pg.mkBrush(theme.BG))
                label.setPos(res.x, res.y)
                label.setZValue(6)
                label.setVisible(self.layer_buttons["people"].isChecked())
                self.plot.addItem(label)
                self._task_labels.append(label)
        if xs:
            self.task_lines.setData(np.asarray(xs, float), np.asarray(ys, float), connect="pairs")
        else:
            self.task_lines.setData([], [])

    def _declutter_labels(self) -> None:
        """Town labels that would overlap an earlier one are hidden (greedy, in screen pixels)."""
        placed: list = []
        buttons = getattr(self, "layer_buttons", None)
        if buttons is not None and not buttons["grids"].isChecked():
            return
        for label in getattr(self, "_town_labels", []):
            label.setVisible(True)
            rect = label.sceneBoundingRect()
            if any(rect.intersects(other) for other in placed):
                label.setVisible(False)
            else:
                placed.append(rect)

    def _on_hovered(self, item, points, ev=None) -> None:
        """Hover: a person's name, kind and status; a camera's name; an incident's title."""
        if not len(points):
            self.plot.setToolTip("")
            return
        i = points[0].index()
        state = self.replica.state
        text = ""
        if item is self.people and 0 <= i < len(self.resource_ids):
            r = state.resources.get(self.resource_ids[i])
            if r is not None:
                text = f"{r.name} · {resource_kind_label(r.kind)} · {_status_label(r.status)}"
        elif item is self.cameras and 0 <= i < len(self._camera_ids):
            c = state.cameras.get(self._camera_ids[i])
            if c is not None:
                text = f"{c.id} {c.name}"
        elif item is self.incidents and 0 <= i < len(self._incident_ids):
            inc = state.incidents.get(self._incident_ids[i])
            if inc is not None:
                text = f"{inc.title} · {_status_label(inc.status)}"
        self.plot.setToolTip(text)
        self.hover_text = text

    def _on_people_clicked(self, item, points, ev=None) -> None:
        if len(points):
            i = points[0].index()
            if 0 <= i < len(self.resource_ids):
                self._emit("resource", self.resource_ids[i])

    def _on_camera_clicked(self, item, points, ev=None) -> None:
        if len(points):
            i = points[0].index()
            if 0 <= i < len(self._camera_ids):
                self._emit("camera", self._camera_ids[i])

    def _on_incident_clicked(self, item, points, ev=None) -> None:
        if len(points):
            i = points[0].index()
            if 0 <= i < len(self._incident_ids):
                self._emit("incident", self._incident_ids[i])
