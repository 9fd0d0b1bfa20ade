"""The large synthetic site P9b checks (`bench/p9b_site.py`), and a standalone run of its site check.

    python -m bench.site_bench [--grids 65000] [--people 100000]

`make_large_site` writes the folder (grids as 100 m squares, people as GB18030 CSV);
`make bench` / `python -m bench --only P9b` times `duty-console site check` on it
together with the CAP → painted-row figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.site.geo import LocalPlane  # noqa: E402

ORIGIN = (106.30, 29.30)
CELL = 100.0


def make_large_site(root: Path, grids: int = 65_000, people: int = 100_000, cameras: int = 2_000) -> Path:
    """A synthetic site: grids as 100 m squares, 100 grids per community, 20 towns."""
    plane = LocalPlane(*ORIGIN)
    rng = random.Random(1)
    cols = int(grids ** 0.5) + 1
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(f'name = "bench"\ndatum = "WGS-84"\norigin = [{ORIGIN[0]}, {ORIGIN[1]}]\n'
                                    'date = 2025-11-30\n', encoding="utf-8")
    n_comm = (grids + 99) // 100
    towns = 20
    with open(root / "org.geojson", "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(json.dumps({"type": "Feature", "properties": {"id": "D", "name": "区", "level": "district",
                                                              "parent": None}, "geometry": None}))
        for t in range(towns):
            f.write(",\n" + json.dumps({"type": "Feature", "properties": {
                "id": f"T{t}", "name": f"街道{t}", "level": "town", "parent": "D"}, "geometry": None}))
        for c in range(n_comm):
            f.write(",\n" + json.dumps({"type": "Feature", "properties": {
                "id": f"C{c}", "name": f"社区{c}", "level": "community", "parent": f"T{c % towns}"},
                "geometry": None}))
        for g in range(grids):
            x0, y0 = (g % cols) * CELL, (g // cols) * CELL
            ring = [list(plane.to_lonlat(x, y)) for x, y in
                    ((x0, y0), (x0 + CELL, y0), (x0 + CELL, y0 + CELL), (x0, y0 + CELL), (x0, y0))]
            f.write(",\n" + json.dumps({"type": "Feature", "properties": {
                "id": f"G{g}", "name": f"网格{g}", "level": "grid", "parent": f"C{g // 100}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}, ensure_ascii=False))
        f.write("\n]}\n")
    kinds = ["grid_worker", "volunteer", "police", "community_staff"]
    with open(root / "people.csv", "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "kind", "unit", "grid", "skills", "status", "lon", "lat"])
        for i in range(people):
            g = rng.randrange(grids)
            x = (g % cols) * CELL + rng.uniform(5, 95)
            y = (g // cols) * CELL + rng.uniform(5, 95)
            lon, lat = plane.to_lonlat(x, y)
            w.writerow([f"R{i}", f"张{i}", kinds[i % 4], "网格站", f"G{g}", "巡查;采集", "available",
                        f"{lon:.9f}", f"{lat:.9f}"])
    with open(root / "cameras.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "grid", "lon", "lat", "heading", "fov", "main_url", "sub_url"])
        for i in range(cameras):
            g = rng.randrange(grids)
            lon, lat = plane.to_lonlat((g % cols) * CELL + 50, (g // cols) * CELL + 50)
            w.writerow([f"CAM{i}", f"摄像头{i}", f"G{g}", f"{lon:.9f}", f"{lat:.9f}", 90, 60,
                        f"rtsp://10.0.{i // 250}.{i % 250}/main", ""])
    return root


def site_check_figures(folder: Path) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "console", "site", "check", str(folder)], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"exit": proc.returncode, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb),
            "summary": proc.stdout.strip()[:200] or proc.stderr.strip()[:400]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grids", type=int, default=65_000)
    ap.add_argument("--people", type=int, default=100_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = make_large_site(Path(tmp) / "big", a.grids, a.people)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"generated {a.grids} grids, {a.people} people ({size:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        print("site check:", json.dumps(site_check_figures(folder), ensure_ascii=False))


if __name__ == "__main__":
    main()
