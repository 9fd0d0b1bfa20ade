"""A console that starts shows each camera's last picture greyed, with its time, until the stream plays."""

from __future__ import annotations

import os
import time
from functools import partial

import numpy as np
import pytest

from console.video.last_pictures import LastPictures
from console.video.pool import DecodedFrame, DecodePool
from console.video.sources import StreamSources, Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.waiting import wait_until

pytestmark = pytest.mark.ui


#: the readers are real threads on a real server: a loaded machine may take its time
wait_for = partial(wait_until, timeout=20.0)


def _frame(camera: str, red: int = 200) -> DecodedFrame:
    rgb = np.zeros((90, 160, 3), np.uint8)
    rgb[..., 0] = red
    return DecodedFrame(camera, time.time(), 1, 160, 90, rgb)


def test_a_kept_picture_comes_back_as_old_as_it_is_and_odd_ids_never_make_paths(tmp_path):
    pictures = LastPictures(tmp_path / "p", every_s=60.0)
    pictures.keep(_frame("CAM01"))
    pictures.keep(_frame("CAM01", red=10))  # within every_s: not written again
    pictures.keep(_frame("../etc/x"))
    pictures.close()
    files = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert "CAM01.jpg" in files and len(files) == 2 and all("/" not in f and ".." not in f for f in files)
    past = time.time() - 90
    os.utime(tmp_path / "p" / "CAM01.jpg", (past, past))  # as if the console stopped 90 s ago
    again = LastPictures(tmp_path / "p").load("CAM01")
    assert again.rgb[..., 0].mean() > 150, "the first picture, not the second"
    assert abs(again.ts - past) < 1.0
    assert time.monotonic() - again.arrived > 85, "it arrives 90 s old"
    assert LastPictures(tmp_path / "p").load("CAM02") is None
    (tmp_path / "p" / "CAM03.jpg").write_bytes(b"not a jpeg")
    assert LastPictures(tmp_path / "p").load("CAM03") is None


def test_the_pool_hands_out_the_last_picture_only_until_a_live_frame_came(tmp_path):
    LastPictures(tmp_path).keep(_frame("CAM01"))
    writer = LastPictures(tmp_path)
    writer.keep(_frame("CAM01"))
    writer.keep(_frame("CAM02"))
    writer.close()
    pool = DecodePool(workers=1, last_pictures=LastPictures(tmp_path))
    try:
        pool.offer(_frame("CAM02", red=30))  # CAM02's stream was quicker than the disk
        assert pool.take("CAM01") is None, "the first ask starts the load"
        cached = wait_for(lambda: pool.take("CAM01"), what="the last picture")
        assert cached.number == 0 and pool.stats("CAM01").decoded == 0, "a picture, not video"
        live = pool.take("CAM02")
        assert live.rgb[..., 0].mean() < 50, "the live frame, not the kept one"
        assert pool.take("CAM02") is None
    finally:
        pool.close()


def test_the_tick_s_one_call_for_many_cameras_hands_out_last_pictures_as_take_does(tmp_path):
    writer = LastPictures(tmp_path)
    writer.keep(_frame("CAM01"))
    writer.close()
    pool = DecodePool(workers=1, last_pictures=LastPictures(tmp_path))
    try:
        pool.offer(_frame("CAM02", red=30))
        first = pool.take_many(["CAM01", "CAM02", "CAM03"])
        assert list(first) == ["CAM02"], "the first ask starts the load; only new frames come back"
        got = wait_for(lambda: pool.take_many(["CAM01", "CAM02", "CAM03"]), what="the last picture")
        assert list(got) == ["CAM01"] and got["CAM01"].number == 0
        assert pool.take_many(["CAM01", "CAM02", "CAM03"]) == {}, "each frame once, each disk load once"
    finally:
        pool.close()


@needs_rtsp
def test_after_a_restart_the_tile_shows_the_last_picture_grey_then_goes_live(qtbot, servers, tmp_path, english):
    from console.ui.panes.cameras import CameraTile

    srv = servers(RtspServer())
    folder = tmp_path / "pictures"
    # the console's first run: the camera plays, its picture is kept
    pool = DecodePool(workers=1, last_pictures=LastPictures(folder, every_s=0.5))
    sources = StreamSources(pool)
    try:
        sources.watch({"CAM01": Want(srv.url, 320, 180)})
        wait_for(lambda: (folder / "CAM01.jpg").exists(), what="the camera's picture kept")
    finally:
        sources.close(join_timeout=5.0)
        pool.close()
    wait_for(lambda: time.time() - (folder / "CAM01.jpg").stat().st_mtime > 2.5, what="the picture to age")
    # the next start: the stream opens; meanwhile the tile shows the last picture, grey, with its time
    pool = DecodePool(workers=1, last_pictures=LastPictures(folder))
    sources = StreamSources(pool)
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(320, 180)
    tile.show()
    tile.set_camera("CAM01", "滨江路")
    try:
        assert pool.take("CAM01") is None  # the wall's first tick asks as the tile appears: the load starts
        sources.watch({"CAM01": Want(srv.url, 320, 180)})
        first = None
        while first is None:  # the wall's tick: take, show
            first = pool.take("CAM01")
            qtbot.wait(20)
        assert first.number == 0, "a file read beats an RTSP set-up: the kept picture comes first"
        tile.show_frame(first, time.monotonic())
        assert tile.stale and tile.has_picture
        assert tile.live.last_picture_text().startswith("Last picture ")
        image = tile.grab().toImage()
        c = image.pixelColor(160, 90)
        assert abs(c.red() - c.green()) < 12 and abs(c.green() - c.blue()) < 12, "grey, not live colour"
        live = wait_for(lambda: (f := pool.take("CAM01")) is not None and f.number > 0 and f, what="live video")
        tile.pending = False
        tile.show_frame(live, time.monotonic())
        assert not tile.stale
    finally:
        sources.close(join_timeout=5.0)
        pool.close()
