"""The status bar: link state, latency, sequence, event rate, outbox, GUI stall, alarm-to-screen, user, mode."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from console.client.replica import Replica
from console.ui.common import theme
from console.ui.common.i18n import role_label

#: alarm-to-screen p95 above this is shown red: a tenth of the 10 s alarm-display norm of fire-control rooms
ALARM_WARN_S = 1.0
#: mode badges are bilingual on purpose: an exercise must be unmistakable in either language
MODE_TEXT = {"live": "LIVE 实战", "exercise": "EXERCISE 演练", "review": "REVIEW 回放"}


class ConsoleStatusBar(QStatusBar):
    """Permanent link and session figures; `update_figures()` runs on the UI tick."""

    def __init__(self, replica: Replica, outbox_depth: Callable[[], int] = lambda: 0,
                 stall_ms: Callable[[], float] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.outbox_depth = outbox_depth
        self.stall_ms = stall_ms
        self.link_label = QLabel(self)
        self.rtt_label = QLabel(self)
        self.seq_label = QLabel(self)
        self.rate_label = QLabel(self)
        self.outbox_label = QLabel(self)
        self.stall_label = QLabel(self)
        #: hub commit → alert row painted, p95 of the last hour (console/client/alarm_latency.py)
        self.alarm_label = QLabel(self)
        #: a district console: the slowest town's figure (every town's in the tooltip); hidden elsewhere
        self.towns_label = QLabel(self)
        self.towns_label.hide()
        self.user_label = QLabel(self)
        self.mode_badge = QLabel(self)
        self.mode_badge.setObjectName("badge")
        for w in (self.link_label, self.rtt_label, self.seq_label, self.rate_label, self.outbox_label,
                  self.stall_label, self.alarm_label, self.towns_label, self.user_label, self.mode_badge):
            self.addPermanentWidget(w)
        #: a standing notice said once (no audio device): stays, so it is not missed
        self.standing = QLabel(self)
        self.standing.setObjectName("standing_notice")
        self.standing.setStyleSheet(f"color: {theme.COUNTDOWN_AMBER};")
        self.standing.hide()
        self.insertPermanentWidget(0, self.standing)
        self._last: dict[str, str] = {}
        self.update_figures()

    def set_wall(self, on: bool) -> None:
        """A wall says only online or offline (and the mode): round trip, seq, rates are for desks."""
        for w in (self.rtt_label, self.seq_label, self.rate_label, self.outbox_label, self.stall_label,
                  self.alarm_label, self.user_label):
            w.setVisible(not on)

    def say_once(self, text: str) -> None:
        """A standing notice: shown as a message now and kept as a permanent label."""
        self.standing.setText(text)
        self.standing.show()
        self.showMessage(text, 10_000)

    def update_figures(self) -> None:
        """Redraw the figures (only labels whose text changed are touched)."""
        r = self.replica
        link = r.link
        colour = theme.LINK_COLORS.get(link.state, theme.LINK_OTHER)
        state_text = {"online": self.tr("Online"), "resuming": self.tr("Resuming"),
                      "connecting": self.tr("Connecting"), "offline": self.tr("Offline")}.get(link.state, link.state)
        self._set(self.link_label, f'<span style="color:{colour};">●</span> {state_text}')
        self._set(self.rtt_label, self.tr("RTT %1 ms").replace(
            "%1", f"{link.rtt_ms:.0f}" if link.rtt_ms is not None else "—"))
        self._set(self.seq_label, self.tr("seq %1").replace("%1", str(r.state.seq)))
        self._set(self.rate_label, self.tr("%1 ev/s").replace("%1", f"{r.events_per_second():.0f}"))
        depth = self.outbox_depth()
        self._set(self.outbox_label, self.tr("outbox %1").replace("%1", str(depth)),
                  f"color: {theme.FIGURE_WARN};" if depth else "")
        stall = self.stall_ms() if self.stall_ms is not None else None
        self._set(self.stall_label, self.tr("GUI stall %1").replace(
            "%1", f"{stall:.0f} ms" if stall is not None else "—"),
            f"color: {theme.FIGURE_BAD};" if stall is not None and stall > 200 else "")
        alarm = r.alarm
        p95 = alarm.p95(time.time())
        self._set(self.alarm_label, self.tr("alarm→screen p95 %1").replace(
            "%1", f"{p95:.2f} s" if p95 is not None else "—"),
            f"color: {theme.FIGURE_BAD};" if p95 is not None and p95 > ALARM_WARN_S else "")
        self.alarm_label.setToolTip(self.tr("Hub commit to alert row painted, last hour: %1 alerts, "
                                            "clock error ±%2 ms").replace("%1", str(len(alarm.seconds(time.time()))))
                                    .replace("%2", f"{alarm.clock.error * 1000:.0f}" if alarm.clock.known else "—"))
        self._towns(alarm.towns)
        who = link.user or "—"
        role = role_label(link.role) if link.role else "—"
        # the wall's account is named after its role: "大屏 · 大屏" said one word twice
        self._set(self.user_label, (who if role == who else f"{who} · {role}")
                  + (f" · {link.center}" if link.center else ""))
        mode = link.mode or "live"
        self._set(self.mode_badge, MODE_TEXT.get(mode, mode.upper()),
                  f"background: {theme.MODE_COLORS.get(mode, theme.MODE_OTHER)}; color: white; font-weight: bold;"
                  " padding: 1px 10px; border-radius: 3px;")

    def _towns(self, towns: dict) -> None:
        """Each town's alarm-to-screen figure (its slowest console), as its hub published it."""
        if not towns:
            return
        self.towns_label.show()
        measured = [t for t in towns.values() if t.p95_s is not None]
        worst = max(measured, key=lambda t: t.p95_s, default=None)
        self._set(self.towns_label, self.tr("slowest town %1 p95 %2").replace(
            "%1", worst.center if worst else "—").replace("%2", f"{worst.p95_s:.2f} s" if worst else "—"),
            f"color: {theme.FIGURE_BAD};" if worst and worst.p95_s > ALARM_WARN_S else "")
        lines = [self.tr("%1: p95 %2, p50 %3, %4 alerts on %5 consoles, heard %6 s ago")
                 .replace("%1", t.center).replace("%2", _s(t.p95_s)).replace("%3", _s(t.p50_s))
                 .replace("%4", str(t.alerts)).replace("%5", str(t.consoles)).replace("%6", f"{t.age_s:.0f}")
                 for t in sorted(towns.values(), key=lambda t: t.center)]
        self.towns_label.setToolTip("\n".join([self.tr("Alarm to screen per town (its slowest console):")] + lines))

    def mode_text(self) -> str:
        """The mode badge's text (tests read it)."""
        return self.mode_badge.text()

    def _set(self, label: QLabel, text: str, style: str | None = None) -> None:
        key = str(id(label))
        if self._last.get(key) != text:
            self._last[key] = text
            label.setText(text)
        if style is not None and self._last.get(key + "s") != style:
            self._last[key + "s"] = style
            label.setStyleSheet(style)


def _s(seconds: float | None) -> str:
    return f"{seconds:.2f} s" if seconds is not None else "—"
