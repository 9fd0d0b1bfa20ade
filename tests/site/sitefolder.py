"""A small site folder written by the tests: 1 district, 1 town, 1 community, 2 grids, people, cameras.

Grid G1 is the square (0..1000, 0..1000) m, G2 the square (1000..2000, 0..1000) m of
the local plane around ORIGIN; positions below are local metres, written as lon/lat.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from console.site.geo import LocalPlane, wgs84_to_gcj02

ORIGIN = (106.52, 29.50)
PLANE = LocalPlane(*ORIGIN)
GRIDS = {"G1": [(0, 0), (1000, 0), (1000, 1000), (0, 1000)],
         "G2": [(1000, 0), (2000, 0), (2000, 1000), (1000, 1000)]}
PEOPLE = [
    ["P1", "张伟", "grid_worker", "江滨社区网格站", "G1", "日常巡查;信息采集", "available", (500, 500)],
    ["P2", "李娜", "volunteer", "志愿者服务队", "G2", "秩序引导", "available", (1500, 300)],
    ["P3", "王强", "police", "派出所", "G2", "现场警戒", "off_duty", (1800, 900)],
]
CAMERAS = [["CAM1", "滨江路 K0+100", "G1", (200, 800), 90, 60, "rtsp://10.0.0.1/main", "rtsp://10.0.0.1/sub"],
           ["CAM2", "滨江路 K1+400", "G2", (1400, 800), 180, 90, "rtsp://10.0.0.2/main", ""]]


def lonlat(x: float, y: float, datum: str = "WGS-84") -> list[float]:
    lon, lat = PLANE.to_lonlat(x, y)
    if datum == "GCJ-02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return [round(lon, 9), round(lat, 9)]


def csv_text(rows) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def people_rows(datum: str = "WGS-84", people=None) -> list[list[str]]:
    rows = [["id", "name", "kind", "unit", "grid", "skills", "status", "lon", "lat"]]
    for pid, name, kind, unit, grid, skills, status, (x, y) in people or PEOPLE:
        lon, lat = lonlat(x, y, datum)
        rows.append([pid, name, kind, unit, grid, skills, status, f"{lon:.9f}", f"{lat:.9f}"])
    return rows


def write_site(root: Path, *, datum: str = "WGS-84", people_encoding: str = "utf-8") -> Path:
    """Write the good folder; tests then break one thing in it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(
        f'name = "测试街道"\ndatum = "{datum}"\norigin = [{ORIGIN[0]}, {ORIGIN[1]}]\n'
        'date = 2025-11-30\nday_start = "07:00"\n', encoding="utf-8")
    feats = [
        {"type": "Feature", "properties": {"id": "D", "name": "测试区", "level": "district", "parent": None},
         "geometry": {"type": "Point", "coordinates": lonlat(1000, 500, datum)}},
        {"type": "Feature", "properties": {"id": "T1", "name": "测试街道", "level": "town", "parent": "D"},
         "geometry": None},
        {"type": "Feature", "properties": {"id": "C1", "name": "江滨社区", "level": "community", "parent": "T1"},
         "geometry": None},
    ]
    for gid, poly in GRIDS.items():
        ring = [lonlat(x, y, datum) for x, y in poly]
        feats.append({"type": "Feature",
                      "properties": {"id": gid, "name": f"江滨社区{gid}网格", "level": "grid", "parent": "C1",
                                     "tags": ["riverside"]},
                      "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}})
    lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in feats)
    (root / "org.geojson").write_text('{"type": "FeatureCollection", "features": [\n' + lines + "\n]}\n",
                                      encoding="utf-8")
    (root / "people.csv").write_bytes(csv_text(people_rows(datum)).encode(people_encoding))
    rows = [["id", "name", "grid", "lon", "lat", "heading", "fov", "main_url", "sub_url"]]
    for cid, name, grid, (x, y), heading, fov, main, sub in CAMERAS:
        lon, lat = lonlat(x, y, datum)
        rows.append([cid, name, grid, f"{lon:.9f}", f"{lat:.9f}", heading, fov, main, sub])
    (root / "cameras.csv").write_text(csv_text(rows), encoding="utf-8")
    (root / "plans.toml").write_text(
        '[[plan]]\nid = "P01"\nname = "大客流处置预案"\nkinds = ["crowd_density"]\n'
        'roles = [["volunteer", 1], ["police", 1]]\nnotify = ["medical"]\n', encoding="utf-8")
    (root / "duty.csv").write_text("date,post,name,phone\n2025-11-30,带班领导,赵敏,023-1\n", encoding="utf-8")
    return root


def polygon(points, datum: str = "WGS-84") -> dict:
    """A GeoJSON Polygon of local-metre points (closed here)."""
    ring = [lonlat(x, y, datum) for x, y in points]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def edit_org(root: Path, change) -> list[str]:
    """Rewrite org.geojson one feature per line (line n+2 holds feature n), after `change(features)`.

    Returns the written lines, so a test can compute the column it expects an error at.
    """
    path = root / "org.geojson"
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    change(feats)
    lines = ['{"type": "FeatureCollection", "features": [']
    lines += [json.dumps(f, ensure_ascii=False) + ("," if i < len(feats) - 1 else "") for i, f in enumerate(feats)]
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def feature(feats: list[dict], uid: str) -> dict:
    """The org feature with that id."""
    return next(f for f in feats if f["properties"]["id"] == uid)
