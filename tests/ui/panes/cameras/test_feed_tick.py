"""The wall's tick touches only the tiles with a new frame, yet a picture still greys on the tick it turns 2 s old.

Real CameraWall and DecodePool; frames are offered to the pool as a stream reader offers them,
and the test runs the wall's tick itself.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from console.client.controller import Controller
from console.ui.panes.cameras import CameraWall
from console.ui.panes.cameras.stale import STALE_AFTER_S
from console.ui.shell.selection import Selection
from console.video.pool import DecodedFrame, DecodePool
from console.video.sources import StreamSources
from tests.video.servers import free_port
from tests.video.test_tiles import Sink, _cam, _replica

pytestmark = pytest.mark.ui


def _offer(pool: DecodePool, camera: str, number: int, arrived: float | None = None) -> None:
    pixels = np.full((60, 100, 4), 120, np.uint8)
    frame = DecodedFrame(camera, time.time(), number, 100, 60, pixels)
    if arrived is not None:
        frame.arrived = arrived
    pool.offer(frame)


@pytest.fixture
def wall(qtbot):
    pool = DecodePool(workers=1)
    replica = _replica([_cam(f"CAM0{i}") for i in (1, 2, 3, 4)])
    w = CameraWall(replica, Controller(replica, Sink()), Selection(), pool, layout=4)
    qtbot.addWidget(w)
    w.resize(640, 400)
    w.show()
    qtbot.waitExposed(w)
    yield w, pool, replica
    pool.close()


def test_a_tile_whose_frames_stopped_greys_on_the_first_tick_after_2_s_while_others_play(wall, qtbot):
    w, pool, replica = wall
    old = time.monotonic() - (STALE_AFTER_S - 0.3)  # CAM01's one frame: 1.7 s old when it comes
    _offer(pool, "CAM01", 1, arrived=old)
    _offer(pool, "CAM02", 1)
    w.refresh(replica.take_changes())
    one, two = w.tile_for("CAM01"), w.tile_for("CAM02")
    assert not one.stale and not two.stale
    n = 1
    while time.monotonic() <= old + STALE_AFTER_S:  # CAM02 plays on, a tick each 20 ms; CAM01 sends nothing
        n += 1
        _offer(pool, "CAM02", n)
        w.refresh(replica.take_changes())
        assert not two.stale
        qtbot.wait(20)
    w.refresh(replica.take_changes())  # the first tick after CAM01's picture turned 2 s old
    assert one.stale and not two.stale
    assert one.status_text() == "No signal" or one.status_text() == "无信号"


def test_a_still_tile_turned_live_is_judged_by_the_2_s_rule_again(qtbot):
    pool = DecodePool(workers=1)
    streams = StreamSources(pool, backoff_base=5.0, backoff_cap=5.0)
    nobody = f"rtsp://127.0.0.1:{free_port()}/cam"  # the readers get nothing; the test offers the frames
    replica = _replica([_cam(f"CAM0{i}", sub=nobody) for i in (1, 2)])
    w = CameraWall(replica, Controller(replica, Sink()), Selection(), pool, layout=4)
    qtbot.addWidget(w)
    try:
        w.resize(640, 400)
        w.show()
        qtbot.waitExposed(w)
        w.configure(live_tiles=1, still_s=5.0)
        idle = w.tile_for("CAM02")
        assert idle.still
        _offer(pool, "CAM02", 1, arrived=time.monotonic() - (STALE_AFTER_S + 0.5))  # a still, 2.5 s old
        w.refresh(replica.take_changes())
        assert idle.has_picture and not idle.stale  # a still may be older: the next is due in 5 s
        w.configure(live_tiles=2)  # both tiles live: the same picture is now too old to show as live
        w.refresh(replica.take_changes())
        assert not idle.still and idle.stale
    finally:
        streams.close(join_timeout=5.0)
        pool.close()
