"""A frozen picture never looks live: when a tile's last frame is too old, and what to say about it.

Every tile keeps a `Liveness`: when its newest frame arrived (monotonic, for
the 2 s rule) and what time the frame itself carries (for "最后画面 07:31:19").
That time is on the console's clock, the one the header shows: a pulled camera's
frame is stamped by this machine, so in an exercise the wall hands the tile the
scenario time it was taken at (07:03, not the machine's 21:09).
The stream's reason code (console/video/status.py) becomes words through the
glossary (VIDEO_STATES, VIDEO_WORDS: one meaning in one place, zh and en).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from console.domain.localtime import clock
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.video import status as st

#: a tile whose newest frame is older than this is stale: greyed, with its last time and a reason
STALE_AFTER_S = 2.0

_STALE_VEIL = QColor(theme.STALE_VEIL)
_STALE_BOX = QColor(theme.STALE_BOX)
#: the operator must act (password, address): red; the stream is wrong (codec, path, bytes): orange
_REASON_COLOURS = {st.AUTH_FAILED: theme.STREAM_ACT, st.BAD_URL: theme.STREAM_ACT,
                   st.CODEC_UNSUPPORTED: theme.STREAM_WRONG, st.NOT_FOUND: theme.STREAM_WRONG,
                   st.UNREADABLE: theme.STREAM_WRONG, st.CONNECTING: theme.STREAM_WAIT}


def reason_text(code: str, attempts: int = 0) -> str:
    """The operator's words for a stream state code (the glossary's VIDEO_STATES, installed language).

    A stream the reader calls playing whose tile got nothing for 2 s reads "No signal":
    the operator sees the same as for a camera that is down.
    """
    if code == st.PLAYING:
        code = st.NO_SIGNAL
    return glossary.video_state(code, current_lang(), attempts)


def reason_colour(code: str) -> QColor:
    """Failures the operator must act on (password, codec) stand out from a camera that is just down."""
    return QColor(_REASON_COLOURS.get(code, theme.VIDEO_FG))


def still_text(frame_time: float | None) -> str:
    """"静帧 07:31:19" (Still …): the picture of an idle tile is one taken then, not video."""
    return glossary.video_words("still_at", current_lang(), t=clock(frame_time) if frame_time else "—")


@dataclass(slots=True)
class Liveness:
    """When a tile last got a frame, and whether that is too long ago (`now` is injectable for tests)."""

    #: time.monotonic() of the newest frame; None: no frame since the tile got its camera
    arrived: float | None = None
    #: the newest frame's own time (epoch seconds, the clock of whoever stamped it)
    frame_time: float | None = None
    #: the same moment on the console's clock (the header's: scenario time in a drill): what "最后画面" shows
    clock_time: float | None = None
    stale: bool = True
    #: seconds without a frame before the tile is stale (an idle tile's still waits longer)
    stale_after: float = STALE_AFTER_S

    def frame(self, frame_time: float, now: float | None = None, on_clock: float | None = None) -> None:
        """A frame arrived: live again. `on_clock`: its time on the console's clock (default: its own)."""
        self.arrived = time.monotonic() if now is None else now
        self.frame_time = frame_time
        self.clock_time = frame_time if on_clock is None else on_clock
        self.stale = False

    def reset(self) -> None:
        """The tile shows another camera: nothing live until its first frame."""
        self.arrived = self.frame_time = self.clock_time = None
        self.stale = True

    def check(self, now: float | None = None) -> bool:
        """Re-evaluate; True if the stale flag changed (the tile must repaint)."""
        now = time.monotonic() if now is None else now
        stale = self.arrived is None or now - self.arrived > self.stale_after
        changed = stale != self.stale
        self.stale = stale
        return changed

    def last_picture_text(self) -> str:
        """"最后画面 07:31:19" (Last picture …), or "" before any frame."""
        if self.clock_time is None:
            return ""
        return glossary.video_words("last_picture", current_lang(), t=clock(self.clock_time))


def greyed(image: QImage) -> QImage:
    """The frozen frame in grey: at a glance it cannot pass for live colour video."""
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def retry_text(code: str, attempts: int) -> str:
    """"Reconnecting (attempt 3)" while a failed stream waits out its backoff; "" when it won't retry."""
    if code not in st.REASONS or code == st.BAD_URL or attempts < 1:
        return ""
    return glossary.video_words("reconnecting", current_lang(), n=attempts + 1)


def paint_stale(p: QPainter, rect: QRectF, lines: list[tuple[str, QColor]]) -> None:
    """Veil the tile and centre the lines (last-picture time, reason, retry) in a dark box."""
    p.fillRect(rect, _STALE_VEIL)
    lines = [(t, c) for t, c in lines if t]
    if not lines:
        return
    fm = p.fontMetrics()
    lh = fm.height() + 2
    box_w = min(rect.width() - 4, max(fm.horizontalAdvance(t) for t, _ in lines) + 16)
    box_h = lh * len(lines) + 8
    box = QRectF(rect.center().x() - box_w / 2, rect.center().y() - box_h / 2, box_w, box_h)
    p.fillRect(box, _STALE_BOX)
    for i, (text, c) in enumerate(lines):
        p.setPen(c)
        p.drawText(QRectF(box.x(), box.y() + 4 + i * lh, box_w, lh), Qt.AlignmentFlag.AlignCenter,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, int(box_w - 4)))
