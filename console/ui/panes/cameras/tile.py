"""One camera tile: the latest decoded frame, name, online state, fps, alert flash and AI boxes.

A tile whose newest frame is older than 2 s is stale (stale.py): the frozen picture
turns grey under its last time and the stream's reason, so it never passes for live.
An idle tile (over the wall's live budget) shows a still refreshed every few seconds,
marked "静帧 07:31:19" on a slate bar, dimmed, with no fps and no green dot.
"""

from __future__ import annotations

import os
import time
from collections import deque

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from console.domain.localtime import clock
from console.domain.model import Detection
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.cameras.paint import TilePainter
from console.ui.panes.cameras.stale import STALE_AFTER_S, Liveness, reason_text, retry_text, still_text
from console.video.pool import DecodedFrame

#: caption type on a desk: 7 pt on the smallest tiles up to 11 pt (scaled up with a wall's base type)
_MIN_CAPTION_PT = 7.0
_DESK_CAPTION_PT = 11.0

#: DUTY_CONSOLE_FIRST_FRAME=1 prints "first_frame_painted <epoch seconds>" once, when the
#: first camera frame of the process has been painted (the start-up benchmark reads it)
_report_first_frame = bool(os.environ.get("DUTY_CONSOLE_FIRST_FRAME"))

_RGB32, _RGB888 = QImage.Format.Format_RGB32, QImage.Format.Format_RGB888


