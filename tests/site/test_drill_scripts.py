"""drills.toml: the shipped marathon scripts load, each one becomes an exercise-marked alert, and a
broken row is named by file and row."""

from __future__ import annotations

import shutil
from pathlib import Path

from console.domain.model import PlanRole
from console.site.drill_scripts import FILE, drill_alert
from console.site.loader import check_site, load_site

MARATHON = Path(__file__).resolve().parents[2] / "resources" / "sites" / "marathon"


def test_the_marathon_scripts_load_and_make_marked_alerts_at_their_place():
    site = load_site(MARATHON)
    assert [d.id for d in site.drills] == ["DS01", "DS02", "DS03"]
    first = site.drills[0]
    assert first.kinds == [PlanRole(kind="medical", count=1), PlanRole(kind="volunteer", count=1)]
    assert first.phone_only and first.plan == "P04"
    cam = {c.id: c for c in site.baseline.cameras}["CAM02"]
    alert = drill_alert(first, site.baseline, "DR-1", by="D")
    assert (alert.id, alert.camera, alert.x, alert.y, alert.town) == ("DR-1", "CAM02", cam.x, cam.y, "T1")
    assert (alert.exercise.drill, alert.exercise.script, alert.exercise.by) == ("DR-1", "DS01", "D")
    no_camera = drill_alert(site.drills[2], site.baseline, "DR-2", by="T1")
    grid = {u.id: u for u in site.baseline.org}["T1-C01-G1"]
    assert (no_camera.source, no_camera.x, no_camera.y) == ("center", grid.center_x, grid.center_y)


def test_a_broken_script_is_named_by_file_and_row(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(MARATHON, folder)
    (folder / FILE).write_text(
        '[[drill]]\nid = "A"\ntitle = "t"\nkind = "fall"\ngrid = "T1-C01-G1"\n\n'
        '[[drill]]\nid = "B"\ntitle = "t"\nkind = "fall"\ngrid = "nowhere"\n\n'
        '[[drill]]\nid = "C"\ntitle = "t"\nkind = "fall"\ngrid = "T1-C01-G1"\nkinds = [["medical", 0]]\n\n'
        '[[drill]]\nid = "A"\ntitle = "t"\nkind = "fall"\ngrid = "T1-C01-G1"\ncolour = "red"\n',
        encoding="utf-8")
    site, errors = check_site(folder)
    assert site is None
    got = [(e.file, e.row, e.message.split(":")[0]) for e in errors]
    assert got == [(FILE, 7, "B"), (FILE, 13, "C"), (FILE, 20, "A")]
    assert "unknown grid" in errors[0].message and "count ≥ 1" in errors[1].message
    assert "unknown keys ['colour']" in errors[2].message
