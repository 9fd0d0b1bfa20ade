"""What the map says under the mouse: a person's, camera's or incident's name, and a cone's camera picture."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QCursor, QImage
from PySide6.QtWidgets import QLabel

from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.common.i18n import status_label as _status_label

if TYPE_CHECKING:
    from console.ui.panes.map.widget import MapPane

#: the camera picture shown on hovering a cone (pixels wide)
PEEK_WIDTH = 200


class MapHover:
    """The hover words (`text`, also the plot's tooltip) and the cone's picture label (`peek`)."""

    def __init__(self, pane: MapPane):
        self.pane = pane
        #: what the last hover said (tests read it; the tooltip shows it)
        self.text = ""
        self._peek_text = ""
        #: the picture (or name and state) of the camera whose cone is under the mouse
        self.peek = QLabel(pane)
        self.peek.setObjectName("mapPeek")
        self.peek.setStyleSheet(f"background: {theme.BG}; color: {theme.FG}; border: 1px solid {theme.MAP_CAMERA};"
                                " padding: 3px;")
        self.peek.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.peek.hide()

    def camera_peek(self, camera_id: str) -> tuple[str, QImage | None]:
        """What hovering a camera's cone shows: its name and state, and its newest picture if the console has one."""
        pane = self.pane
        cam = pane.replica.state.cameras.get(camera_id)
        if cam is None:
            return "", None
        lang = current_lang()
        state = pane.camera_state.get(camera_id, "normal" if cam.online else "off")
        word = {"normal": "camera_online", "off": "camera_offline", "alert": "camera_alerting"}[state]
        image = None
        if pane.snapshot_of is not None:
            try:
                image = pane.snapshot_of(camera_id)
            except Exception:  # noqa: BLE001 - a picture source must never break the map's hover
                image = None
        text = f"{cam.id} {cam.name} · {glossary.map_word(word, lang)}"
        if image is None or image.isNull():
            text += f" · {glossary.map_word('no_picture', lang)}"
            image = None
        return text, image

    def on_cone(self, camera_id: str) -> None:
        """The mouse is over a camera's cone ("": over none): its picture beside the mouse."""
        pane = self.pane
        if not camera_id:
            if self.peek.isVisible() and self.text == self._peek_text:
                self.text = ""
            self.peek.hide()
            return
        text, image = self.camera_peek(camera_id)
        self.text = self._peek_text = text
        if image is not None:
            small = image.scaledToWidth(PEEK_WIDTH, Qt.TransformationMode.SmoothTransformation)
            ba = QByteArray()
            buf = QBuffer(ba)
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            small.save(buf, "PNG")
            self.peek.setText(f"<img src='data:image/png;base64,{bytes(ba.toBase64()).decode()}'><br>{text}")
        else:
            self.peek.setText(text)
        self.peek.adjustSize()
        pos = pane.mapFromGlobal(QCursor.pos()) + QPoint(16, 16)
        pos.setX(max(0, min(pos.x(), pane.width() - self.peek.width())))
        pos.setY(max(0, min(pos.y(), pane.height() - self.peek.height())))
        self.peek.move(pos)
        self.peek.raise_()
        self.peek.show()

    def on_points(self, item, points, ev=None) -> None:
        """Hover over a scatter: a person's name, kind and status; a camera's name; an incident's title."""
        pane = self.pane
        if not len(points):
            pane.plot.setToolTip("")
            return
        i = points[0].index()
        state = pane.replica.state
        text = ""
        ids = pane.ids_of(item)
        item_id = ids[i] if 0 <= i < len(ids) else None
        if item is pane.people and item_id is not None:
            r = state.resources.get(item_id)
            if r is not None:
                text = f"{r.name} · {resource_kind_label(r.kind)} · {_status_label(r.status)}"
        elif item is pane.cameras and item_id is not None:
            c = state.cameras.get(item_id)
            if c is not None:
                text = f"{c.id} {c.name}"
        elif item is pane.incidents and item_id is not None:
            inc = state.incidents.get(item_id)
            if inc is not None:
                text = f"{inc.title} · {_status_label(inc.status)}"
        pane.plot.setToolTip(text)
        self.text = text
