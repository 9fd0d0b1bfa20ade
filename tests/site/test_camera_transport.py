"""cameras.csv's `transport` column: RTSP over tcp (default) or udp, per camera; anything else is an error."""

from __future__ import annotations

from console.site.loader import check_site
from tests.site.sitefolder import write_site


def _with_transport(folder, cells: list[str]) -> None:
    lines = (folder / "cameras.csv").read_text(encoding="utf-8").splitlines()
    lines = [line + "," + cell for line, cell in zip(lines, ["传输协议", *cells])]
    (folder / "cameras.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_each_camera_says_its_rtsp_transport_and_an_empty_cell_is_tcp(tmp_path):
    folder = write_site(tmp_path / "s")
    _with_transport(folder, ["UDP", ""])
    site, errors = check_site(folder)
    assert errors == []
    cams = {c.id: c for c in site.baseline.cameras}
    assert cams["CAM1"].rtsp_transport == "udp" and cams["CAM2"].rtsp_transport == "tcp"


def test_an_unknown_transport_is_named_by_row_and_column(tmp_path):
    folder = write_site(tmp_path / "s")
    _with_transport(folder, ["http", "tcp"])
    site, errors = check_site(folder)
    assert site is None
    assert [str(e) for e in errors] == ["cameras.csv:2:10: CAM1: transport must be one of tcp, udp, not 'http'"]
