"""A reviewed recording's tiles say what was recorded: "not recorded" where there is no footage, and
a recorded picture shown clean with its time, never greyed under "Last picture … No signal"."""

from __future__ import annotations

import time

import numpy as np
import pytest

from console.ui.panes.cameras.stale import STALE_AFTER_S
from console.ui.panes.cameras.tile import CameraTile
from console.video.pool import DecodedFrame

pytestmark = pytest.mark.ui


def test_a_review_tile_says_not_recorded_or_shows_the_recorded_picture_clean_with_its_time(qtbot, english):
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(320, 180)
    tile.show()
    tile.set_camera("CAM07", "南滨路")
    tile.set_recorded(True)
    assert tile.status_text() == "not recorded", "no footage: not 'waiting for video'"
    assert tile.recorded_text() == ""

    rgb = np.zeros((90, 160, 3), np.uint8)
    rgb[..., 0] = 220  # red
    frame_time = 1_764_459_079.0  # 07:31:19 in the center's time zone
    t = time.monotonic()
    tile.show_frame(DecodedFrame("CAM07", frame_time, 1, 160, 90, rgb), arrived=t)
    tile.check_stale(now=t + STALE_AFTER_S + 60)  # recorded frames come seconds or minutes apart
    assert tile.status_text() == "", "a held recorded picture is not a lost signal"
    assert tile.recorded_text() == "Recorded 07:31:19"
    px = tile.grab().toImage().pixelColor(40, 40)
    assert px.red() > 150 and px.green() < 60, "the recorded picture in its colours, not greyed"

    tile.set_recorded(False)  # the same held picture live: stale, greyed, "No signal"
    tile.check_stale(now=t + STALE_AFTER_S + 60)
    assert tile.status_text() == "No signal" and tile.recorded_text() == ""
    px = tile.grab().toImage().pixelColor(40, 40)
    assert abs(px.red() - px.green()) < 12
