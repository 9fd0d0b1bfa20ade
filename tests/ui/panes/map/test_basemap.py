"""The offline base map: MBTiles tiles under the map pane, loaded off the GUI thread, in the right place."""

import runpy
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF

from console.client.replica import Replica
from console.domain.apply import apply
from console.domain.state import State
from console.protocol import messages as m
from console.protocol.codec import Message
from console.scenarios import geography as geo
from console.site import load_site
from console.ui.panes.map.basemap import BaseMapLayer
from console.maps.mbtiles import MBTiles, tile_bounds, tms_row, write_mbtiles
from console.ui.panes.map.widget import MapPane
from console.ui.shell.selection import Selection

ROOT = Path(__file__).resolve().parents[4]
SITE = ROOT / "resources" / "sites" / "marathon"
SHIPPED = ROOT / "resources" / "basemaps" / "marathon.mbtiles"


def test_tms_rows_are_flipped_on_disk(tmp_path):
    path = tmp_path / "t.mbtiles"
    write_mbtiles(path, {"name": "t", "format": "png"}, {(3, 1, 2): b"tile-1-2", (3, 1, 5): b"tile-1-5"})
    import sqlite3

    rows = dict(((r[0], r[1], r[2]), r[3]) for r in sqlite3.connect(path).execute("SELECT * FROM tiles"))
    assert rows[(3, 1, 5)] == b"tile-1-2" and tms_row(3, 2) == 5, "XYZ row 2 is TMS row 5 at zoom 3"
    ts = MBTiles(path)
    assert ts.tile(3, 1, 2) == b"tile-1-2" and ts.tile(3, 1, 5) == b"tile-1-5" and ts.tile(3, 0, 0) is None
    assert (ts.minzoom, ts.maxzoom) == (3, 3)


def test_shipped_tileset_is_what_the_script_draws(tmp_path):
    mod = runpy.run_path(str(ROOT / "scripts" / "make_marathon_basemap.py"), run_name="not_main")
    out = tmp_path / "m.mbtiles"
    mod["build"](out, SITE, range(12, 16))
    a, b = MBTiles(out), MBTiles(SHIPPED)
    assert a.metadata == b.metadata
    assert b.origin == (106.52, 29.5)
    z, x, y = 14, 13_038, 6_777
    assert a.tile(z, x, y) == b.tile(z, x, y)


@pytest.fixture
def pane(qtbot):
    site = load_site(SITE)
    state = State()
    apply(state, Message("baseline_loaded", m.BaselineLoaded(baseline=site.baseline), 1, site.baseline.day_start))
    w = MapPane(Replica(state), Selection())
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    qtbot.waitExposed(w)
    w.site = site
    return w


def test_tiles_load_in_view_and_sit_where_their_lon_lat_says(pane, qtbot, tmp_path):
    layer = BaseMapLayer(pane.plot, MBTiles(SHIPPED), pane.site.plane)
    try:
        pane.fit()
        qtbot.waitUntil(lambda: layer.tiles_in_view() and layer.settled(), timeout=5000)
        assert set(layer.tiles_in_view()) <= set(layer.placed()), "the shipped set covers the whole area's view"
        whole_zoom = layer.zoom
        assert 12 <= whole_zoom <= 14
        key, item = next(iter(layer.placed().items()))
        west, south, east, north = tile_bounds(*key)
        x0, y0 = pane.site.plane.to_xy(west, south)
        x1, y1 = pane.site.plane.to_xy(east, north)
        r = item.mapRectToParent(item.boundingRect())
        assert (r.left(), r.right(), r.top(), r.bottom()) == pytest.approx((x0, x1, y0, y1), abs=0.5)
        # on screen, the river is water blue and the base map is under the grid lines
        vb = pane.plot.getViewBox()
        shot = pane.plot.grab().toImage()
        shot.save(str(tmp_path / "basemap.png"))
        river = QPointF(7000.0, geo.bank_y(7000.0) + geo.RIVER_W / 2)
        p = pane.plot.mapFromScene(vb.mapViewToScene(river))
        c = shot.pixelColor(p.x(), p.y())
        assert abs(c.red() - 27) < 12 and abs(c.green() - 58) < 12 and abs(c.blue() - 87) < 12, c.name()
        assert item.zValue() < pane.grids.zValue()
        # zoom in: finer tiles, loaded as asked; back out: the cached ones show at once
        vb.setRange(xRange=(6000, 7500), yRange=(3000, 3600), padding=0)
        qtbot.waitUntil(layer.settled, timeout=5000)
        assert layer.zoom == 15 > whole_zoom
        loaded = layer.loaded
        pane.fit()
        assert layer.settled() and layer.loaded == loaded, "from the cache"
    finally:
        layer.close()


def test_attach_needs_an_origin(pane, tmp_path):
    from console.ui.panes.map.basemap import attach_basemap

    layer = attach_basemap(pane, str(SHIPPED))
    try:
        assert pane.basemap is layer and layer.plane.lon0 == 106.52
    finally:
        layer.close()
    bare = tmp_path / "bare.mbtiles"
    write_mbtiles(bare, {"name": "x", "format": "png"}, {})
    with pytest.raises(ValueError, match="duty_console_origin"):
        attach_basemap(pane, str(bare))
