"""RosterModel: a Qt table adapter over a Python list of resource ids.

Filtering and sorting happen in Python (a `QSortFilterProxyModel` with
dynamic sort costs tens of ms per batch on a big live table). Rows are read
straight from the replica's state; a tick that changed some people emits
`dataChanged` for their rows only, and the countdown column once a second.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from console.client.replica import Replica
from console.domain.model import HELD_STATUSES, Resource
from console.domain.attention import assembly_left
from console.ui.common import glossary, roles, theme
from console.ui.common.i18n import current_lang, resource_kind_label as kind_label
from console.ui.common.i18n import status_label as _domain_status
from console.ui.common.theme import RESOURCE_STATUS_COLORS

PENDING = "pending"

COLUMNS = ("name", "id", "kind", "unit", "town", "grid", "status", "task", "assembly", "page")
COL = {name: i for i, name in enumerate(COLUMNS)}
_NAME, _STATUS, _ASSEMBLY, _PAGE = COL["name"], COL["status"], COL["assembly"], COL["page"]
#: the roles `data()` answers
_ANSWERED = frozenset((roles.DISPLAY, roles.FOREGROUND, roles.FONT, roles.USER, roles.TOOLTIP, roles.ALIGNMENT))

_STATUS_ORDER = {s: i for i, s in enumerate(("on_scene", "en_route", "dispatched", PENDING, "busy",
                                              "available", "off_duty"))}

_Index = QModelIndex | QPersistentModelIndex


@functools.cache
def _colour(hex_: str) -> QColor:
    """One QColor per theme colour, not one per cell and paint."""
    return QColor(hex_)


def status_label(status: str) -> str:
    """The roster's word for a resource status, "pending" included (translated)."""
    if status == PENDING:
        return QCoreApplication.translate("RosterModel", "Pending")
    return _domain_status(status)


def format_left(seconds: float | None) -> str:
    """m:ss until the promise breaks; "overdue m:ss" (in the UI language) once it has; "" for none."""
    if seconds is None:
        return ""
    return glossary.countdown(seconds, current_lang())


@dataclass(slots=True)
class RosterFilter:
    """What the table shows: a text search, a kind, a status and an org subtree."""

    text: str = ""
    kind: str | None = None
    status: str | None = None
    #: grids under the selected tree node (None: everyone)
    grids: frozenset[str] | None = None


