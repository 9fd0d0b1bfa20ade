"""`site check` and the loader: a good folder, the shipped marathon, and folders broken one way each."""

import shutil
from pathlib import Path

import msgspec
import openpyxl
import pytest

from console.cli import main
from console.site import SiteInvalid, check_site, load_site
from console.scenarios.marathon import build_marathon_baseline

from tests.site.sitefolder import PEOPLE, csv_text, people_rows, write_site

ROOT = Path(__file__).resolve().parents[2]
MARATHON = ROOT / "resources" / "sites" / "marathon"


def _errors(folder) -> list[str]:
    site, errors = check_site(folder)
    assert site is None, "a folder with errors loads nothing"
    return [str(e) for e in errors]


def test_good_folder_loads_everything(tmp_path):
    site = load_site(write_site(tmp_path / "s"))
    b = site.baseline
    assert [u.id for u in b.org] == ["D", "T1", "C1", "G1", "G2"]
    g1 = b.org[3]
    assert g1.polygon == [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0)]
    assert (g1.center_x, g1.center_y) == (500.0, 500.0)
    # a unit without geometry sits at the mean of its children
    assert (b.org[2].center_x, b.org[2].center_y) == (1000.0, 500.0)
    p1, p2, p3 = b.resources
    assert (p1.id, p1.grid, p1.town, p1.x, p1.y, p1.skills) == ("P1", "G1", "T1", 500.0, 500.0, ["日常巡查", "信息采集"])
    assert p3.status == "off_duty"
    cam = b.cameras[0]
    assert (cam.id, cam.grid, cam.x, cam.y, cam.stream) == ("CAM1", "G1", 200.0, 800.0, "rtsp://10.0.0.1/main")
    cam1 = next(c for c in site.baseline.cameras if c.id == "CAM1")
    assert (cam1.heading, cam1.sub, cam1.main) == (90, "rtsp://10.0.0.1/sub", cam1.stream)
    assert b.plans[0].roles[0].kind == "volunteer" and b.plans[0].notify == ["medical"]
    assert len(site.duty) == 1
    assert site.encodings["people.csv"] == "utf-8-sig"


def test_gbk_roster_is_detected_and_named(tmp_path):
    site = load_site(write_site(tmp_path / "s", people_encoding="gbk"))
    assert site.encodings["people.csv"] == "gb18030"
    assert site.baseline.resources[0].name == "张伟"
    assert "people.csv gb18030" in site.summary()


def test_gcj02_folder_is_converted_to_the_same_metres(tmp_path):
    wgs = load_site(write_site(tmp_path / "w")).baseline
    gcj = load_site(write_site(tmp_path / "g", datum="GCJ-02")).baseline
    for a, b in zip(wgs.resources + wgs.cameras, gcj.resources + gcj.cameras):
        assert abs(a.x - b.x) <= 0.1 and abs(a.y - b.y) <= 0.1, (a.id, a.x, b.x, a.y, b.y)
    assert [p for u in gcj.org for p in u.polygon] == [p for u in wgs.org for p in u.polygon]


def test_xlsx_roster(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "people.csv").unlink()
    wb = openpyxl.Workbook()
    for row in people_rows():
        wb.active.append(row)
    wb.save(folder / "people.xlsx")
    site = load_site(folder)
    assert [r.id for r in site.baseline.resources] == ["P1", "P2", "P3"]
    assert site.encodings["people.xlsx"] == "xlsx"
    # an unknown grid in a workbook is named by sheet row and column
    wb.active["E3"] = "G9"
    wb.save(folder / "people.xlsx")
    assert _errors(folder) == ["people.xlsx:3:5: P2: unknown grid 'G9'"]


def test_marathon_site_is_the_marathon_baseline_byte_for_byte():
    site = load_site(MARATHON)
    assert msgspec.json.encode(site.baseline) == msgspec.json.encode(build_marathon_baseline())
    assert site.encodings["people.csv"] == "gb18030"
    assert len(site.cameras) == 65 and all(c.fov == 90 and c.heading is not None for c in site.baseline.cameras)


def test_marathon_script_rewrites_the_shipped_folder_unchanged(tmp_path):
    import runpy

    mod = runpy.run_path(str(ROOT / "scripts" / "make_marathon_site.py"), run_name="not_main")
    mod["build"](tmp_path / "m")
    for f in sorted(MARATHON.iterdir()):
        assert (tmp_path / "m" / f.name).read_bytes() == f.read_bytes(), f.name


# ------------------------------------------------------------------ broken folders, one way each

def test_missing_column(tmp_path):
    folder = write_site(tmp_path / "s")
    rows = [r[:4] + r[5:] for r in people_rows()]  # drop "grid"
    (folder / "people.csv").write_text(csv_text(rows), encoding="utf-8")
    assert _errors(folder) == [
        "people.csv:1:9: missing column 'grid' (header has: id, name, kind, unit, skills, status, lon, lat)"]


