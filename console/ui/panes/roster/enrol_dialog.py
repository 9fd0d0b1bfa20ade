"""The field-page enrolment dialog: a fresh QR code and link for one person, and "revoke".

Opened from the roster (right-click a person, or Ctrl+E on the selected row). The hub
mints the token (`field.enrol`, console/hub/enrol.py); this dialog only shows what it
answered: the enrolment URL as a QR code the phone's camera reads, and as text to copy.
A new code ends the person's previous one; "revoke" ends it without a new one, and the
hub closes the page's open session at once.
"""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from console.client.controller import Controller
from console.client.handle import CommandHandle
from console.ui.common import glossary
from console.ui.common.i18n import current_lang

#: pixels per QR module, and the quiet zone in modules (a phone reads it from a screen at arm's length)
QR_SCALE, QR_BORDER = 6, 3


def qr_pixmap(text: str) -> QPixmap:
    """The QR code of `text` as a pixmap (segno, pure Python: no network, no extra binary)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=QR_SCALE, border=QR_BORDER)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


class EnrolDialog(QDialog):
    """Asks the hub for a person's token as it opens; shows the QR and link; revokes on request."""

    def __init__(self, controller: Controller, resource: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.resource = resource
        self.url = ""
        lang = current_lang()
        res = controller.replica.state.resources.get(resource)
        name = res.name if res else resource
        self.setWindowTitle(glossary.word(glossary.FIELD_PAGE, "enrol_title", lang).format(name=name))
        self.setObjectName("enrolDialog")
        self.hint = QLabel(glossary.word(glossary.FIELD_PAGE, "enrol_hint", lang), self)
        self.hint.setWordWrap(True)
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setMinimumSize(240, 240)
        self.link = QLineEdit(self)
        self.link.setReadOnly(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.copy = QPushButton(glossary.word(glossary.FIELD_PAGE, "copy", lang), self)
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.url))
        self.revoke = QPushButton(glossary.word(glossary.FIELD_PAGE, "revoke", lang), self)
        self.revoke.clicked.connect(self._revoke)
        close = QPushButton(glossary.word(glossary.FIELD_PAGE, "close", lang), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addWidget(self.revoke)
        buttons.addStretch(1)
        buttons.addWidget(close)
        root = QVBoxLayout(self)
        root.addWidget(self.hint)
        root.addWidget(self.qr, 1)
        root.addWidget(self.link)
        root.addWidget(self.status)
        root.addLayout(buttons)
        self.copy.setEnabled(False)
        self.revoke.setEnabled(False)
        #: the pending `field.enrol` (tests wait on it)
        self.handle: CommandHandle = controller.field_enrol(resource).on_done(self._issued)

    def _issued(self, handle: CommandHandle) -> None:
        result = handle.result
        if result is None or not result.ok or not result.url:
            self.status.setText(glossary.refusal(result.code if result else "offline", current_lang())
                                + (f" — {result.message}" if result and result.message else ""))
            return
        self.url = result.url
        self.link.setText(result.url)
        self.qr.setPixmap(qr_pixmap(result.url))
        self.copy.setEnabled(True)
        self.revoke.setEnabled(True)

    def _revoke(self) -> None:
        self.revoke.setEnabled(False)
        self.handle = self.controller.field_enrol(self.resource, revoke=True).on_done(self._revoked)

    def _revoked(self, handle: CommandHandle) -> None:
        lang = current_lang()
        if not handle.ok:
            self.status.setText(glossary.refusal(handle.result.code, lang))
            self.revoke.setEnabled(True)
            return
        self.url = ""
        self.qr.clear()
        self.link.clear()
        self.copy.setEnabled(False)
        self.status.setText(glossary.word(glossary.FIELD_PAGE, "revoked", lang))
