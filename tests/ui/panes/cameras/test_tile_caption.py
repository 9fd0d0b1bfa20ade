"""Camera tile captions: the camera's id and name win the room at 64 tiles, and walls get large type."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import Baseline, Camera, OrgUnit
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.common import theme
from console.ui.panes.cameras import CameraWall
from console.ui.panes.cameras.tile import CameraTile
from console.ui.shell.selection import Selection
from console.ui.shell.wall import wall_point_size

pytestmark = pytest.mark.ui


class Sink:
    """The controller's link; a caption test sends nothing."""

    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras: list[str]) -> None:
        pass


def _replica(count: int) -> Replica:
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    cameras = [Camera(id=f"CAM{i + 1:02d}", name=f"滨江路 K{i}+120 起点区", grid="T1", town="T1", x=0, y=0)
               for i in range(count)]
    baseline = Baseline(name="captions", day_start=1_764_457_200.0, org=org, resources=[], cameras=cameras,
                        plans=[], course=[])
    replica = Replica()
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), 1, 1_764_457_200.0))
    return replica


def _desk_font() -> QFont:
    font = QFont()
    font.setPointSizeF(theme.BASE_POINT_SIZE)
    return font


def test_every_tile_of_the_64_layout_shows_its_camera_id_and_the_start_of_its_name(qtbot):
    replica = _replica(64)
    wall = CameraWall(replica, Controller(replica, Sink()), Selection(), layout=64)
    qtbot.addWidget(wall)
    wall.setFont(_desk_font())
    wall.resize(900, 620)  # the camera column of a 1920×1080 desk
    wall.show()
    qtbot.waitExposed(wall)
    assert len(wall.tiles) == 64
    width = wall.tiles[0].width()
    assert width < 130, f"an 8×8 tile at desk size is small ({width} px): the case being tested"
    for tile in wall.tiles:
        name, rate = tile.caption()
        assert name.startswith(f"{tile.camera_id}  滨江"), f"{tile.camera_id} tile reads {name!r}"
        fm = QFontMetrics(tile.caption_font())
        assert fm.horizontalAdvance(name) + 20 <= tile.width(), "the caption fits inside the tile"
        assert rate == "", "the fps text gives way to the name on a small tile"
    assert not wall.tiles[0].grab().isNull()


def test_a_wide_tile_keeps_its_full_name_and_fps_and_a_tiny_one_still_shows_its_id(qtbot):
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.setFont(_desk_font())
    tile.set_camera("CAM07", "滨江路 K0+120 起点区")
    tile.resize(480, 270)
    assert tile.caption() == ("CAM07  滨江路 K0+120 起点区", "0 fps")
    tile.resize(200, 40)
    fm = QFontMetrics(tile.caption_font())  # the caption's type depends on the height only
    before_text = (fm.height() + 4) * 0.45 + 10 + 5  # the online dot and the margins
    tile.resize(int(before_text + fm.horizontalAdvance("CAM07") + 2), 40)
    name, rate = tile.caption()
    assert name == "CAM07" and rate == "", f"only the id fits, whole: {name!r}"
    tile.resize(int(before_text + fm.horizontalAdvance("CAM07") * 0.6), 40)
    name, _ = tile.caption()
    assert name.startswith("C") and name.endswith("…"), "the id itself is elided only when it cannot fit"


def test_a_wall_tile_at_4k_gets_a_larger_caption_than_a_desk_tile(qtbot):
    desk = CameraTile()
    qtbot.addWidget(desk)
    desk.setFont(_desk_font())
    desk.set_camera("CAM07", "滨江路")
    desk.resize(420, 236)  # a 9-layout tile on a 1920×1080 desk
    wall = CameraTile()
    qtbot.addWidget(wall)
    big = QFont()
    big.setPointSizeF(wall_point_size(2160))
    wall.setFont(big)
    wall.set_camera("CAM07", "滨江路")
    wall.resize(1200, 675)  # a 9-layout tile on a 3840×2160 wall
    desk_pt, wall_pt = desk.caption_font().pointSizeF(), wall.caption_font().pointSizeF()
    assert desk_pt <= 11.0
    assert wall_pt >= 2 * desk_pt, f"wall caption {wall_pt} pt vs desk {desk_pt} pt"
    # in pixels too: the bar is a readable share of the wall tile, not a desk's sliver
    assert QFontMetrics(wall.caption_font()).height() >= 2 * QFontMetrics(desk.caption_font()).height()
