"""One case's card: its type and promise, each stage's due time and when it was reached, its paths.

Read-only: the incident pane embeds it under the timeline and calls `show(incident_id)` on a
selection change and `refresh()` on a tick; the case's commands are the UI action table's.
Overdue stages are marked; a stage without a clock says why (the holiday calendar lacks a year).
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.cases import case_clock
from console.domain.localtime import clock, duration
from console.domain.model import CASE_STAGES
from console.ui.common import glossary as g, theme
from console.ui.common.i18n import current_lang

_STAMP = "%m-%d %H:%M"


class CaseCard(QWidget):
    """The case file of the shown incident (hidden when it has none)."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.incident: str | None = None
        self.head = QLabel(self)
        self.head.setObjectName("case_head")
        self.head.setWordWrap(True)
        self.stages = QTableWidget(len(CASE_STAGES), 3, self)
        self.stages.setObjectName("case_stages")
        self.stages.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.paths = QLabel(self)
        self.paths.setObjectName("case_paths")
        self.paths.setWordWrap(True)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.head)
        col.addWidget(self.stages)
        col.addWidget(self.paths)
        self.hide()

    def show_incident(self, incident_id: str | None) -> None:
        """Show this incident's case (None, or an incident without one: the card hides)."""
        self.incident = incident_id
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the replica's state at its hub time."""
        inc = self.replica.state.incidents.get(self.incident or "")
        case = inc.case if inc is not None else None
        self.setVisible(case is not None)
        if case is None:
            return
        lang = current_lang()
        now = self.replica.hub_now()
        ct = self.replica.state.case_types.get(case.type)
        name = case.type if ct is None else (ct.zh if g.is_zh(lang) else ct.en)
        c = case_clock(case, now)
        head = f"{name} · {g.case_promise(case.promise, case.limit, lang)}"
        if c.waiting_for:
            head += " · " + g.case_word("waiting_for", lang, stage=g.case_stage(c.waiting_for, lang))
            if c.left_s is not None:
                head += " · " + g.countdown(c.left_s, lang)
        self.head.setText(head)
        self.stages.setHorizontalHeaderLabels([g.case_word(k, lang) for k in ("stage", "due_at", "reached")])
        self.stages.setVerticalHeaderLabels(["" for _ in CASE_STAGES])
        for row, stage in enumerate(CASE_STAGES):
            due, reached = case.due.get(stage), case.reached.get(stage)
            late = (due is not None and reached > due) if reached is not None else (
                stage == c.waiting_for and c.overdue)
            cells = [g.case_stage(stage, lang), clock(due, _STAMP) if due is not None else (
                     "" if stage == "registered" else g.case_word("no_clock", lang)),
                     clock(reached, _STAMP) if reached is not None else ""]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if late:
                    item.setForeground(QBrush(QColor(theme.COUNTDOWN_RED)))
                self.stages.setItem(row, j, item)
        self.paths.setText(self._paths(case, lang))

    @staticmethod
    def _paths(case, lang: str) -> str:
        parts = []
        if case.calendar_unknown:
            parts.append(g.case_word("calendar_unknown", lang, year=case.calendar_unknown))
        if case.suspended_at is not None:
            parts.append(g.case_word("suspended", lang) + " · " + g.word(g.CASE_REASONS, case.suspend_reason, lang))
        if case.extension is not None:
            parts.append(g.step("extension_requested", lang) + " · " + g.case_word("hours", lang, n=case.extension.hours))
        if case.extended_hours:
            parts.append(g.step("extension_approved", lang) + " · " + g.case_word("hours", lang, n=case.extended_hours))
        if case.returned:
            parts.append(g.step("case_returned", lang) + " · " + g.word(g.CASE_REASONS, case.returned, lang))
        if case.rework:
            parts.append(g.step("case_rejected", lang) + f" × {case.rework}")
        if case.suspended_s:
            parts.append(g.step("case_resumed", lang) + " · " + duration(case.suspended_s))
        return "；".join(parts) if g.is_zh(lang) else "; ".join(parts)
