"""Who to send: the best people for the incident, with their ETA and why, and a Dispatch button each."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox, QHeaderView, QPushButton, QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from console.client.controller import Controller
from console.domain.actions import Action
from console.domain.model import Incident
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.shell.flow import ActionFlow


#: wrapping (wall): the name and ETA columns take at most this share of the list's width each
_WRAP_COLUMN_SHARE = 0.3
#: the item view's text margins, both sides (the style's focus-frame margin + 1, twice, and a little)
_TEXT_MARGINS = 10


class _WrappedRows(QStyledItemDelegate):
    """Row heights for wrapped text: a tree asks its delegate with no column width, so wrapping never grew a row."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        """The default hint, as tall as the text needs at its column's width when the tree wraps."""
        hint = super().sizeHint(option, index)
        text = index.data()
        if not self.tree.wordWrap() or not text:
            return hint
        width = max(1, self.tree.columnWidth(index.column()) - _TEXT_MARGINS)
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 1 << 20), int(Qt.TextFlag.TextWordWrap), str(text))
        return QSize(hint.width(), max(hint.height(), box.height() + 6))


class RecommendationList(QGroupBox):
    """The controller's recommendations for the shown incident, re-ranked at most every 2 s."""

    def __init__(self, controller: Controller, parent: QWidget | None = None, *, flow: ActionFlow | None = None):
        super().__init__(self.tr("Recommended"), parent)
        self.controller = controller
        self.flow = flow or ActionFlow(controller.replica, controller, parent=self)
        self._recs_for: tuple | None = None
        #: the incident the rows are for (a row's Dispatch button sends to it)
        self._incident: str | None = None
        self._recs_at = 0.0
        #: resource ids in the list now (a change to one of them re-ranks at once)
        self.shown: set[str] = set()
        recs_layout = QVBoxLayout(self)
        self.recs = QTreeWidget(self)
        self.recs.setRootIsDecorated(False)
        self.recs.setHeaderLabels([self.tr("Who"), self.tr("ETA"), self.tr("Why"), ""])
        self.recs.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.recs.header().setStretchLastSection(False)
        self.recs.setMinimumHeight(120)
        self.recs.setItemDelegate(_WrappedRows(self.recs))
        recs_layout.addWidget(self.recs)
        #: the wall wraps the reason onto more lines instead of cutting it ("最近的…")
        self.wrapping = False
        self._fit_due = False
        # a fill resizes several columns: the rows are fitted once, after the last
        self.recs.header().sectionResized.connect(lambda *_: self.wrapping and self._fit_soon())

    def set_wrap(self, on: bool) -> None:
        """Wrap each reason onto as many lines as it needs, every row shown whole (wall mode).

        Read across a room the reason is the point ("最近的志愿者, 13 米"); cut to "最近的…" it says
        nothing. The list grows to its rows, so it never scrolls inside the pane.
        """
        self.wrapping = on
        self.recs.setWordWrap(on)
        self.recs.setUniformRowHeights(not on)
        self.recs.setTextElideMode(Qt.TextElideMode.ElideNone if on else Qt.TextElideMode.ElideRight)
        self.recs.setColumnHidden(3, on)  # the Dispatch buttons' column: a wall has none
        self._fit_rows()

    def forget(self) -> None:
        """Another incident is shown: the next fill re-ranks whatever the 2 s throttle says."""
        self._recs_for = None

    def fill(self, inc: Incident, dispatch: Action, visible: bool, force: bool) -> None:
        """List who to send while the incident takes a dispatch, with a Dispatch button where it is live.

        `dispatch` is the incident's dispatch action; a console that may not dispatch at all
        (wall, operator) still sees who would go. `visible` False (wall) shows no buttons.
        """
        now = time.monotonic()
        # People move every tick; ETAs are re-ranked at most every 2 s unless something real changed.
        key = (inc.id, inc.status, len(inc.tasks), dispatch, visible)
        if not force and key == self._recs_for and now - self._recs_at < 2.0:
            return
        self._recs_for, self._recs_at = key, now
        self._incident = inc.id
        self.shown = set()
        if dispatch.for_asker and not dispatch.live:
            self._rows(0)
            return  # the incident takes no dispatch now (closed, escalated away): nobody to send
        can_dispatch = visible and dispatch.live
        lang = current_lang()
        name_of = glossary.names_in(self.controller.replica.state)
        recs = self.controller.recommendations(inc.id)
        # The rows and their buttons are kept and rewritten, not made again: a critical alert's
        # focus filled this list anew each time (a widget per button, 10-40 ms of the GUI thread).
        self._rows(len(recs))
        for i, rec in enumerate(recs):
            item = self.recs.topLevelItem(i)
            for col, text in enumerate((f"{rec.name} · {resource_kind_label(rec.kind)}",
                                        f"{glossary.metres(rec.distance_m, lang)} · {glossary.eta(rec.eta_s, lang)}",
                                        glossary.describe_reason(rec, lang, name_of))):
                if item.text(col) != text:  # each set is a change the tree lays out again
                    item.setText(col, text)
            item.setData(0, Qt.ItemDataRole.UserRole, rec.resource)
            self.shown.add(rec.resource)
            button = self.recs.itemWidget(item, 3)
            if can_dispatch and button is None:
                button = QPushButton(self.tr("Dispatch"), self.recs)
                button.clicked.connect(lambda _=False, it=item: self._on_dispatch_row(it))
                self.recs.setItemWidget(item, 3, button)
            elif not can_dispatch and button is not None:
                self.recs.removeItemWidget(item, 3)
            if button is not None and can_dispatch:
                button.setObjectName(f"dispatch_{rec.resource}")
        self.recs.resizeColumnToContents(0)
        self.recs.resizeColumnToContents(1)
        self.recs.resizeColumnToContents(3)
        if self.wrapping:
            # wall type: name and ETA wrap too rather than leave the reason a sliver
            cap = int(self.recs.viewport().width() * _WRAP_COLUMN_SHARE)
            for col in (0, 1):
                self.recs.setColumnWidth(col, min(self.recs.columnWidth(col), cap))
            self._fit_rows()

    def _fit_soon(self) -> None:
        if not self._fit_due:
            self._fit_due = True
            QTimer.singleShot(0, self._fit_rows)

    def _fit_rows(self) -> None:
        """Row heights for the reason column's width now, and (wrapping) the list as tall as its rows."""
        self._fit_due = False
        self.recs.doItemsLayout()  # a tree keeps row heights from the old column width otherwise
        if not self.wrapping:
            self.recs.setMinimumHeight(120)
            self.recs.setMaximumHeight(16777215)
            return
        rows = sum(self.recs.visualItemRect(self.recs.topLevelItem(i)).height()
                   for i in range(self.recs.topLevelItemCount()))
        frame = 2 * self.recs.frameWidth()
        height = max(120, self.recs.header().height() + rows + frame + 4)
        self.recs.setFixedHeight(height)

    def _rows(self, n: int) -> None:
        """Exactly n rows (new ones blank, in the "available" colour)."""
        while self.recs.topLevelItemCount() > n:
            self.recs.takeTopLevelItem(self.recs.topLevelItemCount() - 1)
        while self.recs.topLevelItemCount() < n:
            item = QTreeWidgetItem(["", "", "", ""])
            item.setForeground(0, theme.color("available"))
            self.recs.addTopLevelItem(item)

    def _on_dispatch_row(self, item: QTreeWidgetItem) -> None:
        resource = item.data(0, Qt.ItemDataRole.UserRole)
        if self._incident is not None and resource:
            self._on_dispatch(self._incident, resource)

    def _on_dispatch(self, incident_id: str, resource: str) -> None:
        self.flow.dispatch(incident_id, resource)
