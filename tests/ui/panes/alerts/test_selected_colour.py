"""A selected row keeps its coloured words readable: red on the selection's blue was unreadable.

The queue is drawn with the console's theme (Fusion, palette, stylesheet), the critical row is
clicked as a commander clicks it, and the pixels of its red cells are read back from the screen:
the text must stand out from the selection's background by at least 3:1 (WCAG, bold text).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyleFactory

from console.ui.common import theme
from console.ui.panes.alerts.model import AlertQueueModel
from console.ui.panes.alerts.widget import AlertQueue

pytestmark = pytest.mark.ui


def luminance(c: QColor) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_contrast(view, index) -> tuple[float, QColor]:
    """How far the cell's text stands out from its background, read from the drawn pixels."""
    rect = view.visualRect(index).adjusted(2, 2, -2, -2)
    image = view.viewport().grab(rect).toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    background = QColor(Counter(p.rgb() for p in pixels).most_common(1)[0][0])
    return max(contrast(p, background) for p in pixels), background


@pytest.fixture
def themed_queue(qtbot, world):
    w = AlertQueue(world.replica, world.controller, world.selection, sound=False)
    w.setStyle(QStyleFactory.create("Fusion"))
    w.setPalette(theme._palette())
    w.setStyleSheet(theme.stylesheet())
    qtbot.addWidget(w)
    w.resize(900, 300)
    w.show()
    return w


def test_the_red_words_of_a_selected_critical_row_read_on_the_selection(qtbot, world, themed_queue):
    queue = themed_queue
    iid = world.raise_alert(1, severity="critical")
    world.raise_alert(2, severity="info")
    queue.refresh(world.replica.take_changes())
    view = queue.view
    cell = queue.model.index(queue.model.row_of(iid), AlertQueueModel.COL_SEVERITY)
    unselected, _ = text_contrast(view, cell)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(
        queue.model.index(cell.row(), AlertQueueModel.COL_TITLE)).center())
    qtbot.waitUntil(lambda: queue.current_incident() == iid, timeout=2000)
    selected, background = text_contrast(view, cell)
    if os.environ.get("UI_SHOTS"):
        queue.grab().save(str(Path(os.environ["UI_SHOTS"]) / "loopbits-queue-selected.png"))
    assert background.name() == QColor(theme.ACCENT).name(), "the row is drawn selected"
    assert selected >= 3.0, f"the severity word stands out {selected:.2f}:1 from the selection"
    assert unselected >= 3.0, "and it still reads unselected"
