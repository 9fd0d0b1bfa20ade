"""The camera wall: tiles of live camera frames, alert flashing, focus tile (弹窗预警)."""

from console.ui.panes.cameras.tile import CameraTile
from console.ui.panes.cameras.widget import CameraWall
from console.video.plan import LAYOUTS

__all__ = ["LAYOUTS", "CameraTile", "CameraWall"]
