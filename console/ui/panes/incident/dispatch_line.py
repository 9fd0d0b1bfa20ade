"""The line at the top of the incident pane: who was sent (role, distance, ETA, status) and Undo.

It sits above the scrolled detail so it is never below the fold. When the
dispatch went wrong (declined, or no answer in time) the same place says
"needs re-dispatch" in red and who declined.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console.client.replica import Replica
from console.domain import attention
from console.domain.attention import Redispatch, needs_redispatch
from console.domain.focus import awaiting_closure
from console.domain.model import TASK_FINAL, Incident
from console.domain.recommend import eta_seconds
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, resource_kind_label, status_label
from console.ui.shell.desk import Desk, DeskEntry


def redispatch_words(state, notice: Redispatch, lang: str) -> str:
    """The re-dispatch notice in words, people by name."""
    return glossary.describe_redispatch(notice.declined, notice.unanswered, attention.NO_ANSWER_S, lang,
                                        glossary.names_in(state))


class DispatchLine(QFrame):
    """Who is on the way to the shown incident, and the undo of the dispatch that sent them."""

    def __init__(self, replica: Replica, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.desk = desk
        self.setObjectName("dispatch_line")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel(self)
        self.label.setObjectName("dispatch_text")
        self.label.setWordWrap(True)
        self.notice = QLabel(self)
        self.notice.setObjectName("attention")
        self.notice.setWordWrap(True)
        self.undo_button = QPushButton(self)
        self.undo_button.setObjectName("dispatch_undo")
        self.undo_button.setProperty("role", "undo")
        self.undo_button.clicked.connect(self._on_undo)
        row.addWidget(self.notice, 1)
        row.addWidget(self.label, 2)
        row.addWidget(self.undo_button)
        self._entry: DeskEntry | None = None
        self._allowed = True
        self.hide()

    def text(self) -> str:
        """What the line says (notice and who), '' when hidden."""
        if self.isHidden():
            return ""
        return " · ".join(t for t in (self.notice.text() if not self.notice.isHidden() else "",
                                      self.label.text() if not self.label.isHidden() else "") if t)

    def fill(self, inc: Incident, allowed: bool = True) -> None:
        """Redraw for the incident at the hub's now (every tick: ETAs move)."""
        self._allowed = allowed
        state = self.replica.state
        lang = current_lang()
        notice = needs_redispatch(state, inc, self.replica.hub_now())
        closing = notice is None and awaiting_closure(state, inc)
        self.notice.setVisible(notice is not None or closing)
        if notice is not None or closing:
            self.notice.setText(redispatch_words(state, notice, lang) if notice is not None
                                else "✔ " + glossary.attention("awaiting_closure", lang))
            name = "attention" if notice is not None else "closure"
            if self.notice.objectName() != name:  # the theme's rule for that name colours it
                self.notice.setObjectName(name)
                self.notice.style().unpolish(self.notice)
                self.notice.style().polish(self.notice)
        tasks = [t for tid in inc.tasks if (t := state.tasks.get(tid)) is not None and t.status not in TASK_FINAL]
        who = ""
        if tasks:
            task = tasks[-1]
            res = state.resources.get(task.resource)
            if res is not None:
                dist, eta = eta_seconds(res, inc.x, inc.y)
                # on the way: how far and how soon; arrived: the status says it all
                where = "" if task.status == "arrived" else \
                    f"{glossary.metres(dist, lang)} · {glossary.eta(eta, lang)} · "
                who = self.tr("Sent: %1 · %2 · %3%4").replace("%1", res.name) \
                    .replace("%2", resource_kind_label(res.kind)).replace("%3", where) \
                    .replace("%4", status_label(task.status))
                if len(tasks) > 1:
                    who += "  " + self.tr("(+%1 more)").replace("%1", str(len(tasks) - 1))
        self.label.setText(who)
        self.label.setVisible(bool(who))
        self._entry = self.desk.entry_for(inc.id)
        entry = self._entry
        show_undo = entry is not None and allowed and entry.state in ("sent", "undoing")
        self.undo_button.setVisible(show_undo)
        if show_undo:
            if entry.state == "undoing":
                self.undo_button.setText(self.tr("Undoing…"))
                self.undo_button.setEnabled(False)
            else:
                self.undo_button.setText(self.tr("Undo (%1 s)").replace("%1", str(max(1, int(entry.left() + 0.999)))))
                self.undo_button.setEnabled(self.desk.controller.can("cmd.cancel_task"))
        self.setVisible(bool(who) or notice is not None or closing or show_undo)

    def _on_undo(self) -> None:
        if self._entry is not None:
            self.desk.undo(self._entry)
