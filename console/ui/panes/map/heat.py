"""Crowd-density heat: the latest density reading of each place, spread over the map.

Density readings arrive as `crowd_density` alerts that carry a measured `value` in
CROWD_UNIT (people per m²) — an AI camera's count over its view, a webhook's `value`,
the marathon scenario's feed. Each camera (or, without one, each point) contributes
its newest reading of the last HEAT_WINDOW_S of hub time, at the value it measured
(the colour reads in people/m², as the legend says; an older reading is replaced or
drops out, never shown thinner). The field is the highest contribution at each cell:
a Gaussian of HEAT_SIGMA_M around where it was measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainter

from console.domain.model import CROWD_UNIT
from console.domain.state import State

#: readings older than this (hub seconds) no longer show
HEAT_WINDOW_S = 900.0
#: how far one reading spreads (metres, one standard deviation)
HEAT_SIGMA_M = 70.0
#: the colour scale's top (people/m²): at and above it the heat is full red
HEAT_MAX = 5.0
#: below this (people/m²) nothing is drawn: an ordinary street is not "heat"
HEAT_MIN = 0.5
#: the legend's marks (people/m²)
LEGEND_MARKS = (1, 2, 3, 4, 5)
#: the colours of the scale, low to high (transparent at HEAT_MIN)
STOPS = ((0.0, (255, 230, 80, 0)), (0.15, (255, 230, 80, 110)), (0.5, (255, 150, 30, 160)),
         (1.0, (230, 30, 30, 200)))
_MAX_CELLS = 360


@dataclass(slots=True)
class Reading:
    """One place's newest density: where, how dense, how old (s)."""

    x: float
    y: float
    value: float
    age: float


def readings(state: State, now: float, window: float = HEAT_WINDOW_S) -> list[Reading]:
    """Each camera's (or point's) newest density reading of the window before `now`."""
    newest: dict[object, tuple[float, float, float, float]] = {}
    for a in state.alerts.values():
        if a.kind != "crowd_density" or a.value is None or a.unit != CROWD_UNIT:
            continue
        age = now - a.at
        if not -60.0 <= age <= window:  # a clock a little ahead of ours still counts
            continue
        key = a.camera or (round(a.x), round(a.y))
        cam = state.cameras.get(a.camera) if a.camera else None
        x, y = (cam.x, cam.y) if cam is not None else (a.x, a.y)
        if key not in newest or a.at > newest[key][3]:
            newest[key] = (x, y, a.value, a.at)
    return [Reading(x, y, v, max(0.0, now - at)) for x, y, v, at in newest.values()]


def heat_field(points: list[Reading], sigma: float = HEAT_SIGMA_M
               ) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
    """(field in people/m², (x0, y0, width, height)) over the readings, or None without any.

    The field's rows run along x, columns along y (pyqtgraph's ImageItem order).
    """
    if not points:
        return None
    xs = np.array([p.x for p in points])
    ys = np.array([p.y for p in points])
    pad = 3 * sigma
    x0, x1 = xs.min() - pad, xs.max() + pad
    y0, y1 = ys.min() - pad, ys.max() + pad
    cell = max(sigma / 4.0, (x1 - x0) / _MAX_CELLS, (y1 - y0) / _MAX_CELLS)
    nx, ny = int(np.ceil((x1 - x0) / cell)), int(np.ceil((y1 - y0) / cell))
    field = np.zeros((nx, ny), np.float32)
    gx = x0 + (np.arange(nx) + 0.5) * cell
    gy = y0 + (np.arange(ny) + 0.5) * cell
    r = int(np.ceil(pad / cell))
    for p in points:
        i, j = int((p.x - x0) / cell), int((p.y - y0) / cell)
        i0, i1, j0, j1 = max(i - r, 0), min(i + r + 1, nx), max(j - r, 0), min(j + r + 1, ny)
        dx = (gx[i0:i1] - p.x)[:, None]
        dy = (gy[j0:j1] - p.y)[None, :]
        blob = p.value * np.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
        np.maximum(field[i0:i1, j0:j1], blob, out=field[i0:i1, j0:j1])
    return field, (x0, y0, nx * cell, ny * cell)


def colour_map() -> pg.ColorMap:
    """The heat scale from HEAT_MIN (clear) to HEAT_MAX (red), shared by the layer and its legend."""
    return pg.ColorMap([s for s, _ in STOPS], [c for _, c in STOPS])


class HeatLayer(pg.ImageItem):
    """The heat image on the map, under the markers and over the grid lines."""

    def __init__(self):
        super().__init__()
        self._lut = colour_map().getLookupTable(0.0, 1.0, 256, alpha=True)
        #: readings shown now (tests and the legend read them)
        self.points: list[Reading] = []

    def paint(self, painter, *args) -> None:
        # cells are metres wide: smooth them when zoomed in, as a field is, not as blocks
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)

    def show_readings(self, points: list[Reading]) -> None:
        """Redraw from these readings (none: clear)."""
        self.points = points
        out = heat_field(points)
        if out is None:
            self.clear()
            return
        field, (x0, y0, w, h) = out
        scaled = np.clip((field - HEAT_MIN) / (HEAT_MAX - HEAT_MIN), 0.0, 1.0)
        self.setImage(scaled, lut=self._lut, levels=(0.0, 1.0), autoLevels=False)
        self.setRect(x0, y0, w, h)

    def value_at(self, x: float, y: float) -> float:
        """The drawn density (people/m²) at a map point: what a user reads off the colour."""
        out = heat_field(self.points)
        if out is None:
            return 0.0
        field, (x0, y0, w, h) = out
        i = int((x - x0) / w * field.shape[0])
        j = int((y - y0) / h * field.shape[1])
        if 0 <= i < field.shape[0] and 0 <= j < field.shape[1]:
            return float(field[i, j])
        return 0.0
