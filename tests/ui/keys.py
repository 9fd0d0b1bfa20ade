"""Keys the way a keyboard sends them: to the active window's focused widget, through Qt's shortcut map.

`QTest.keyClick` on the focused widget goes through the shortcut map first (as a
real key does); `QApplication.sendEvent` to one widget would skip it. The focus
is put deliberately in another pane than the queue (the camera toolbar), where
it sits after a click on a camera.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.app.smoke import focus_elsewhere


def activate(qtbot, window) -> None:
    """Make the window the active one (window shortcuts fire only there)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def press(window, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
    """Focus another pane than the queue, then press a key on the focused widget; returns that widget."""
    target = focus_elsewhere(window)
    assert target is not window.alerts.view, "the key must not go to the queue's table"
    QTest.keyClick(target, key, modifier)
    return target


def type_into_dialog(flow, text: str, reason: str | None = None) -> None:
    """Answer the question the flow is asking: pick a reason, type the note, press Enter."""
    dialog = flow.dialog
    assert dialog is not None and dialog.isVisible(), "no question was asked"
    if reason is not None:
        dialog.reason.setCurrentIndex(dialog.reason.findData(reason))
    if text.isascii():
        QTest.keyClicks(dialog.note, text)
    else:  # QTest types ASCII only; Chinese arrives as an input method's commit
        dialog.note.insert(text)
    QTest.keyClick(dialog.note, Qt.Key.Key_Return)
