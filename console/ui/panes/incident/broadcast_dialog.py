"""Broadcast a check to grid workers: which grids, the words they read, and how many it reaches.

A broadcast is a message (console/domain/rules.py `broadcast`): nobody gets a task,
an ETA or a clock. The dialog previews its reach ("发送至 6 个网格 / 41 人") before
anything is sent, so a check meant for one neighbourhood never reaches 42 people
13 km away by surprise.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from console.domain.model import Incident
from console.domain.rules import broadcast_recipients
from console.domain.state import State
from console.ui.common import glossary
from console.ui.common.i18n import current_lang

#: "nearby" grids: centres within this many metres of the incident
NEARBY_M = 1500.0


def broadcast_scopes(state: State, inc: Incident) -> list[tuple[str, str, list[str]]]:
    """(code, tag or '', grids) the commander can choose from, narrowest first, empty ones left out."""
    grids = [u for u in state.org.values() if u.level == "grid"]
    town = [u for u in grids if state.town_of(u.id) == inc.town]
    here = state.org.get(inc.grid)
    out: list[tuple[str, str, list[str]]] = []
    near = sorted(u.id for u in town if math.hypot(u.center_x - inc.x, u.center_y - inc.y) <= NEARBY_M)
    if inc.grid and inc.grid not in near and here is not None:
        near = sorted({*near, inc.grid})
    if near:
        out.append(("nearby", "", near))
    for tag in sorted(here.tags if here is not None else []):
        tagged = sorted(u.id for u in town if tag in u.tags)
        if tagged:
            out.append(("tag", tag, tagged))
    if town:
        out.append(("town", "", sorted(u.id for u in town)))
    return out


class BroadcastDialog(QDialog):
    """Choose the grids and the words; `sig_send(text, grids)` when confirmed."""

    sig_send = Signal(str, list)
    """Confirmed: the text and the grid ids."""

    def __init__(self, state: State, inc: Incident, parent: QWidget | None = None, *, follow_up: bool = False):
        super().__init__(parent)
        self.setObjectName("broadcast_dialog")
        lang = current_lang()
        #: a follow-up check (举一反三) from a closed case: its own words, the case's grid's tag chosen first
        self.follow_up = follow_up
        self.setWindowTitle(glossary.case_word("follow_up", lang) if follow_up else self.tr("Broadcast a check"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.state = state
        col = QVBoxLayout(self)
        col.addWidget(QLabel(self.tr("To the grid workers of:"), self))
        self.scope = QComboBox(self)
        self.scope.setObjectName("scope")
        for code, tag, grids in broadcast_scopes(state, inc):
            col_words = {
                "nearby": self.tr("grids within %1 km of the incident").replace("%1", f"{NEARBY_M / 1000:g}"),
                "tag": self.tr("grids tagged “%1” in this town").replace("%1", glossary.word(glossary.GRID_TAGS, tag,
                                                                                          lang)),
                "town": self.tr("every grid of this town"),
            }[code]
            self.scope.addItem(col_words, grids)
            if follow_up and code == "tag" and self.scope.currentIndex() < 1:
                self.scope.setCurrentIndex(self.scope.count() - 1)
        col.addWidget(self.scope)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("text")
        if follow_up:
            self.text.setPlainText(glossary.case_word("follow_up_text", lang, title=inc.title,
                                                      kind=glossary.kind(inc.kind, lang)))
        else:
            self.text.setPlainText(self.tr("Please check your grid for the same: %1 (%2). Answer 收到 when read.")
                                   .replace("%1", glossary.kind(inc.kind, lang)).replace("%2", inc.title))
        self.text.setMaximumHeight(90)
        col.addWidget(self.text)
        self.preview = QLabel(self)
        self.preview.setObjectName("preview")
        col.addWidget(self.preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Send"))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        self.scope.currentIndexChanged.connect(self._update)
        self.text.textChanged.connect(self._update)
        self.setMinimumWidth(460)
        self._update()

    def grids(self) -> list[str]:
        """The grids chosen now."""
        return list(self.scope.currentData() or [])

    def reach(self) -> tuple[int, int]:
        """(grids, people) the broadcast would reach now."""
        grids = self.grids()
        return len(grids), len(broadcast_recipients(self.state, grids))

    def _update(self, *_args) -> None:
        n_grids, n_people = self.reach()
        self.preview.setText(self.tr("Send to %1 grids / %2 people").replace("%1", str(n_grids))
                             .replace("%2", str(n_people)))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(n_people > 0 and bool(self.text.toPlainText().strip()))

    def _on_ok(self) -> None:
        if self.reach()[1] == 0 or not self.text.toPlainText().strip():
            return
        self.sig_send.emit(self.text.toPlainText().strip(), self.grids())
        self.accept()
