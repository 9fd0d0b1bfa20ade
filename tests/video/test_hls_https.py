"""HLS (.m3u8) and https MJPEG on a tile: real ffmpeg output served on loopback, the real wall plays it.

HLS: ffmpeg writes a live playlist with 1 s segments into a temp folder and Python's
http.server serves it, the way a relay (ZLMediaKit, MediaMTX) offers HLS. https: ffmpeg
serves MJPEG over TLS with a self-signed certificate made for the test.
"""

from __future__ import annotations

import shutil

import pytest

from tests.video.servers import FfmpegHls, FfmpegHttps, needs_ffmpeg
from tests.video.test_tiles import _cam, _live, _replica, _shot, _wall, video  # noqa: F401 - the fixture

pytestmark = [pytest.mark.ui, needs_ffmpeg]


def test_a_tile_plays_a_live_hls_playlist_at_its_pace_not_in_bursts(qtbot, servers, video, tmp_path):
    pool, streams = video
    hls = servers(FfmpegHls(tmp_path / "hls"))
    wall, _ = _wall(qtbot, _replica([_cam("CAM01", sub=hls.url)]), pool, layout=1)
    tile = wall.tile_for("CAM01")
    qtbot.waitUntil(lambda: _live(tile), timeout=20000)
    s = streams.status("CAM01")
    assert s.codec == "h264" and s.width == 640
    # held to the segments' timestamps: several frames a second reach the tile, and it stays live
    painted = tile.painted
    qtbot.wait(3000)
    assert tile.painted - painted >= 15 and not tile.stale
    _shot(wall, "hls")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_a_tile_plays_mjpeg_over_https_with_a_self_signed_certificate(qtbot, servers, video, tmp_path):
    pool, streams = video
    srv = servers(FfmpegHttps(tmp_path))
    wall, _ = _wall(qtbot, _replica([_cam("CAM01", sub=srv.url)]), pool, layout=1)
    tile = wall.tile_for("CAM01")
    qtbot.waitUntil(lambda: _live(tile), timeout=15000)
    assert streams.status("CAM01").codec == "mjpeg"
