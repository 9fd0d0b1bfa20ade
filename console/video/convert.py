"""A decoded picture to a tile's pixels: scaled and converted in one swscale pass, painted as it is.

The reader keeps one `TileConverter` per connection. PyAV's `frame.to_ndarray(width=…,
height=…)` builds and frees a whole swscale context for every frame (its reformatter
lives on the frame); this one keeps it while the size and format stay the same. The
output is `PAINT_FORMAT`, the byte order of Qt's `QImage.Format_RGB32` (0xffRRGGBB words
on a little-endian machine: bytes B, G, R, 255), so a tile blits it without converting
it again; swscale also writes 32-bit pixels faster than 24-bit ones. The array is a view
of the converted frame's own buffer (its rows keep FFmpeg's padding, so it stays
C-contiguous and Qt can take it as it is): no copy.

Measured on a recorded 640×360 H.264 clip (one thread, bench notes in bench/PERF.md,
"P9: where a painted frame's time goes"): `to_ndarray` rgb24 0.29 ms a frame, this 0.12 ms.
"""

from __future__ import annotations

import sys

import numpy as np
from av.video.reformatter import VideoReformatter

from console.video.scale import fit

#: FFmpeg's name for the pixel layout a tile paints without converting: Qt's RGB32 in memory order.
#: A big-endian machine gets RGB bytes (Qt converts those when it paints).
PAINT_FORMAT = "bgra" if sys.byteorder == "little" else "rgb24"


class TileConverter:
    """Scales and converts one stream's pictures to fit a tile (one per connection, one thread)."""

    __slots__ = ("_sws",)

    def __init__(self) -> None:
        self._sws = VideoReformatter()

    def __call__(self, frame, max_w: int, max_h: int) -> tuple[int, int, np.ndarray]:
        """(width, height, pixels) of `frame` fitted into max_w × max_h (0: no limit).

        pixels: H × P × 4 bytes B, G, R, 255 (`PAINT_FORMAT` "bgra"; P ≥ W: FFmpeg pads its rows, and the
        picture is the first W columns), or H×W×3 R, G, B elsewhere. Never copied: a C-contiguous
        view of the converted frame's buffer, which it keeps alive.
        """
        w, h = fit(frame.width, frame.height, max_w, max_h)
        out = self._sws.reformat(frame, w, h, PAINT_FORMAT)
        if PAINT_FORMAT != "bgra":
            return w, h, out.to_ndarray()
        plane = out.planes[0]
        return w, h, np.frombuffer(plane, np.uint8).reshape(h, plane.line_size // 4, 4)
