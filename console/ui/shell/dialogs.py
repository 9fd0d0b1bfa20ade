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
    """Asks for an optional (or required) note, and with `reasons` a reason from a pick list first.

    The pick list starts on no reason: OK stays off until the commander chose one, so a
    critical is never stood down by a default they did not read.
    """

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
            self.reason.addItem(self.tr("— choose a reason —"), None)
            for code, words in reasons:
                self.reason.addItem(words, code)
            self.reason.currentIndexChanged.connect(self._update_ok)
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
        """Show it (non-blocking) with the typing focus on the reasons, else in the note."""
        self.open()
        (self.reason or self.note).setFocus(Qt.FocusReason.OtherFocusReason)

    def choose(self, code: str) -> None:
        """Pick a reason by its code (tests, and a default a caller really means)."""
        if self.reason is not None:
            self.reason.setCurrentIndex(max(0, self.reason.findData(code)))

    def complete(self) -> bool:
        """Whether the answer is whole: a reason chosen (if asked) and a note typed (if required)."""
        if self.reason is not None and self.reason.currentData() is None:
            return False
        return not self.note_required or bool(self.note.text().strip())

    def _update_ok(self, *_args) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.complete())

    def _on_ok(self) -> None:
        if not self.complete():
            return
        code = self.reason.currentData() if self.reason is not None else ""
        self.sig_answered.emit(code or "", self.note.text().strip())
        self.accept()
