"""The alert queue pane: priority-ordered incidents, filters, a critical sound, keyboard first.

The action keys (Enter dispatches the recommendation, A acknowledges, E
escalates, F marks a false alarm) are the main window's shortcuts
(`console.ui.shell.shortcuts`): they work wherever focus is, not only on this
table. They act on the selected row through the shared `ActionFlow`.
"""

from __future__ import annotations

import math
import struct
import tempfile
import time
import wave
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QStyle, QStyledItemDelegate, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableView,
    QVBoxLayout, QWidget,
)

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.focus import key_target
from console.domain.model import ALERT_KINDS, INCIDENT_STATUSES
from console.domain.state import ChangeSet
from console.ui.common import theme
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, kind_label, status_label, title_label
from console.ui.common.opaque_table import OpaqueTableView
from console.ui.panes.alerts.model import AlertQueueModel, is_open, selected_foreground
from console.ui.shell.flow import ActionFlow
from console.ui.shell.selection import Selection

try:  # QtMultimedia needs libpulse; without it the queue is silent, not broken.
    from PySide6.QtMultimedia import QSoundEffect
except Exception:  # noqa: BLE001 - any import failure means "no sound"
    QSoundEffect = None  # type: ignore[assignment,misc]


def make_alarm_wav(path: Path | None = None) -> Path:
    """Write a short two-tone alarm (16-bit mono WAV) and return its path."""
    if path is None:
        path = Path(tempfile.gettempdir()) / "duty-console-critical.wav"
    rate = 22_050
    frames = bytearray()
    for freq in (988.0, 1319.0, 988.0, 1319.0):
        n = int(rate * 0.12)
        for i in range(n):
            envelope = min(1.0, i / 200, (n - i) / 200)
            sample = int(12_000 * envelope * math.sin(2 * math.pi * freq * i / rate))
            frames += struct.pack("<h", sample)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


class KeepColourDelegate(QStyledItemDelegate):
    """A selected cell keeps its own text colour, paled to read on the selection: an overdue countdown stays red.

    It is the delegate of the selected rows only (`KeptColourRows`): as every cell's delegate it
    was a Python call per cell per paint, and the queue is painted for every new alert.
    """

    COLUMNS = (AlertQueueModel.COL_SEVERITY, AlertQueueModel.COL_COUNTDOWN, AlertQueueModel.COL_STATUS)

    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        if index.column() not in self.COLUMNS:
            return
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if brush is not None and option.state & QStyle.StateFlag.State_Selected:
            option.palette.setColor(QPalette.ColorRole.HighlightedText, selected_foreground(brush.color()))


