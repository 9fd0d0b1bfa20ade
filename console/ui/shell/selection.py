"""The shared selection: select on the map, the queue or the roster, and every pane follows."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """What the commander is looking at; panes listen and select back through it."""

    sig_incident = Signal(str)
    """An incident was selected (id)."""

    sig_resource = Signal(str)
    """A person or team was selected (id)."""

    sig_camera = Signal(str)
    """A camera was selected (id)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.incident: str | None = None
        self.resource: str | None = None
        self.camera: str | None = None

    def select_incident(self, incident_id: str) -> None:
        if incident_id and incident_id != self.incident:
            self.incident = incident_id
            self.sig_incident.emit(incident_id)

    def select_resource(self, resource_id: str) -> None:
        if resource_id and resource_id != self.resource:
            self.resource = resource_id
            self.sig_resource.emit(resource_id)

    def select_camera(self, camera_id: str) -> None:
        if camera_id and camera_id != self.camera:
            self.camera = camera_id
            self.sig_camera.emit(camera_id)