class CameraTile(QWidget):
    """Paints one camera's newest frame; drops a frame that arrives before the last was painted.

    The wall gives the tile decoded frames (`show_frame`) and alert state
    (`set_alert`); the tile never reads the replica or the pool itself.
    """

    sig_clicked = Signal(str)
    """The tile was clicked (camera id)."""

    sig_double_clicked = Signal(str)
    """The tile was double-clicked (camera id): enlarge / restore."""

    sig_replay_requested = Signal(str)
    """The operator asked to play this camera's last 30 s (camera id), from the tile's menu."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(48, 32)
        self.camera_id: str | None = None
        self.camera_name = ""
        self.online = True
        #: set when a frame was handed over and not painted yet
        self.pending = False
        #: frames painted / frames dropped because the previous one was still pending
        self.painted = 0
        self.dropped = 0
        self.frame_number: int | None = None
        self.alerting = False
        self.severity = "critical"
        self.detections: list[Detection] = []
        self.alert_title = ""
        self.flash_on = False
        self.selected = False
        self.focused = False
        #: the newest frame, wrapping its decoded pixels (None: no picture of this camera yet)
        self.image: QImage | None = None
        #: when the newest frame came; stale after 2 s without one
        self.live = Liveness()
        #: the stream reader's state code (console.video.status), None for hub-pushed frames
        self.stream_state: str | None = None
        self.stream_attempts = 0
        #: playing back the last 30 s, not live: the tile says so on an amber bar
        self.replaying = False
        #: an idle tile: its pictures are stills taken every few seconds, never shown as live video
        self.still = False
        #: a reviewed recording's tile: what it shows was recorded (a held frame is not a lost signal)
        self.recorded = False
        #: draws the tile (and keeps its caption bar and grey picture between paints)
        self.painter = TilePainter()
        self._buffer = None  # the numpy array the QImage points into; must outlive it
        #: (width, height) of the picture shown, None without one; and of the tile (kept on resize)
        self.image_size: tuple[int, int] | None = None
        self.size_px: tuple[int, int] = (self.width(), self.height())
        self._shown: deque[float] = deque(maxlen=64)
        #: (height, the caption's font) for the height it was made for; dropped when the font changes
        self._caption_font: tuple[int, QFont] | None = None

    # ------------------------------------------------------------------ API

    @property
    def has_picture(self) -> bool:
        """Whether the tile has a frame of its camera to show."""
        return self.image is not None

    def set_camera(self, camera_id: str | None, name: str = "", online: bool = True) -> None:
        """Show another camera (or none); forgets the previous camera's picture."""
        if camera_id != self.camera_id:
            self.camera_id = camera_id
            self.image = None
            self._buffer = None
            self.image_size = None
            self.live.reset()
            self.stream_state = None
            self.stream_attempts = 0
            self.replaying = False
            self.still = False
            self.live.stale_after = STALE_AFTER_S
            self.pending = False
            self.frame_number = None
            self._shown.clear()
            self.alerting = False
            self.detections = []
            self.alert_title = ""
        self.camera_name = name
        self.online = online
        self.setToolTip(f"{camera_id} {name}" if camera_id else "")
        self.update()

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.update()

    def show_frame(self, frame: DecodedFrame, arrived: float | None = None,
                   on_clock: float | None = None) -> bool:
        """Take a decoded frame; False (and counted) if the last one is still unpainted.

        `arrived` (time.monotonic()) is when the frame reached the console, for a frame
        shown again on a new tile: an old picture must not count as live. Default: now.
        `on_clock` is the frame's time on the console's clock (the header's), when the
        frame carries another (a pulled camera's frames carry this machine's time).
        """
        if self.pending:
            self.dropped += 1
            return False
        pixels = frame.pixels
        # Wrap, don't copy: the QImage reads the numpy buffer, which we keep alive. A stream's
        # pixels are Qt's RGB32 already (video/convert.py): painted without converting.
        self.image = QImage(pixels.data, frame.width, frame.height, pixels.strides[0],
                            _RGB32 if pixels.shape[2] == 4 else _RGB888)
        self._buffer = pixels
        self.image_size = (frame.width, frame.height)
        # the frame's own arrival counts when earlier (a frame that waited while the tile was off screen)
        self.live.frame(frame.ts, frame.arrived if arrived is None else min(arrived, frame.arrived), on_clock)
        self.frame_number = frame.number
        self.pending = True
        self.update()
        return True

    @property
    def stale(self) -> bool:
        """No frame for 2 s (or none yet): the tile shows it is not live."""
        return self.live.stale

    def set_stream(self, state: str | None, attempts: int = 0) -> None:
        """The stream reader's state for this tile's camera (None: frames come from the hub)."""
        if (state, attempts) != (self.stream_state, self.stream_attempts):
            self.stream_state, self.stream_attempts = state, attempts
            if self.live.stale:
                self.update()

    def set_still(self, every_s: float | None) -> None:
        """Show stills taken every `every_s` seconds (an idle tile), or live video again (None).

        A still is stale only when the next one is overdue (twice the interval plus the 2 s rule):
        between stills the picture is old by design, and says so on its bar.
        """
        on = bool(every_s and every_s > 0)
        stale_after = 2 * every_s + STALE_AFTER_S if on else STALE_AFTER_S
        if on != self.still or stale_after != self.live.stale_after:
            self.still = on
            self.live.stale_after = stale_after
            self.update()

    def still_text(self) -> str:
        """"静帧 07:31:19" (Still …) on an idle tile with a picture, "" otherwise."""
        if not self.still or not self.camera_id or self.image is None or self.live.stale:
            return ""
        return still_text(self.live.clock_time)

    def set_recorded(self, on: bool) -> None:
        """A review (True): a frame is the recording's picture at its time, no frame is "not recorded"."""
        if on != self.recorded:
            self.recorded = on
            self.update()

    def recorded_text(self) -> str:
        """"录像 07:31:19" (Recorded …) with the recorded picture's time in a review, "" otherwise."""
        if not self.recorded or not self.camera_id or self.image is None:
            return ""
        t = clock(self.live.clock_time) if self.live.clock_time else "—"
        return glossary.video_words("recorded_at", current_lang(), t=t)

    def set_replay(self, on: bool) -> None:
        """Frames now come from the camera's last 30 s (True) or live again (False)."""
        if on != self.replaying:
            self.replaying = on
            self.update()

    def replay_text(self) -> str:
        """"回放 07:31:02" (Replay …) with the recorded time of the picture shown, "" when live."""
        if not self.replaying:
            return ""
        return self.tr("Replay %1").replace("%1", clock(self.live.clock_time) if self.live.clock_time else "")

    def check_stale(self, now: float | None = None) -> bool:
        """The wall's tick: grey the tile when its frames stopped; True if that changed."""
        changed = self.live.check(now)
        if changed:
            self.update()
        return changed

    def status_text(self) -> str:
        """What the tile says about its video now ("" while live): the reason, for tests and tooltips."""
        if not self.camera_id or not self.live.stale:
            return ""
        if self.recorded:  # a review says what was recorded, never that it waits or lost a signal
            return "" if self.image is not None else glossary.video_words("not_recorded", current_lang())
        if self.stream_state is None:
            lang = current_lang()
            return (glossary.video_state("no_signal", lang) if self.image is not None
                    else glossary.video_words("waiting", lang))
        return reason_text(self.stream_state, self.stream_attempts)

    def retry_text(self) -> str:
        """"Reconnecting (attempt n)" while the stream waits to try again ("" otherwise)."""
        if not self.camera_id or not self.live.stale or self.stream_state is None:
            return ""
        return retry_text(self.stream_state, self.stream_attempts)

    def set_alert(self, alerting: bool, detections: list[Detection] | None = None,
                  severity: str = "critical", title: str = "") -> None:
        """Mark the tile as showing a camera with an open incident (flashes, draws boxes)."""
        dets = list(detections or [])
        if (alerting, dets, severity, title) != (self.alerting, self.detections, self.severity,
                                                   self.alert_title):
            self.alerting = alerting
            self.detections = dets
            self.severity = severity
            self.alert_title = title
            if not alerting:
                self.flash_on = False
            self.update()

    def set_flash(self, on: bool) -> None:
        """The wall's tick toggles the border (only alerting tiles flash)."""
        on = on and self.alerting
        if on != self.flash_on:
            self.flash_on = on
            self.update()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    def set_focused(self, focused: bool) -> None:
        if focused != self.focused:
            self.focused = focused
            self.update()

    def fps(self) -> float:
        """Frames painted per second over the last ~2 s."""
        now = time.monotonic()
        shown = self._shown
        while shown and now - shown[0] > 2.0:
            shown.popleft()
        if len(shown) < 2:
            return 0.0
        span = shown[-1] - shown[0]
        return (len(shown) - 1) / span if span > 0 else 0.0

    def caption_font(self) -> QFont:
        """The caption's type: in proportion to the tile's height, capped by the window's type size.

        The cap grows with the base font, so a wall (whose type wall.py sets from the screen's
        height: 18 pt at 1080 lines, 36 at 2160) gets captions readable across the room,
        while a desk's small tiles keep 7 to 11 pt.
        """
        height = self.height()
        kept = self._caption_font
        if kept is not None and kept[0] == height:
            return kept[1]  # made once per height and font, not on every paint
        font = QFont(self.font())
        base = font.pointSizeF() if font.pointSizeF() > 0 else theme.BASE_POINT_SIZE
        cap = _DESK_CAPTION_PT * max(1.0, base / theme.BASE_POINT_SIZE)
        font.setPointSizeF(max(_MIN_CAPTION_PT, min(cap, height / 18)))
        self._caption_font = (height, font)
        return font

    def caption(self, fm: QFontMetrics | None = None) -> tuple[str, str]:
        """(camera text, rate text) as the caption bar draws them at the tile's width now.

        The camera wins the room: the rate shrinks ("25 fps" → "25") and then goes before
        the name is cut; the name is elided after the whole id, and the id only when it
        alone does not fit. An offline camera's rate is dropped first too (the tile says
        OFFLINE across its middle).
        """
        if not self.camera_id:
            return "", ""
        fm = fm or QFontMetrics(self.caption_font())
        h = fm.height() + 4
        room = self.width() - (h * 0.45 + 10) - 5  # after the online dot, before the right margin
        gap = fm.horizontalAdvance("  ")
        full = f"{self.camera_id}  {self.camera_name}" if self.camera_name else self.camera_id
        rate = self.fps()
        if not self.online:
            rates: tuple[str, ...] = (self.tr("offline"),)
        elif self.still:
            rates = (glossary.video_state("still", current_lang()),)  # a rate would pass a still for video
        else:
            rates = (f"{rate:.0f} fps", f"{rate:.0f}")
        for shown in (*rates, ""):
            need = fm.horizontalAdvance(full) + (fm.horizontalAdvance(shown) + gap if shown else 0)
            if need <= room:
                return full, shown
        id_w = fm.horizontalAdvance(self.camera_id)
        if id_w > room:
            return fm.elidedText(self.camera_id, Qt.TextElideMode.ElideRight, int(room)), ""
        rest = fm.elidedText(self.camera_name, Qt.TextElideMode.ElideRight, int(room - id_w - gap))
        if not rest or rest == "…":
            return self.camera_id, ""
        return f"{self.camera_id}  {rest}", ""

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    # ------------------------------------------------------------------ Qt events

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        size = event.size()
        self.size_px = (size.width(), size.height())
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange:
            self._caption_font = None  # the wall's type changed: the caption follows
            self.painter.font_changed()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        # judged now, not at the wall's last tick: a tile back on screen paints an old picture grey
        if not self.live.stale:
            self.live.check()
        p = QPainter(self)
        try:
            self.painter.paint(self, p)
        finally:
            p.end()
        if self.pending:
            self.pending = False
            self.painted += 1
            self._shown.append(time.monotonic())
            global _report_first_frame
            if _report_first_frame and not self.live.stale:  # a live picture, not a last known one
                _report_first_frame = False
                print(f"first_frame_painted {time.time():.6f}", flush=True)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.camera_id:
            self.sig_clicked.emit(self.camera_id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.camera_id:
            self.sig_double_clicked.emit(self.camera_id)
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        if not self.camera_id:
            return
        menu = QMenu(self)
        act = menu.addAction(self.tr("Play the last 30 s"))
        act.triggered.connect(lambda: self.sig_replay_requested.emit(self.camera_id))
        menu.popup(event.globalPos())
