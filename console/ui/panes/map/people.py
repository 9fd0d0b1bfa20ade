"""The people on the map: one scatter, coloured by status, kept in preallocated numpy arrays.

People are indexed by a fixed resource order (`resource_ids[i]` ↔ arrays[i]); a tick that
moved or re-coloured anyone writes into the scatter's own arrays instead of a full
`setData` (≈ 90 ms for 20,000 people with per-point brushes).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg

from console.domain.model import RESOURCE_STATUSES
from console.domain.state import State
from console.ui.common import theme
from console.ui.common.theme import RESOURCE_STATUS_COLORS

_STATUS_INDEX = {s: i for i, s in enumerate(RESOURCE_STATUSES)}
_PENDING = len(RESOURCE_STATUSES)  # extra colour slot: a dispatch not yet confirmed


class PeopleLayer:
    """Positions and status colours of every person, and the scatter that draws them (`scatter`)."""

    def __init__(self, scatter: pg.ScatterPlotItem):
        self.scatter = scatter
        #: fixed order of people in the scatter; index i ↔ arrays[i]
        self.resource_ids: list[str] = []
        self.index: dict[str, int] = {}
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._status = np.zeros(0, np.int8)
        self._brush_lut = np.empty(0, dtype=object)
        #: people held by a dispatch the hub has not confirmed yet (drawn in the pending colour)
        self.pending: set[str] = set()
        #: setData calls on the scatter and the last one's duration (ms)
        self.updates = 0
        self.last_ms = 0.0

    def load(self, state: State) -> None:
        """Everyone again (a baseline, or someone new): a new order, new arrays, one full setData."""
        res = state.resources
        self.resource_ids = list(res)
        self.index = {rid: i for i, rid in enumerate(self.resource_ids)}
        n = len(self.resource_ids)
        self._x = np.fromiter((r.x for r in res.values()), float, n)
        self._y = np.fromiter((r.y for r in res.values()), float, n)
        self._status = np.zeros(n, np.int8)
        lut = [pg.mkBrush(RESOURCE_STATUS_COLORS.get(s, theme.FG_DIM)) for s in RESOURCE_STATUSES]
        lut.append(pg.mkBrush(theme.PENDING_DOT))  # pending
        self._brush_lut = np.empty(len(lut), dtype=object)
        self._brush_lut[:] = lut
        for rid in self.resource_ids:
            self.set_status(state, rid)
        self._push()

    def update(self, state: State, moved: set[str], changed: set[str], pending: set[str]) -> None:
        """One tick: people who moved, whose status changed, or whose pending mark came or went."""
        recolour = pending ^ self.pending
        self.pending = pending
        if moved:
            res = state.resources
            idx = self.index
            x, y = self._x, self._y
            for rid in moved:
                i = idx.get(rid)
                if i is not None:
                    r = res[rid]
                    x[i] = r.x
                    y[i] = r.y
        recoloured: list[int] = []
        if changed or recolour:
            if any(rid not in self.index for rid in changed):
                self.load(state)  # someone new: rebuild the order and arrays
                return
            for rid in changed | recolour:
                i = self.set_status(state, rid)
                if i is not None:
                    recoloured.append(i)
        if moved or recoloured:
            self._write(bool(moved), recoloured)

    def set_status(self, state: State, rid: str) -> int | None:
        """A person's colour slot from their status (or pending); their index, None if not on the map."""
        i = self.index.get(rid)
        if i is None:
            return None
        if rid in self.pending:
            self._status[i] = _PENDING
        else:
            self._status[i] = _STATUS_INDEX.get(state.resources[rid].status, 0)
        return i

    def point_of(self, resource_id: str) -> tuple[float, float] | None:
        """Where the scatter draws a person now (what the user sees), or None."""
        i = self.index.get(resource_id)
        if i is None:
            return None
        data = self.scatter.data
        return float(data["x"][i]), float(data["y"][i])

    def _push(self) -> None:
        """Full setData: new point set (baseline or someone new)."""
        t0 = time.perf_counter()
        self.scatter.setData(x=self._x, y=self._y, brush=self._brush_lut[self._status])
        self.updates += 1
        self.last_ms = (time.perf_counter() - t0) * 1000

    def _write(self, moved: bool, recoloured: list[int]) -> None:
        """Same people, new positions and/or colours: write into the scatter's own arrays.

        Positions are two array copies, and only re-coloured points need a new atlas fragment.
        """
        t0 = time.perf_counter()
        item = self.scatter
        data = item.data
        if len(data) != len(self._x):
            self._push()
            return
        if moved:
            data["x"] = self._x
            data["y"] = self._y
            item.prepareGeometryChange()
            item.informViewBoundsChanged()
            item.bounds = [None, None]
        if recoloured:
            idx = np.asarray(recoloured, dtype=np.intp)
            data["brush"][idx] = self._brush_lut[self._status[idx]]
            data["sourceRect"][idx] = 0  # marks the fragment as stale for updateSpots
            item.updateSpots(data)
        item.invalidate()
        item.sigPlotChanged.emit(item)
        self.updates += 1
        self.last_ms = (time.perf_counter() - t0) * 1000
