"""One case's card: its type and promise, each stage's due time and when it was reached, its paths.

The incident pane embeds it under the timeline and calls `show_incident(incident_id)` on a
selection change and `refresh()` on a tick. Overdue stages are marked; a stage without a clock
says why (the holiday calendar lacks a year). Its buttons are the desk's case actions, live
exactly when the domain's checks pass (`cases.case_action_live`); a press only emits
`sig_action` — the desk's flow asks what the UI action table says and sends through the
controller (undo window included), as for every other action.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.cases import FollowUpProgress, case_action_live, case_clock, follow_ups
from console.domain.commands import check_permitted
from console.domain.rules import Actor, CommandRefused
from console.domain.localtime import clock, duration
from console.domain.model import CASE_STAGES
from console.ui.common import glossary as g, theme
from console.ui.common.i18n import current_lang

_STAMP = "%m-%d %H:%M"
#: the desk's case actions, in the order the card offers them (the field page has the worker's and reporter's)
DESK_ACTIONS = ("cmd.verify", "cmd.approve_extension", "cmd.return", "cmd.suspend", "cmd.resume", "cmd.case_handled")


class CaseCard(QWidget):
    """The case file of the shown incident (hidden when it has none) and the desk's case actions."""

    sig_action = Signal(str, str)
    """A case action pressed: (command type, incident id)."""

    def __init__(self, replica: Replica, actor: Actor | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        #: who the desk acts as (the controller's actor); None: the card only shows
        self.actor = actor
        self.incident: str | None = None
        self.head = QLabel(self)
        self.head.setObjectName("case_head")
        self.head.setWordWrap(True)
        self.stages = QTableWidget(len(CASE_STAGES), 3, self)
        self.stages.setObjectName("case_stages")
        self.stages.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.stages.verticalHeader().hide()
        self.stages.horizontalHeader().setStretchLastSection(True)
        self.stages.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # every stage on screen at once: seven short rows, no scrolling inside the pane's own scroll
        rows = self.stages.verticalHeader().defaultSectionSize()
        self.stages.setFixedHeight(rows * len(CASE_STAGES) + self.stages.horizontalHeader().sizeHint().height() + 4)
        self.paths = QLabel(self)
        self.paths.setObjectName("case_paths")
        self.paths.setWordWrap(True)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.head)
        col.addWidget(self.stages)
        col.addWidget(self.paths)
        #: the follow-up checks (举一反三) sent from the closed case, grid by grid
        self.follow_up = QLabel(self)
        self.follow_up.setObjectName("case_follow_up")
        self.follow_up.setWordWrap(True)
        col.addWidget(self.follow_up)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, code in enumerate(DESK_ACTIONS):
            b = QPushButton(self)
            b.setObjectName(f"case_{code.removeprefix('cmd.')}")
            b.clicked.connect(lambda _c=False, code=code: self.sig_action.emit(code, self.incident or ""))
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[code] = b
        col.addLayout(grid)
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
        self.paths.setVisible(bool(self.paths.text()))
        checks = follow_ups(self.replica.state, inc.id)
        self.follow_up.setVisible(bool(checks))
        self.follow_up.setText("\n".join(self._follow_up(p, lang) for p in checks))
        self._draw_buttons(lang)

    def _draw_buttons(self, lang: str) -> None:
        for code, b in self.buttons.items():
            b.setText(g.case_word("act_" + code.removeprefix("cmd."), lang))
            allowed = self.actor is not None
            if allowed:
                try:
                    check_permitted(self.actor, code)
                except CommandRefused:
                    allowed = False
            b.setVisible(allowed)  # who may never send it sees no button, as the actions bar does
            b.setEnabled(allowed and case_action_live(self.replica.state, code, self.incident, self.actor) is None)

    def _follow_up(self, p: FollowUpProgress, lang: str) -> str:
        """'举一反三 4/6 个网格已回复 · …' and which grids found the same, which are silent."""
        name_of = g.names_in(self.replica.state)
        sep = "、" if g.is_zh(lang) else ", "
        n = len(p.grids) - len(p.unreached)
        parts = [g.case_word("follow_up_progress", lang, answered=len(p.clear) + len(p.found), n=n,
                             clear=len(p.clear), found=len(p.found))]
        for key, grids in (("follow_up_found", p.found), ("follow_up_silent", p.silent),
                           ("follow_up_unreached", p.unreached)):
            if grids:
                parts.append(g.case_word(key, lang, grids=sep.join(name_of(x) for x in grids)))
        if p.done:
            parts.append(g.case_word("follow_up_done", lang))
        return " · ".join(parts)

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
