"""Search of past cases: by type, town, grid, person, words and registration date, across the hub's archive.

The hub answers (its live state and the store's archive of incidents that already left
it, console/store/archive.py); this widget only asks and paints. The question goes out
through `search` (the controller's `search_cases`), whose future completes on the event
loop: nothing here waits, so the window keeps painting while the hub reads its disk.
"""

from __future__ import annotations

from datetime import datetime, time as dtime, timedelta
from typing import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QGridLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from console.client.replica import Replica
from console.domain.casesearch import CaseHit, CaseQuery
from console.domain.localtime import TZ, clock
from console.ui.common import glossary as g
from console.ui.common.i18n import current_lang, kind_label, status_label

#: the columns of the hits table (CASE_WORDS keys)
COLUMNS = ("case", "type", "title", "town", "grid", "registered", "stage", "where")


def _day_start(d: QDate) -> float:
    return datetime.combine(d.toPython(), dtime(0, 0), TZ).timestamp()


class CaseSearch(QWidget):
    """The search form and its hits."""

    sig_found = Signal(int)
    """An answer was painted: how many hits."""

    sig_open = Signal(str)
    """A hit double-clicked: its incident id (shown when still in the live state)."""

    def __init__(self, replica: Replica, search: Callable[[CaseQuery], object] | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.search = search
        self.hits: list[CaseHit] = []
        #: the question on its way (a newer one replaces it; an older answer is dropped)
        self._asked = 0
        lang = current_lang()
        w = g.case_word
        self.text = QLineEdit(self)
        self.text.setObjectName("search_text")
        self.text.setPlaceholderText(w("search_text", lang))
        self.person = QLineEdit(self)
        self.person.setObjectName("search_person")
        self.person.setPlaceholderText(w("search_person", lang))
        self.kind = QComboBox(self)
        self.kind.setObjectName("search_kind")
        self.town = QComboBox(self)
        self.town.setObjectName("search_town")
        self.town.currentIndexChanged.connect(self._fill_grids)
        self.grid = QComboBox(self)
        self.grid.setObjectName("search_grid")
        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30), self)
        self.until = QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.since.setObjectName("search_since")
        self.until.setObjectName("search_until")
        self.all_incidents = QCheckBox(w("search_all_incidents", lang), self)
        self.go = QPushButton(w("search", lang), self)
        self.go.setObjectName("search_go")
        self.go.setProperty("role", "primary")
        self.go.clicked.connect(self.ask)
        self.text.returnPressed.connect(self.ask)
        self.person.returnPressed.connect(self.ask)
        self.status = QLabel(self)
        self.status.setObjectName("search_status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("search_hits")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setHorizontalHeaderLabels([w(k, lang) for k in COLUMNS])
        self.table.cellDoubleClicked.connect(self._open)
        form = QGridLayout()
        form.addWidget(self.text, 0, 0, 1, 2)
        form.addWidget(self.person, 0, 2, 1, 2)
        form.addWidget(self.kind, 1, 0)
        form.addWidget(self.town, 1, 1)
        form.addWidget(self.grid, 1, 2, 1, 2)
        form.addWidget(QLabel(w("search_from", lang), self), 2, 0, Qt.AlignmentFlag.AlignRight)
        form.addWidget(self.since, 2, 1)
        form.addWidget(QLabel(w("search_to", lang), self), 2, 2, Qt.AlignmentFlag.AlignRight)
        form.addWidget(self.until, 2, 3)
        form.addWidget(self.all_incidents, 3, 0, 1, 3)
        form.addWidget(self.go, 3, 3)
        col = QVBoxLayout(self)
        col.setContentsMargins(4, 4, 4, 4)
        col.addLayout(form)
        col.addWidget(self.status)
        col.addWidget(self.table, 1)
        self.fill_choices()

    # ------------------------------------------------------------------ API

    def fill_choices(self) -> None:
        """(Re)fill the type and town lists from the state (the site's case catalog and centers)."""
        lang = current_lang()
        state = self.replica.state
        kept = self.kind.currentData(), self.town.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(g.case_word("search_any_type", lang), None)
        for code, ct in sorted(state.case_types.items()):
            self.kind.addItem(ct.zh if g.is_zh(lang) else ct.en, code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kept[0])))
        self.kind.blockSignals(False)
        self.town.blockSignals(True)
        self.town.clear()
        self.town.addItem(g.case_word("search_any_town", lang), None)
        for u in sorted((u for u in state.org.values() if u.level == "town"), key=lambda u: u.id):
            self.town.addItem(u.name, u.id)
        self.town.setCurrentIndex(max(0, self.town.findData(kept[1])))
        self.town.blockSignals(False)
        self._fill_grids()

    def query(self) -> CaseQuery:
        """The question the form asks now."""
        since = _day_start(self.since.date())
        until = _day_start(self.until.date()) + timedelta(days=1).total_seconds()
        return CaseQuery(kind=self.kind.currentData(), town=self.town.currentData(), grid=self.grid.currentData(),
                         person=self.person.text().strip() or None, text=self.text.text().strip(),
                         since=since, until=until, cases_only=not self.all_incidents.isChecked())

    def ask(self) -> None:
        """Send the form's question; the answer is painted when it comes (a newer question wins)."""
        lang = current_lang()
        if self.search is None:
            self.status.setText(g.case_word("search_unavailable", lang))
            return
        self._asked += 1
        asked = self._asked
        self.status.setText(g.case_word("searching", lang))
        self.go.setEnabled(False)
        fut = self.search(self.query())
        fut.add_done_callback(lambda f, n=asked: self._answered(n, f))

    def show_hits(self, hits: list[CaseHit], archived: int) -> None:
        """Paint an answer."""
        lang = current_lang()
        self.hits = list(hits)
        state = self.replica.state
        self.status.setText(g.case_word("search_found", lang, n=len(hits), archived=archived))
        self.table.setRowCount(len(hits))
        for i, h in enumerate(hits):
            ct = state.case_types.get(h.kind)
            town, grid = state.org.get(h.town), state.org.get(h.grid)
            stage = g.case_stage(h.stage, lang) if h.stage else status_label(h.status)
            if h.returned:
                stage += " · " + g.word(g.CASE_REASONS, h.returned, lang)
            cells = [h.incident, kind_label(h.kind) if ct is None else (ct.zh if g.is_zh(lang) else ct.en), h.title,
                     town.name if town else h.town, grid.name if grid else h.grid, clock(h.created_at, "%Y-%m-%d %H:%M"),
                     stage, g.case_word("archived" if h.archived else "live", lang)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.incident)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.sig_found.emit(len(hits))

    # ------------------------------------------------------------------ private

    def _answered(self, asked: int, fut) -> None:
        if asked != self._asked:
            return  # a newer question was asked meanwhile
        self.go.setEnabled(True)
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is not None:
            self.status.setText(g.case_word("search_failed", current_lang(), why=getattr(exc, "reason", str(exc))))
            return
        found = fut.result()
        self.show_hits(found.hits, found.archived)

    def _fill_grids(self, *_args) -> None:
        lang = current_lang()
        state = self.replica.state
        town = self.town.currentData()
        kept = self.grid.currentData()
        self.grid.clear()
        self.grid.addItem(g.case_word("search_any_grid", lang), None)
        if town is None:
            return  # every grid of the district is too long a list: choose a town first
        for u in sorted((u for u in state.org.values() if u.level == "grid" and state.town_of(u.id) == town),
                        key=lambda u: u.id):
            self.grid.addItem(u.name, u.id)
        self.grid.setCurrentIndex(max(0, self.grid.findData(kept)))

    def _open(self, row: int, _col: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole))
