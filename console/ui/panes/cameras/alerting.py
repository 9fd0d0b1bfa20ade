"""Open alerts on the tiles: the newest alert's boxes and title, and a border flashing at FLASH_HZ."""

from __future__ import annotations

import time
from typing import Iterable, Mapping

from console.client.replica import Replica
from console.ui.common.i18n import title_label
from console.ui.panes.cameras.tile import CameraTile
from console.video.plan import AlertingCameras

#: flash frequency of an alerting tile's border (full on/off cycles per second)
FLASH_HZ = 2.0


class TileAlerts:
    """Which cameras alert (`cameras`, kept from the incidents as they change) and how their tiles show it."""

    def __init__(self, replica: Replica):
        self.replica = replica
        self.cameras = AlertingCameras()
        self._phase = False
        self.cameras.rebuild(replica.state)

    def rebuild(self) -> None:
        """From the whole state (a baseline)."""
        self.cameras.rebuild(self.replica.state)

    def update(self, incident_ids: Iterable[str], tiles: Mapping[str, CameraTile]) -> set[str]:
        """Incidents changed: redraw the touched cameras' tiles; returns those cameras."""
        touched = self.cameras.update(self.replica.state, incident_ids)
        for cam in touched:
            tile = tiles.get(cam)
            if tile is not None:
                self.show(tile)
        return touched

    def show(self, tile: CameraTile) -> None:
        """A tile's alert look: the newest open alert's boxes, severity and title, or none."""
        cid = tile.camera_id
        alert = self.cameras.latest(self.replica.state, cid) if cid else None
        if alert is None:
            tile.set_alert(False)
        else:
            tile.set_alert(True, alert.detections, alert.severity, title_label(alert))
            tile.set_flash(self._phase)

    def flash(self, tiles: list[CameraTile]) -> None:
        """Flip the alerting tiles' borders when the flash phase turns."""
        phase = int(time.monotonic() * FLASH_HZ * 2) % 2 == 0
        if phase == self._phase:
            return
        self._phase = phase
        for tile in tiles:
            if tile.alerting:
                tile.set_flash(phase)
