"""A tile paints a stream reader's pixels (Qt's RGB32, rows padded by FFmpeg) in their own colours, 1:1."""

from __future__ import annotations

import sys
import time

import av
import numpy as np
import pytest

from console.ui.panes.cameras.tile import CameraTile
from console.video.convert import TileConverter
from console.video.pool import DecodedFrame

pytestmark = [pytest.mark.ui,
              pytest.mark.skipif(sys.byteorder != "little", reason="RGB32 is B, G, R, 255 in memory on little-endian")]


def test_a_converted_picture_is_painted_in_its_colours_on_the_tile(qtbot):
    rgb = np.zeros((360, 640, 3), np.uint8)
    rgb[:180, :320] = (230, 20, 20)
    rgb[:180, 320:] = (20, 230, 20)
    rgb[180:, :320] = (20, 20, 230)
    rgb[180:, 320:] = (240, 240, 240)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(198, 110)
    tile.show()
    qtbot.waitExposed(tile)
    tile.set_camera("CAM01", "滨江路")
    w, h, pixels = TileConverter()(frame, tile.width(), tile.height())
    assert pixels.shape[1] > w, "rows padded by FFmpeg: the case being tested"
    assert tile.show_frame(DecodedFrame("CAM01", time.time(), 1, w, h, pixels))
    image = tile.grab().toImage()
    left = (tile.width() - w) // 2  # drawn pixel for pixel, centred
    for (x, y), want in (((w // 4, 3 * h // 8), (230, 20, 20)), ((3 * w // 4, 3 * h // 8), (20, 230, 20)),
                         ((w // 4, 3 * h // 4), (20, 20, 230)), ((3 * w // 4, 3 * h // 4), (240, 240, 240))):
        c = image.pixelColor(left + x, y)
        assert (c.red(), c.green(), c.blue()) == pytest.approx(want, abs=8), (x, y)