class RosterModel(QAbstractTableModel):
    """Rows are resource ids; cells are read from the replica on demand."""

    def __init__(self, replica: Replica, parent=None):
        super().__init__(parent)
        self.replica = replica
        self.rows: list[str] = []
        self._row_of: dict[str, int] = {}
        self._haystack: dict[str, str] = {}
        self._filter = RosterFilter()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._pending: set[str] = set()
        #: people with a task now (the only rows whose countdown moves)
        self._tasked: set[str] = set()
        #: a status changed while filtering or sorting by status: rows to move at the next settle
        self._stale_order = False
        self._bold = QFont()
        self._bold.setBold(True)
        # QCoreApplication.translate spelled out with literals, so lupdate finds each one
        self._headers = (
            QCoreApplication.translate("RosterModel", "Name"),
            glossary.word(glossary.ROSTER_WORDS, "id", current_lang()),
            QCoreApplication.translate("RosterModel", "Kind"),
            QCoreApplication.translate("RosterModel", "Unit"),
            QCoreApplication.translate("RosterModel", "Town"),
            QCoreApplication.translate("RosterModel", "Grid"),
            QCoreApplication.translate("RosterModel", "Status"),
            QCoreApplication.translate("RosterModel", "Current task"),
            QCoreApplication.translate("RosterModel", "Assembly left"),
            glossary.word(glossary.FIELD_PAGE, "header", current_lang()),
        )

    # ------------------------------------------------------------------ API

    def reload(self) -> None:
        """Baseline: rebuild the search index and every row (the only full reset)."""
        state = self.replica.state
        org = state.org
        self._haystack = {}
        for rid, r in state.resources.items():
            # both languages' words for the kind: a search finds 志愿者 and "volunteer" alike
            parts = [rid, r.name, r.unit, r.kind, *glossary.RESOURCE_KINDS.get(r.kind, ()), *r.skills,
                     org[r.grid].name if r.grid in org else r.grid]
            self._haystack[rid] = " ".join(parts).casefold()
        self._pending = set(self.replica.pending_resources())
        self._tasked = {rid for rid, r in state.resources.items() if r.task}
        self._stale_order = False
        self.beginResetModel()
        self.rows = self._filtered()
        self._sort_rows()
        self._reindex()
        self.endResetModel()

    def set_filter(self, flt: RosterFilter) -> None:
        """Apply a new filter (a user action: the rows are replaced)."""
        self._filter = flt
        self._replace_rows()

    def filter(self) -> RosterFilter:
        return self._filter

    def resource_at(self, row: int) -> str | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, resource_id: str) -> int | None:
        return self._row_of.get(resource_id)

    def update(self, resource_ids: set[str]) -> set[str]:
        """Some people changed (status, task): repaint their rows, re-filter if needed.

        Unconfirmed dispatches that appeared or went away count as changes too;
        returns every id that changed.
        """
        pending = set(self.replica.pending_resources())
        changed = set(resource_ids) | (pending ^ self._pending)
        self._pending = pending
        if not changed:
            return changed
        res = self.replica.state.resources
        for rid in changed:
            r = res.get(rid)
            if r is not None and r.task:
                self._tasked.add(rid)
            else:
                self._tasked.discard(rid)
        if self._order_depends_on_status():
            # Rows may have to move in or out or change place; do that at most once a
            # second (`settle`), not on every tick: a live 20k-row re-sort costs ~25 ms.
            self._stale_order = True
        # One signal over the span of changed rows, not one per row: under a flood a tick holds
        # hundreds of status changes, and the view repaints only the rows it shows either way.
        rows = [row for rid in changed if (row := self._row_of.get(rid)) is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))
        return changed

    def settle(self) -> bool:
        """Re-filter and re-sort after status changes (the pane calls this about once a second)."""
        if not self._stale_order:
            return False
        self._stale_order = False
        self._replace_rows(self._filtered(), keep_layout=True)
        return True

    def tick_countdowns(self) -> None:
        """Repaint the assembly countdown of held people (called about once a second)."""
        col = COL["assembly"]
        rows = [row for rid in self._tasked if (row := self._row_of.get(rid)) is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows), col), self.index(max(rows), col))

    def display_status(self, r: Resource) -> str:
        """The status a row shows: "pending" while an unconfirmed dispatch holds the person."""
        if r.id in self._pending and r.status not in HELD_STATUSES:
            return PENDING
        return r.status

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = roles.DISPLAY):
        # role first: three of the seven roles a paint asks of every cell are never answered here
        if role not in _ANSWERED or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if row >= len(self.rows):
            return None
        rid = self.rows[row]
        r = self.replica.state.resources.get(rid)
        if r is None:
            return None
        if role == roles.DISPLAY:
            return self._display(r, col)
        if role == roles.FOREGROUND:
            if col == _STATUS:
                s = self.display_status(r)
                return _colour(theme.PENDING_COLOR if s == PENDING else RESOURCE_STATUS_COLORS.get(s, theme.FG))
            if col == _ASSEMBLY:
                left = self._assembly_left(r)
                if left is not None and left < 0:
                    return _colour(theme.COUNTDOWN_RED)
            if col == _PAGE and (page := self.replica.state.pages.get(rid)) is not None:
                return _colour(theme.COUNTDOWN_MET if page.online else theme.FG_DIM)
            if r.status == "off_duty":
                return _colour(theme.FG_OFF)
            return None
        if role == roles.FONT:
            if col == _STATUS and self.display_status(r) != "available":
                return self._bold
            if col == _ASSEMBLY:
                left = self._assembly_left(r)
                if left is not None and left < 0:
                    return self._bold
            return None
        if role == roles.USER:
            return rid
        if role == roles.TOOLTIP and col == _NAME:
            return f"{r.id} · {', '.join(r.skills)}"
        if role == roles.ALIGNMENT and col == _ASSEMBLY:
            return roles.ALIGN_RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: sort the Python list (no proxy model)."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows()
        self._reindex()
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ private

    def _display(self, r: Resource, col: int) -> str:
        state = self.replica.state
        name = COLUMNS[col] if 0 <= col < len(COLUMNS) else ""
        if name == "name":
            return r.name
        if name == "id":
            return r.id
        if name == "kind":
            return kind_label(r.kind)
        if name == "unit":
            return r.unit
        if name == "town":
            town = state.org.get(r.town)
            return town.name if town else r.town
        if name == "grid":
            grid = state.org.get(r.grid)
            return grid.name if grid else r.grid
        if name == "status":
            return status_label(self.display_status(r))
        if name == "task":
            task = state.tasks.get(r.task) if r.task else None
            inc = state.incidents.get(task.incident) if task else None
            return inc.title if inc else ""
        if name == "assembly":
            return format_left(self._assembly_left(r))
        if name == "page":
            return glossary.field_page(state.pages.get(r.id), current_lang())
        return ""

    def _assembly_left(self, r: Resource) -> float | None:
        if not r.task:
            return None
        task = self.replica.state.tasks.get(r.task)
        return assembly_left(self.replica.state, task, self.replica.hub_now()) if task else None

    def _filtered(self) -> list[str]:
        f = self._filter
        state = self.replica.state
        res = state.resources
        terms = f.text.casefold().split()
        hay = self._haystack
        out = []
        for rid, r in res.items():
            if f.kind is not None and r.kind != f.kind:
                continue
            if f.grids is not None and r.grid not in f.grids:
                continue
            if f.status is not None and self.display_status(r) != f.status:
                continue
            if terms:
                h = hay.get(rid)
                if h is None:
                    h = hay[rid] = f"{rid} {r.name} {r.unit} {' '.join(r.skills)}".casefold()
                if not all(t in h for t in terms):
                    continue
            out.append(rid)
        return out

    def _order_depends_on_status(self) -> bool:
        return self._filter.status is not None or (
            self._sort is not None and self._sort[0] in (COL["status"], COL["task"], COL["assembly"]))

    def _sort_key(self, col: int):
        res = self.replica.state.resources
        if col == COL["status"]:
            return lambda rid: (_STATUS_ORDER.get(self.display_status(res[rid]), 99), rid)
        if col == COL["assembly"]:
            def key(rid: str):
                left = self._assembly_left(res[rid])
                return (left is None, left if left is not None else 0.0, rid)
            return key
        return lambda rid: (self._display(res[rid], col), rid)

    def _sort_rows(self) -> None:
        if self._sort is None:
            return
        col, order = self._sort
        self.rows.sort(key=self._sort_key(col), reverse=order == Qt.SortOrder.DescendingOrder)

    def _reindex(self) -> None:
        self._row_of = {rid: i for i, rid in enumerate(self.rows)}

    def _replace_rows(self, rows: list[str] | None = None, keep_layout: bool = False) -> None:
        rows = self._filtered() if rows is None else rows
        if keep_layout:
            # Same columns, rows moved in and out: a layout change keeps the view's
            # scroll position and the selection (persistent indexes follow the ids).
            self.layoutAboutToBeChanged.emit()
            old = self.rows
            persistent = self.persistentIndexList()
            self.rows = rows
            self._sort_rows()
            self._reindex()
            for idx in persistent:
                rid = old[idx.row()] if 0 <= idx.row() < len(old) else None
                new_row = self._row_of.get(rid) if rid else None
                self.changePersistentIndex(idx, self.index(new_row, idx.column()) if new_row is not None
                                           else QModelIndex())
            self.layoutChanged.emit()
            return
        self.beginResetModel()
        self.rows = rows
        self._sort_rows()
        self._reindex()
        self.endResetModel()
