"""A one-line label that ends in "…" when it does not fit: never cut mid-glyph, never wider than it is given.

The camera toolbar's "聚焦: CAM02 滨江路 K0+450 起点区 · 附近: …" line is longer than the
wall's camera column at wall type; a plain QLabel with an ignored size policy clipped it
through a character. This one elides at a whole character and keeps the full text in its
tooltip, and its height stays one line, so the grid below never moves when the text changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """A QLabel whose text is elided at the right edge; `text()` is the full text, the tooltip too."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Set the full text; it is shown elided when too long, and always in the tooltip."""
        super().setText(text)
        self.setToolTip(text)
        self.update()

    def shown_text(self) -> str:
        """What the label paints at its present width (the text, or its start and "…")."""
        width = max(0, self.contentsRect().width())
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def is_elided(self) -> bool:
        """Whether the text was shortened to fit."""
        return self.shown_text() != self.text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No minimum width: the toolbar gives what it has and the text elides."""
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setFont(self.font())
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   self.shown_text())
        p.end()
