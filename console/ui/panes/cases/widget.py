"""The cases pane: every case's stage and clock, what is overdue, who lets cases lie, and a search
of past cases across the hub's archive (its own tab, console/ui/panes/cases/search.py).

Figures come from `console.domain.casefigures` (the same as the after-action report and the
CSV export), recomputed at most once a second from the replica's state. The pane only
paints: the words come from the glossary, the figures from the domain.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
    QWidget,
)

from console.client.replica import Replica
from console.domain.casesearch import CaseQuery
from console.domain.casefigures import (
    DIMENSIONS, TIMED_STAGES, CaseRow, GroupFigures, case_rows, cases_csv, figures_by, figures_csv, open_by_stage,
    overdue, summarize,
)
from console.domain.localtime import clock, duration
from console.domain.state import ChangeSet
from console.ui.common import glossary as g
from console.ui.common.i18n import current_lang, kind_label
from console.ui.panes.cases.search import CaseSearch

#: recompute at most this often (wall seconds)
REFRESH_S = 1.0
#: rows of the overdue list drawn (the most overdue first)
OVERDUE_ROWS = 200


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


class CasesPane(QWidget):
    """Open cases by stage, the overdue list and the figures per town, grid, worker or department."""

    sig_exported = Signal(list)
    """The CSV files an export wrote (paths as strings)."""

    def __init__(self, replica: Replica, parent: QWidget | None = None, *,
                 search: Callable[[CaseQuery], object] | None = None,
                 open_incident: Callable[[str], None] | None = None):
        super().__init__(parent)
        self.replica = replica
        self.rows: list[CaseRow] = []
        self._last = 0.0
        lang = current_lang()
        self.summary = QLabel(self)
        self.summary.setObjectName("cases_summary")
        self.summary.setWordWrap(True)
        self.stages = QTableWidget(2, len(TIMED_STAGES), self)
        self.stages.setObjectName("cases_by_stage")
        self.stages.setHorizontalHeaderLabels([g.case_stage(s, lang) for s in TIMED_STAGES])
        self.stages.setVerticalHeaderLabels([g.case_word("open", lang), g.case_word("overdue", lang)])
        self.stages.setMaximumHeight(90)
        self.late = QTableWidget(0, 6, self)
        self.late.setObjectName("cases_overdue")
        self.late.setHorizontalHeaderLabels([g.case_word(k, lang) for k in
                                             ("case", "type", "town", "stage", "due_at", "overdue")])
        self.dimension = QComboBox(self)
        self.dimension.setObjectName("cases_dimension")
        for d in DIMENSIONS:
            self.dimension.addItem(g.case_word(f"by_{d}", lang), d)
        self.dimension.setCurrentIndex(self.dimension.findData("town"))  # the district's first question
        self.dimension.currentIndexChanged.connect(lambda _i: self.refresh(ChangeSet(), force=True))
        self.export = QPushButton(g.case_word("export_csv", lang), self)
        self.export.setObjectName("cases_export")
        self.export.clicked.connect(self._ask_folder)
        self.groups = QTableWidget(0, 0, self)
        self.groups.setObjectName("cases_groups")
        for t in (self.stages, self.late, self.groups):
            t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        bar = QHBoxLayout()
        bar.addWidget(self.dimension)
        bar.addStretch(1)
        bar.addWidget(self.export)
        overview = QWidget(self)
        col = QVBoxLayout(overview)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.summary)
        col.addWidget(QLabel(g.case_word("open_by_stage", lang), self))
        col.addWidget(self.stages)
        col.addWidget(QLabel(g.case_word("overdue_list", lang), self))
        col.addWidget(self.late, 2)
        col.addLayout(bar)
        col.addWidget(self.groups, 2)
        #: the search of past cases across the hub's archive (its own tab: a form and its hits)
        self.search = CaseSearch(replica, search, self)
        if open_incident is not None:
            self.search.sig_open.connect(lambda iid: open_incident(iid) if iid in replica.state.incidents else None)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("cases_tabs")
        self.tabs.addTab(overview, g.case_word("overview_tab", lang))
        self.tabs.addTab(self.search, g.case_word("search_tab", lang))
        self.tabs.currentChanged.connect(lambda i: self.search.fill_choices() if i == 1 else None)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet, *, force: bool = False) -> None:
        """UI tick: recompute and redraw at most once a second."""
        now = time.monotonic()
        if not force and (now - self._last < REFRESH_S or not self.isVisible()):
            return
        self._last = now
        self.rows = case_rows(self.replica.state, self.replica.hub_now())
        self._draw(current_lang())

    def export_csv(self, folder: str | Path) -> list[Path]:
        """Write the cases and the figures of every dimension as CSV files into `folder`; their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = [folder / "cases.csv"]
        out[0].write_text(cases_csv(self.rows), encoding="utf-8-sig")  # with a BOM: spreadsheets read it as UTF-8
        for d in DIMENSIONS:
            path = folder / f"cases_by_{d}.csv"
            path.write_text(figures_csv(figures_by(self.rows, d), d), encoding="utf-8-sig")
            out.append(path)
        return out

    # ------------------------------------------------------------------ private

    def _ask_folder(self) -> None:
        # open(), not exec(): the event loop (and the hub link) keeps running while the person picks
        dialog = QFileDialog(self, g.case_word("export_csv", current_lang()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(lambda folder: self.sig_exported.emit([str(p) for p in self.export_csv(folder)]))
        dialog.open()
        self._dialog = dialog

    def _draw(self, lang: str) -> None:
        rows = self.rows
        if not rows:
            self.summary.setText(g.case_word("no_cases", lang))
        else:
            x = summarize(rows)
            self.summary.setText(g.case_word("summary", lang, n=x.count, open=x.open, overdue=x.overdue,
                                             share=_share(x.on_time_share)))
        for i, c in enumerate(open_by_stage(rows)):
            for r, v in enumerate((c.open, c.overdue)):
                self.stages.setItem(r, i, QTableWidgetItem(str(v)))
        self._draw_overdue(overdue(rows)[:OVERDUE_ROWS], lang)
        self._draw_groups(figures_by(rows, self.dimension.currentData()), lang)

    def _draw_overdue(self, late: list[CaseRow], lang: str) -> None:
        state = self.replica.state
        self.late.setRowCount(len(late))
        for i, r in enumerate(late):
            town = state.org.get(r.town)
            ct = state.case_types.get(r.type)
            type_word = kind_label(r.type) if ct is None else (ct.zh if g.is_zh(lang) else ct.en)
            cells = [r.incident, type_word, town.name if town else r.town,
                     g.case_word("waiting_for", lang, stage=g.case_stage(r.waiting_for, lang)),
                     clock(r.due, "%m-%d %H:%M"), duration(r.overdue_s)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.incident)
                self.late.setItem(i, j, item)

    def _draw_groups(self, groups: list[GroupFigures], lang: str) -> None:
        heads = [self.dimension.currentText(), *(g.case_word(k, lang) for k in
                 ("count", "open", "overdue", "returned", "on_time_share")),
                 *(g.case_word("stage_p", lang, stage=g.case_stage(s, lang)) for s in TIMED_STAGES)]
        self.groups.setColumnCount(len(heads))
        self.groups.setHorizontalHeaderLabels(heads)
        self.groups.setRowCount(len(groups))
        name_of = g.names_in(self.replica.state)
        for i, x in enumerate(groups):
            cells = [name_of(x.key) if x.key else "—", str(x.count), str(x.open), str(x.overdue),
                     str(x.returned), _share(x.on_time_share)]
            for s in TIMED_STAGES:
                p = x.stage_p.get(s)
                cells.append("—" if p is None else f"{duration(p[0])} / {duration(p[1])}")
            for j, text in enumerate(cells):
                self.groups.setItem(i, j, QTableWidgetItem(text))
