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

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from console.domain.localtime import clock
from console.domain.model import Detection
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.common.theme import SEVERITY_COLORS
from console.ui.panes.cameras.stale import (
    STALE_AFTER_S, Liveness, greyed, paint_stale, reason_colour, reason_text, retry_text, still_text,
)
from console.video.pool import DecodedFrame

_BG = QColor(theme.VIDEO_BG)
_BAR = QColor(theme.VIDEO_BAR)
_VEIL = QColor(theme.VIDEO_OFFLINE_VEIL)
_FG = QColor(theme.VIDEO_FG)
_DIM = QColor(theme.FG_DIM)
_ONLINE = QColor(theme.CAMERA_ONLINE)
_OFFLINE = QColor(theme.CAMERA_OFFLINE)
_ALERT = QColor(theme.CAMERA_ALERT)
_SELECTED = QColor(theme.CAMERA_SELECTED)
_FOCUS = QColor(theme.CAMERA_FOCUSED)
_BOX = QColor(theme.DETECTION_BOX)
_BOX_TEXT = QColor(theme.DETECTION_TEXT)
_ON_COLOUR = QColor(theme.ON_COLOUR)
_EDGE = QColor(theme.BORDER)
#: an idle tile's still: a slate bar (not the replay's amber, not live green) and a light veil
_STILL = QColor("#57606a")
_STILL_VEIL = QColor(13, 17, 23, 70)

#: caption type on a desk: 7 pt on the smallest tiles up to 11 pt (scaled up with a wall's base type)
_MIN_CAPTION_PT = 7.0
_DESK_CAPTION_PT = 11.0

