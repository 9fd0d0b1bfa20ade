"""Geometry of the drill area: a river, its south bank, the grid tiling, the course.

The area is 14 km (x, east) by 5 km (y, north). The river flows along the
north part; the land south of its bank is cut into 7 town strips (2 km wide),
each strip into 3 columns × 10 rows of quad grids whose north edge follows the
bank. Row 0 touches the river ("riverside"); rows 8–9 are the hills in the
south ("forest_adjacent"). Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import math

AREA_W = 14_000.0
AREA_H = 5_000.0
TOWNS = 7
COLS_PER_TOWN = 3
ROWS = 10
COLS = TOWNS * COLS_PER_TOWN
TOWN_W = AREA_W / TOWNS
COL_W = AREA_W / COLS
#: river width (m); the river band is bank_y(x) .. bank_y(x) + RIVER_W
RIVER_W = 650.0
#: official half-marathon length (m)
COURSE_LENGTH = 21_097.5
#: distance of the riverside road and the inland return road from the bank (m)
RIVERSIDE_ROAD_OFFSET = 60.0
INLAND_ROAD_OFFSET = 560.0
COURSE_START_X = 700.0
COURSE_TURN_X = 13_300.0


def _bank_raw(x: float) -> float:
    return 3_550.0 + 320.0 * math.sin(x / 2_300.0 + 0.6) + 90.0 * math.sin(x / 700.0)


#: the bank is piecewise linear between column boundaries so grid quads are exact
_BANK_KNOTS = [_bank_raw(i * COL_W) for i in range(COLS + 1)]


def bank_y(x: float) -> float:
    """y of the river's south bank at x (piecewise linear)."""
    x = min(max(x, 0.0), AREA_W)
    i = min(int(x / COL_W), COLS - 1)
    f = (x - i * COL_W) / COL_W
    return _BANK_KNOTS[i] * (1.0 - f) + _BANK_KNOTS[i + 1] * f


def river_polygon(step: float = COL_W) -> list[tuple[float, float]]:
    """The river band as a polygon (south bank then north bank back)."""
    xs = [i * step for i in range(int(AREA_W / step) + 1)]
    south = [(x, bank_y(x)) for x in xs]
    north = [(x, bank_y(x) + RIVER_W) for x in reversed(xs)]
    return south + north


# --------------------------------------------------------------------- grids

def grid_cell(x: float, y: float) -> tuple[int, int, int]:
    """(town index 0..6, column in town 0..2, row 0..9) of the grid holding (x, y).

    Points outside the land are snapped to the nearest cell.
    """
    x = min(max(x, 0.0), AREA_W - 1e-6)
    col = min(int(x / COL_W), COLS - 1)
    b = bank_y(x)
    frac = min(max(y / b, 0.0), 1.0 - 1e-9)
    row = min(int((1.0 - frac) * ROWS), ROWS - 1)
    return col // COLS_PER_TOWN, col % COLS_PER_TOWN, row


def cell_point(town: int, col: int, row: int, u: float, v: float) -> tuple[float, float]:
    """A point inside a cell: u in 0..1 west→east, v in 0..1 north→south."""
    x = (town * COLS_PER_TOWN + col + u) * COL_W
    frac = 1.0 - (row + v) / ROWS
    return x, frac * bank_y(x)


def cell_polygon(town: int, col: int, row: int) -> list[tuple[float, float]]:
    """The quad of a cell, counter-clockwise from the south-west corner."""
    pts = [cell_point(town, col, row, u, v) for u, v in ((0, 1), (1, 1), (1, 0), (0, 0))]
    return [(round(x, 1), round(y, 1)) for x, y in pts]


def clamp_to_land(x: float, y: float, margin: float = 8.0) -> tuple[float, float]:
    """Keep a point on land, inside the area."""
    x = min(max(x, margin), AREA_W - margin)
    y = min(max(y, margin), bank_y(x) - margin)
    return x, y


# --------------------------------------------------------------------- course

class Course:
    """A polyline with arc-length lookup."""

    def __init__(self, points: list[tuple[float, float]]):
        self.points = points
        self.cum = [0.0]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            self.cum.append(self.cum[-1] + math.hypot(x1 - x0, y1 - y0))

    @property
    def length(self) -> float:
        return self.cum[-1]

    def at(self, s: float) -> tuple[float, float, float]:
        """(x, y, heading in radians) at arc length s."""
        s = min(max(s, 0.0), self.length)
        i = min(max(bisect.bisect_right(self.cum, s) - 1, 0), len(self.points) - 2)
        (x0, y0), (x1, y1) = self.points[i], self.points[i + 1]
        seg = self.cum[i + 1] - self.cum[i] or 1.0
        f = (s - self.cum[i]) / seg
        return x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, math.atan2(y1 - y0, x1 - x0)

    def offset(self, s: float, side: float) -> tuple[float, float]:
        """A point `side` metres left (+) or right (-) of the course at s."""
        x, y, h = self.at(s)
        return x - math.sin(h) * side, y + math.cos(h) * side


def build_course(step: float = 100.0) -> Course:
    """Half-marathon course: east along the riverside road, turn south, back west inland.

    The return leg is cut where the length reaches 21,097.5 m.
    """
    pts: list[tuple[float, float]] = []
    x = COURSE_START_X
    while x < COURSE_TURN_X:
        pts.append((x, bank_y(x) - RIVERSIDE_ROAD_OFFSET))
        x += step
    pts.append((COURSE_TURN_X, bank_y(COURSE_TURN_X) - RIVERSIDE_ROAD_OFFSET))
    # turn: a short link south to the inland road
    pts.append((COURSE_TURN_X + 60.0, bank_y(COURSE_TURN_X) - (RIVERSIDE_ROAD_OFFSET + INLAND_ROAD_OFFSET) / 2))
    x = COURSE_TURN_X
    ret: list[tuple[float, float]] = []
    while x > 0:
        ret.append((x, bank_y(x) - INLAND_ROAD_OFFSET))
        x -= step
    course = Course(pts)
    for p in ret:
        last = course.points[-1]
        d = math.hypot(p[0] - last[0], p[1] - last[1])
        if course.length + d >= COURSE_LENGTH:
            f = (COURSE_LENGTH - course.length) / d
            end = (last[0] + (p[0] - last[0]) * f, last[1] + (p[1] - last[1]) * f)
            return Course([(round(a, 1), round(b, 1)) for a, b in course.points + [end]])
        course = Course(course.points + [p])
    return course


def cell_uv(x: float, y: float) -> tuple[int, int, int, float, float]:
    """(town, col, row, u, v) of a point: the inverse of `cell_point`."""
    t, c, r = grid_cell(x, y)
    gx = min(max(x, 0.0), AREA_W - 1e-6) / COL_W
    u = gx - (t * COLS_PER_TOWN + c)
    b = bank_y(x)
    v = (1.0 - min(max(y / b, 0.0), 1.0)) * ROWS - r
    return t, c, r, min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0)
