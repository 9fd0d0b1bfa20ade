"""A table view whose viewport paints its own background, so the viewport can be opaque.

Qt fills a widget's background before its paint only when the widget is not opaque
(`WA_OpaquePaintEvent`). An item view's rows cover only part of that fill (the rows under the
last one, and every other row with alternating colours, show the viewport's background), so
this view fills the exposed area itself first. An opaque viewport is one the window's paint
may leave for a frame (`PaintGate`): the backing store keeps its last picture.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QTableView, QWidget


class OpaqueTableView(QTableView):
    """A QTableView with an opaque viewport that looks the same as the plain one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        viewport = self.viewport()
        painter = QPainter(viewport)
        painter.fillRect(event.rect(), viewport.palette().brush(viewport.backgroundRole()))
        painter.end()
        super().paintEvent(event)
