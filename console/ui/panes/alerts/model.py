"""The alert queue's table model: an adapter over the replica's incidents.

Rows are incident ids in priority order (open first, then critical > warning >
info, then oldest first). `refresh(changes)` is the only mutator: one UI
tick's new incidents become ONE insert range (appended, then moved into place
with a layout change that keeps persistent indexes, i.e. the selection, on the
same incident). Sorting and filtering are plain Python over cached keys; no
QSortFilterProxyModel on a live table.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from console.client.replica import Replica
from console.domain import attention
from console.domain.attention import Redispatch, needs_redispatch
from console.domain.model import FINAL_STATUSES, HEALTH_KINDS, SETTLED_STATUSES, Incident
from console.domain.sla import incident_sla
from console.domain.state import ChangeSet
from console.domain.cases import case_clock
from console.domain.focus import awaiting_closure
from console.ui.common import glossary, roles, theme
from console.ui.common.i18n import current_lang, kind_label, severity_label, status_label, title_label

_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
#: the response countdown turns amber below this many seconds left
AMBER_BELOW_S = 20.0

#: the role that carries the incident id of a row
INCIDENT_ID_ROLE = roles.USER + 1

_Index = QModelIndex | QPersistentModelIndex
#: the roles `data()` answers
_ANSWERED = frozenset((roles.DISPLAY, roles.FOREGROUND, roles.FONT, roles.ALIGNMENT, roles.BACKGROUND,
                       roles.TOOLTIP, INCIDENT_ID_ROLE))


#: how far a cell's own colour is taken toward white on the selected row
SELECTED_TINT = 0.85


def selected_foreground(colour: QColor) -> QColor:
    """A cell's own text colour as it shows on the selected row: the same hue, pale enough to read.

    Red (#ff4d4f) on the selection's accent blue was unreadable (contrast 1.1:1); taken 85 % of the
    way to white it keeps a hint of its hue and reads at over 3:1 (white itself: 3.7:1).
    """
    c = QColor(colour)
    return QColor(*(round(v + (255 - v) * SELECTED_TINT) for v in (c.red(), c.green(), c.blue())))


def is_open(inc: Incident) -> bool:
    """Still needs the commander: not settled (closed, false alarm, merged or resolved)."""
    return inc.status not in SETTLED_STATUSES


def sort_key(inc: Incident) -> tuple:
    """Queue order: open first, then severity, then age (oldest first), then id."""
    return (0 if is_open(inc) else 1, _SEVERITY_RANK.get(inc.severity, 3), inc.created_at, inc.id)


@dataclass(slots=True)
class QueueFilter:
    """What the queue shows: one kind, status and town (None: all), and closed ones or not."""

    kind: str | None = None
    status: str | None = None
    town: str | None = None
    show_closed: bool = False
    #: incidents a held action (false alarm, close, resolve in its undo window) takes off the queue
    hidden: frozenset[str] = frozenset()

    def accepts(self, inc: Incident) -> bool:
        if inc.id in self.hidden:
            return False
        if not self.show_closed and inc.status in FINAL_STATUSES and inc.status != self.status:
            return False
        if self.kind is not None and inc.kind != self.kind:
            return False
        if self.status is not None and inc.status != self.status:
            return False
        return self.town is None or inc.town == self.town


class AlertQueueModel(QAbstractTableModel):
    """Incidents of the replica as a priority-ordered table with a live response countdown."""

    COL_SEVERITY, COL_COUNTDOWN, COL_KIND, COL_TITLE, COL_TOWN, COL_STATUS = range(6)
    COLUMNS = 6

    def __init__(self, replica: Replica, parent=None):
        super().__init__(parent)
        self._pending_incidents: set[str] = set()
        self.replica = replica
        self.filter = QueueFilter()
        self._rows: list[str] = []
        self._row_of: dict[str, int] = {}
        self._keys: dict[str, tuple] = {}
        #: hub time the countdowns are computed against (one value per tick)
        self._now = replica.hub_now()
        self._bold = QFont()
        self._bold.setBold(True)
        #: each row's cell texts and colours as last made (incident id → (texts, brushes)); made
        #: again after every refresh
        self._cells: dict[str, tuple[list, list]] = {}
        #: rows that flash until acknowledged (the alarm sets them), and the flash's phase
        self.flashing: frozenset[str] = frozenset()
        self.flash_on = False

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet, *, early: bool = False) -> None:
        """Fold one UI tick of changes into the table (coalesced) and advance the countdowns.

        `early`: a new alert's early tick. Only the changed incidents' cells are made again; the
        other rows keep theirs, countdowns included, until the next regular tick (at most half a
        second under load): the row goes to the screen without the whole page's cells made first.
        """
        self._now = self.replica.hub_now()
        pending = {iid for p in self.replica.pending.values() if (iid := getattr(p.body, "incident", None))}
        flipped, self._pending_incidents = pending ^ self._pending_incidents, pending
        if early:
            for iid in changes.incidents | flipped:
                self._cells.pop(iid, None)
        else:
            self._cells.clear()
        for iid in flipped:
            row = self._row_of.get(iid)
            if row is not None:
                cell = self.index(row, self.COL_STATUS)
                self.dataChanged.emit(cell, cell)
        if changes.baseline:
            self.rebuild()
            return
        incidents = self.replica.state.incidents
        inserted: list[str] = []
        removed: list[str] = []
        resort = False
        changed_rows: list[int] = []
        for iid in changes.incidents:
            inc = incidents.get(iid)
            shown = iid in self._row_of
            wanted = inc is not None and self.filter.accepts(inc)
            if wanted and not shown:
                inserted.append(iid)
                self._keys[iid] = sort_key(inc)
            elif shown and not wanted:
                removed.append(iid)
            elif shown:
                key = sort_key(inc)
                if key != self._keys.get(iid):
                    self._keys[iid] = key
                    resort = True
                changed_rows.append(self._row_of[iid])
        if removed:
            self._remove(removed)
            changed_rows = [self._row_of[i] for i in changes.incidents if i in self._row_of]
        if inserted:
            inserted.sort(key=self._keys.__getitem__)
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(inserted) - 1)
            self._rows.extend(inserted)
            for n, iid in enumerate(inserted, start=first):
                self._row_of[iid] = n
            self.endInsertRows()
            if first and self._keys[self._rows[first - 1]] > self._keys[inserted[0]]:
                resort = True
        if resort:
            self._resort()
        elif changed_rows:
            lo, hi = min(changed_rows), max(changed_rows)
            self.dataChanged.emit(self.index(lo, 0), self.index(hi, self.COLUMNS - 1))
        if not early:
            self._tick_countdowns()

    def rebuild(self) -> None:
        """Rebuild every row from the replica (a new baseline or snapshot, or a new filter)."""
        self._now = self.replica.hub_now()
        self._cells.clear()
        self.beginResetModel()
        incs = [i for i in self.replica.state.incidents.values() if self.filter.accepts(i)]
        self._keys = {i.id: sort_key(i) for i in incs}
        self._rows = sorted(self._keys, key=self._keys.__getitem__)
        self._row_of = {iid: n for n, iid in enumerate(self._rows)}
        self.endResetModel()

    def set_filter(self, **kwargs) -> None:
        """Change the filter (kind=, status=, town=, show_closed=) and rebuild."""
        for name, value in kwargs.items():
            setattr(self.filter, name, value)
        self.rebuild()

    def set_flash(self, flashing: frozenset[str], on: bool) -> None:
        """Which rows flash, and whether this half-second is the lit one; repaints only those rows."""
        changed = (flashing | self.flashing) if on != self.flash_on else (flashing ^ self.flashing)
        self.flashing, self.flash_on = flashing, on
        for iid in changed:
            row = self._row_of.get(iid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMNS - 1),
                                      [Qt.ItemDataRole.BackgroundRole])

    def set_hidden(self, hidden: frozenset[str]) -> bool:
        """Take incidents off the queue while a held action waits; True if that changed the rows."""
        if hidden == self.filter.hidden:
            return False
        self.filter.hidden = hidden
        self.rebuild()
        return True

    def incident_at(self, row: int) -> str | None:
        """The incident id shown in a row."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: str) -> int | None:
        """The row that shows an incident, or None if it is filtered out."""
        return self._row_of.get(incident_id)

    def incident_ids(self) -> list[str]:
        """Every shown incident id, in display order."""
        return list(self._rows)

    def redispatch(self, inc: Incident) -> Redispatch | None:
        """The incident's needs-re-dispatch notice at the model's current tick."""
        return needs_redispatch(self.replica.state, inc, self._now)

    def countdown(self, inc: Incident) -> tuple[str, str]:
        """(text, hex colour) of the response-promise cell at the model's current tick.

        A dispatch nobody took (declined, unanswered) does not read as a kept promise:
        the cell says so in red instead of a green tick.
        """
        lang = current_lang()
        if inc.case is not None:  # a case runs on its own working-time clock, not the 60 s one
            clock_ = case_clock(inc.case, self._now)
            if clock_.waiting_for is None or clock_.left_s is None:
                return ("✓" if clock_.waiting_for is None else "—"), theme.COUNTDOWN_MET
            return glossary.countdown(clock_.left_s, lang), (theme.COUNTDOWN_RED if clock_.overdue
                                                             else theme.COUNTDOWN_OK)
        sla = incident_sla(inc, self._now)
        if sla.response_s is not None and self.redispatch(inc) is not None:
            return f"⚠ {glossary.seconds(sla.response_s, lang)}", theme.COUNTDOWN_RED
        if sla.response_s is not None:
            secs = glossary.seconds(sla.response_s, lang)
            if sla.response_breached:
                return f"✗ {secs}", theme.COUNTDOWN_RED
            return f"✓ {secs}", theme.COUNTDOWN_MET
        left = sla.response_left_s if sla.response_left_s is not None else 0.0
        text = glossary.countdown(left, lang)
        if left < 0 or self.redispatch(inc) is not None:
            return text, theme.COUNTDOWN_RED  # nobody took it: the clock runs again, and it is urgent
        return text, theme.COUNTDOWN_AMBER if left < AMBER_BELOW_S else theme.COUNTDOWN_OK

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Severity"), self.tr("Response"), self.tr("Type"), self.tr("Title"),
                self.tr("Town"), self.tr("Status"))[section]

    def data(self, index: _Index, role: int = roles.DISPLAY):
        # role first: the decoration and check state a paint asks of every cell are never answered here
        if role not in _ANSWERED or not index.isValid():
            return None
        iid = self._rows[index.row()]
        if role == INCIDENT_ID_ROLE:
            return iid
        inc = self.replica.state.incidents.get(iid)
        if inc is None:
            return None
        col = index.column()
        if role == roles.DISPLAY or role == roles.FOREGROUND:
            # A paint asks for every cell's text and colour; each row's are made once per refresh
            # (the queue is painted for every new critical alert, and each answer was a countdown,
            # a redispatch check and a label lookup)
            cells = self._cells.get(iid)
            if cells is None:
                cells = self._cells[iid] = ([self._display(c, inc, iid) for c in range(self.COLUMNS)],
                                            [self._foreground(c, inc) for c in range(self.COLUMNS)])
            return cells[0 if role == roles.DISPLAY else 1][col]
        if role == roles.FONT:
            if col in (self.COL_SEVERITY, self.COL_COUNTDOWN) or (inc.status == "new" and col == self.COL_TITLE):
                return self._bold
        elif role == roles.ALIGNMENT:
            if col == self.COL_COUNTDOWN:
                return roles.ALIGN_RIGHT
        elif role == roles.BACKGROUND:
            if self.flash_on and iid in self.flashing:
                return QBrush(QColor(theme.ROW_FLASH))
        elif role == roles.TOOLTIP:
            notice = self.redispatch(inc)
            if notice is not None:
                return glossary.describe_redispatch(notice.declined, notice.unanswered, attention.NO_ANSWER_S,
                                                    current_lang(), glossary.names_in(self.replica.state))
            return f"{inc.id} · {inc.grid}"
        return None

    # ------------------------------------------------------------------ private

    def _display(self, col: int, inc, iid: str):
        """A cell's text."""
        if col == self.COL_SEVERITY:
            return severity_label(inc.severity)
        if col == self.COL_COUNTDOWN:
            return self.countdown(inc)[0]
        if col == self.COL_KIND:
            return kind_label(inc.kind)
        if col == self.COL_TITLE:
            if inc.kind in HEALTH_KINDS and (alert := self.replica.state.alerts.get(inc.alert)) is not None:
                return glossary.alarm_title(inc.title, alert.unit, alert.value, current_lang())
            return title_label(inc)
        if col == self.COL_TOWN:
            town = self.replica.state.org.get(inc.town)
            return town.name if town else inc.town
        if col == self.COL_STATUS:
            if self.redispatch(inc) is not None:
                return f"⚠ {glossary.attention('needs_redispatch', current_lang())}"
            if inc.case is not None and attention.stalled_case(inc, self._now) is not None:
                return f"⚠ {glossary.attention('case_overdue_row', current_lang())}"
            if awaiting_closure(self.replica.state, inc):
                return f"✔ {glossary.attention('awaiting_closure_row', current_lang())}"
            if iid in self._pending_incidents:  # a command made here, not yet confirmed by the hub
                pending = self.tr("Pending")
                return f"⏳ {status_label(inc.status)} · {pending}"
            return status_label(inc.status)
        return None

    def _foreground(self, col: int, inc):
        """A cell's colour (None: the view's)."""
        if col == self.COL_SEVERITY:
            return QBrush(QColor(theme.SEVERITY_COLORS.get(inc.severity, theme.FG)))
        if col == self.COL_COUNTDOWN:
            return QBrush(QColor(self.countdown(inc)[1]))
        if col == self.COL_STATUS:
            if self.redispatch(inc) is not None:
                return QBrush(QColor(theme.COUNTDOWN_RED))
            if inc.case is not None and attention.stalled_case(inc, self._now) is not None:
                return QBrush(QColor(theme.COUNTDOWN_RED))
            if awaiting_closure(self.replica.state, inc):
                return QBrush(QColor(theme.COUNTDOWN_MET))
            return QBrush(QColor(theme.INCIDENT_STATUS_COLORS.get(inc.status, theme.FG)))
        if not is_open(inc):
            return QBrush(QColor(theme.FG_DIM))
        return None

    def _remove(self, ids: list[str]) -> None:
        # Contiguous runs, bottom up, so earlier row numbers stay valid.
        rows = sorted((self._row_of[i] for i in ids), reverse=True)
        runs: list[list[int]] = []
        for r in rows:
            if runs and runs[-1][0] == r + 1:
                runs[-1][0] = r
            else:
                runs.append([r, r])
        for lo, hi in runs:
            self.beginRemoveRows(QModelIndex(), lo, hi)
            del self._rows[lo:hi + 1]
            self.endRemoveRows()
        for iid in ids:
            self._keys.pop(iid, None)
        self._row_of = {iid: n for n, iid in enumerate(self._rows)}

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._rows.sort(key=self._keys.__getitem__)
        self._row_of = {iid: n for n, iid in enumerate(self._rows)}
        persistent = self.persistentIndexList()
        if persistent:
            # The selection follows its incident, not its row number.
            moved = [self.index(self._row_of[old[idx.row()]], idx.column())
                     if 0 <= idx.row() < len(old) else QModelIndex() for idx in persistent]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _tick_countdowns(self) -> None:
        if self._rows:
            col = self.COL_COUNTDOWN
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])
