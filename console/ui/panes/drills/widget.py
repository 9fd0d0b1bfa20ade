"""The drills pane: no-notice drills (演练) scored against 60 s / 10 min, and towns compared.

On a district console it holds every town's drills (the district's log mirrors them), so its
"by town" table is the district's comparison; on a town's console it holds that town's. The
figures are `console.domain.drills`' (the same as the after-action report's drill section,
which renders this HTML), recomputed only when a drill's incident or task changed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.recording.report_drills import drills_section
from console.ui.common import glossary as g
from console.ui.common.i18n import current_lang

_CSS = ("<style>table { border-collapse: collapse; } th, td { border: 1px solid #8b949e; padding: 2px 6px; }"
        " td.num { text-align: right; } td.breach { color: #d1242f; font-weight: bold; }</style>")


class DrillsPane(QWidget):
    """The drill tables in one scrolling view."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.view = QTextBrowser(self)
        self.view.setObjectName("drills_view")
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.view)
        self._drills: set[str] = set()
        self.html = ""
        self._draw()

    def refresh(self, changes: ChangeSet) -> None:
        """Redraw when a drill's incident or task changed (or everything did)."""
        state = self.replica.state
        touched = changes.baseline or any(
            i in self._drills or ((inc := state.incidents.get(i)) is not None and inc.exercise is not None)
            for i in changes.incidents)
        touched = touched or any((t := state.tasks.get(tid)) is not None and t.incident in self._drills
                                 for tid in changes.tasks)
        if touched:
            self._draw()

    def _draw(self) -> None:
        state = self.replica.state
        self._drills = {i for i, inc in state.incidents.items() if inc.exercise is not None}
        words = g.Glossary(current_lang())
        html = drills_section(state, words, towns_first=True) or f"<p>{words.drill_word('none')}</p>"
        if html != self.html:
            self.html = html
            self.view.setHtml(_CSS + html)
