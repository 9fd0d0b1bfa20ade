"""The small questions an action asks first: a comment, a note, or a reason for a false alarm.

Window-modal and opened with `open()` (never `exec()`, which would nest an event
loop inside the qasync one): the answer arrives through `sig_answered`. Enter
confirms, Escape cancels; focus starts where the commander types.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget,
)


class NoteDialog(QDialog):
    """Asks for an optional (or required) note, and with `reasons` a reason from a pick list first."""

    sig_answered = Signal(str, str)
    """Confirmed: (reason code or '', the text typed)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None, *,
                 reasons: list[tuple[str, str]] | None = None, ok_text: str = "",
                 note_required: bool = False):
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.note_required = note_required
        col = QVBoxLayout(self)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        col.addWidget(self.prompt)
        self.reason: QComboBox | None = None
        if reasons:
            self.reason = QComboBox(self)
            self.reason.setObjectName("reason")
            for code, words in reasons:
                self.reason.addItem(words, code)
            col.addWidget(self.reason)
        self.note = QLineEdit(self)
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Note (required)") if note_required else self.tr("Comment (optional)"))
        self.note.setMinimumWidth(420)
        col.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            ok.setText(ok_text)
        ok.setDefault(True)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        self.note.textChanged.connect(self._update_ok)
        self._update_ok()

    def ask(self) -> None:
        """Show it (non-blocking) with the typing focus in the note."""
        self.open()
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.note_required or bool(self.note.text().strip()))

    def _on_ok(self) -> None:
        if self.note_required and not self.note.text().strip():
            return
        code = self.reason.currentData() if self.reason is not None else ""
        self.sig_answered.emit(code or "", self.note.text().strip())
        self.accept()
