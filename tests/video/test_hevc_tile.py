"""A 1080p H.265 camera plays in a wall tile: real RTSP server, real decode, scaled to the tile.

The server serves a pre-encoded clip looped in real time (tests/video/servers.py `encoded_clip`):
live 1080p encoding would take a whole core here.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import Baseline, Camera, OrgUnit
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.panes.cameras import CameraWall
from console.ui.shell.selection import Selection
from console.video.pool import DecodePool
from console.video.sources import StreamSources
from tests.video.servers import RtspServer, encoded_clip, needs_ffmpeg, needs_rtsp

pytestmark = pytest.mark.ui


class _Sink:
    """The controller's link: every camera here is pulled, nothing is subscribed at a hub."""

    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras) -> None:
        pass


def _replica(main_url: str) -> Replica:
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    cam = Camera(id="CAM01", name="滨江路 HD", grid="T1", town="T1", x=0, y=0, main=main_url)  # no sub-stream
    baseline = Baseline(name="hd", day_start=1_764_457_200.0, org=org, resources=[], cameras=[cam], plans=[],
                        course=[])
    replica = Replica()
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), 1, 1_764_457_200.0))
    return replica


@needs_rtsp
@needs_ffmpeg
def test_a_1080p_h265_camera_plays_in_a_tile_scaled_to_the_tiles_pixels(qtbot, servers):
    server = servers(RtspServer(size="1920x1080", codec="h265", clip=encoded_clip("h265", seconds=2)))
    replica = _replica(server.url)
    pool = DecodePool(workers=1)
    streams = StreamSources(pool)
    try:
        wall = CameraWall(replica, Controller(replica, _Sink()), Selection(), pool, layout=4)
        qtbot.addWidget(wall)
        wall.resize(960, 560)
        wall.show()
        qtbot.waitExposed(wall)
        tick = QTimer(wall)  # what the main window's UI tick does
        tick.setInterval(50)
        tick.timeout.connect(lambda: wall.refresh(replica.take_changes()))
        tick.start()
        tile = next(t for t in wall.tiles if t.camera_id == "CAM01")
        qtbot.waitUntil(lambda: tile.has_picture and not tile.stale and tile.painted > 5, timeout=20000)
        status = streams.status("CAM01")
        assert (status.codec, status.width, status.height) == ("hevc", 1920, 1080)
        dpr = wall.devicePixelRatioF()
        # decoded at 1080p, painted at the tile's own size: swscale scaled it in the reader
        assert 0 < tile.image.width() <= tile.width() * dpr and 0 < tile.image.height() <= tile.height() * dpr
        assert tile.image.width() < 1920
    finally:
        streams.close(join_timeout=5.0)
        pool.close()
