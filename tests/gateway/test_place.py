"""The gateway's grid index: right answers, also after a grid is redrawn elsewhere."""

import msgspec

from console.domain.model import OrgUnit
from console.gateway.place import GridIndex


def _grid(gid, x0, y0, size=100.0):
    return OrgUnit(id=gid, name=gid, level="grid", parent="C",
                   polygon=[(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size)])


def test_lookup_near_and_a_redrawn_grid():
    org = {f"G{i}": _grid(f"G{i}", (i % 50) * 100.0, (i // 50) * 100.0) for i in range(2500)}
    idx = GridIndex()
    assert idx.grid_at(org, 1234.0, 567.0).id == "G262"
    assert idx.grid_at(org, -5.0, 10.0) is None
    assert {u.id for u in idx.near(org, 0.0, 0.0, 150.0, 50.0)} >= {"G0", "G1"}
    # a re-import moves G0 far away (same number of units: the buckets are stale)
    org["G0"] = msgspec.structs.replace(org["G0"], polygon=_grid("G0", 90_000.0, 90_000.0).polygon)
    assert idx.grid_at(org, 90_050.0, 90_050.0).id == "G0"
    assert idx.grid_at(org, 50.0, 50.0) is None
