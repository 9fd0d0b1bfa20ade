"""A decoded picture to a tile's pixels: one swscale pass into Qt's RGB32, kept context, no copy."""

from __future__ import annotations

import sys

import av
import numpy as np
import pytest

from console.video.convert import PAINT_FORMAT, TileConverter
from console.video.pool import DecodedFrame

pytestmark = pytest.mark.skipif(sys.byteorder != "little", reason="RGB32 is B, G, R, 255 in memory on little-endian")


def _quadrants(w: int = 640, h: int = 360):
    """A decoder's kind of frame (yuv420p), red / green / blue / white quadrants."""
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[: h // 2, : w // 2] = (230, 20, 20)
    rgb[: h // 2, w // 2:] = (20, 230, 20)
    rgb[h // 2:, : w // 2] = (20, 20, 230)
    rgb[h // 2:, w // 2:] = (240, 240, 240)
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


def test_a_picture_fits_the_tile_in_rgb32_the_same_picture_as_pyavs_own_conversion():
    frame = _quadrants()
    w, h, pixels = TileConverter()(frame, 198, 110)
    assert PAINT_FORMAT == "bgra"
    assert (w, h) == (194, 110)
    assert pixels.shape[0] == h and pixels.shape[1] >= w and pixels.shape[2] == 4
    assert pixels.flags.c_contiguous, "Qt takes the buffer as it is"
    assert (pixels[:, :w, 3] == 255).all(), "RGB32's fourth byte is 0xff"
    shown = DecodedFrame("CAM01", 0.0, 1, w, h, pixels)
    assert shown.bgrx and shown.rgb.shape == (h, w, 3)
    plain = frame.to_ndarray(width=w, height=h, format="rgb24")
    assert np.abs(shown.rgb.astype(int) - plain.astype(int)).max() <= 4
    assert tuple(shown.rgb[h // 4, w // 4]) == pytest.approx((230, 20, 20), abs=6)


def test_one_converter_follows_a_new_tile_size_and_keeps_each_picture_its_own():
    convert = TileConverter()
    first = convert(_quadrants(), 198, 110)
    second = convert(_quadrants(), 98, 54)
    assert (first[0], first[1]) != (second[0], second[1])
    assert second[2].shape[0] == second[1]
    # the first picture's buffer is its own: converting the next one did not write into it
    assert tuple(first[2][first[1] // 4, first[0] // 4, :3]) == pytest.approx((20, 20, 230), abs=6)