def test_unknown_grid_and_duplicate_id(tmp_path):
    folder = write_site(tmp_path / "s")
    rows = people_rows()
    rows[2][4] = "G7"
    rows.append(list(rows[1]))  # P1 again, on row 5
    (folder / "people.csv").write_text(csv_text(rows), encoding="utf-8")
    assert _errors(folder) == ["people.csv:3:5: P2: unknown grid 'G7'",
                               "people.csv:5:1: duplicate id 'P1' (first on row 2)"]


def test_duplicate_org_id_and_unknown_parent(tmp_path):
    folder = write_site(tmp_path / "s")
    text = (folder / "org.geojson").read_text(encoding="utf-8")
    text = text.replace('"id": "G2"', '"id": "G1"').replace('"parent": "T1"', '"parent": "T9"')
    (folder / "org.geojson").write_text(text, encoding="utf-8")
    errors = _errors(folder)
    id_col = text.splitlines()[5].index('"id"') + 1
    assert f"org.geojson:6:{id_col}: duplicate id 'G1' (first at feature 4)" in errors
    parent_col = text.splitlines()[3].index('"parent"') + 1
    assert f"org.geojson:4:{parent_col}: C1: unknown parent 'T9'" in errors


def test_polygon_that_does_not_close(tmp_path):
    folder = write_site(tmp_path / "s")
    lines = (folder / "org.geojson").read_text(encoding="utf-8").splitlines()
    import json

    feat = json.loads(lines[4].rstrip(","))
    feat["geometry"]["coordinates"][0].pop()  # drop the closing position
    lines[4] = json.dumps(feat, ensure_ascii=False) + ","
    (folder / "org.geojson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _errors(folder)
    col = lines[4].index('"coordinates"') + 1
    # one error: the grid's people and camera are not named again for it (nothing loads either way)
    [error] = errors
    assert error.startswith(f"org.geojson:5:{col}: polygon does not close: first position")


def test_point_outside_its_grid(tmp_path):
    folder = write_site(tmp_path / "s")
    people = [list(p) for p in PEOPLE]
    people[1][7] = (2600, 300)  # P2 600 m east of G2
    (folder / "people.csv").write_text(csv_text(people_rows(people=people)), encoding="utf-8")
    assert _errors(folder) == ["people.csv:3:8: P2's position is outside its grid G2 (600 m from its edge)"]


def test_undecodable_text_is_named_by_row_column_and_byte(tmp_path):
    folder = write_site(tmp_path / "s")
    data = csv_text(people_rows()).encode("utf-8")
    at = data.index("李娜".encode())
    broken = data[:at] + b"\xff" + data[at + 3:]  # 李 (3 bytes in UTF-8) becomes one byte no codec reads
    (folder / "people.csv").write_bytes(broken)
    [error] = _errors(folder)
    line_start = broken.rfind(b"\n", 0, at) + 1
    assert error == (f"people.csv:3:{at - line_start + 1}: undecodable text at byte {at} (0xff): "
                     "neither UTF-8 nor GBK/GB18030 (reads as UTF-8 up to here)")


def test_camera_and_plan_errors(tmp_path):
    folder = write_site(tmp_path / "s")
    text = (folder / "cameras.csv").read_text(encoding="utf-8").replace(",90,60,", ",400,60,")
    (folder / "cameras.csv").write_text(text, encoding="utf-8")
    (folder / "plans.toml").write_text('[[plan]]\nid = "P01"\nname = "x"\nkinds = ["meteor"]\nroles = []\n',
                                       encoding="utf-8")
    errors = _errors(folder)
    assert "cameras.csv:2:6: CAM1: heading must be a number from 0 to 360, not '400'" in errors
    assert any(e.startswith("plans.toml:1:1: P01: kinds must be alert kinds") for e in errors)


def test_bad_site_toml(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "site.toml").write_text('name = "x"\ndatum = "BD-09"\norigin = [106.5, 29.5]\n', encoding="utf-8")
    assert _errors(folder) == ["site.toml:2:1: datum must be one of WGS-84, GCJ-02, not 'BD-09'"]
    (folder / "site.toml").write_text('name = "x\n', encoding="utf-8")
    [error] = _errors(folder)
    assert error.startswith("site.toml:1:") and "bad TOML" in error


def test_load_site_raises_with_every_error(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "org.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(SiteInvalid) as info:
        load_site(folder)
    assert str(info.value.errors[0]).startswith("org.geojson:1:2: bad JSON")


# ------------------------------------------------------------------ the command line

def test_site_check_command_on_good_and_broken_folders(tmp_path, capsys):
    assert main(["site", "check", str(MARATHON)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("site OK: 2025 重庆马拉松 滨江赛道: 256 org units (210 grids), "
                                               "2674 people, 65 cameras, 9 plans")
    folder = tmp_path / "broken"
    shutil.copytree(MARATHON, folder)
    lines = (folder / "cameras.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = "T1-C01-G99"
    lines[1] = ",".join(cells)
    (folder / "cameras.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["site", "check", str(folder)]) == 1
    cap = capsys.readouterr()
    lines = cap.out.strip().splitlines()
    assert lines and all(line.startswith("cameras.csv:") for line in lines)
    assert lines == ["cameras.csv:2:3: CAM01: unknown grid 'T1-C01-G99'"]
    assert "nothing would be loaded" in cap.err