#: DUTY_CONSOLE_FIRST_FRAME=1 prints "first_frame_painted <epoch seconds>" once, when the
#: first camera frame of the process has been painted (the start-up benchmark reads it)
_report_first_frame = bool(os.environ.get("DUTY_CONSOLE_FIRST_FRAME"))


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
        self._image: QImage | None = None
        #: the stale picture in grey, made once when the tile goes stale
        self._grey: QImage | None = None
        #: when the newest frame came; stale after 2 s without one
        self.live = Liveness()
        #: the stream reader's state code (console.video.status), None for hub-pushed frames
        self.stream_state: str | None = None
        self.stream_attempts = 0
        #: playing back the last 30 s, not live: the tile says so on an amber bar
        self.replaying = False
        #: an idle tile: its pictures are stills taken every few seconds, never shown as live video
        self.still = False
        #: the caption bar drawn once, and what it was drawn for (redrawn when any of it changes)
        self._bar: QImage | None = None
        self._bar_key: tuple | None = None
        self._buffer = None  # the numpy array the QImage points into; must outlive it
        self._shown: deque[float] = deque(maxlen=64)

    # ------------------------------------------------------------------ API

    @property
    def has_picture(self) -> bool:
        """Whether the tile has a frame of its camera to show."""
        return self._image is not None

    def set_camera(self, camera_id: str | None, name: str = "", online: bool = True) -> None:
        """Show another camera (or none); forgets the previous camera's picture."""
        if camera_id != self.camera_id:
            self.camera_id = camera_id
            self._image = None
            self._grey = None
            self._buffer = None
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
        rgb = frame.rgb
        # Wrap, don't copy: the QImage reads the numpy buffer, which we keep alive.
        self._image = QImage(rgb.data, frame.width, frame.height, rgb.strides[0],
                             QImage.Format.Format_RGB888)
        self._buffer = rgb
        self._grey = None
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
        if not self.still or not self.camera_id or self._image is None or self.live.stale:
            return ""
        return still_text(self.live.clock_time)

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
        if self.stream_state is None:
            lang = current_lang()
            return (glossary.video_state("no_signal", lang) if self._image is not None
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
        font = QFont(self.font())
        base = font.pointSizeF() if font.pointSizeF() > 0 else theme.BASE_POINT_SIZE
        cap = _DESK_CAPTION_PT * max(1.0, base / theme.BASE_POINT_SIZE)
        font.setPointSizeF(max(_MIN_CAPTION_PT, min(cap, self.height() / 18)))
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

    def paintEvent(self, event: QPaintEvent) -> None:
        # judged now, not at the wall's last tick: a tile back on screen paints an old picture grey
        if not self.live.stale:
            self.live.check()
        p = QPainter(self)
        try:
            self._paint(p)
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

    # ------------------------------------------------------------------ private

    def _image_rect(self) -> QRectF:
        """Where the frame goes: scaled to fit, aspect kept, centred."""
        w, h = self.width(), self.height()
        img = self._image
        if img is None or img.width() == 0 or img.height() == 0:
            return QRectF(0, 0, w, h)
        scale = min(w / img.width(), h / img.height())
        if 1.0 <= scale < 1.06:
            # The reader scaled the picture to the tile already (a pixel or two smaller, even sizes):
            # draw it pixel for pixel on whole pixels, Qt's unscaled path, 3× cheaper than a resample.
            iw, ih = img.width(), img.height()
            return QRectF((w - iw) // 2, (h - ih) // 2, iw, ih)
        iw, ih = img.width() * scale, img.height() * scale
        return QRectF((w - iw) / 2, (h - ih) / 2, iw, ih)

    def _paint(self, p: QPainter) -> None:
        rect = self.rect()
        p.fillRect(rect, _BG)
        big = min(self.width(), self.height()) >= 160
        p.setFont(self.caption_font())
        fm = p.fontMetrics()

        target = self._image_rect()
        stale = self.live.stale and self.camera_id is not None
        if self._image is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, big)
            if stale:
                if self._grey is None:
                    self._grey = greyed(self._image)
                p.drawImage(target, self._grey)
            else:
                p.drawImage(target, self._image)
                if self.still:
                    p.fillRect(target, _STILL_VEIL)  # dimmed: a still beside live tiles must not read as live
        if stale and self.online:
            if self._image is None and self.stream_state is None:
                p.setPen(_DIM)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.status_text())
            else:
                paint_stale(p, QRectF(rect), [
                    (self.live.last_picture_text(), _FG),
                    (self.status_text(), reason_colour(self.stream_state or "")),
                    (self.retry_text(), _DIM)])

        if self.camera_id and not self.online:
            p.fillRect(rect, _VEIL)
            p.setPen(_OFFLINE.lighter(150))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("OFFLINE"))

        if self.alerting and self.detections and self._image is not None:
            # boxes belong to a picture: over "waiting for video" they point at nothing
            self._paint_boxes(p, target, fm.height())

        if self.camera_id:
            self._paint_overlay(p, fm)
        if self.replaying:
            self._paint_replay(p, fm)
        elif self.still_text():
            self._paint_still(p, fm)

        self._paint_border(p)

    def _paint_boxes(self, p: QPainter, target: QRectF, text_h: int) -> None:
        colour = QColor(SEVERITY_COLORS.get(self.severity, theme.CAMERA_ALERT))
        pen = QPen(_BOX if self.severity != "critical" else colour, 2)
        pen.setCosmetic(True)
        for d in self.detections:
            box = QRectF(target.x() + d.x * target.width(), target.y() + d.y * target.height(),
                         max(2.0, d.w * target.width()), max(2.0, d.h * target.height()))
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(box)
            label = f"{d.label} {d.score:.2f}"
            lw = p.fontMetrics().horizontalAdvance(label) + 6
            ly = box.y() - text_h if box.y() - text_h >= target.y() else box.bottom()
            p.fillRect(QRectF(box.x(), ly, lw, text_h), pen.color())
            p.setPen(_BOX_TEXT)
            p.drawText(QRectF(box.x() + 3, ly, lw, text_h), Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_overlay(self, p: QPainter, fm) -> None:
        h = fm.height() + 4
        w = self.width()
        dot_colour = (_ONLINE if self.online and not self.live.stale and not self.still
                      else _STILL if self.online and self.still and not self.live.stale else _OFFLINE)
        fps = self.fps()
        # The caption bar changes about once a second (the rate) but is painted with every frame:
        # drawn once into an image and reused, it costs a 1:1 blit instead of text layout per frame.
        key = (self.camera_id, self.camera_name, self.online, self.still, dot_colour.rgba(), round(fps), fps > 0,
               w, h, p.font().key(), self.devicePixelRatioF())
        if self._bar_key != key or self._bar is None:
            dpr = self.devicePixelRatioF()
            bar = QImage(int(w * dpr), int(h * dpr), QImage.Format.Format_ARGB32_Premultiplied)
            bar.setDevicePixelRatio(dpr)
            bar.fill(Qt.GlobalColor.transparent)
            q = QPainter(bar)
            try:
                q.setFont(p.font())
                q.setRenderHints(p.renderHints())
                self._draw_bar(q, fm, w, h, dot_colour, fps)
            finally:
                q.end()
            self._bar, self._bar_key = bar, key
        p.drawImage(QPointF(0, 0), self._bar)
        if self.alerting and self.alert_title:
            bh = h
            p.fillRect(QRectF(0, self.height() - bh, w, bh),
                       QColor(SEVERITY_COLORS.get(self.severity, SEVERITY_COLORS["critical"])).darker(130))
            p.setPen(_ON_COLOUR)
            title = fm.elidedText(self.alert_title, Qt.TextElideMode.ElideRight, int(w - 10))
            p.drawText(QRectF(5, self.height() - bh, w - 10, bh), Qt.AlignmentFlag.AlignVCenter, title)

    def _draw_bar(self, p: QPainter, fm, w: int, h: int, dot_colour: QColor, fps: float) -> None:
        p.fillRect(QRectF(0, 0, w, h), _BAR)
        # online dot, then "CAM07 name"
        dot = h * 0.45
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dot_colour)
        p.drawEllipse(QPointF(4 + dot / 2, h / 2), dot / 2, dot / 2)
        p.setPen(_FG)
        name, rate = self.caption(fm)
        p.drawText(QRectF(dot + 10, 0, w, h), Qt.AlignmentFlag.AlignVCenter, name)
        if rate:
            p.setPen(_DIM if fps > 0 else _OFFLINE)
            p.drawText(QRectF(0, 0, w - 5, h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       rate)

    def _paint_replay(self, p: QPainter, fm) -> None:
        h = fm.height() + 4
        text = self.replay_text()
        w = fm.horizontalAdvance(text) + 12
        y = self.height() - 2 * h if self.alerting and self.alert_title else self.height() - h
        p.fillRect(QRectF(0, y, w, h), _FOCUS)
        p.setPen(_BOX_TEXT)
        p.drawText(QRectF(6, y, w, h), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_still(self, p: QPainter, fm) -> None:
        h = fm.height() + 4
        text = self.still_text()
        w = fm.horizontalAdvance(text) + 12
        y = self.height() - 2 * h if self.alerting and self.alert_title else self.height() - h
        p.fillRect(QRectF(0, y, w, h), _STILL)
        p.setPen(_ON_COLOUR)
        p.drawText(QRectF(6, y, w, h), Qt.AlignmentFlag.AlignVCenter, text)

    def contextMenuEvent(self, event) -> None:
        if not self.camera_id:
            return
        menu = QMenu(self)
        act = menu.addAction(self.tr("Play the last 30 s"))
        act.triggered.connect(lambda: self.sig_replay_requested.emit(self.camera_id))
        menu.popup(event.globalPos())

    def _paint_border(self, p: QPainter) -> None:
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self.alerting and self.flash_on:
            colour, width = _ALERT, 5
        elif self.focused:
            colour, width = _FOCUS, 4
        elif self.selected:
            colour, width = _SELECTED, 3
        elif self.alerting:
            colour, width = _ALERT.darker(200), 3
        else:
            colour, width = _EDGE, 1
        pen = QPen(colour, width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        half = width / 2
        p.drawRect(QRectF(half, half, self.width() - width, self.height() - width))
