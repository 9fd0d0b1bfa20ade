"""Paints that wait one frame while the alert queue's new rows go to the screen first.

Qt paints every dirty widget of a window in one sync, so the early tick's repaint of the queue's
rows also painted what the last regular tick had changed: the map (4-8 ms) and the camera tiles
(1-3 ms) went before the row (P2's paint stage). Inside `PaintGate.holding()` the paint events of
the panes' `deferrable_paints()` widgets are dropped and each is updated again when the hold ends:
painted in the next frame, a few milliseconds later.

Only opaque widgets may wait (`WA_OpaquePaintEvent`): Qt then fills no background under them, so
the window's backing store keeps their last picture until their next paint.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class PaintGate(QObject):
    """Holds back the paints of the widgets `widgets()` names while a more urgent paint runs."""

    def __init__(self, widgets: Callable[[], Iterable[QWidget]], parent: QObject | None = None):
        super().__init__(parent)
        self.widgets = widgets
        self._held: list[QWidget] = []

    @contextmanager
    def holding(self) -> Iterator[None]:
        """The gated widgets' paints wait until the block is done, then are asked for again."""
        gated = [w for w in self.widgets() if w.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)]
        for w in gated:
            w.installEventFilter(self)
        try:
            yield
        finally:
            for w in gated:
                w.removeEventFilter(self)
            held, self._held = self._held, []
            for w in held:
                w.update()  # the next frame paints it whole

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self._held.append(obj)  # type: ignore[arg-type]
            return True
        return False
