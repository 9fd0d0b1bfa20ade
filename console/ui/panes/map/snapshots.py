"""The picture a cone's hover shows: the camera wall's newest decoded frame of that camera."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QImage


def wall_snapshots(wall) -> Callable[[str], QImage | None]:
    """camera id → a copy of the newest frame the camera wall decoded for it, or None.

    The wall keeps frames only for cameras it has shown (its `_last_frames`); a camera
    never on a tile has no picture, and the hover says so in words instead.
    """
    def snapshot_of(camera_id: str) -> QImage | None:
        kept = getattr(wall, "_last_frames", {}).get(camera_id)
        if kept is None:
            return None
        frame = kept[0]
        rgb = frame.rgb
        return QImage(rgb.data, frame.width, frame.height, rgb.strides[0], QImage.Format.Format_RGB888).copy()

    return snapshot_of
