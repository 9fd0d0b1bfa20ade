"""The picture a cone's hover shows: the camera wall's newest decoded frame of that camera."""

from __future__ import annotations

from collections.abc import Callable

from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

if TYPE_CHECKING:
    from console.ui.panes.cameras.widget import CameraWall


def wall_snapshots(wall: CameraWall) -> Callable[[str], QImage | None]:
    """camera id → a copy of the newest frame the camera wall decoded for it, or None.

    The wall keeps frames only for cameras it has shown (`feed.last_frame`); a camera
    never on a tile has no picture, and the hover says so in words instead.
    """
    def snapshot_of(camera_id: str) -> QImage | None:
        frame = wall.feed.last_frame(camera_id)
        if frame is None:
            return None
        rgb = frame.rgb
        return QImage(rgb.data, frame.width, frame.height, rgb.strides[0], QImage.Format.Format_RGB888).copy()

    return snapshot_of
