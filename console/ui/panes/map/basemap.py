"""The base map under the map pane's layers: MBTiles tiles, loaded off the GUI thread and cached.

`BaseMapLayer(plot, tileset, plane)` watches the plot's view: when it moves or
zooms it picks the tileset's zoom level closest to the screen's resolution,
asks a worker thread for the tiles in view that it has not got yet (SQLite
read + image decode happen there, into a QImage), and places each arriving
tile as a pixmap under the grid lines. The newest 512 tiles are kept; a tile
scrolled away and back is shown at once from the cache.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem

from console.maps.mbtiles import MBTiles, lonlat_to_tile, tile_bounds

#: tiles kept (pixmap items, placed or not)
CACHE_TILES = 512
#: below every pyqtgraph layer of the map pane (they start at 0)
BASE_Z = -100
TILE_PX = 256


class _Loaded(QObject):
    """Carries a decoded tile from a loader thread to the GUI thread (a queued signal)."""

    sig = Signal(object, object)  # (z, x, y), QImage or None


class BaseMapLayer(QObject):
    """Raster tiles of an MBTiles file on a pyqtgraph plot in local metres.

    `plane`: the site's local plane (`to_xy(lon, lat)`, `to_lonlat(x, y)`), the one the
    map's other layers are drawn in.
    """

    def __init__(self, plot, tileset: MBTiles, plane, *, workers: int = 2, parent: QObject | None = None):
        super().__init__(parent)
        self.plot = plot
        self.tileset = tileset
        self.plane = plane
        self.visible = True
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="basemap")
        self._carrier = _Loaded()
        self._carrier.sig.connect(self._on_loaded)
        self._items: OrderedDict[tuple[int, int, int], QGraphicsPixmapItem | None] = OrderedDict()
        self._asked: set[tuple[int, int, int]] = set()
        self.zoom = tileset.minzoom
        #: tiles decoded and placed since start, and tiles the set did not have
        self.loaded = 0
        self.missing = 0
        plot.getViewBox().sigRangeChanged.connect(self.update)
        self.update()

    def close(self) -> None:
        """Stop loading and take the tiles off the plot."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        for item in self._items.values():
            if item is not None:
                self.plot.removeItem(item)
        self._items.clear()

    # ------------------------------------------------------------------ view → tiles
    def zoom_for(self, metres_per_px: float) -> int:
        """The tileset's zoom whose pixels are closest to `metres_per_px` on screen."""
        lat = math.radians(self.plane.lat0)
        tile_m_at_0 = 2 * math.pi * 6378137.0 * math.cos(lat) / TILE_PX
        z = round(math.log2(tile_m_at_0 / max(metres_per_px, 1e-6)))
        return min(max(z, self.tileset.minzoom), self.tileset.maxzoom)

    def tiles_in_view(self) -> list[tuple[int, int, int]]:
        """XYZ tiles covering the plot's current view at the chosen zoom."""
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        width_px = max(vb.width(), 1.0)
        self.zoom = z = self.zoom_for((x1 - x0) / width_px)
        lon0, lat0 = self.plane.to_lonlat(x0, y0)
        lon1, lat1 = self.plane.to_lonlat(x1, y1)
        tx0, ty1 = lonlat_to_tile(lon0, lat0, z)
        tx1, ty0 = lonlat_to_tile(lon1, lat1, z)
        n = 2 ** z
        xs = range(max(int(math.floor(tx0)), 0), min(int(math.floor(tx1)), n - 1) + 1)
        ys = range(max(int(math.floor(ty0)), 0), min(int(math.floor(ty1)), n - 1) + 1)
        if len(xs) * len(ys) > 400:  # a view far wider than the set: do not ask for thousands
            return []
        return [(z, x, y) for y in ys for x in xs]

    def update(self, *_args) -> None:
        """Show the tiles in view (from the cache at once, the rest as they load)."""
        want = set(self.tiles_in_view()) if self.visible else set()
        for key, item in self._items.items():
            if item is not None:
                item.setVisible(key in want)
        for key in want:
            if key in self._items:
                self._items.move_to_end(key)
            elif key not in self._asked:
                self._asked.add(key)
                self._pool.submit(self._load, key)

    def set_visible(self, on: bool) -> None:
        self.visible = on
        self.update()

    # ------------------------------------------------------------------ loading
    def _load(self, key: tuple[int, int, int]) -> None:
        """In a loader thread: read and decode one tile."""
        data = self.tileset.tile(*key)
        img = None
        if data is not None:
            img = QImage.fromData(data)
            if img.isNull():
                img = None
        self._carrier.sig.emit(key, img)

    def _on_loaded(self, key, img) -> None:
        self._asked.discard(key)
        if img is None:
            self.missing += 1
            self._items[key] = None
        else:
            item = QGraphicsPixmapItem(QPixmap.fromImage(img))
            item.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
            west, south, east, north = tile_bounds(*key)
            x0, y0 = self.plane.to_xy(west, south)
            x1, y1 = self.plane.to_xy(east, north)
            # the view's y runs up, the image's rows run down: flip, and pin the top-left corner
            item.setTransform(QTransform.fromScale((x1 - x0) / img.width(), -(y1 - y0) / img.height()))
            item.setPos(x0, y1)
            item.setZValue(BASE_Z)
            self.plot.addItem(item)
            self._items[key] = item
            self.loaded += 1
        while len(self._items) > CACHE_TILES:
            _, old = self._items.popitem(last=False)
            if old is not None:
                self.plot.removeItem(old)
        self.update()

    def settled(self) -> bool:
        """Every tile in view is placed, or known to be missing from the set."""
        return all(k in self._items for k in self.tiles_in_view())

    def placed(self) -> dict[tuple[int, int, int], QGraphicsPixmapItem]:
        """Tiles on the plot now and visible (for tests and the status line)."""
        return {k: v for k, v in self._items.items() if v is not None and v.isVisible()}


def attach_basemap(pane, path: str, origin: tuple[float, float] | None = None) -> BaseMapLayer:
    """Put an MBTiles base map under a MapPane. `origin`: the site's local plane origin (lon, lat),
    else the tileset's `duty_console_origin` metadata; ValueError if neither says."""
    from console.site.geo import LocalPlane

    tileset = MBTiles(path)
    origin = origin or tileset.origin
    if origin is None:
        raise ValueError(f"{path} does not name its local plane origin: add metadata duty_console_origin "
                         "= 'lon,lat' (the site.toml origin), or pass the origin")
    layer = BaseMapLayer(pane.plot, tileset, LocalPlane(*origin), parent=pane)
    pane.base_attached(layer)  # keeps it (and its loader threads) with the pane; its switch works
    return layer
