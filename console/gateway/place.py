"""Which grid holds a point, fast on a 65,000-grid site: grid bounding boxes bucketed by 500 m.

Built from the gateway's state replica and rebuilt when the number of org units
changes; a lookup that finds nothing through the buckets falls back to a full
scan (a grid redrawn elsewhere by a re-import is still found), so the index
only ever makes a correct answer faster.
"""

from __future__ import annotations

from console.domain.model import OrgUnit
from console.site.geo import point_in_polygon

BUCKET_M = 500.0


def _bbox(u: OrgUnit) -> tuple[float, float, float, float]:
    xs = [p[0] for p in u.polygon]
    ys = [p[1] for p in u.polygon]
    return min(xs), min(ys), max(xs), max(ys)


class GridIndex:
    """Grid lookups over `org` (the replica's dict, read live)."""

    def __init__(self):
        self._org: dict | None = None
        self._n = -1
        self._buckets: dict[tuple[int, int], list[str]] = {}

    def _fresh(self, org: dict[str, OrgUnit]) -> None:
        if org is self._org and len(org) == self._n:
            return
        self._org, self._n = org, len(org)
        self._buckets = {}
        for u in org.values():
            if u.level == "grid" and u.polygon:
                x0, y0, x1, y1 = _bbox(u)
                for bx in range(int(x0 // BUCKET_M), int(x1 // BUCKET_M) + 1):
                    for by in range(int(y0 // BUCKET_M), int(y1 // BUCKET_M) + 1):
                        self._buckets.setdefault((bx, by), []).append(u.id)

    def grid_at(self, org: dict[str, OrgUnit], x: float, y: float) -> OrgUnit | None:
        """The grid whose polygon holds (x, y), or None."""
        self._fresh(org)
        for gid in self._buckets.get((int(x // BUCKET_M), int(y // BUCKET_M)), ()):
            u = org.get(gid)
            if u is not None and u.polygon and point_in_polygon(x, y, u.polygon):
                return u
        for u in org.values():  # not where the index says: a redrawn grid, or outside the site
            if u.level == "grid" and u.polygon and point_in_polygon(x, y, u.polygon):
                return u
        return None

    def near(self, org: dict[str, OrgUnit], x0: float, y0: float, x1: float, y1: float) -> list[OrgUnit]:
        """Grids whose bounding box may meet the box (x0, y0)–(x1, y1)."""
        self._fresh(org)
        seen: dict[str, OrgUnit] = {}
        for bx in range(int(x0 // BUCKET_M), int(x1 // BUCKET_M) + 1):
            for by in range(int(y0 // BUCKET_M), int(y1 // BUCKET_M) + 1):
                for gid in self._buckets.get((bx, by), ()):
                    u = org.get(gid)
                    if u is not None and gid not in seen:
                        seen[gid] = u
        return list(seen.values())
