"""Closing the console with incidents open asks first (window-modal, opened, never exec'd inside the loop)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from console.client.replica import Replica
from console.domain.model import SETTLED_STATUSES



class CloseGuard:
    """Whether closing must ask, and the question (`question` while it is open)."""

    def __init__(self, replica: Replica, window: QMainWindow, close_anyway: Callable[[], object]):
        self.replica = replica
        self.window = window
        self.close_anyway = close_anyway
        #: ask before closing with incidents open (the app sets it; tests and a wall do not)
        self.ask = False
        #: the demo runs its hub in this process: closing stops it too, and the question says so
        self.embedded_hub = False
        #: closing was confirmed (or asked for without a question): the next close goes through
        self.confirmed = False
        self.question: QMessageBox | None = None

    def should_ask(self, wall: bool) -> bool:
        """Whether a close now must ask first."""
        if not self.ask or self.confirmed or wall:
            return False
        return bool(self.open_incidents())

    def open_incidents(self) -> list:
        """The incidents not yet settled."""
        return [i for i in self.replica.state.incidents.values() if i.status not in SETTLED_STATUSES]

    def ask_now(self) -> None:
        """Alt+F4 with incidents open: ask first (Enter keeps the console open)."""
        if self.question is not None and self.question.isVisible():
            return
        text = QCoreApplication.translate("MainWindow", "%1 incidents are still open. Close the console anyway?")
        text = text.replace("%1", str(len(self.open_incidents())))
        if self.embedded_hub:
            text += "\n\n" + QCoreApplication.translate(
                "MainWindow", "This is the demo: closing the console also stops its embedded hub "
                              "and its scenario.")
        title = QCoreApplication.translate("MainWindow", "Close the console?")
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.window)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter keeps the console open
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda r: self.close_anyway() if r == QMessageBox.StandardButton.Yes else None)
        self.question = box
        box.open()
