"""A camera added to the site while the console runs gets a tile; a removed one loses it (no new data folder)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain import bodies
from console.domain.model import Baseline, Camera, OrgUnit
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.panes.cameras import CameraWall
from console.ui.shell.selection import Selection
from console.video.pool import DecodePool

pytestmark = pytest.mark.ui


class Sink:
    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras: list[str]) -> None:
        self.cameras = list(cameras)


def _cam(cid: str) -> Camera:
    return Camera(id=cid, name=f"滨江路 {cid}", grid="T1", town="T1", x=0, y=0, main=f"sim://{cid}")


def test_a_camera_added_and_removed_while_the_wall_runs_gets_and_loses_its_tile(qtbot):
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    replica = Replica()
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=Baseline(
        name="site", day_start=0.0, org=org, resources=[], cameras=[_cam("CAM01")], plans=[], course=[])), 1, 0.0))
    pool = DecodePool(workers=1)
    sink = Sink()
    try:
        wall = CameraWall(replica, Controller(replica, sink), Selection(), pool, layout=4)
        qtbot.addWidget(wall)
        wall.resize(640, 360)
        wall.show()
        tick = QTimer(wall)  # the main window's UI tick
        tick.setInterval(50)
        tick.timeout.connect(lambda: wall.refresh(replica.take_changes()))
        tick.start()
        qtbot.waitUntil(lambda: wall.tile_for("CAM01") is not None, timeout=3000)
        replica.apply_event(Message("camera_added", bodies.CameraChanged(camera=_cam("CAM02")), 2, 1.0))
        qtbot.waitUntil(lambda: wall.tile_for("CAM02") is not None, timeout=3000)
        assert "CAM02" in wall.visible_cameras()
        qtbot.waitUntil(lambda: "CAM02" in getattr(sink, "cameras", []), timeout=3000)
        replica.apply_event(Message("camera_removed", bodies.CameraRemoved(camera="CAM01"), 3, 2.0))
        qtbot.waitUntil(lambda: wall.tile_for("CAM01") is None, timeout=3000)
        assert wall.visible_cameras() == ["CAM02"]
        tick.stop()
    finally:
        pool.close()
