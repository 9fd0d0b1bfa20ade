"""The roster pane: org tree (town → community → grid) with live counts, and the people table."""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QSplitter,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import HELD_STATUSES, RESOURCE_KINDS, RESOURCE_STATUSES
from console.domain.state import ChangeSet
from console.domain.commands import FIELD_ENROL
from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.ui.common.opaque_table import OpaqueTableView
from console.ui.common.theme import PENDING_COLOR, RESOURCE_STATUS_COLORS
from console.ui.panes.roster.enrol_dialog import EnrolDialog
from console.ui.panes.roster.model import COL, PENDING, RosterFilter, RosterModel, kind_label, status_label
from console.ui.shell.flow import ActionFlow
from console.ui.shell.selection import Selection

#: counts shown in the header and the tree, in this order
COUNTED = ("available", "dispatched", "en_route", "on_scene")
_SLOT = {s: i for i, s in enumerate(COUNTED)}
_ALL = "__all__"


class RosterPane(QWidget):
    """Who is where and doing what; select a person here and every pane follows."""


    sig_filter_changed = Signal()
    """The table's filter changed (search text, kind, status or tree node)."""

    def __init__(self, replica: Replica, controller: Controller, selection: Selection,
                 parent: QWidget | None = None, *, flow: ActionFlow | None = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.selection = selection
        #: the window's action flow (one desk, one undo): a dispatch from here is undone like any other
        self.flow = flow or ActionFlow(replica, controller, parent=self)
        self.model = RosterModel(replica, self)
        #: org id → tree item; org id → grids below it
        self._items: dict[str, QTreeWidgetItem] = {}
        self._grids_under: dict[str, frozenset[str]] = {}
        self._counts: dict[str, list[int]] = {}
        self._last_settle = 0.0
        #: org node → counts; grid → the nodes above it (itself up to the root)
        self._chain: dict[str, list[str]] = {}
        self._slot_of: dict[str, int | None] = {}
        self._syncing = False
        #: (font, how many people) the name column was last fitted to
        self._names_fitted: tuple[str, int] = ("", 0)

        self._build_ui()
        selection.sig_resource.connect(self._on_selected_resource)
        self._load_baseline()

    # ================================================================== API

    def refresh(self, changes: ChangeSet) -> None:
        """One UI tick: repaint changed rows, recount, settle order and countdowns once a second."""
        if changes.baseline:
            self._load_baseline()
            return
        if (self.table.font().key(), len(self.replica.state.resources)) != self._names_fitted:
            self._fit_names()
        changed = self.model.update(changes.resources)
        if changed:
            self._recount(changed)
        if changes.tasks:
            # a task's arrival or end changes the task columns of its person
            state = self.replica.state
            rids = {t.resource for tid in changes.tasks if (t := state.tasks.get(tid))} - changed
            if rids:
                self.model.update(rids)
        now = time.monotonic()
        if now - self._last_settle >= 1.0:
            self._last_settle = now
            self.model.settle()
            self.model.tick_countdowns()

    def deferrable_paints(self) -> list[QWidget]:
        """What may be painted a frame later than a new alert's row (`PaintGate`): the people table,
        9-10 ms a paint under a flood, went to the screen in the same paint as the row."""
        return [self.table.viewport()]

    def set_search(self, text: str) -> None:
        """Filter the table by name, id, unit or skill (what the search box does)."""
        if self.search.text() != text:
            self.search.setText(text)  # textChanged applies it
        else:
            self._apply_filter()

    def visible_resources(self) -> list[str]:
        """Ids of the table's rows, in order."""
        return list(self.model.rows)

    def counts(self, node: str | None = None) -> dict[str, int]:
        """Status → number of people under a tree node (None: everyone, what the header shows)."""
        row = self._counts.get(node or _ALL, [0] * len(COUNTED))
        return dict(zip(COUNTED, row))

    def select_node(self, org_id: str | None) -> None:
        """Filter the table to a town, community or grid (None: everyone)."""
        item = self._items.get(org_id or _ALL)
        if item is not None:
            self.tree.setCurrentItem(item)

    # ================================================================== UI

    def _build_ui(self) -> None:
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, id, unit, skill…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.kind_box = QComboBox(self)
        self.kind_box.addItem(self.tr("All kinds"), None)
        for kind in RESOURCE_KINDS:
            self.kind_box.addItem(kind_label(kind), kind)
        self.kind_box.currentIndexChanged.connect(self._apply_filter)
        self.status_box = QComboBox(self)
        self.status_box.addItem(self.tr("All statuses"), None)
        for status in (*RESOURCE_STATUSES, PENDING):
            self.status_box.addItem(status_label(status), status)
        self.status_box.currentIndexChanged.connect(self._apply_filter)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.kind_box, 1)
        bar.addWidget(self.status_box, 1)

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(1 + len(COUNTED))
        # Count columns are headed by a coloured dot; the header line above names the colours.
        self.tree.setHeaderLabels([self.tr("Area"), *("●" for _ in COUNTED)])
        self.tree.setUniformRowHeights(True)
        self.tree.setRootIsDecorated(True)
        th = self.tree.header()
        th.setStretchLastSection(False)
        th.setMinimumSectionSize(24)
        th.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head = self.tree.headerItem()
        for i, status in enumerate(COUNTED, 1):
            th.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
            head.setForeground(i, QBrush(QColor(RESOURCE_STATUS_COLORS[status])))
            head.setToolTip(i, status_label(status))
            head.setTextAlignment(i, Qt.AlignmentFlag.AlignCenter)
        self.tree.currentItemChanged.connect(lambda *_: self._apply_filter())

        # opaque: its paint may wait a frame behind a new alert's row (deferrable_paints)
        self.table = OpaqueTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        # people held by a task first: that is who the commander is following
        self.table.sortByColumn(COL["status"], Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.tree)
        split.addWidget(self.table)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([330, 870])

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(2)
        root.addWidget(self.header)
        root.addLayout(bar)
        root.addWidget(split, 1)

    # ================================================================== private

    def _load_baseline(self) -> None:
        self._build_tree()
        self.model.reload()
        self._recount()
        widths = {"id": 64, "kind": 90, "unit": 130, "town": 80, "grid": 120, "status": 80, "task": 150,
                  "assembly": 90}
        for name, w in widths.items():
            self.table.setColumnWidth(COL[name], w)
        self._fit_names()

    def _fit_names(self) -> None:
        """The name column wide enough for the longest name ("120急救 1组" was cut to "120急救…" at a
        fixed 70 px), in the font the table draws with (again when that changes: theme, wall, language)."""
        self.table.ensurePolished()
        people = self.replica.state.resources
        self._names_fitted = (self.table.font().key(), len(people))
        names = {r.name for r in people.values()}
        longest = sorted(names, key=len, reverse=True)[:50]  # the widest is among the longest
        metrics = self.table.fontMetrics()
        text = max((metrics.horizontalAdvance(n) for n in longest), default=60)
        self.table.setColumnWidth(COL["name"], min(max(70, text + 16), 240))

    def _build_tree(self) -> None:
        """The org tree, once per baseline: district/towns → communities → grids."""
        state = self.replica.state
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        children: dict[str | None, list] = {}
        for unit in state.org.values():
            children.setdefault(unit.parent, []).append(unit)
        root = QTreeWidgetItem(self.tree, [self.tr("All")])
        root.setData(0, Qt.ItemDataRole.UserRole, _ALL)
        self._items[_ALL] = root
        grids_under: dict[str, set[str]] = {}

        def add(parent_item: QTreeWidgetItem, unit) -> set[str]:
            item = QTreeWidgetItem(parent_item, [unit.name])
            item.setData(0, Qt.ItemDataRole.UserRole, unit.id)
            item.setToolTip(0, unit.id)
            self._items[unit.id] = item
            grids = {unit.id} if unit.level == "grid" else set()
            for child in sorted(children.get(unit.id, []), key=lambda u: u.id):
                grids |= add(item, child)
            grids_under[unit.id] = grids
            return grids

        tops = [u for u in state.org.values() if u.level == "town"] or [
            u for u in state.org.values() if u.parent is None]
        for unit in sorted(tops, key=lambda u: u.id):
            add(root, unit)
        self._grids_under = {k: frozenset(v) for k, v in grids_under.items()}
        chain: dict[str, list[str]] = {}
        for org_id, grids in grids_under.items():
            for g in grids:
                chain.setdefault(g, []).append(org_id)
        self._chain = {g: [*nodes, _ALL] for g, nodes in chain.items()}
        root.setExpanded(True)
        self.tree.setCurrentItem(root)
        self.tree.blockSignals(False)

    def _slot(self, r, pending: set[str]) -> int | None:
        """Which count column a person falls in (None: not counted)."""
        if r.id in pending and r.status not in HELD_STATUSES:
            return _SLOT["dispatched"]  # an unconfirmed dispatch already takes them away
        return _SLOT.get(r.status)

    def _recount(self, changed: set[str] | None = None) -> None:
        """Counts per tree node: all at a baseline, then only the people who changed."""
        state = self.replica.state
        pending = self.replica.pending_resources()
        touched: set[str] = set()
        if changed is None:
            self._counts = {node: [0] * len(COUNTED) for node in self._items}
            self._slot_of = {}
            changed = set(state.resources)
            touched = set(self._items)
        counts = self._counts
        for rid in changed:
            r = state.resources.get(rid)
            new = self._slot(r, pending) if r is not None else None
            old = self._slot_of.get(rid)
            if new == old:
                continue
            self._slot_of[rid] = new
            chain = self._chain.get(r.grid if r is not None else "", (_ALL,))
            for node in chain:
                row = counts.get(node)
                if row is None:
                    continue
                if old is not None:
                    row[old] -= 1
                if new is not None:
                    row[new] += 1
                touched.add(node)
        for node in touched:
            item = self._items.get(node)
            if item is not None:
                for i, v in enumerate(counts[node], 1):
                    item.setText(i, f"{v:,}" if v else "·")
                    item.setTextAlignment(i, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        total = counts.get(_ALL, [0] * len(COUNTED))
        parts = [f"<span style='color:{RESOURCE_STATUS_COLORS[s]}'>● {status_label(s)} "
                 f"<b>{v:,}</b></span>" for s, v in zip(COUNTED, total)]
        if pending:
            parts.append(f"<span style='color:{PENDING_COLOR}'>◌ {status_label(PENDING)} "
                         f"<b>{len(pending):,}</b></span>")
        self.header.setText(" &nbsp;·&nbsp; ".join(parts))

    def _apply_filter(self) -> None:
        item = self.tree.currentItem()
        node = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else _ALL
        flt = RosterFilter(
            text=self.search.text().strip(),
            kind=self.kind_box.currentData(),
            status=self.status_box.currentData(),
            grids=None if node in (None, _ALL) else self._grids_under.get(node, frozenset()),
        )
        if flt == self.model.filter():
            return
        self.model.set_filter(flt)
        self._select_row(self.selection.resource, scroll=False)
        self.sig_filter_changed.emit()

    def _select_row(self, resource_id: str | None, scroll: bool = True) -> None:
        row = self.model.row_of(resource_id) if resource_id else None
        if row is None:
            return
        self._syncing = True
        try:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            if scroll:
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ handlers

    def _on_row_changed(self, current, previous) -> None:
        if self._syncing or not current.isValid():
            return
        rid = self.model.resource_at(current.row())
        if rid:
            self.selection.select_resource(rid)

    def _on_selected_resource(self, resource_id: str) -> None:
        self._select_row(resource_id)

    def _on_context_menu(self, pos) -> None:
        rid = self.model.resource_at(self.table.indexAt(pos).row())
        if rid is None:
            return
        menu = QMenu(self)
        if self.controller.can("cmd.dispatch"):
            inc = self.replica.state.incidents.get(self.selection.incident or "")
            lang = current_lang()
            if inc is None:
                act = menu.addAction(glossary.word(glossary.ROSTER_WORDS, "no_incident", lang))
                act.setEnabled(False)
            else:
                words = glossary.word(glossary.ROSTER_WORDS, "dispatch_here", lang).format(what=inc.title)
                act = menu.addAction(words, lambda: self.dispatch_to_current(rid))
                act.setObjectName("dispatch_here")
        if self.controller.can(FIELD_ENROL):
            menu.addAction(glossary.word(glossary.FIELD_PAGE, "enrol", current_lang()), lambda: self.open_enrol(rid))
        if menu.isEmpty():
            return
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.context_menu = menu  # kept for a look from the tests

    def dispatch_to_current(self, resource_id: str) -> None:
        """Send this person to the incident the commander has selected (the flow asks and refuses in words)."""
        incident = self.selection.incident
        if incident:
            self.flow.dispatch(incident, resource_id)

    def open_enrol(self, resource_id: str) -> EnrolDialog:
        """The QR dialog of a person's field page (a fresh token is asked for as it opens)."""
        dialog = EnrolDialog(self.controller, resource_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
