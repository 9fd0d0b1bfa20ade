"""`site check` on folders broken the ways real ones are: a roster in GB18030 with one bad byte far
down, a grid drawn outside its community or over another grid, one broken grid with many people."""

from __future__ import annotations

from console.cli import main
from console.site import check_site

from tests.site.sitefolder import (
    PEOPLE, csv_text, edit_org, feature, people_rows, polygon, write_site,
)


def _errors(folder) -> list[str]:
    site, errors = check_site(folder)
    assert site is None, "a folder with errors loads nothing"
    return [str(e) for e in errors]


def _people(n: int, grid: str = "G2") -> list[list]:
    """The builder's three people and n more in `grid` (G1: x 0..1000, G2: x 1000..2000)."""
    x0 = 0 if grid == "G1" else 1000
    return [list(p) for p in PEOPLE] + [
        [f"Q{i:03d}", f"志愿者{i}", "volunteer", "志愿者服务队", grid, "秩序引导", "available",
         (x0 + 100 + (i * 37) % 800, 100 + (i * 53) % 800)] for i in range(n)]


def test_an_undecodable_byte_deep_in_a_gb18030_roster_is_named_where_it_is(tmp_path, capsys):
    folder = write_site(tmp_path / "s")
    lines = csv_text(people_rows(people=_people(120))).encode("gb18030").split(b"\n")
    assert "志愿者" in lines[100].decode("gb18030")
    bad = lines[100].index("志愿者".encode("gb18030")) + 2  # inside the name, after one character
    lines[100] = lines[100][:bad] + b"\xff" + lines[100][bad + 2:]
    (folder / "people.csv").write_bytes(b"\n".join(lines))
    [error] = _errors(folder)
    prefix = lines[100][:bad].decode("gb18030")
    assert error.startswith(f"people.csv:101:{len(prefix) + 1}: undecodable text at byte "), error
    assert error.endswith("(0xff): neither UTF-8 nor GBK/GB18030 (reads as GBK/GB18030 up to here)")
    assert main(["site", "check", str(folder)]) == 1
    assert capsys.readouterr().out == error + "\n"


def test_a_grid_reaching_outside_its_community_is_an_error(tmp_path):
    folder = write_site(tmp_path / "s")

    def change(feats):
        feature(feats, "C1")["geometry"] = polygon([(0, 0), (2000, 0), (2000, 1000), (0, 1000)])
        feature(feats, "G2")["geometry"] = polygon([(1000, 0), (2600, 0), (2600, 1000), (1000, 1000)])

    lines = edit_org(folder, change)
    col = lines[5].index('"geometry"') + 1
    assert _errors(folder) == [f"org.geojson:6:{col}: grid G2 reaches 600 m outside its community C1"]


def test_a_community_drawn_around_its_grids_is_fine(tmp_path):
    folder = write_site(tmp_path / "s")
    edit_org(folder, lambda feats: feature(feats, "C1").update(
        geometry=polygon([(0, 0), (2000, 0), (2000, 1000), (0, 1000)])))
    site, errors = check_site(folder)
    assert errors == [] and site is not None


def test_overlapping_grids_are_one_error_naming_both(tmp_path):
    folder = write_site(tmp_path / "s")
    # G2 drawn 300 m into G1: 300 × 1000 m shared. Its people and camera stay inside G2.
    lines = edit_org(folder, lambda feats: feature(feats, "G2").update(
        geometry=polygon([(700, 0), (2000, 0), (2000, 1000), (700, 1000)])))
    [error] = _errors(folder)
    col = lines[5].index('"geometry"') + 1
    assert error.startswith(f"org.geojson:6:{col}: grid G2 overlaps G1 (about "), error
    area = float(error.split("about ")[1].split(" m²")[0].replace(",", ""))
    assert 250_000 < area < 350_000, area


def test_grids_sharing_an_edge_drawn_by_hand_do_not_overlap(tmp_path):
    folder = write_site(tmp_path / "s")
    # the common edge wobbles by half a metre either way: within the tolerance
    edit_org(folder, lambda feats: feature(feats, "G2").update(
        geometry=polygon([(999.5, 0), (2000, 0), (2000, 1000), (1000.5, 1000), (999.6, 500)])))
    site, errors = check_site(folder)
    assert errors == [] and site is not None


def test_one_grid_drawn_over_its_neighbours_is_one_error(tmp_path):
    folder = write_site(tmp_path / "s")

    def change(feats):
        for n, x in ((3, 2000), (4, 3000)):
            g = dict(feature(feats, "G2"), properties=dict(feature(feats, "G2")["properties"], id=f"G{n}"))
            g["geometry"] = polygon([(x, 0), (x + 1000, 0), (x + 1000, 1000), (x, 1000)])
            feats.append(g)
        # G2 is drawn over G3 and G4 as well as its own square
        feature(feats, "G2")["geometry"] = polygon([(1000, 0), (3500, 0), (3500, 1000), (1000, 1000)])

    edit_org(folder, change)
    [error] = _errors(folder)
    assert ": grid G2 overlaps G3 (about " in error and ", G4 (about " in error, error


def test_one_broken_grid_is_one_error_not_one_per_person_and_camera(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "people.csv").write_text(csv_text(people_rows(people=_people(17))), encoding="utf-8")
    assert check_site(folder)[1] == []
    # G2's ring has 3 positions: the grid cannot load
    lines = edit_org(folder, lambda feats: feature(feats, "G2")["geometry"]["coordinates"][0].__delitem__(slice(1, 3)))
    col = lines[5].index('"coordinates"') + 1
    assert _errors(folder) == [f"org.geojson:6:{col}: polygon ring has 3 positions; needs at least 4"]
