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
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.model import CROWD_UNIT, SETTLED_STATUSES
from console.domain.state import ChangeSet
from console.ui.common import theme
from console.ui.common.theme import BG, SEVERITY_COLORS
from console.ui.panes.map.cones import ConeLayer
from console.ui.panes.map.heat import HeatLayer, readings
from console.ui.panes.map.hover import MapHover
from console.ui.panes.map.legend import LAYERS, MapLegend
from console.ui.panes.map.people import PeopleLayer
from console.ui.panes.map.tasks import TaskLines
from console.ui.shell.selection import Selection

_PERSON_SIZE = 4

#: how often, at most, incident stars and camera colours are redrawn under load (s)
MARKERS_EVERY_S = 0.25
#: the box (metres) a selected incident is zoomed to, centred
ZOOM_SPAN_M = 2500.0
#: how often the heat is redrawn without a new reading, so old readings fade (s)
HEAT_EVERY_S = 10.0
__all__ = ["LAYERS", "MapPane"]


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
        self._camera_ids: list[str] = []
        self._incident_ids: list[str] = []
        self._selected: tuple[str, str] | None = None  # (kind, id)
        self._from_map = False
        self._town_labels: list[pg.TextItem] = []
        self._zoom_point: tuple[float, float] | None = None
        #: the MBTiles layer, once `attach_basemap` puts one under the map
        self.basemap = None
        #: camera id → its newest picture (QImage) or None; the app wires it to the camera wall
        self.snapshot_of: Callable[[str], QImage | None] | None = None
        self._heat_at = 0.0
        self._heat_stale = False
        #: camera id → "normal" | "alert" | "off", as the cameras and cones are drawn now
        self.camera_state: dict[str, str] = {}
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
        #: until the user pans or zooms, a resize keeps the whole area (or the incident zoom) in view
        self._user_moved = False
        #: the square (m) an incident zoom shows (None on a wall: the whole area), the town labels' type size
        self.zoom_span = ZOOM_SPAN_M
        self.label_pt = 11
        self._markers_dirty = False
        self._markers_at = 0.0
        self._load_baseline()
        self.plot.getViewBox().sigRangeChangedManually.connect(lambda *_: setattr(self, "_user_moved", True))

    # ================================================================== API

    def refresh(self, changes: ChangeSet) -> None:
        """One UI tick: move and re-colour people, update cameras and incidents."""
        if changes.baseline:
            self._load_baseline()
            return
        self.people_layer.update(self.replica.state, changes.moved, changes.resources,
                                 self.replica.pending_resources())
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
        return self.people_layer.point_of(resource_id)

    def deferrable_paints(self) -> list[QWidget]:
        """What may be painted a frame later than a new alert's row (`PaintGate`)."""
        return [self.plot.viewport()]

    def set_wall(self, on: bool) -> None:
        """Wall mode: no colour key and no layer switches (a wall is read, not switched by hand), and the
        whole area always in view, the followed incident ringed (a zoom at the district's edge left a
        quarter of the wall's map empty; the camera beside it shows the detail)."""
        self.legend_bar.setVisible(not on)
        self.zoom_span = None if on else ZOOM_SPAN_M
        if on:
            self._zoom_point = None
            self.fit()
        # marks in proportion to the wall's type: at 4K (36 pt) the desk's 4 px people were specks
        from PySide6.QtWidgets import QApplication

        k = max(1.0, QApplication.font().pointSizeF() / 12.0) if on else 1.0
        for item, size in ((self.people, _PERSON_SIZE), (self.cameras, 13), (self.incidents, 20), (self.ring, 26)):
            item.setSize(size * k)
        self.label_pt = round(11 * k)
        for label in self._town_labels:
            font = QFont(label.textItem.font())
            font.setPointSize(self.label_pt)
            label.setFont(font)

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
        if not self._user_moved:
            if self._zoom_point is not None:
                self.zoom_to(*self._zoom_point, span=self.zoom_span or ZOOM_SPAN_M)
            else:
                self.fit()

    # ================================================================== UI

    def _build_ui(self) -> None:
        pg.setConfigOptions(antialias=False, exitCleanup=False)
        self.plot = pg.PlotWidget(background=BG)
        # its background brush fills the whole view: Qt's own fill under it was a second one, and an
        # opaque view may keep its last picture for a frame while an alert row is painted (PaintGate)
        self.plot.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
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
        #: the hover words and the cone's camera picture (`hover.peek`)
        self.hover = MapHover(self)
        self.cones.sig_hovered.connect(self.hover.on_cone)
        #: lines from the selected incident's dispatched people to it, and their name/ETA labels
        self.tasks = TaskLines(self.plot)
        self.task_lines = self.tasks.curve
        self.people_layer = PeopleLayer(self.people)
        for item, kind in ((self.people, "resource"), (self.cameras, "camera"), (self.incidents, "incident")):
            item.setAcceptHoverEvents(True)
            item.opts["hoverable"] = True
            item.sigHovered.connect(self.hover.on_points)
            item.sigClicked.connect(lambda it, points, ev=None, kind=kind: self._on_clicked(kind, it, points))
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._declutter_labels())

        #: the colour key row and the layer switches under it (legend.py); wall mode hides both
        self.legend_bar = MapLegend(self)
        self.legend_bar.sig_fit.connect(self.fit)
        self.legend_bar.sig_layer.connect(self.set_layer)
        self.layer_bar, self.heat_legend = self.legend_bar.layer_bar, self.legend_bar.heat_legend
        self.layer_buttons = self.legend_bar.layer_buttons
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.legend_bar)
        root.addWidget(self.plot, 1)

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
                self.hover.on_cone("")
        elif name == "people":
            self.people.setVisible(on)
            self.tasks.set_visible(on)
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
        self.people_layer.pending = self.replica.pending_resources()
        self.people_layer.load(state)
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
        font.setPointSize(self.label_pt)
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
        self.camera_state = camera_state
        self.cones.set_cameras(cams, camera_state)

    def _load_heat(self) -> None:
        self._heat_at = time.monotonic()
        self._heat_stale = False
        self.heat.show_readings(readings(self.replica.state, self.replica.hub_now()))

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
            if pos is not None and self.zoom_span:
                self._user_moved = False
                self.zoom_to(*pos, span=self.zoom_span)  # the incident in the middle, its neighbourhood around
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
        return [label.toPlainText() for label in self.tasks.labels]

    def ids_of(self, item) -> list[str]:
        """The ids of a scatter's points, in point order (people, cameras or incidents)."""
        if item is self.people:
            return self.people_layer.resource_ids
        return self._camera_ids if item is self.cameras else self._incident_ids

    def _draw_dispatched(self) -> None:
        """A dashed line from each person on the way to the selected incident, labelled with name and ETA."""
        state = self.replica.state
        inc = state.incidents.get(self._selected[1]) if self._selected and self._selected[0] == "incident" else None
        self.tasks.draw(state, inc, self.layer_buttons["people"].isChecked())

    def _declutter_labels(self) -> None:
        """Town labels that would overlap an earlier one are hidden (greedy, in screen pixels)."""
        placed: list = []
        if not self.layer_buttons["grids"].isChecked():
            return
        for label in self._town_labels:
            label.setVisible(True)
            rect = label.sceneBoundingRect()
            if any(rect.intersects(other) for other in placed):
                label.setVisible(False)
            else:
                placed.append(rect)

    def _on_clicked(self, kind: str, item, points) -> None:
        if len(points):
            i = points[0].index()
            ids = self.ids_of(item)
            if 0 <= i < len(ids):
                self._emit(kind, ids[i])