class KeptColourRows(QObject):
    """Puts the keep-colour delegate on the selected rows of a view; the queue calls `place` after every
    refresh and selection (rows move as alerts come, and it selects rows with its signals blocked)."""

    def __init__(self, view: QTableView):
        super().__init__(view)
        self.view = view
        self.delegate = KeepColourDelegate(view)
        self._rows: set[int] = set()

    def place(self) -> None:
        """The delegate on the rows selected now, off the rows that were."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        if rows == self._rows:
            return
        for row in self._rows - rows:
            self.view.setItemDelegateForRow(row, None)
        for row in rows - self._rows:
            self.view.setItemDelegateForRow(row, self.delegate)
        self._rows = rows


class QueueView(OpaqueTableView):
    """The queue's table (its action keys are window shortcuts, see the module docstring).

    Its viewport is opaque: the early tick's repaint of the rows then paints the rows alone, not
    first the window, the dock and the view beneath them (1 ms of a 4 ms paint, P2).
    """

    #: called after every paint: the console's alarm-to-screen figure counts a row once it is painted
    after_paint: Callable[[], None] | None = None

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.after_paint is not None:
            self.after_paint()


class AlertQueue(QWidget):
    """The alert queue: table, filters, critical sound; selection shared with every pane."""


    sig_critical = Signal(str)
    """A new critical alert arrived (incident id); once per UI tick, the newest one."""

    def __init__(self, replica: Replica, controller: Controller, selection: Selection,
                 parent: QWidget | None = None, *, sound: bool = True, flow: ActionFlow | None = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.selection = selection
        self.flow = flow or ActionFlow(replica, controller, parent=self)
        self.model = AlertQueueModel(replica, self)
        self.view = QueueView(self)
        self.view.setModel(self.model)
        self.view.after_paint = lambda: replica.alarm.painted(lambda iid: self.model.row_of(iid) is not None,
                                                              time.time())
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(AlertQueueModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self._keep_colour = KeptColourRows(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        selection.sig_incident.connect(self._on_selection)

        self.kind_combo = QComboBox(self)
        self.status_combo = QComboBox(self)
        self.town_combo = QComboBox(self)
        self.closed_check = QCheckBox(self.tr("Show closed"), self)
        self.count_label = QLabel(self)
        self._fill_static_filters()
        for combo in (self.kind_combo, self.status_combo, self.town_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.closed_check.toggled.connect(self._on_filter_changed)

        self.filters = QWidget(self)
        filters = QHBoxLayout(self.filters)
        filters.setContentsMargins(0, 0, 0, 0)
        for w in (self.kind_combo, self.status_combo, self.town_combo, self.closed_check):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filters)
        layout.addWidget(self.view, 1)
        self.hint = hint = QLabel(self)
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        hint.setStyleSheet(f"color: {theme.FG_DIM};")
        layout.addWidget(hint)

        self.sound = None
        if sound and QSoundEffect is not None:
            try:
                self.sound = QSoundEffect(self)
                self.sound.setSource(QUrl.fromLocalFile(str(make_alarm_wav())))
                self.sound.setVolume(0.8)
            except Exception:  # noqa: BLE001 - no audio device is not an error for the console
                self.sound = None
        self._towns_known = 0
        self._compact = False
        self._update_count()

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet, *, early: bool = False) -> None:
        """Apply one UI tick of changes: one model update, then sound and focus for criticals.

        `early`: a new alert's early tick, whose changes are only the new alerts' incidents (the
        other rows' countdowns move on the next regular tick)."""
        if changes.baseline or len(self.replica.state.org) != self._towns_known:
            self._fill_towns()
        self._show_hint()
        held = self.flow.desk.held_off_queue()
        rebuilt = self.model.set_hidden(held)
        self.model.refresh(changes, early=early)
        if rebuilt:
            self._keep_selection_visible()
        if changes.events or changes.baseline or rebuilt:
            self._update_count()
            self._keep_selection_visible()
            self._follow_selection_out(held)
        self._show_target()
        self._keep_colour.place()
        critical = self._newest_critical(changes)
        if critical is not None:
            if self.sound is not None:
                self.sound.play()
            self.sig_critical.emit(critical)

    def paint_rows_now(self) -> None:
        """Paint the table's rows at once (a new critical alert's early tick); the rest of the pane later."""
        self.view.viewport().repaint()

    def set_compact(self, compact: bool) -> None:
        """Wall mode: no filters, no key hints, no type and town columns; titles wrap instead of "…"."""
        self._size_columns()
        self._compact = compact
        self.filters.setVisible(not compact)
        self._show_hint()
        for col in (AlertQueueModel.COL_KIND, AlertQueueModel.COL_TOWN):
            self.view.setColumnHidden(col, compact)
        self.view.setWordWrap(compact)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone if compact else Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if compact
                                               else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents if compact else QHeaderView.ResizeMode.Interactive)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_columns()

    def current_incident(self) -> str | None:
        """The incident of the table's current row."""
        idx = self.view.currentIndex()
        return self.model.incident_at(idx.row()) if idx.isValid() else None

    def select_row(self, row: int) -> None:
        """Make a row current (and so the shared selection)."""
        self.view.setCurrentIndex(self.model.index(row, 0))

    def step(self, by: int) -> None:
        """Move the current row by `by` (the window's next/previous keys)."""
        rows = self.model.rowCount()
        if not rows:
            return
        now = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        self.select_row(max(0, min(rows - 1, now + by)))

    def _show_hint(self) -> None:
        """The key hint only where the keys can act: not on a wall, not in review, not for an operator."""
        want = not self._compact and self.controller.can("cmd.dispatch")
        if self.hint.isHidden() == want:
            self.hint.setVisible(want)

    def _show_target(self) -> None:
        """The hint names what the keys act on now (console/domain/focus.py), so Enter never surprises."""
        if self.hint.isHidden():
            return
        target = key_target(self.replica.state, self.selection.incident, self.replica.link.center,
                            self.flow.desk.answering())
        inc = self.replica.state.incidents.get(target.incident) if target else None
        if inc is None:
            text = self.tr("Enter: dispatch recommended · A: acknowledge · E: escalate · "
                           "F: false alarm · Ctrl+Z: undo · F1: all keys")
        elif target.why == "critical":
            text = self.tr("Enter → dispatch to %1 (new critical) · A: acknowledge · F: false alarm · "
                           "P: plan · F1: all keys").replace("%1", title_label(inc))
        else:
            text = self.tr("Enter → dispatch to %1 · A: acknowledge · F: false alarm · P: plan · "
                           "F1: all keys").replace("%1", title_label(inc))
        if self.hint.text() != text:
            self.hint.setText(text)
            self.hint.setStyleSheet(f"color: {theme.COUNTDOWN_RED if target and target.why == 'critical' else theme.FG_DIM};")

    def _follow_selection_out(self, held: frozenset[str]) -> None:
        """When the selected incident leaves the queue (settled, or held for its undo window), the next
        one is selected: a key never acts on an incident nobody can see any more."""
        selected = self.selection.incident
        if selected is None or self.model.row_of(selected) is not None:
            return
        inc = self.replica.state.incidents.get(selected)
        if inc is not None and is_open(inc) and selected not in held:
            return  # still open, only filtered out of view: the commander's choice stands
        if self.model.rowCount():
            self.select_row(0)

    # ------------------------------------------------------------------ handlers

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._keep_colour.place()
        iid = self.model.incident_at(current.row()) if current.isValid() else None
        if iid is not None:
            self.selection.select_incident(iid)

    def _on_selection(self, incident_id: str) -> None:
        row = self.model.row_of(incident_id)
        if row is None or self.current_incident() == incident_id:
            return
        with QSignalBlocker(self.view.selectionModel()):
            self.view.setCurrentIndex(self.model.index(row, 0))
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        self._keep_colour.place()

    def _on_filter_changed(self, *_args) -> None:
        keep = self.current_incident() or self.selection.incident
        self.model.set_filter(kind=self.kind_combo.currentData(), status=self.status_combo.currentData(),
                              town=self.town_combo.currentData(), show_closed=self.closed_check.isChecked())
        if keep is not None and (row := self.model.row_of(keep)) is not None:
            with QSignalBlocker(self.view.selectionModel()):
                self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.selectRow(row)
        self._keep_colour.place()
        self._update_count()

    # ------------------------------------------------------------------ private

    def _size_columns(self) -> None:
        # Widths in "M"s so the wall's large type gets wide enough columns too.
        metrics = self.view.fontMetrics()
        em = metrics.horizontalAdvance("M")
        header = self.view.horizontalHeader()
        head = header.fontMetrics()
        for col, width in ((0, 4.5), (1, 4.5), (2, 7.5), (4, 6.5), (5, 5.5)):
            # never narrower than its own header (English "Severity", "Response" were cut to "everity")
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            header.resizeSection(col, max(int(em * width), head.horizontalAdvance(title) + 24))
        # the response cell's widest text in this language ("✓ 12 秒" was cut to "✓ 11…" in Chinese)
        lang = current_lang()
        widest = max(metrics.horizontalAdvance(t) for t in (
            f"✓ {glossary.seconds(59, lang)}", f"⚠ {glossary.seconds(59, lang)}", glossary.countdown(-599, lang)))
        col = AlertQueueModel.COL_COUNTDOWN
        header.resizeSection(col, max(header.sectionSize(col), widest + 16))
        # kinds and statuses fit their longest word ("Crowd de…", "On sce…" in English), up to 12 M
        for col, labels in ((AlertQueueModel.COL_KIND, [kind_label(k) for k in ALERT_KINDS]),
                            (AlertQueueModel.COL_STATUS, [status_label(s) for s in INCIDENT_STATUSES] + [
                                f"✔ {glossary.attention('awaiting_closure_row', lang)}",
                                f"⚠ {glossary.attention('needs_redispatch', lang)}"])):
            widest = max(metrics.horizontalAdvance(t) for t in labels)
            header.resizeSection(col, max(header.sectionSize(col), min(widest + 16, int(em * 12))))
        self.view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)

    def _fill_static_filters(self) -> None:
        self.kind_combo.addItem(self.tr("All types"), None)
        for kind in ALERT_KINDS:
            self.kind_combo.addItem(kind_label(kind), kind)
        self.status_combo.addItem(self.tr("All statuses"), None)
        for status in INCIDENT_STATUSES:
            self.status_combo.addItem(status_label(status), status)
        self.town_combo.addItem(self.tr("All towns"), None)

    def _fill_towns(self) -> None:
        org = self.replica.state.org
        self._towns_known = len(org)
        current = self.town_combo.currentData()
        with QSignalBlocker(self.town_combo):
            self.town_combo.clear()
            self.town_combo.addItem(self.tr("All towns"), None)
            for unit in sorted((u for u in org.values() if u.level == "town"), key=lambda u: u.id):
                self.town_combo.addItem(unit.name, unit.id)
            idx = self.town_combo.findData(current)
            self.town_combo.setCurrentIndex(max(idx, 0))

    def _update_count(self) -> None:
        incidents = self.replica.state.incidents.values()
        open_n = sum(1 for i in incidents if is_open(i))
        critical = sum(1 for i in incidents if is_open(i) and i.severity == "critical")
        self.count_label.setText(self.tr("%1 open · %2 critical").replace("%1", str(open_n))
                                 .replace("%2", str(critical)))

    def _keep_selection_visible(self) -> None:
        if self.current_incident() is None and self.selection.incident is not None:
            self._on_selection(self.selection.incident)

    def _newest_critical(self, changes: ChangeSet) -> str | None:
        if not changes.new_alerts:
            return None
        new_alerts = set(changes.new_alerts)
        incidents = self.replica.state.incidents
        best = None
        for iid in changes.incidents:
            inc = incidents.get(iid)
            if (inc is not None and inc.alert in new_alerts and inc.severity == "critical"
                    and is_open(inc) and (best is None or inc.created_at >= best.created_at)):
                best = inc
        return best.id if best is not None else None
