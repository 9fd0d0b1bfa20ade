"""The drill bar: the replay controls of a reviewed recording.

Reads the replica's `drill` status (sent by a review hub) and the hub clock;
acts only through `Controller.drill_control`. Outside review it shows a
one-line hint and its controls are off.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolTip, QWidget,
)

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.domain.localtime import clock
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang

#: the speeds the bar offers
SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)
#: "next alert" lands this long before the alert, so it is seen arriving (hub seconds)
LEAD_S = 3.0
#: a tick this close to the pointer (px) names its alert on hover
HOVER_PX = 6.0


class TimelineStrip(QWidget):
    """A track from the recording's start to its end: alert ticks, the position, click or drag to seek."""

    sig_seek = Signal(float)
    """The user let go of the timeline at this hub time."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.start = 0.0
        self.end = 1.0
        self.position = 0.0
        self.markers: list[tuple[float, str, str]] = []
        #: an alert's words for its tick's tooltip (the bar gives the recording's titles)
        self.describe: Callable[[float, str, str], str] = lambda t, severity, aid: f"{clock(t)} {aid}"
        self._drag: float | None = None
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click or drag to seek; ticks are alerts (red: critical)"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 34)

    # ------------------------------------------------------------------ API

    def set_span(self, start: float, end: float) -> None:
        if (start, end) != (self.start, self.end):
            self.start, self.end = start, max(end, start + 1.0)
            self.update()

    def set_position(self, t: float) -> None:
        if self._drag is None and abs(t - self.position) > 1e-3:
            self.position = t
            self.update()

    def set_markers(self, markers: list[tuple[float, str, str]]) -> None:
        self.markers = list(markers)
        self.update()

    def time_at(self, x: float) -> float:
        """Hub time under pixel column x."""
        track = self._track()
        f = min(max((x - track.left()) / max(track.width(), 1.0), 0.0), 1.0)
        return self.start + f * (self.end - self.start)

    def x_of(self, t: float) -> float:
        track = self._track()
        f = (t - self.start) / (self.end - self.start)
        return track.left() + min(max(f, 0.0), 1.0) * track.width()

    def marker_near(self, x: float) -> tuple[float, str, str] | None:
        """The alert tick nearest pixel column x, if within HOVER_PX."""
        best = min(self.markers, key=lambda m: abs(self.x_of(m[0]) - x), default=None)
        return best if best is not None and abs(self.x_of(best[0]) - x) <= HOVER_PX else None

    # ------------------------------------------------------------------ Qt

    def event(self, event: QEvent) -> bool:  # noqa: A003 - Qt override
        if event.type() == QEvent.Type.ToolTip and self._drag is None:
            mark = self.marker_near(event.position().x() if hasattr(event, "position") else event.pos().x())
            if mark is not None:  # a tick names its alert: when, how severe, what
                QToolTip.showText(event.globalPos(), self.describe(*mark), self)
                return True
        return super().event(event)

    def _track(self) -> QRectF:
        return QRectF(8, 6, max(self.width() - 16, 1), self.height() - 12)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        track = self._track()
        p.fillRect(track, QColor(theme.BG_ALT))
        p.setPen(QPen(QColor(theme.BORDER)))
        p.drawRect(track)
        pos = self._drag if self._drag is not None else self.position
        played = QRectF(track.left(), track.top(), self.x_of(pos) - track.left(), track.height())
        p.fillRect(played, QColor(theme.MODE_COLORS["review"]).darker(180))
        for t, severity, _aid in self.markers:
            x = self.x_of(t)
            p.setPen(QPen(QColor(theme.SEVERITY_COLORS.get(severity, theme.FG_DIM)), 2 if severity == "critical" else 1))
            top = track.top() + (0 if severity == "critical" else track.height() * 0.35)
            p.drawLine(QPointF(x, top), QPointF(x, track.bottom()))
        x = self.x_of(pos)
        p.setPen(QPen(QColor(theme.ON_COLOUR), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            self._drag = self.time_at(event.position().x())
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag is not None:
            self._drag = self.time_at(event.position().x())
            self.setToolTip(clock(self._drag))
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag is not None:
            t, self._drag = self._drag, None
            self.position = t
            self.update()
            self.sig_seek.emit(t)


class DrillBar(QWidget):
    """Play/pause, speed 0.5×–60×, the timeline with alert markers, and seek, for a reviewed recording."""

    sig_control = Signal(str, float)
    """A control was sent to the hub: (action, value)."""

    def __init__(self, replica: Replica, controller: Controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("drillbar")
        self.replica = replica
        self.controller = controller
        self.play_button = QPushButton(self)
        self.play_button.setObjectName("drill_play")
        self.play_button.setFixedWidth(90)
        self.play_button.clicked.connect(self._on_play_clicked)
        self.speed = QComboBox(self)
        self.speed.setObjectName("drill_speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.activated.connect(self._on_speed_chosen)
        self.timeline = TimelineStrip(self)
        self.timeline.describe = self.describe_alert
        self.timeline.sig_seek.connect(self._on_seek)
        self.previous_button = QPushButton("◀", self)
        self.previous_button.setObjectName("drill_previous_alert")
        self.previous_button.setToolTip(self.tr("Back to the previous alert (Ctrl+Left)"))
        self.previous_button.clicked.connect(lambda: self.step_alert(-1))
        self.next_button = QPushButton("▶", self)
        self.next_button.setObjectName("drill_next_alert")
        self.next_button.setToolTip(self.tr("On to the next alert (Ctrl+Right)"))
        self.next_button.clicked.connect(lambda: self.step_alert(1))
        self.position_label = QLabel("—", self)
        self.position_label.setObjectName("drill_position")
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._fix_position_width()
        self.info_label = QLabel(self)
        self.info_label.setObjectName("drill_info")
        self.info_label.setStyleSheet(f"color: {theme.FG_DIM};")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.play_button)
        row.addWidget(self.speed)
        row.addWidget(self.previous_button)
        row.addWidget(self.timeline, 1)
        row.addWidget(self.next_button)
        row.addWidget(self.position_label)
        row.addWidget(self.info_label)
        self._markers_shown = 0
        self._status_seen = None
        self.refresh(ChangeSet())

    # ------------------------------------------------------------------ API

    @property
    def active(self) -> bool:
        """Whether a recording is being reviewed (the bar's controls work)."""
        return self.replica.link.mode == "review" and self.replica.drill is not None

    def refresh(self, changes: ChangeSet) -> None:
        """UI tick: follow the hub's drill status and clock."""
        d = self.replica.drill
        active = self.active
        for w in (self.play_button, self.speed, self.timeline, self.previous_button, self.next_button):
            w.setEnabled(active and self.controller.can_control_drill())
        if d is None:
            self.play_button.setText(self.tr("Play"))
            self.position_label.setText("—")
            self.info_label.setText(self.tr("review mode only") if self.replica.link.mode != "review" else "")
            return
        if len(self.replica.drill_markers) != self._markers_shown:
            self._markers_shown = len(self.replica.drill_markers)
            self.timeline.set_markers(self.replica.drill_markers)
        self.timeline.set_span(d.start, d.end)
        now = min(max(self.replica.hub_now(), d.start), d.end)
        self.timeline.set_position(now)
        self.play_button.setText(self.tr("Pause") if d.playing else self.tr("Play"))
        if d is not self._status_seen:
            self._status_seen = d
            i = self.speed.findData(d.speed)
            if i >= 0 and not self.speed.view().isVisible():
                self.speed.setCurrentIndex(i)
        self.position_label.setText(f"{clock(now)} / {clock(d.end)}")
        # what was recorded, in words; how fast the hub rebuilt the state on a seek is for Diagnostics
        self.info_label.setText(glossary.scenario(d.scenario, current_lang()))
        self.info_label.setToolTip(self.tr("Last jump rebuilt the picture in %1 ms").replace(
            "%1", f"{d.seek_ms:.0f}") if d.seek_ms is not None else "")

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fix_position_width()

    def _fix_position_width(self) -> None:
        """The time label is as wide as its widest text, always: the timeline never shifts as it ticks."""
        fm = self.position_label.fontMetrics()
        self.position_label.setFixedWidth(fm.horizontalAdvance("88:88:88 / 88:88:88") + 16)

    def play_pause(self) -> None:
        self._on_play_clicked()

    def seek_to(self, t: float) -> None:
        self._on_seek(t)

    def set_speed(self, speed: float) -> None:
        self._send("speed", speed)

    def step_alert(self, step: int) -> float | None:
        """Jump to the next (step 1) or previous (-1) alert of the recording, LEAD_S before it arrives.

        Returns the hub time sought (None: no alert that way, or no review).
        """
        d = self.replica.drill
        if d is None or not self.active:
            return None
        now = min(max(self.replica.hub_now(), d.start), d.end)
        times = sorted(t for t, _sev, _aid in self.replica.drill_markers)
        if step > 0:
            later = [t for t in times if t - LEAD_S > now + 0.5]
            target = later[0] if later else None
        else:
            earlier = [t for t in times if t - LEAD_S < now - 0.5]
            target = earlier[-1] if earlier else None
        if target is None:
            return None
        at = max(d.start, target - LEAD_S)
        self._on_seek(at)
        return at

    def describe_alert(self, t: float, severity: str, aid: str) -> str:
        """A tick's tooltip: its time, severity and the alert's title (its id when this state has not seen it)."""
        lang = current_lang()
        alert = self.replica.state.alerts.get(aid)
        what = f"{alert.title} ({aid})" if alert is not None else aid
        return f"{clock(t)} · {glossary.severity(severity, lang)} · {what}"

    # ------------------------------------------------------------------ private

    def _send(self, action: str, value: float | None = None) -> None:
        if not self.controller.drill_control(action, value).refused_here:
            self.sig_control.emit(action, value if value is not None else 0.0)

    def _on_play_clicked(self) -> None:
        d = self.replica.drill
        self._send("pause" if d is not None and d.playing else "play")

    def _on_speed_chosen(self, index: int) -> None:
        self._send("speed", float(self.speed.itemData(index)))

    def _on_seek(self, t: float) -> None:
        self._send("seek", t)
