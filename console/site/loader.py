"""Read and check a site folder into a domain Baseline; every error named by file, row, column.

The folder (console/site/SITE_FORMAT.md):

    site.toml         name, datum (WGS-84 | GCJ-02), origin [lon, lat], date, day_start
    org.geojson       district → towns → communities → grids; grids are Polygons
    people.csv|.xlsx  the roster (UTF-8 or GBK/GB18030 CSV, or a workbook)
    cameras.csv       id, name, grid, lon, lat, heading, fov, main_url, sub_url
    plans.toml        [[plan]] id, name, kinds, roles = [[kind, count], …], notify
    cases.toml        optional: work_hours and [[case_type]] per alert kind (console/site/case_types.py)
    drills.toml       optional: [[drill]] scripts of no-notice drills (console/site/drill_scripts.py)
    duty.csv          optional "6+1" duty list: date, post, name, phone
    course.geojson    optional LineString (an event's route)

Everything is read and checked before anything is returned: a folder with any
error loads nothing (`SiteInvalid` carries the list). Lon/lat are converted to
WGS-84 once, here, then projected to metres around the declared origin.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from console.domain.localtime import TZ
from console.domain.model import (
    ALERT_KINDS, HELD_STATUSES, LEVELS, RESOURCE_KINDS, RESOURCE_STATUSES,
    Baseline, Camera, OrgUnit, Plan, PlanRole, Resource,
)
from console.site import geo
from console.site.credentials import CREDENTIALS_FILE, Credential, read_credentials, split_userinfo
from console.site.case_types import read_case_types
from console.site.drill_scripts import DrillScript, read_drill_scripts
from console.site.tables import TableError, read_table
from console.site.toml_file import read_toml, table_rows

#: at most this many errors are collected (a wrong file can produce one per row)
MAX_ERRORS = 10_000
#: a person or camera this far outside its grid's polygon (m) is an error
GRID_TOLERANCE_M = 1.0

#: accepted header names per column (lower case): the codes, and the usual Chinese headers
PEOPLE_COLUMNS = {
    "id": ("id", "编号", "人员编号"), "name": ("name", "姓名"), "kind": ("kind", "类别", "人员类别"),
    "grid": ("grid", "网格", "网格编号"), "unit": ("unit", "单位", "所属单位"),
    "skills": ("skills", "技能", "专长"), "status": ("status", "状态"),
    "lon": ("lon", "lng", "经度"), "lat": ("lat", "纬度"), "phone": ("phone", "电话", "手机"),
}
PEOPLE_REQUIRED = ("id", "name", "kind", "grid")
CAMERA_COLUMNS = {
    "id": ("id", "编号", "设备编号"), "name": ("name", "名称", "设备名称"),
    "grid": ("grid", "网格", "网格编号"), "lon": ("lon", "lng", "经度"), "lat": ("lat", "纬度"),
    "heading": ("heading", "朝向"), "fov": ("fov", "视场角"),
    "main_url": ("main_url", "主码流"), "sub_url": ("sub_url", "子码流"),
    "transport": ("transport", "rtsp_transport", "传输协议"),
}
#: RTSP transports a camera row may name (empty: tcp)
RTSP_TRANSPORTS = ("tcp", "udp")
CAMERA_REQUIRED = ("id", "name", "grid", "lon", "lat")
DUTY_COLUMNS = {"date": ("date", "日期"), "post": ("post", "岗位"), "name": ("name", "姓名"),
                "phone": ("phone", "电话", "手机")}
DUTY_REQUIRED = ("date", "post", "name")
_SKILL_SPLIT = re.compile(r"[;；、|]")


@dataclass(slots=True, frozen=True)
class SiteError:
    """One problem: file (relative to the folder), row and column (1-based), message."""

    file: str
    row: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.col}: {self.message}"


class SiteInvalid(Exception):
    """A folder that did not load; `errors` lists every problem found."""

    def __init__(self, errors: list[SiteError]):
        super().__init__(f"{len(errors)} error(s) in site folder; first: {errors[0]}")
        self.errors = errors


@dataclass(slots=True)
class CameraView:
    """Where a camera stands as the list wrote it (WGS-84, after any GCJ-02 conversion).

    Heading, field of view and stream URLs live on the domain's Camera (one place).
    """

    lon: float
    lat: float


@dataclass(slots=True)
class Site:
    """A loaded site: the domain baseline plus what only the site knows."""

    path: Path
    baseline: Baseline
    datum: str
    plane: geo.LocalPlane
    #: table file → encoding it was read with ("utf-8-sig", "gb18030", "xlsx")
    encodings: dict[str, str] = field(default_factory=dict)
    cameras: dict[str, CameraView] = field(default_factory=dict)
    duty: list[dict[str, str]] = field(default_factory=list)
    #: camera id → its user and password (console/site/credentials.py): never in a camera record
    credentials: dict[str, Credential] = field(default_factory=dict)
    #: what loads but should be fixed (a camera URL that carried a password)
    warnings: list[SiteError] = field(default_factory=list)
    #: the drill scripts of drills.toml (console/site/drill_scripts.py)
    drills: list[DrillScript] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what the folder holds."""
        b = self.baseline
        grids = sum(1 for u in b.org if u.level == "grid")
        enc = ", ".join(f"{f} {e}" for f, e in sorted(self.encodings.items()))
        return (f"site OK: {b.name}: {len(b.org)} org units ({grids} grids), {len(b.resources)} people, "
                f"{len(b.cameras)} cameras, {len(b.plans)} plans, {len(self.duty)} duty rows; "
                f"datum {self.datum}" + (f"; {enc}" if enc else ""))


