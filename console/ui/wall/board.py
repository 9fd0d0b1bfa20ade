"""The wall's board, read from across a room: what the wall follows, the day's figures, every countdown.

Three blocks, top to bottom:

- the followed incident (console/ui/wall/follow.py): why it is shown (the duty commander's
  selection, the most urgent, the rotation), its title (wrapped, never cut) and where it is;
- the day's figures from the domain's own functions (console/domain/kpi.py `compute`, the
  case figures' `summarize`): alerts, responses within 60 s, assemblies within 10 min, open
  cases and overdue ones;
- a large countdown for every open critical and warning, most urgent first (the response
  promise while nobody answered, then the assembly promise); the title ends in "…" with the
  whole title in its tooltip when the row is too narrow.

Nothing on it can be clicked: a wall is looked at.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.domain.casefigures import case_rows, summarize
from console.domain.kpi import compute
from console.domain.sla import incident_sla
from console.domain.state import ChangeSet
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.cameras.elided import ElidedLabel
from console.ui.wall.follow import Pick, urgent_incidents

#: countdown rows the board keeps (more than fit are counted on the last line)
MAX_ROWS = 12
#: the figures are recomputed at most this often (seconds of real time); countdowns every tick
FIGURES_EVERY_S = 5.0


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> None:
    """The widget's type `factor` times the application's (the wall's) size, again when the wall's is set."""
    widget.setProperty("wall_scale", factor)
    widget.setProperty("wall_bold", bold)
    _apply_scale(widget, factor, bold)


def _coloured(text: str, colour: str) -> str:
    """Rich text in a colour: a label's own style sheet, set after its wall font, put the font back
    to the one it had when it was made (seen: countdowns at desk size on a 1080 wall)."""
    return f'<span style="color:{colour};">{html.escape(text)}</span>'


def _apply_scale(widget: QWidget, factor: float, bold: bool) -> None:
    from PySide6.QtWidgets import QApplication

    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


class _Figure(QFrame):
    """One of the day's figures: the number large, its caption under it (wrapped, never cut)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("wall_figure")
        self.setStyleSheet(f"#wall_figure {{ background: {theme.BG_ALT}; border-radius: 6px; }}")
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 4, 8, 4)
        col.setSpacing(0)
        self.value = QLabel(self)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _scaled(self.value, 1.6, bold=True)
        self.caption = QLabel(self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {theme.FG_DIM};")
        _scaled(self.caption, 0.75)
        col.addWidget(self.value)
        col.addWidget(self.caption)

    def show_figure(self, value: str, caption: str, colour: str = theme.FG) -> None:
        self.value.setText(_coloured(value, colour))
        self.caption.setText(caption)


class _Countdown(QWidget):
    """One countdown row: the promise's clock (large), what it counts, the incident's title."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QFrame(self)
        self.bar.setFixedWidth(10)
        self.clock = QLabel(self)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        _scaled(self.clock, 1.5, bold=True)
        self.what = QLabel(self)
        self.what.setStyleSheet(f"color: {theme.FG_DIM};")
        _scaled(self.what, 0.75)
        self.title = ElidedLabel(self)
        row.addWidget(self.bar)
        row.addWidget(self.clock)
        row.addWidget(self.what)
        row.addWidget(self.title, 1)

    def show_row(self, clock: str, colour: str, what: str, severity_colour: str, title: str) -> None:
        # every clock as wide as the widest it can read ("overdue 59:59"): the titles line up
        widest = glossary.countdown(-3599.0, current_lang())  # plain: the label's text is rich
        self.clock.setMinimumWidth(self.clock.fontMetrics().horizontalAdvance(widest) + 4)
        self.bar.setStyleSheet(f"background: {severity_colour};")
        self.clock.setText(_coloured(clock, colour))
        self.what.setText(what)
        self.title.setText(title)


class WallBoard(QWidget):
    """The wall's board (see the module): `show_pick` says what the wall follows, `refresh` the rest."""

    def __init__(self, replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("wall_board")
        self.replica = replica
        self.pick = Pick(None, "figures")
        self._figures_at = 0.0
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 4, 8, 4)
        root.setSpacing(6)
        # ---- the followed incident
        self.why = QLabel(self)
        self.why.setObjectName("wall_why")
        self.why.setStyleSheet(f"color: {theme.CAMERA_FOCUSED}; font-weight: bold;")
        self.headline = QLabel(self)
        self.headline.setObjectName("wall_headline")
        self.headline.setWordWrap(True)
        _scaled(self.headline, 1.3, bold=True)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setStyleSheet(f"color: {theme.FG_DIM};")
        for w in (self.why, self.headline, self.where):
            root.addWidget(w)
        # ---- the day's figures
        grid = QGridLayout()
        grid.setSpacing(6)
        self.figures = [_Figure(self) for _ in range(5)]
        for i, f in enumerate(self.figures):
            grid.addWidget(f, 0, i)
        root.addLayout(grid)
        # ---- the countdowns
        self.none_label = QLabel(self)
        self.none_label.setStyleSheet(f"color: {theme.FG_DIM};")
        root.addWidget(self.none_label)
        self.rows = [_Countdown(self) for _ in range(MAX_ROWS)]
        for r in self.rows:
            root.addWidget(r)
            r.hide()
        self.more = QLabel(self)
        self.more.setStyleSheet(f"color: {theme.FG_DIM};")
        root.addWidget(self.more)
        root.addStretch(1)
        self.refresh(ChangeSet(baseline=True))

    # ------------------------------------------------------------------ API

    def set_wall(self, on: bool) -> None:
        """Wall mode set the application's type (large, by the screen's height): the board's sizes follow it."""
        for widget in self.findChildren(QWidget):
            factor = widget.property("wall_scale")
            if factor is not None:
                _apply_scale(widget, float(factor), bool(widget.property("wall_bold")))
        for row in self.rows:
            row.clock.setMinimumWidth(0)

    def show_pick(self, pick: Pick) -> None:
        """What the wall follows now (WallFollow calls this four times a second)."""
        self.pick = pick
        self._show_followed()

    def refresh(self, changes: ChangeSet) -> None:
        """The countdowns every tick; the figures when something changed, at most every FIGURES_EVERY_S."""
        if not self.isVisible():
            return  # built with every window, shown only on a wall: a desk pays nothing for it
        now = self._now()
        if changes.baseline or time.monotonic() - self._figures_at >= FIGURES_EVERY_S:
            self._figures_at = time.monotonic()
            self._show_figures(now)
        self._show_countdowns(now)
        self._show_followed()

    # ------------------------------------------------------------------ private

    def _now(self) -> float:
        r = self.replica
        return r.hub_now() if r.link.clock else r.state.now

    def _show_followed(self) -> None:
        state, lang = self.replica.state, current_lang()
        told = self.replica.commander
        inc = state.incidents.get(self.pick.incident or "")
        why = {"commander": self.tr("Following %1").replace("%1", told.name if told else "—"),
               "urgent": self.tr("Most urgent open alert"),
               "rotation": self.tr("Open incidents in turn"),
               "figures": self.tr("No open incident: the day's figures")}[self.pick.why]
        self._set(self.why, why)
        if inc is None:
            self._set(self.headline, self.tr("Today so far"))
            self._set(self.where, "")
            return
        self._set(self.headline, f"{glossary.severity(inc.severity, lang)} · {inc.title}")
        town = state.org.get(inc.town)
        grid = state.org.get(inc.grid)
        place = " ".join(u.name for u in (town, grid) if u is not None) or inc.grid
        self._set(self.where, f"{glossary.kind(inc.kind, lang)} · {place} · {glossary.status(inc.status, lang)}")

    def _show_figures(self, now: float) -> None:
        state = self.replica.state
        day = compute(state, state.day_start, now) if state.day_start else compute(state, 0.0, now)
        cases = summarize(case_rows(state, now))

        def share(p) -> tuple[str, str]:
            if not p.decided:
                return "—", theme.FG
            colour = theme.COUNTDOWN_MET if p.met == p.decided else theme.FIGURE_WARN
            return f"{p.met}/{p.decided}", colour

        response, assembly = share(day.response), share(day.assembly)
        self.figures[0].show_figure(str(day.alerts), self.tr("Alerts today"))
        self.figures[1].show_figure(response[0], self.tr("Answered within 60 s"), response[1])
        self.figures[2].show_figure(assembly[0], self.tr("Assembled within 10 min"), assembly[1])
        self.figures[3].show_figure(str(cases.open), self.tr("Open cases"))
        self.figures[4].show_figure(str(cases.overdue), self.tr("Overdue cases"),
                                    theme.FIGURE_BAD if cases.overdue else theme.FG)

    def _show_countdowns(self, now: float) -> None:
        state, lang = self.replica.state, current_lang()
        urgent = urgent_incidents(state, self.replica.link.center, now)
        self.none_label.setVisible(not urgent)
        self._set(self.none_label, self.tr("No open critical or warning alert"))
        for row, inc in zip(self.rows, urgent):
            sla = incident_sla(inc, now)
            if sla.response_left_s is not None:
                left, what = sla.response_left_s, self.tr("to answer")
            elif sla.assembly_left_s is not None:
                left, what = sla.assembly_left_s, self.tr("to assemble")
            else:
                left, what = None, glossary.status(inc.status, lang)
            clock = glossary.countdown(left, lang) if left is not None else "✓"
            colour = (theme.COUNTDOWN_MET if left is None else theme.COUNTDOWN_RED if left < 30
                      else theme.COUNTDOWN_AMBER if left < 120 else theme.COUNTDOWN_OK)
            row.show_row(clock, colour, what, theme.SEVERITY_COLORS.get(inc.severity, theme.FG_DIM), inc.title)
            row.show()
        for row in self.rows[len(urgent):]:
            row.hide()
        extra = len(urgent) - len(self.rows)
        self.more.setVisible(extra > 0)
        if extra > 0:
            self._set(self.more, self.tr("%1 more").replace("%1", str(extra)))

    @staticmethod
    def _set(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
