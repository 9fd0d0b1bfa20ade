"""Picture sizes: the largest even size that fits a tile (the reader's and the replay's scaling).

Its own module because both the stream reader (stream.py) and the clip decoder (ring.py)
scale to a tile, and the reader already imports the ring: kept in either, the other
would import it back.
"""

from __future__ import annotations


def fit(src_w: int, src_h: int, max_w: int, max_h: int) -> tuple[int, int]:
    """The largest even size inside max_w × max_h with the source's aspect; never larger than the source.

    0 for either limit means "no limit" (full size).
    """
    if src_w <= 0 or src_h <= 0:
        return max(2, src_w), max(2, src_h)
    scale = 1.0
    if max_w > 0:
        scale = min(scale, max_w / src_w)
    if max_h > 0:
        scale = min(scale, max_h / src_h)
    w = max(2, int(src_w * scale) // 2 * 2)
    h = max(2, int(src_h * scale) // 2 * 2)
    return w, h
