"""A pulled camera's tile tells time on the header's clock: scenario time in an exercise, not the machine's.

Real parts: ffmpeg serves MJPEG test patterns over HTTP on loopback, the console's
stream readers pull them, the real CameraWall and HeaderBar sit on a replica that
got the hub's `hello` for an exercise whose scenario clock reads 07:03.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.localtime import clock
from console.domain.model import Baseline, Camera, OrgUnit
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.panes.cameras import CameraWall
from console.ui.panes.cameras.stale import STALE_AFTER_S
from console.ui.shell.header import HeaderBar
from console.ui.shell.selection import Selection
from console.video.pool import DecodePool
from console.video.sources import StreamSources
from tests.video.conftest import servers  # noqa: F401 - the fixture that starts and stops real servers
from tests.video.servers import FfmpegHttp, needs_ffmpeg

pytestmark = pytest.mark.ui

#: the exercise's scenario clock when the hub said hello: 2025-11-30 07:03:00 in the center's zone
SCENARIO_T = 1_764_457_380.0


class Sink:
    """The controller's link: a clock test sends nothing."""

    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras: list[str]) -> None:
        pass


def _exercise_replica(cameras: list[Camera]) -> Replica:
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    baseline = Baseline(name="clock", day_start=1_764_457_200.0, org=org, resources=[], cameras=cameras,
                        plans=[], course=[])
    replica = Replica()
    replica.hello(m.Hello(role="commander", name="王伟", center=None, protocol=1, hub_seq=1, first_seq=1,
                          clock=SCENARIO_T, clock_rate=1.0, max_message_bytes=1 << 20,
                          max_commands_per_s=20.0, mode="exercise"))
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), 1, SCENARIO_T))
    return replica


@needs_ffmpeg
def test_a_stale_and_an_idle_tile_show_scenario_time_like_the_header_in_an_exercise(qtbot, servers, english):  # noqa: F811
    a = servers(FfmpegHttp(size="320x180", fps=10))
    b = servers(FfmpegHttp(size="320x180", fps=10))
    cams = [Camera(id=cid, name=f"滨江路 {cid}", grid="T1", town="T1", x=0, y=0, sub=srv.url)
            for cid, srv in (("CAM01", a), ("CAM02", b))]
    replica = _exercise_replica(cams)
    pool = DecodePool(workers=1)
    streams = StreamSources(pool, read_timeout=1.5, backoff_base=0.3, backoff_cap=1.5)
    try:
        # one live tile in the budget: CAM02 is idle and shows stills, marked with their time
        wall = CameraWall(replica, Controller(replica, Sink()), Selection(), pool, layout=4,
                          live_tiles=1, still_s=1.0)
        header = HeaderBar(replica)
        qtbot.addWidget(wall)
        qtbot.addWidget(header)
        wall.resize(640, 400)
        wall.show()
        qtbot.waitExposed(wall)
        tick = QTimer(wall)  # what the main window's UI tick does
        tick.setInterval(50)
        tick.timeout.connect(lambda: (wall.refresh(replica.take_changes()), header.refresh()))
        tick.start()
        live, idle = wall.tile_for("CAM01"), wall.tile_for("CAM02")
        qtbot.waitUntil(lambda: live.has_picture and not live.stale and idle.still_text() != "", timeout=15000)
        header_clock = header.texts()[0]
        assert header.texts()[1] == "scenario time (exercise)"
        assert header_clock.startswith("07:0"), header_clock
        # the still's time is the header's minute (07:03), whatever this machine's clock says
        assert idle.still_text().startswith("Still 07:0"), idle.still_text()
        assert _seconds(idle.still_text().split()[-1]) - _seconds(header_clock) in range(-5, 2)

        a.stop()
        qtbot.waitUntil(lambda: live.stale, timeout=int((STALE_AFTER_S + 1.5) * 1000))
        caption = live.live.last_picture_text()
        assert caption.startswith("Last picture 07:0"), caption
        shown = _seconds(caption.split()[-1])
        assert 0 <= _seconds(header.texts()[0]) - shown <= STALE_AFTER_S + 5, (caption, header.texts())
        # the frame's own stamp is this machine's; the caption is not that one unless the clocks agree
        assert caption.split()[-1] == clock(live.live.clock_time)
        if shots := os.environ.get("VIDEO_SHOTS"):  # a look at it: VIDEO_SHOTS=/some/dir
            Path(shots).mkdir(parents=True, exist_ok=True)
            wall.grab().save(str(Path(shots) / "exercise-stale-tile.png"))
    finally:
        streams.close(join_timeout=5.0)
        pool.close()


def _seconds(hhmmss: str) -> int:
    h, mi, s = (int(x) for x in hhmmss.split(":"))
    return h * 3600 + mi * 60 + s