class _Errors:
    def __init__(self):
        self.items: list[SiteError] = []

    def add(self, file: str, row: int, col: int, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(SiteError(file, row, col, message))


# ------------------------------------------------------------------ text positions

class _Lines:
    """Offset → (line, column) in a text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def _key_line(text: str, key: str) -> int:
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


class _FeaturePositions:
    """Where each feature of a FeatureCollection starts (found only when an error needs it)."""

    def __init__(self, text: str):
        self.text = text
        self._starts: list[tuple[int, int]] | None = None
        self._lines: _Lines | None = None

    def _walk(self) -> None:
        self._starts, self._lines = [], _Lines(self.text)
        m = re.search(r'"features"\s*:\s*\[', self.text)
        if not m:
            return
        dec = json.JSONDecoder()
        i, n = m.end(), len(self.text)
        while i < n:
            while i < n and self.text[i] in " \t\r\n,":
                i += 1
            if i >= n or self.text[i] == "]":
                break
            try:
                _, end = dec.raw_decode(self.text, i)
            except ValueError:
                break
            self._starts.append((i, end))
            i = end

    def at(self, index: int, key: str | None = None) -> tuple[int, int]:
        """(line, column) of feature `index`, or of `"key"` inside it."""
        if self._starts is None:
            self._walk()
        if index >= len(self._starts):
            return 1, 1
        start, end = self._starts[index]
        if key:
            k = self.text.find(f'"{key}"', start, end)
            if k >= 0:
                start = k
        return self._lines.at(start)


# ------------------------------------------------------------------ the loader

class _Loader:
    def __init__(self, root: Path, geometry: bool = True):
        self.root = root
        #: check the grids' drawing (inside their parent, no two overlapping): 0.18 s for the marathon's 188
        self.geometry = geometry
        self.err = _Errors()
        self.plane: geo.LocalPlane | None = None
        self.datum = "WGS-84"
        self.encodings: dict[str, str] = {}
        #: org units present in org.geojson that did not load (their own error says why): whatever
        #: refers to them is not checked again, so one broken grid is one error, not one per person
        self.broken_units: set[str] = set()
        #: credentials taken out of camera URLs, and the warnings saying so
        self.credentials: dict[str, Credential] = {}
        self.warnings: list[SiteError] = []

    # -- coordinates
    def lonlat_to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        if self.datum == "GCJ-02":
            lon, lat = geo.gcj02_to_wgs84(lon, lat)
        return self.plane.to_xy(lon, lat)

    def _position(self, value, file: str, row: int, col: int) -> tuple[float, float] | None:
        if (not isinstance(value, (list, tuple)) or len(value) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:2])):
            self.err.add(file, row, col, f"a position must be [lon, lat] numbers, not {json.dumps(value)[:60]}")
            return None
        lon, lat = float(value[0]), float(value[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.err.add(file, row, col, f"[{lon}, {lat}] is not a lon/lat position")
            return None
        return self.lonlat_to_xy(lon, lat)

    # -- site.toml
    def read_settings(self) -> tuple[str, float] | None:
        if not (self.root / "site.toml").is_file():
            self.err.add("site.toml", 1, 1, "missing file: every site folder needs site.toml")
            return None
        read = read_toml(self.root, "site.toml", self.err.add)
        if read is None:
            return None
        cfg, text = read
        ok = True
        name = cfg.get("name")
        if not isinstance(name, str) or not name.strip():
            self.err.add("site.toml", _key_line(text, "name"), 1, "name must be a non-empty string")
            ok = False
        datum = cfg.get("datum")
        if datum not in geo.DATUMS:
            self.err.add("site.toml", _key_line(text, "datum"), 1,
                         f"datum must be one of {', '.join(geo.DATUMS)}, not {datum!r}")
            ok = False
        else:
            self.datum = datum
        origin = cfg.get("origin")
        if (not isinstance(origin, list) or len(origin) != 2
                or not all(isinstance(v, (int, float)) for v in origin)
                or not (-180 <= origin[0] <= 180 and -90 <= origin[1] <= 90)):
            self.err.add("site.toml", _key_line(text, "origin"), 1,
                         "origin must be [lon, lat] (WGS-84) of the local plane's (0, 0)")
            ok = False
        else:
            self.plane = geo.LocalPlane(float(origin[0]), float(origin[1]))
        day = cfg.get("date", None)
        if day is None:
            day = datetime.now(TZ).date()
        elif isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date) or isinstance(day, datetime):
            self.err.add("site.toml", _key_line(text, "date"), 1, "date must be YYYY-MM-DD")
            ok = False
        start = cfg.get("day_start", "07:00")
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", start) if isinstance(start, str) else None
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            self.err.add("site.toml", _key_line(text, "day_start"), 1, "day_start must be HH:MM")
            ok = False
        if not ok:
            return None
        day_start = datetime(day.year, day.month, day.day, int(m.group(1)), int(m.group(2)), tzinfo=TZ).timestamp()
        return name.strip(), day_start

    # -- GeoJSON
    def _read_json(self, name: str):
        path = self.root / name
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            row = data.count(b"\n", 0, exc.start) + 1
            self.err.add(name, row, 1, f"GeoJSON must be UTF-8 (undecodable byte at offset {exc.start})")
            return None, ""
        try:
            return json.loads(text), text
        except json.JSONDecodeError as exc:
            self.err.add(name, exc.lineno, exc.colno, f"bad JSON: {exc.msg}")
            return None, ""

    def _ring(self, geom, name: str, pos) -> list[tuple[float, float]] | None:
        coords = geom.get("coordinates")
        if not isinstance(coords, list) or not coords or not isinstance(coords[0], list):
            self.err.add(name, *pos("coordinates"), "Polygon coordinates must be a list of rings")
            return None
        ring = coords[0]
        if len(ring) < 4:
            self.err.add(name, *pos("coordinates"), f"polygon ring has {len(ring)} positions; needs at least 4")
            return None
        if ring[0] != ring[-1]:
            self.err.add(name, *pos("coordinates"),
                         f"polygon does not close: first position {ring[0]} ≠ last {ring[-1]}")
            return None
        pts = []
        for p in ring[:-1]:
            xy = self._position(p, name, *pos("coordinates"))
            if xy is None:
                return None
            pts.append(xy)
        return pts

    def read_org(self) -> list[OrgUnit]:
        name = "org.geojson"
        if not (self.root / name).is_file():
            self.err.add(name, 1, 1, "missing file: every site folder needs org.geojson")
            return []
        doc, text = self._read_json(name)
        if doc is None:
            return []
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
            self.err.add(name, 1, 1, "must be a GeoJSON FeatureCollection")
            return []
        where = _FeaturePositions(text)
        units: list[OrgUnit] = []
        rows: dict[str, int] = {}
        no_center: set[str] = set()
        for i, feat in enumerate(doc["features"]):
            def pos(key=None, i=i):
                return where.at(i, key)
            props = feat.get("properties") if isinstance(feat, dict) else None
            if not isinstance(props, dict):
                self.err.add(name, *pos(), "feature without properties")
                continue
            uid = props.get("id")
            uid = str(uid) if isinstance(uid, (str, int)) and not isinstance(uid, bool) else ""
            if not uid.strip():
                self.err.add(name, *pos("properties"), "feature has no properties.id")
                continue
            if uid in rows:
                self.err.add(name, *pos("id"), f"duplicate id {uid!r} (first at feature {rows[uid] + 1})")
                continue
            rows[uid] = i
            uname = props.get("name")
            if not isinstance(uname, str) or not uname.strip():
                self.err.add(name, *pos("name"), f"{uid}: name must be a non-empty string")
                continue
            level = props.get("level")
            if level not in LEVELS:
                self.err.add(name, *pos("level"), f"{uid}: level must be one of {', '.join(LEVELS)}, not {level!r}")
                continue
            parent = props.get("parent")
            if parent is not None and not isinstance(parent, str):
                parent = str(parent)
            tags = props.get("tags", [])
            if isinstance(tags, str):
                tags = [t.strip() for t in tags.split(",") if t.strip()]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                self.err.add(name, *pos("tags"), f"{uid}: tags must be a list of strings")
                continue
            geom = feat.get("geometry")
            polygon: list[tuple[float, float]] = []
            center: tuple[float, float] | None = None
            gtype = geom.get("type") if isinstance(geom, dict) else None
            if gtype == "Polygon":
                ring = self._ring(geom, name, pos)
                if ring is None:
                    continue
                polygon = ring
                center = tuple(round(c, 1) for c in geo.centroid(ring))
            elif gtype == "Point":
                center = self._position(geom.get("coordinates"), name, *pos("coordinates"))
                if center is None:
                    continue
            elif geom is not None:
                self.err.add(name, *pos("geometry"), f"{uid}: geometry must be a Polygon or a Point, not {gtype!r}")
                continue
            if level == "grid" and not polygon:
                self.err.add(name, *pos("geometry"), f"grid {uid} needs a Polygon geometry")
                continue
            if "center" in props:
                center = self._position(props["center"], name, *pos("center"))
                if center is None:
                    continue
            unit = OrgUnit(id=uid, name=uname.strip(), level=level, parent=parent or None, polygon=polygon,
                           center_x=center[0] if center else 0.0, center_y=center[1] if center else 0.0,
                           tags=tags)
            if center is None:
                no_center.add(uid)
            units.append(unit)
        by_id = {u.id: u for u in units}
        roots = 0
        for u in units:
            if u.parent is None:
                if u.level != "district":
                    self.err.add(name, *where.at(rows[u.id], "parent"), f"{u.id}: a {u.level} needs a parent")
                roots += 1
                continue
            p = by_id.get(u.parent)
            if p is None:
                if u.parent not in rows:  # a parent that failed to read already has its error
                    self.err.add(name, *where.at(rows[u.id], "parent"), f"{u.id}: unknown parent {u.parent!r}")
            elif LEVELS.index(p.level) >= LEVELS.index(u.level):
                self.err.add(name, *where.at(rows[u.id], "parent"),
                             f"{u.id}: a {u.level} cannot belong to a {p.level} ({p.id})")
        if units and roots != 1:
            self.err.add(name, 1, 1, f"the tree needs exactly one root (the district); found {roots}")
        self.broken_units = set(rows) - set(by_id)
        if self.geometry:
            self._check_areas(units, by_id, lambda uid, key: where.at(rows[uid], key))
        self._fill_centers(units, no_center)
        return units

    def _check_areas(self, units: list[OrgUnit], by_id: dict[str, OrgUnit], pos) -> None:
        """A unit drawn outside its parent's polygon, and grids that overlap, are errors (one per broken grid)."""
        name = "org.geojson"
        for u in units:
            p = by_id.get(u.parent or "")
            if u.polygon and p is not None and p.polygon:
                d = geo.farthest_outside(u.polygon, p.polygon)
                if d > GRID_TOLERANCE_M:
                    self.err.add(name, *pos(u.id, "geometry"),
                                 f"{u.level} {u.id} reaches {d:.0f} m outside its {p.level} {p.id}")
        grids = [u for u in units if u.level == "grid" and u.polygon]
        boxes = sorted(((min(x for x, _ in g.polygon), max(x for x, _ in g.polygon),
                         min(y for _, y in g.polygon), max(y for _, y in g.polygon), g) for g in grids),
                       key=lambda b: b[0])
        shared: dict[str, dict[str, float]] = {}
        for i, (ax0, ax1, ay0, ay1, a) in enumerate(boxes):  # sweep along x: only boxes that meet are compared
            for bx0, _bx1, by0, by1, b in boxes[i + 1:]:
                if bx0 >= ax1 - GRID_TOLERANCE_M:
                    break
                if by0 >= ay1 - GRID_TOLERANCE_M or ay0 >= by1 - GRID_TOLERANCE_M:
                    continue
                area = geo.overlap_area(a.polygon, b.polygon, GRID_TOLERANCE_M)
                if area > 0:
                    shared.setdefault(a.id, {})[b.id] = area
                    shared.setdefault(b.id, {})[a.id] = area
        # One error per grid drawn wrong: the grid that overlaps the most others is named with all of
        # them, and those overlaps are not said again from the other side.
        while shared:
            gid = max(shared, key=lambda g: (len(shared[g]), g))
            others = shared.pop(gid)
            for other in others:
                shared[other].pop(gid, None)
                if not shared[other]:
                    del shared[other]
            listed = ", ".join(f"{o} (about {a:,.0f} m²)" for o, a in sorted(others.items()))
            self.err.add(name, *pos(gid, "geometry"), f"grid {gid} overlaps {listed}")

    @staticmethod
    def _fill_centers(units: list[OrgUnit], no_center: set[str]) -> None:
        """Units given neither a Point nor a center sit at the mean of their children."""
        children: dict[str, list[OrgUnit]] = {}
        for u in units:
            if u.parent:
                children.setdefault(u.parent, []).append(u)
        for level in reversed(LEVELS[:-1]):
            for u in units:
                if u.level == level and u.id in no_center:
                    kids = children.get(u.id, [])
                    if kids:
                        u.center_x = round(sum(k.center_x for k in kids) / len(kids), 1)
                        u.center_y = round(sum(k.center_y for k in kids) / len(kids), 1)

    def read_course(self) -> list[tuple[float, float]]:
        name = "course.geojson"
        if not (self.root / name).is_file():
            return []
        doc, _ = self._read_json(name)
        if doc is None:
            return []
        geom = doc
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
            feats = doc.get("features") or [{}]
            geom = feats[0].get("geometry") if isinstance(feats[0], dict) else None
        elif isinstance(doc, dict) and doc.get("type") == "Feature":
            geom = doc.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") != "LineString" or not isinstance(geom.get("coordinates"), list):
            self.err.add(name, 1, 1, "course must be a GeoJSON LineString (or a Feature holding one)")
            return []
        out = []
        for p in geom["coordinates"]:
            xy = self._position(p, name, 1, 1)
            if xy is None:
                return []
            out.append(xy)
        return out

    # -- tables
    def _table(self, name: str, columns: dict, required: tuple[str, ...]):
        path = self.root / name
        try:
            table = read_table(path)
        except TableError as exc:
            self.err.add(name, exc.row, exc.col, exc.message)
            return None, {}
        self.encodings[name] = table.encoding
        index: dict[str, int] = {}
        for i, h in enumerate(table.header):
            for canon, names in columns.items():
                if h.lower() in names and canon not in index:
                    index[canon] = i
        missing = [c for c in required if c not in index]
        for c in missing:
            self.err.add(name, 1, len(table.header) + 1,
                         f"missing column {c!r} (header has: {', '.join(table.header)})")
        if missing:
            return None, {}
        return table, index

    def _lonlat_cell(self, name, row, cells, index, want: bool) -> tuple[float, float] | None | bool:
        """(x, y) from the lon/lat cells; None when absent and allowed; False after an error."""
        def cell(c):
            i = index.get(c)
            return (cells[i].strip() if i is not None and i < len(cells) else ""), (i or 0) + 1
        (lon_s, lon_c), (lat_s, lat_c) = cell("lon"), cell("lat")
        if not lon_s and not lat_s and not want:
            return None
        vals = []
        for s, c, what in ((lon_s, lon_c, "lon"), (lat_s, lat_c, "lat")):
            try:
                vals.append(float(s))
            except ValueError:
                self.err.add(name, row, c, f"{what} must be a number, not {s!r}")
                return False
        lon, lat = vals
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.err.add(name, row, lon_c, f"({lon}, {lat}) is not a lon/lat position")
            return False
        return self.lonlat_to_xy(lon, lat)

    def _check_in_grid(self, name, row, col, what, xy, grid: OrgUnit) -> bool:
        if geo.within(xy[0], xy[1], grid.polygon, GRID_TOLERANCE_M):
            return True
        d = geo.distance_to_polygon(xy[0], xy[1], grid.polygon)
        self.err.add(name, row, col, f"{what} is outside its grid {grid.id} ({d:.0f} m from its edge)")
        return False

    def _people_file(self) -> str | None:
        found = [n for n in ("people.csv", "people.xlsx") if (self.root / n).is_file()]
        if len(found) > 1:
            self.err.add("people.xlsx", 1, 1, "both people.csv and people.xlsx: keep one roster")
            return None
        return found[0] if found else None

    def read_people(self, org: dict[str, OrgUnit], towns: dict[str, str]) -> list[Resource]:
        name = self._people_file()
        if name is None:
            return []
        table, ix = self._table(name, PEOPLE_COLUMNS, PEOPLE_REQUIRED)
        if table is None:
            return []
        out: list[Resource] = []
        seen: dict[str, int] = {}
        col = {c: i + 1 for c, i in ix.items()}
        for row, cells in table.rows:
            get = lambda c: (cells[ix[c]].strip() if c in ix and ix[c] < len(cells) else "")  # noqa: E731
            rid = get("id")
            if not rid:
                self.err.add(name, row, col["id"], "empty id")
                continue
            if rid in seen:
                self.err.add(name, row, col["id"], f"duplicate id {rid!r} (first on row {seen[rid]})")
                continue
            seen[rid] = row
            pname, kind, gid = get("name"), get("kind"), get("grid")
            if not pname:
                self.err.add(name, row, col["name"], f"{rid}: empty name")
                continue
            if kind not in RESOURCE_KINDS:
                self.err.add(name, row, col["kind"], f"{rid}: unknown kind {kind!r} (one of {', '.join(RESOURCE_KINDS)})")
                continue
            if gid in self.broken_units:
                continue  # the grid's own error says what is wrong; this row is checked once it loads
            grid = org.get(gid)
            if grid is None or grid.level != "grid":
                self.err.add(name, row, col["grid"], f"{rid}: unknown grid {gid!r}")
                continue
            status = get("status") or "available"
            if status not in RESOURCE_STATUSES or status in HELD_STATUSES:
                self.err.add(name, row, col.get("status", 1),
                             f"{rid}: status {status!r} is not one of available, off_duty, busy")
                continue
            xy = self._lonlat_cell(name, row, cells, ix, want=False)
            if xy is False:
                continue
            if xy is None:
                xy = (grid.center_x, grid.center_y)
            elif not self._check_in_grid(name, row, col.get("lon", 1), f"{rid}'s position", xy, grid):
                continue
            skills = [s.strip() for s in _SKILL_SPLIT.split(get("skills")) if s.strip()]
            out.append(Resource(id=rid, name=pname, kind=kind, unit=get("unit"), grid=gid, town=towns[gid],
                                skills=skills, status=status, x=xy[0], y=xy[1]))
        return out

    def read_cameras(self, org: dict[str, OrgUnit], towns: dict[str, str]
                     ) -> tuple[list[Camera], dict[str, CameraView]]:
        name = "cameras.csv"
        if not (self.root / name).is_file():
            return [], {}
        table, ix = self._table(name, CAMERA_COLUMNS, CAMERA_REQUIRED)
        if table is None:
            return [], {}
        col = {c: i + 1 for c, i in ix.items()}
        out: list[Camera] = []
        views: dict[str, CameraView] = {}
        seen: dict[str, int] = {}
        for row, cells in table.rows:
            get = lambda c: (cells[ix[c]].strip() if c in ix and ix[c] < len(cells) else "")  # noqa: E731
            cid = get("id")
            if not cid:
                self.err.add(name, row, col["id"], "empty id")
                continue
            if cid in seen:
                self.err.add(name, row, col["id"], f"duplicate id {cid!r} (first on row {seen[cid]})")
                continue
            seen[cid] = row
            cname, gid = get("name"), get("grid")
            if not cname:
                self.err.add(name, row, col["name"], f"{cid}: empty name")
                continue
            if gid in self.broken_units:
                continue  # the grid's own error says what is wrong
            grid = org.get(gid)
            if grid is None or grid.level != "grid":
                self.err.add(name, row, col["grid"], f"{cid}: unknown grid {gid!r}")
                continue
            xy = self._lonlat_cell(name, row, cells, ix, want=True)
            if xy is False or xy is None:
                continue
            if not self._check_in_grid(name, row, col["lon"], f"camera {cid}", xy, grid):
                continue
            nums: dict[str, float | None] = {}
            bad = False
            for c, lo, hi in (("heading", 0.0, 360.0), ("fov", 0.1, 360.0)):
                s = get(c)
                if not s:
                    nums[c] = None
                    continue
                try:
                    v = float(s)
                except ValueError:
                    v = None
                if v is None or not lo <= v <= hi:
                    self.err.add(name, row, col[c], f"{cid}: {c} must be a number from {lo:g} to {hi:g}, not {s!r}")
                    bad = True
                    break
                nums[c] = v
            urls = {c: get(c) for c in ("main_url", "sub_url")}
            for c, u in urls.items():  # a password in cameras.csv goes no further than here
                urls[c], cred = split_userinfo(u)
                if cred is not None:
                    self.credentials.setdefault(cid, cred)
                    self.warnings.append(SiteError(name, row, col.get(c, 1), f"{cid}: {c} carries a user and "
                                                   f"password: move them to {CREDENTIALS_FILE}"))
            for c, u in urls.items():
                if u and "://" not in u:
                    self.err.add(name, row, col[c], f"{cid}: {c} {u!r} is not a URL (rtsp://…, http://…)")
                    bad = True
            transport = get("transport").lower() or "tcp"
            if transport not in RTSP_TRANSPORTS:
                self.err.add(name, row, col["transport"],
                             f"{cid}: transport must be one of {', '.join(RTSP_TRANSPORTS)}, not {get('transport')!r}")
                bad = True
            if bad:
                continue
            out.append(Camera(id=cid, name=cname, grid=gid, town=towns[gid], x=xy[0], y=xy[1],
                              stream=urls["main_url"], main=urls["main_url"], sub=urls["sub_url"],
                              heading=nums["heading"], fov=nums["fov"], rtsp_transport=transport))
            lon, lat = float(get("lon")), float(get("lat"))
            views[cid] = CameraView(lon, lat)
        return out, views

    def read_duty(self) -> list[dict[str, str]]:
        name = "duty.csv"
        if not (self.root / name).is_file():
            return []
        table, ix = self._table(name, DUTY_COLUMNS, DUTY_REQUIRED)
        if table is None:
            return []
        out = []
        for row, cells in table.rows:
            get = lambda c: (cells[ix[c]].strip() if c in ix and ix[c] < len(cells) else "")  # noqa: E731
            try:
                date.fromisoformat(get("date"))
            except ValueError:
                self.err.add(name, row, ix["date"] + 1, f"date must be YYYY-MM-DD, not {get('date')!r}")
                continue
            if not get("name"):
                self.err.add(name, row, ix["name"] + 1, "empty name")
                continue
            out.append({c: get(c) for c in DUTY_COLUMNS})
        return out

    # -- plans.toml
    def read_plans(self) -> list[Plan]:
        name = "plans.toml"
        read = read_toml(self.root, name, self.err.add)
        if read is None:
            return []
        doc, text = read
        headers = table_rows(text, "plan")
        plans: list[Plan] = []
        seen: set[str] = set()
        entries = doc.get("plan", [])
        if not isinstance(entries, list):
            self.err.add(name, 1, 1, "plans are [[plan]] tables")
            return []
        for i, p in enumerate(entries):
            row = headers[i] if i < len(headers) else 1
            pid, pname = p.get("id"), p.get("name")
            if not isinstance(pid, str) or not pid or not isinstance(pname, str) or not pname:
                self.err.add(name, row, 1, "a plan needs string id and name")
                continue
            if pid in seen:
                self.err.add(name, row, 1, f"duplicate plan id {pid!r}")
                continue
            seen.add(pid)
            kinds = p.get("kinds", [])
            bad_kinds = [k for k in kinds if k not in ALERT_KINDS] if isinstance(kinds, list) else [kinds]
            if bad_kinds or not kinds:
                self.err.add(name, row, 1, f"{pid}: kinds must be alert kinds ({', '.join(ALERT_KINDS)}); "
                                           f"bad: {bad_kinds or 'none given'}")
                continue
            roles_in = p.get("roles", [])
            if isinstance(roles_in, dict):
                roles_in = list(roles_in.items())
            roles = []
            for r in roles_in if isinstance(roles_in, list) else [None]:
                if (not isinstance(r, (list, tuple)) or len(r) != 2 or r[0] not in RESOURCE_KINDS
                        or not isinstance(r[1], int) or r[1] < 1):
                    self.err.add(name, row, 1, f"{pid}: a role is [resource kind, count ≥ 1], not {r!r}")
                    roles = None
                    break
                roles.append(PlanRole(kind=r[0], count=r[1]))
            if roles is None:
                continue
            notify = p.get("notify", [])
            if not isinstance(notify, list) or not all(isinstance(n, str) for n in notify):
                self.err.add(name, row, 1, f"{pid}: notify must be a list of strings")
                continue
            plans.append(Plan(id=pid, name=pname, kinds=list(kinds), roles=roles, notify=notify))
        return plans


def _towns(org: list[OrgUnit]) -> dict[str, str]:
    """grid id → the town (or district) above it."""
    by_id = {u.id: u for u in org}
    out = {}
    for u in org:
        if u.level != "grid":
            continue
        p, hops = u, 0
        while p is not None and p.level not in ("town", "district") and hops < 10:
            p, hops = by_id.get(p.parent or ""), hops + 1
        out[u.id] = p.id if p is not None else ""
    return out


def check_site(path: str | Path, *, geometry: bool = True) -> tuple[Site | None, list[SiteError]]:
    """Read everything; (the site, []) when it is all good, else (None, every error).

    `geometry` False leaves out the grids' drawing checks (a folder the suite checks whole: the
    shipped marathon site, at the demo's start)."""
    root = Path(path)
    if not root.is_dir():
        return None, [SiteError(str(root), 0, 0, "not a folder")]
    ld = _Loader(root, geometry)
    settings = ld.read_settings()
    if ld.plane is None:  # without an origin no position can be read
        return None, ld.err.items
    org = ld.read_org()
    by_id = {u.id: u for u in org}
    towns = _towns(org)
    resources = ld.read_people(by_id, towns)
    cameras, views = ld.read_cameras(by_id, towns)
    plans = ld.read_plans()
    case_types, work_hours = read_case_types(root, ld.err.add, {p.id for p in plans})
    duty = ld.read_duty()
    credentials = {**ld.credentials, **read_credentials(root, ld.err)}
    course = ld.read_course()
    if ld.err.items or settings is None:
        return None, ld.err.items
    name, day_start = settings
    baseline = Baseline(name=name, day_start=day_start, org=org, resources=resources, cameras=cameras,
                        plans=plans, course=course, case_types=case_types, work_hours=work_hours)
    drills = read_drill_scripts(root, ld.err.add, baseline)
    if ld.err.items:
        return None, ld.err.items
    return Site(root, baseline, ld.datum, ld.plane, ld.encodings, views, duty, credentials, ld.warnings,
                drills), []


def load_site(path: str | Path) -> Site:
    """The site in a folder, or SiteInvalid with every error (nothing is half-loaded)."""
    site, errors = check_site(path)
    if errors:
        raise SiteInvalid(errors)
    return site


def read_plane(path: str | Path) -> geo.LocalPlane:
    """Only the local plane of a site (its site.toml origin): what the gateway needs to place points."""
    ld = _Loader(Path(path))
    ld.read_settings()
    if ld.err.items or ld.plane is None:
        raise SiteInvalid(ld.err.items or [SiteError("site.toml", 1, 1, "no origin")])
    return ld.plane
