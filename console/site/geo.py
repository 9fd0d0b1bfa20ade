"""Datums and the local plane: GCJ-02 → WGS-84, lon/lat ↔ metres, polygons (point in, overlap).

Chinese web maps (AMap, Tencent) publish GCJ-02 coordinates, offset from GPS
(WGS-84) by a published-by-nobody but well-known formula; a site folder says
which datum it uses and is converted to WGS-84 once, on import. Positions in
the console are metres on a local plane (x east, y north) around the site's
declared origin: an equirectangular projection, exact to millimetres over a
town-sized area and exactly invertible, so a site written from local metres
reads back to the same metres.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, as the GCJ-02 formula uses it
_A = 6378245.0
_EE = 0.00669342162296594323
#: metres per degree of latitude on the local plane (WGS-84 mean radius)
EARTH_R = 6371008.8
DATUMS = ("WGS-84", "GCJ-02")


def _out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _t_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _t_lon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """A GPS position as a Chinese web map shows it (unchanged outside China)."""
    if _out_of_china(lon, lat):
        return lon, lat
    dlat = _t_lat(lon - 105.0, lat - 35.0)
    dlon = _t_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (_A / sq * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """The GPS position behind a GCJ-02 one: the forward formula inverted by iteration.

    The common one-step inverse is off by up to a couple of metres; a few fixed-point
    steps bring it under a micrometre (1e-11°).
    """
    if _out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(30):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        d_lon, d_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - d_lon, w_lat - d_lat
        if abs(d_lon) < 1e-11 and abs(d_lat) < 1e-11:
            break
    return w_lon, w_lat


class LocalPlane:
    """Metres east (x) and north (y) of an origin (WGS-84 lon, lat)."""

    def __init__(self, lon0: float, lat0: float):
        self.lon0 = lon0
        self.lat0 = lat0
        self.k_lat = EARTH_R * math.pi / 180.0
        self.k_lon = self.k_lat * math.cos(math.radians(lat0))

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Local metres of a WGS-84 position, to 0.1 m (what the domain stores)."""
        return (round((lon - self.lon0) * self.k_lon, 1), round((lat - self.lat0) * self.k_lat, 1))

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        """WGS-84 lon, lat of a local point, to 1e-9° (0.1 mm)."""
        return (round(self.lon0 + x / self.k_lon, 9), round(self.lat0 + y / self.k_lat, 9))


def point_in_polygon(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    """Even-odd rule; a point exactly on an edge may fall either way (use `near_polygon`)."""
    inside = False
    n = len(poly)
    j = n - 1
    for i in range(n):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def distance_to_polygon(x: float, y: float, poly: list[tuple[float, float]]) -> float:
    """Distance (m) from a point to the nearest edge of a polygon."""
    best = math.inf
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        dx, dy = x1 - x0, y1 - y0
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else min(max(((x - x0) * dx + (y - y0) * dy) / seg, 0.0), 1.0)
        best = min(best, math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)))
    return best


def within(x: float, y: float, poly: list[tuple[float, float]], tolerance: float = 1.0) -> bool:
    """Inside the polygon, or within `tolerance` metres of its boundary."""
    return point_in_polygon(x, y, poly) or distance_to_polygon(x, y, poly) <= tolerance


def centroid(poly: list[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid of a simple polygon (the vertex mean if it has no area)."""
    a = cx = cy = 0.0
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-9:
        return sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n
    return cx / (3 * a), cy / (3 * a)


def polygon_area(poly: list[tuple[float, float]]) -> float:
    """Area (m²) of a simple polygon."""
    n = len(poly)
    return abs(sum(poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1] for i in range(n))) / 2


def farthest_outside(inner: list[tuple[float, float]], outer: list[tuple[float, float]]) -> float:
    """How far (m) the farthest vertex or edge midpoint of `inner` lies outside `outer` (0: none does)."""
    n = len(inner)
    points = inner + [((inner[i][0] + inner[(i + 1) % n][0]) / 2, (inner[i][1] + inner[(i + 1) % n][1]) / 2)
                      for i in range(n)]
    return max((distance_to_polygon(x, y, outer) for x, y in points if not point_in_polygon(x, y, outer)),
               default=0.0)


def _bounds(poly) -> tuple[float, float, float, float]:
    xs = [p[0] for p in poly]
    ys = [p[1] for p in poly]
    return min(xs), min(ys), max(xs), max(ys)


def _inside_far(px, py, poly, tolerance: float):
    """Numpy mask: points inside `poly` by more than `tolerance` metres (even-odd rule, then edge distance)."""
    import numpy as np

    x0 = np.array([p[0] for p in poly])
    y0 = np.array([p[1] for p in poly])
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    X, Y = px[:, None], py[:, None]
    spans = (y0 > Y) != (y1 > Y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = x0 + (Y - y0) * (x1 - x0) / (y1 - y0)
    inside = (np.count_nonzero(spans & (X < cross_x), axis=1) % 2) == 1
    if not inside.any():
        return inside
    X, Y = X[inside], Y[inside]  # the distance only of points inside
    dx, dy = x1 - x0, y1 - y0
    seg = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(seg > 0, ((X - x0) * dx + (Y - y0) * dy) / seg, 0.0), 0.0, 1.0)
    inside[inside] = np.hypot(X - (x0 + t * dx), Y - (y0 + t * dy)).min(axis=1) > tolerance
    return inside


def overlap_area(a: list[tuple[float, float]], b: list[tuple[float, float]], tolerance: float = 1.0,
                 samples: int = 2000) -> float:
    """About how many m² two polygons share, leaving out a band of `tolerance` m along both boundaries.

    Neighbouring grids drawn by hand overlap by a little along their common edge;
    that band is not an overlap. Estimated on a lattice of at most `samples`
    points over the two polygons' common bounding box (spacing at least
    `tolerance`): an overlap smaller than one lattice cell may be missed.
    """
    import numpy as np

    ax0, ay0, ax1, ay1 = _bounds(a)
    bx0, by0, bx1, by1 = _bounds(b)
    x0, y0 = max(ax0, bx0) + tolerance, max(ay0, by0) + tolerance
    x1, y1 = min(ax1, bx1) - tolerance, min(ay1, by1) - tolerance
    if x1 <= x0 or y1 <= y0:
        return 0.0
    step = max(tolerance, math.sqrt((x1 - x0) * (y1 - y0) / samples))
    xs = np.arange(x0 + step / 2, x1, step)
    ys = np.arange(y0 + step / 2, y1, step)
    if not len(xs) or not len(ys):
        return 0.0
    px, py = (g.ravel() for g in np.meshgrid(xs, ys))
    both = _inside_far(px, py, a, tolerance)
    if not both.any():
        return 0.0
    both[both] = _inside_far(px[both], py[both], b, tolerance)
    return float(np.count_nonzero(both)) * step * step
