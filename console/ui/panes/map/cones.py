"""Camera field-of-view cones: what each camera sees, drawn as a sector from where it stands.

The geometry is plain numpy (`cone_polygon`, `ConeSet.camera_at`), so a click or a
hover is resolved in map metres against the same sectors that are drawn. A camera
whose record has no heading gets no cone (its triangle still shows where it is).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF

from console.domain.model import Camera

#: how far a cone reaches on the map (metres): a street camera's useful range
CONE_RANGE_M = 60.0
#: the width drawn when a record has a heading but no field of view (degrees)
DEFAULT_FOV = 60.0
#: points on a cone's arc
_ARC_STEPS = 12


def cone_polygon(x: float, y: float, heading: float, fov: float, reach: float = CONE_RANGE_M
                 ) -> list[tuple[float, float]]:
    """The sector a camera at (x, y) sees: apex, arc, in local metres (x east, y north).

    `heading` is compass degrees (0 north, 90 east), `fov` the full width in degrees.
    """
    half = min(fov, 359.0) / 2.0
    pts = [(x, y)]
    for k in range(_ARC_STEPS + 1):
        a = math.radians(heading - half + 2 * half * k / _ARC_STEPS)
        pts.append((x + reach * math.sin(a), y + reach * math.cos(a)))
    return pts


class ConeSet:
    """The cones of a set of cameras, for drawing and for finding the camera under a point."""

    def __init__(self, cameras: Iterable[Camera], reach: float = CONE_RANGE_M):
        cams = [c for c in cameras if c.heading is not None]
        self.ids = [c.id for c in cams]
        self.reach = reach
        self._x = np.fromiter((c.x for c in cams), float, len(cams))
        self._y = np.fromiter((c.y for c in cams), float, len(cams))
        self._heading = np.fromiter((c.heading for c in cams), float, len(cams))
        self._half = np.fromiter(((c.fov or DEFAULT_FOV) / 2.0 for c in cams), float, len(cams))
        self.polygons = [cone_polygon(c.x, c.y, c.heading, c.fov or DEFAULT_FOV, reach) for c in cams]

    def camera_at(self, x: float, y: float) -> str | None:
        """The camera whose cone holds (x, y); of several, the one it is nearest to."""
        if not self.ids:
            return None
        dx, dy = x - self._x, y - self._y
        dist = np.hypot(dx, dy)
        bearing = np.degrees(np.arctan2(dx, dy))  # compass: 0 north, clockwise
        off = np.abs((bearing - self._heading + 180.0) % 360.0 - 180.0)
        inside = (dist <= self.reach) & ((off <= self._half) | (dist < 1e-6))
        if not inside.any():
            return None
        idx = np.flatnonzero(inside)
        return self.ids[int(idx[np.argmin(dist[idx])])]


class ConeLayer(pg.GraphicsObject):
    """Every camera's cone in one item, coloured by the camera's state (normal, alerting, offline).

    Hit testing is the sectors themselves (`shape`), so a click between cones falls
    through to what is under it. `sig_clicked(camera id)`, `sig_hovered(camera id or "")`.
    """

    sig_clicked = Signal(str)
    sig_hovered = Signal(str)

    def __init__(self, colours: dict[str, str]):
        super().__init__()
        self._colours = colours
        self.cones = ConeSet(())
        self._paths: dict[str, QPainterPath] = {}
        self._all = QPainterPath()
        self._hovered = ""
        self.setAcceptHoverEvents(True)

    def set_cameras(self, cameras: Iterable[Camera], state_of: dict[str, str]) -> None:
        """Redraw: `state_of` maps a camera id to "normal", "alert" or "off"."""
        self.prepareGeometryChange()
        self.cones = ConeSet(cameras)
        self._paths = {}
        self._all = QPainterPath()
        for cid, poly in zip(self.cones.ids, self.cones.polygons):
            path = self._paths.setdefault(state_of.get(cid, "normal"), QPainterPath())
            qpoly = QPolygonF([QPointF(px, py) for px, py in poly])
            path.addPolygon(qpoly)
            path.closeSubpath()
            self._all.addPolygon(qpoly)
            self._all.closeSubpath()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._all.boundingRect()

    def shape(self) -> QPainterPath:
        return self._all

    def paint(self, painter, *_args) -> None:
        for state, path in self._paths.items():
            colour = QColor(self._colours.get(state, "#39c5cf"))
            pen = QPen(colour)
            pen.setCosmetic(True)
            pen.setWidthF(1.0)
            fill = QColor(colour)
            fill.setAlpha(60)
            painter.setPen(pen)
            painter.setBrush(QBrush(fill))
            painter.drawPath(path)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        cid = self.cones.camera_at(ev.pos().x(), ev.pos().y()) if ev.button() == Qt.MouseButton.LeftButton else None
        if cid is None:
            ev.ignore()
            return
        ev.accept()
        self.sig_clicked.emit(cid)

    def hoverEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        cid = "" if ev.isExit() else (self.cones.camera_at(ev.pos().x(), ev.pos().y()) or "")
        if cid != self._hovered:
            self._hovered = cid
            self.sig_hovered.emit(cid)
