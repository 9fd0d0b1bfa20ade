"""A live tile's next frame is painted from the plan its last frame kept, and looks exactly as the whole path.

The short path (the margins, the picture, the caption bar, the border) is taken only while nothing
but the picture changed; a tile that goes stale, is selected or alerts is drawn whole again.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtGui import QImage

from console.ui.panes.cameras.tile import CameraTile
from console.video.pool import DecodedFrame

pytestmark = pytest.mark.ui


def _frame(n: int, w: int = 190, h: int = 104) -> DecodedFrame:
    """A BGRX picture smaller than the tile (margins around it), its rows padded like FFmpeg's."""
    pixels = np.zeros((h, w + 10, 4), np.uint8)
    pixels[..., 0] = np.arange(w + 10, dtype=np.uint8)[None, :] * 3 + n * 40
    pixels[..., 1] = np.arange(h, dtype=np.uint8)[:, None] * 2
    pixels[..., 2] = 90 + n
    pixels[..., 3] = 255
    return DecodedFrame("CAM01", time.time(), n, w, h, pixels)


def _tile(qtbot) -> CameraTile:
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(198, 110)
    tile.show()
    qtbot.waitExposed(tile)
    tile.set_camera("CAM01", "滨江路")
    return tile


def _grab(tile: CameraTile) -> QImage:
    return tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _whole(qtbot, *frames: DecodedFrame, **state) -> QImage:
    """The same frames on a fresh tile, painted by the whole path only."""
    tile = _tile(qtbot)
    for f in frames:
        tile.show_frame(f)
        tile.painter._plain = None
        image = _grab(tile)
        for name, value in state.items():
            getattr(tile, name)(value)
    if state:
        tile.painter._plain = None
        image = _grab(tile)
    assert tile.painter.plain_paints == 0
    return image


def test_the_next_live_frame_is_painted_short_and_looks_as_the_whole_path_paints_it(qtbot):
    tile = _tile(qtbot)
    tile.show_frame(_frame(1))
    _grab(tile)  # the whole path, which keeps the plan
    assert tile.painter.plain_paints == 0
    tile.show_frame(_frame(2))
    short = _grab(tile)
    assert tile.painter.plain_paints == 1
    assert short == _whole(qtbot, _frame(1), _frame(2))
    assert short != _whole(qtbot, _frame(1))  # the picture did change


def test_a_selected_tile_is_drawn_whole_again_with_its_border(qtbot):
    tile = _tile(qtbot)
    tile.show_frame(_frame(1))
    _grab(tile)
    tile.set_selected(True)
    tile.show_frame(_frame(2))
    selected = _grab(tile)
    assert tile.painter.plain_paints == 0
    assert selected == _whole(qtbot, _frame(1), _frame(2), set_selected=True)


def test_an_old_frame_is_never_painted_short_it_greys(qtbot):
    tile = _tile(qtbot)
    tile.show_frame(_frame(1))
    _grab(tile)
    old = _frame(2)
    old.arrived = time.monotonic() - 5.0  # it waited in a slot: stale when shown
    tile.show_frame(old)
    grey = _grab(tile)
    assert tile.stale and tile.painter.plain_paints == 0
    assert grey != _whole(qtbot, _frame(1), _frame(2))  # not the live look of the same picture
