"""GCJ-02 ↔ WGS-84 and the local plane, against published points."""

import math

from console.site.geo import (
    LocalPlane, centroid, gcj02_to_wgs84, point_in_polygon, wgs84_to_gcj02, within,
)


def _metres(a, b):
    lat = math.radians(a[1])
    return math.hypot((a[0] - b[0]) * 111_320 * math.cos(lat), (a[1] - b[1]) * 110_574)


def test_wgs84_to_gcj02_matches_the_published_beijing_point():
    # the pair every GCJ-02 library documents (wandergis/coordtransform: 116.404, 39.915)
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert abs(lon - 116.41024449916938) < 1e-9
    assert abs(lat - 39.91640428150164) < 1e-9


def test_gcj02_to_wgs84_inverts_the_forward_formula_to_under_a_millimetre():
    for lon, lat in ((116.404, 39.915), (106.55, 29.56), (121.4737, 31.2304), (113.2644, 23.1291)):
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
        assert _metres(back, (lon, lat)) < 0.001
    # better than the one-step inverse libraries print (116.39775550083061, 39.91359571849836)
    one_step = (116.39775550083061, 39.91359571849836)
    exact = gcj02_to_wgs84(116.404, 39.915)
    assert _metres(wgs84_to_gcj02(*exact), (116.404, 39.915)) < 0.001
    assert 0.01 < _metres(wgs84_to_gcj02(*one_step), (116.404, 39.915)) < 10


def test_chongqing_offset_is_hundreds_of_metres_and_none_outside_china():
    d = _metres(wgs84_to_gcj02(106.55, 29.56), (106.55, 29.56))
    assert 100 < d < 1000
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # Paris
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_local_plane_round_trips_decimetres_exactly():
    plane = LocalPlane(106.52, 29.50)
    for x, y in ((0.0, 0.0), (13999.9, 4999.9), (1234.5, 3550.1), (-250.3, 77.7)):
        assert plane.to_xy(*plane.to_lonlat(x, y)) == (x, y)
    lon, lat = plane.to_lonlat(1000.0, 0.0)
    assert abs(_metres((lon, lat), (106.52, 29.50)) - 1000.0) < 5  # a kilometre east is a kilometre


def test_point_in_polygon_and_tolerance():
    sq = [(0, 0), (10, 0), (10, 10), (0, 10)]
    assert point_in_polygon(5, 5, sq) and not point_in_polygon(15, 5, sq)
    assert within(10.5, 5, sq, tolerance=1.0) and not within(12, 5, sq, tolerance=1.0)
    assert centroid(sq) == (5.0, 5.0)
