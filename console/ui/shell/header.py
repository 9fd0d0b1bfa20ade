"""Across the top of the window: the offline banner, and the clock, shift and on-duty commander.

Both are tool bars, so they span the whole window above the docks, not only the
camera wall. The clock shows the hub's time: in an exercise or a review that is
the scenario's time, and it says so. Shifts are not in the domain; their
boundaries are a setting (`shift/boundaries`, default "08:00,20:00": day, night).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QToolBar, QWidget

from console.client.replica import Replica
from console.domain.localtime import clock, local
from console.ui.common import theme
from console.ui.common.i18n import role_label

DEFAULT_SHIFTS = "08:00,20:00"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


class OfflineBar(QToolBar):
    """A full-width banner while the hub link is down (the replica's `link.state`)."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.setObjectName("offline_bar")
        self.setMovable(False)
        self.setFloatable(False)
        self.label = QLabel(self)
        self.label.setObjectName("offline_banner")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.label)
        self._was_online = False
        self.hide()

    def text(self) -> str:
        """The banner's text ('' when hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def refresh(self) -> None:
        """Show or hide after the link state (first connection: no banner until it was online once)."""
        state = self.replica.link.state
        if state == "online":
            self._was_online = True
            self.setVisible(False)
            return
        if not self._was_online and state == "connecting":
            return  # starting up: the status bar says "connecting"
        text = {
            "offline": self.tr("OFFLINE — no link to the hub: what you see may be out of date; "
                               "commands wait and are sent when the link returns"),
            "connecting": self.tr("OFFLINE — reconnecting to the hub…"),
            "resuming": self.tr("Reconnected — catching up with the hub…"),
        }.get(state, state)
        if self.label.text() != text:
            self.label.setText(text)
        self.setVisible(True)


class HeaderBar(QToolBar):
    """Clock (scenario time in drills, marked), shift and the on-duty commander."""

    def __init__(self, replica: Replica, settings: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        #: a wall: "on duty" names the duty commander the hub says it follows (not the wall's account)
        self.follows_commander = False
        self.setObjectName("header_bar")
        self.setMovable(False)
        self.setFloatable(False)
        bounds = str((settings or QSettings()).value("shift/boundaries", DEFAULT_SHIFTS))
        try:
            self.day_start, self.night_start = (_minutes(b) for b in bounds.split(",")[:2])
        except ValueError:
            self.day_start, self.night_start = (_minutes(b) for b in DEFAULT_SHIFTS.split(","))
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("header_clock")
        self.clock_label.setStyleSheet(f"font-weight: bold; color: {theme.FG};")
        self.clock_kind = QLabel(self)
        self.clock_kind.setObjectName("header_clock_kind")
        self.shift_label = QLabel(self)
        self.shift_label.setObjectName("header_shift")
        self.duty_label = QLabel(self)
        self.duty_label.setObjectName("header_duty")
        self.duty_label.setStyleSheet("font-weight: bold;")
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        for w in (self.clock_label, self.clock_kind, self.shift_label):
            self.addWidget(w)
            self.addSeparator()
        self.addWidget(spacer)
        self.addWidget(self.duty_label)
        self.refresh()

    def texts(self) -> tuple[str, str, str, str]:
        """(clock, clock kind, shift, on duty): what the header says."""
        return (self.clock_label.text(), self.clock_kind.text(), self.shift_label.text(), self.duty_label.text())

    def refresh(self) -> None:
        """Move the clock; names follow the link."""
        link = self.replica.link
        now = self.replica.hub_now() if link.clock else None
        self._set(self.clock_label, clock(now))
        size = QApplication.font().pointSizeF() * 1.5  # the clock half again as large as the type, wall or desk
        if abs(self.clock_label.font().pointSizeF() - size) > 0.1:
            font = QFont(self.clock_label.font())
            font.setPointSizeF(size)
            self.clock_label.setFont(font)
        mode = link.mode or "live"
        kind = {"exercise": self.tr("scenario time (exercise)"),
                "review": self.tr("recorded time (review)")}.get(mode, self.tr("local time"))
        colour = theme.MODE_COLORS.get(mode, theme.FG_DIM) if mode != "live" else theme.FG_DIM
        self._set(self.clock_kind, kind)
        self.clock_kind.setStyleSheet(f"color: {colour}; font-weight: bold;" if mode != "live"
                                      else f"color: {theme.FG_DIM};")
        self._set(self.shift_label, self._shift(now))
        if self.follows_commander:  # a wall names the duty commander it follows, not its own account
            told = self.replica.commander
            self._set(self.duty_label, self.tr("On duty: %1").replace("%1", told.name if told else "—"))
            return
        who = link.user or "—"
        role = role_label(link.role) if link.role else ""
        # the wall's account is named after its role: "大屏 (大屏)" said one word twice
        said = f"{who} ({role})" if role and role != who else who
        self._set(self.duty_label, self.tr("On duty: %1").replace("%1", said))

    def _shift(self, now: float | None) -> str:
        if now is None:
            return self.tr("Shift —")
        t = local(now)
        minutes = t.hour * 60 + t.minute
        day = self.day_start <= minutes < self.night_start
        a, b = (self.day_start, self.night_start) if day else (self.night_start, self.day_start)
        span = f"{a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}"
        return (self.tr("Day shift %1") if day else self.tr("Night shift %1")).replace("%1", span)

    @staticmethod
    def _set(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
