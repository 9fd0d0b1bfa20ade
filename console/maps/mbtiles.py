"""MBTiles (SQLite) raster tilesets and the tile arithmetic around them; no Qt.

MBTiles 1.3: a `tiles` table (zoom_level, tile_column, tile_row, tile_data) in the
TMS scheme — **rows count from the south**, so XYZ row y is stored as
2^z − 1 − y — and a `metadata` table (name, format, bounds, minzoom, maxzoom,
…). Tiles are Web Mercator; our local plane is linear in lon and lat, so a
tile is an axis-aligned rectangle on it (its Mercator stretch inside one tile
is far below a pixel at the zooms a town map uses).

A tileset made for this console may name its local plane's origin in metadata
(`duty_console_origin` = "lon,lat"); one a center brings along is given the
origin of its site folder instead.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from pathlib import Path


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Fractional XYZ tile coordinates (x east, y south) of a WGS-84 position."""
    n = 2 ** z
    lat_r = math.radians(max(min(lat, 85.05112878), -85.05112878))
    return (lon + 180.0) / 360.0 * n, (1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west lon, south lat, east lon, north lat) of XYZ tile (z, x, y)."""
    n = 2 ** z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))
    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def tms_row(z: int, y: int) -> int:
    """The stored MBTiles row of XYZ row y (and back: the flip is its own inverse)."""
    return (2 ** z) - 1 - y


class MBTiles:
    """Read tiles by XYZ address; one SQLite connection per thread (loader threads included)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no MBTiles file {self.path}")
        self._local = threading.local()
        meta = dict(self._db().execute("SELECT name, value FROM metadata").fetchall())
        self.metadata: dict[str, str] = meta
        self.format = meta.get("format", "png")
        zooms = self._db().execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        self.minzoom = int(meta.get("minzoom", zooms[0] if zooms[0] is not None else 0))
        self.maxzoom = int(meta.get("maxzoom", zooms[1] if zooms[1] is not None else 0))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        return db

    @property
    def origin(self) -> tuple[float, float] | None:
        """The local plane's origin the tileset was made for, if it says."""
        raw = self.metadata.get("duty_console_origin")
        if not raw:
            return None
        lon, lat = (float(v) for v in raw.split(","))
        return lon, lat

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The encoded image of XYZ tile (z, x, y), or None where the set has none."""
        row = self._db().execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, tms_row(z, y))).fetchone()
        return bytes(row[0]) if row else None


def write_mbtiles(path: str | Path, metadata: dict[str, str], tiles: dict[tuple[int, int, int], bytes]) -> None:
    """A new MBTiles file from XYZ-addressed tiles (stored TMS-flipped, as the format says)."""
    path = Path(path)
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    try:
        db.executescript("CREATE TABLE metadata (name TEXT, value TEXT);"
                         "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
                         "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, tms_row(z, y), data) for (z, x, y), data in sorted(tiles.items())])
        db.commit()
    finally:
        db.close()
