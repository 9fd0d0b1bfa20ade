"""Series helpers shared by the live KPI pane and the after-action report's charts."""

from __future__ import annotations

import numpy as np

#: two crowd readings further apart than this (s) are not joined by a line
CROWD_GAP_S = 120.0


def break_gaps(points: np.ndarray, gap_s: float = CROWD_GAP_S) -> np.ndarray:
    """(t, value) rows with a NaN row wherever two readings are more than `gap_s` apart.

    Drawn with `connect="finite"`, a NaN row ends one stretch of line and starts the next,
    so a camera silent for twenty minutes is not shown as a smooth ramp across the silence.
    """
    if len(points) < 2:
        return points
    gaps = np.nonzero(np.diff(points[:, 0]) > gap_s)[0]
    if not len(gaps):
        return points
    return np.insert(points, gaps + 1, np.nan, axis=0)
