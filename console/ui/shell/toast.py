"""The toast: what was just done, and an Undo button with its countdown (Ctrl+Z does the same)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.ui.shell.desk import Desk


class Toast(QFrame):
    """Shows the desk's newest action for as long as it can be undone."""

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("toast")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel(self)
        self.label.setObjectName("toast_text")
        self.undo_button = QPushButton(self)
        self.undo_button.setObjectName("toast_undo")
        self.undo_button.setProperty("role", "undo")
        self.undo_button.clicked.connect(self._on_undo)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo_button)
        desk.sig_changed.connect(self.tick)
        self.hide()

    def text(self) -> str:
        """What the toast says ('' when hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def tick(self) -> None:
        """Redraw from the desk: the newest entry and its seconds left."""
        entry = self.desk.latest()
        if entry is None:
            self.hide()
            return
        left = max(1, int(entry.left() + 0.999))
        waiting = entry.state == "held" or (entry.state == "sent" and entry.handle is not None
                                             and not entry.handle.done)
        if waiting and self.desk.controller.replica.link.state != "online":
            # not "sent in 4 s": offline, a command goes only when the link is back
            said = glossary.word(glossary.TOAST_OFFLINE, entry.state, current_lang()).format(
                what=entry.what, left=left)
        elif entry.state == "held":
            said = self.tr("%1 — sent in %2 s").replace("%1", entry.what).replace("%2", str(left))
        elif entry.state == "undoing":
            said = self.tr("%1 — undoing…").replace("%1", entry.what)
        else:
            said = entry.what
        self.label.setText(said)
        self.undo_button.setText(self.tr("Undo (Ctrl+Z) %1 s").replace("%1", str(left)))
        self.undo_button.setVisible(entry.state in ("held", "sent"))
        self.show()

    def _on_undo(self) -> None:
        self.desk.undo()
