"""How a camera tile is drawn: the picture, a stale or offline veil, AI boxes, the caption bar, the border.

Kept apart from the tile's state (tile.py): the tile says what it shows, this draws it.
The caption bar changes about once a second but is painted with every frame, so it is
drawn once into an image and reused (its rate is read once a second); the grey of a stale
picture is made once per picture; a live picture from a stream reader is in Qt's RGB32
already and scaled to the tile, so it is blitted as it is (see `_image_rect`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from console.ui.common import theme
from console.ui.common.theme import SEVERITY_COLORS
from console.ui.panes.cameras.stale import greyed, paint_stale, reason_colour

_BG = QColor(theme.VIDEO_BG)
_BAR = QColor(theme.VIDEO_BAR)
_VEIL = QColor(theme.VIDEO_OFFLINE_VEIL)
_FG = QColor(theme.VIDEO_FG)
_DIM = QColor(theme.FG_DIM)
_ONLINE = QColor(theme.CAMERA_ONLINE)
_OFFLINE = QColor(theme.CAMERA_OFFLINE)
_ALERT = QColor(theme.CAMERA_ALERT)
_ALERT_DIM = _ALERT.darker(200)
_SELECTED = QColor(theme.CAMERA_SELECTED)
_FOCUS = QColor(theme.CAMERA_FOCUSED)
_BOX = QColor(theme.DETECTION_BOX)
_BOX_TEXT = QColor(theme.DETECTION_TEXT)
_ON_COLOUR = QColor(theme.ON_COLOUR)
_EDGE = QColor(theme.BORDER)
#: an idle tile's still: a slate bar (not the replay's amber, not live green) and a light veil
_STILL = QColor(theme.STILL_MARK)
_STILL_VEIL = QColor(theme.STILL_VEIL)
#: the border pens by (colour's id, width): made once, not on every paint
_PENS: dict[tuple[int, int], QPen] = {}
_ORIGIN = QPointF(0, 0)


class TilePainter:
    """Paints one tile (the `CameraTile` handed to `paint`; not imported here: the tile imports this);
    keeps its caption bar (and what it was drawn for) and its grey picture."""

    def __init__(self) -> None:
        self._bar: QImage | None = None
        self._bar_key: tuple | None = None
        #: bumped when the tile's type changes (the bar is drawn for one font)
        self._font_gen = 0
        #: (frames per second shown on the bar, time.monotonic() it was read, of which camera): once a second
        self._rate: tuple[float, float, str | None] = (0.0, -1.0, None)
        #: (the picture's cache key, the picture in grey), made once when the tile goes stale
        self._grey: tuple[int, QImage] | None = None
        #: how the last plain live frame was painted (`_keep_plain`), for the next one; None: the whole path
        self._plain: tuple | None = None
        #: frames painted from the kept plan (diagnostics and tests)
        self.plain_paints = 0

    def font_changed(self) -> None:
        """The tile's type changed: draw the caption bar again."""
        self._font_gen += 1
        self._plain = None

    def paint(self, tile, p: QPainter) -> None:
        """Draw the tile: its picture (grey when stale, dimmed when a still), what it says, its bars and border."""
        if self._paint_plain(tile, p):
            return
        self._plain = None
        rect = tile.rect()
        p.fillRect(rect, _BG)
        big = min(tile.width(), tile.height()) >= 160
        p.setFont(tile.caption_font())
        fm = p.fontMetrics()

        target = self._image_rect(tile)
        # a review's recorded picture is shown clean with its time: held, not lost
        stale = tile.live.stale and tile.camera_id is not None and not (tile.recorded and tile.image is not None)
        if tile.image is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, big)
            if stale:
                key = tile.image.cacheKey()
                if self._grey is None or self._grey[0] != key:
                    self._grey = (key, greyed(tile.image))
                p.drawImage(target, self._grey[1])
            else:
                p.drawImage(target, tile.image)
                if tile.still:
                    p.fillRect(target, _STILL_VEIL)  # dimmed: a still beside live tiles must not read as live
        if stale and tile.online:
            if tile.image is None and (tile.stream_state is None or tile.recorded):
                p.setPen(_DIM)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, tile.status_text())
            else:
                paint_stale(p, QRectF(rect), [
                    (tile.live.last_picture_text(), _FG),
                    (tile.status_text(), reason_colour(tile.stream_state or "")),
                    (tile.retry_text(), _DIM)])

        if tile.camera_id and not tile.online:
            p.fillRect(rect, _VEIL)
            p.setPen(_OFFLINE.lighter(150))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("CameraTile", "OFFLINE"))

        if tile.alerting and tile.detections and tile.image is not None:
            # boxes belong to a picture: over "waiting for video" they point at nothing
            self._paint_boxes(tile, p, target, fm.height())

        if tile.camera_id:
            self._paint_overlay(tile, p, fm)
        if tile.replaying:
            self._paint_replay(tile, p, fm)
        elif tile.recorded and (text := tile.recorded_text()):
            self._paint_still(tile, p, fm, text)
        elif tile.still and (text := tile.still_text()):
            self._paint_still(tile, p, fm, text)

        self._paint_border(tile, p)
        if self._plain_look(tile) and (not stale and tile.image is not None):
            self._keep_plain(tile, target, big)

    # A live tile painting its next frame (the wall's common case, 15 times a second a tile) looks
    # as it did a frame ago but for the picture: the margins, the picture, the caption bar and the
    # border, in four or five calls instead of some thirty (each a Python → Qt call on the GUI thread,
    # which sixteen stream readers want the GIL from). Anything else, and once a second for the
    # caption's rate, takes the whole path above, which draws and keeps the plan again.

    @staticmethod
    def _plain_look(tile) -> bool:
        """A live picture and nothing over it but the caption bar and the border."""
        return (tile.online and not tile.alerting and not tile.replaying and not tile.still and not tile.recorded
                and tile.camera_id is not None)

    @staticmethod
    def _plain_key(tile) -> tuple:
        """What the kept plan was drawn for (anything that changes the margins, the bar or the border)."""
        return (tile.camera_id, tile.camera_name, tile.focused, tile.selected, tile.size_px, tile.image_size)

    def _keep_plain(self, tile, target: QRectF, smooth: bool) -> None:
        w, h = tile.size_px
        x0, y0, x1, y1 = target.left(), target.top(), target.right(), target.bottom()
        strips = [r for r in (QRectF(0, 0, w, max(0.0, y0)), QRectF(0, y1, w, max(0.0, h - y1)),
                              QRectF(0, y0, max(0.0, x0), y1 - y0), QRectF(x1, y0, max(0.0, w - x1), y1 - y0))
                  if r.width() > 0 and r.height() > 0]
        pen, border = self._border_of(tile)
        self._plain = (self._plain_key(tile), strips, QRectF(target), smooth, self._bar, pen, border)

    def _paint_plain(self, tile, p: QPainter) -> bool:
        """The next frame of a live tile painted from the kept plan; False: take the whole path."""
        plain = self._plain
        img = tile.image
        if (plain is None or img is None or tile.live.stale or not self._plain_look(tile)
                or plain[0] != self._plain_key(tile) or time.monotonic() - self._rate[1] >= 1.0):
            return False
        _, strips, target, smooth, bar, pen, border = plain
        for r in strips:
            p.fillRect(r, _BG)
        if smooth:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(target, img)
        p.drawImage(_ORIGIN, bar)
        p.setPen(pen)
        p.drawRect(border)
        self.plain_paints += 1
        return True

    def _image_rect(self, tile) -> QRectF:
        """Where the frame goes: scaled to fit, aspect kept, centred."""
        w, h = tile.width(), tile.height()
        img = tile.image
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

    def _paint_boxes(self, tile, p: QPainter, target: QRectF, text_h: int) -> None:
        colour = QColor(SEVERITY_COLORS.get(tile.severity, theme.CAMERA_ALERT))
        pen = QPen(_BOX if tile.severity != "critical" else colour, 2)
        pen.setCosmetic(True)
        for d in tile.detections:
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

    def _paint_overlay(self, tile, p: QPainter, fm) -> None:
        h = fm.height() + 4
        w = tile.width()
        dot_colour = (_ONLINE if tile.online and not tile.live.stale and not tile.still
                      else _STILL if tile.online and tile.still and not tile.live.stale else _OFFLINE)
        now = time.monotonic()
        fps, read_at, of = self._rate
        if now - read_at >= 1.0 or of != tile.camera_id:
            fps = tile.fps()  # a rate over 2 s: read once a second, so the bar is not drawn again for 14↔15
            self._rate = (fps, now, tile.camera_id)
        dpr = tile.devicePixelRatioF()
        # The caption bar changes about once a second (the rate) but is painted with every frame:
        # drawn once into an image and reused, it costs a 1:1 blit instead of text layout per frame.
        key = (tile.camera_id, tile.camera_name, tile.online, tile.still, id(dot_colour), round(fps), fps > 0,
               w, h, tile.height(), self._font_gen, dpr)  # the caption's type follows the height and the font
        if self._bar_key != key or self._bar is None:
            bar = QImage(int(w * dpr), int(h * dpr), QImage.Format.Format_ARGB32_Premultiplied)
            bar.setDevicePixelRatio(dpr)
            bar.fill(Qt.GlobalColor.transparent)
            q = QPainter(bar)
            try:
                q.setFont(p.font())
                q.setRenderHints(p.renderHints())
                self._draw_bar(tile, q, fm, w, h, dot_colour, fps)
            finally:
                q.end()
            self._bar, self._bar_key = bar, key
        p.drawImage(QPointF(0, 0), self._bar)
        if tile.alerting and tile.alert_title:
            bh = h
            p.fillRect(QRectF(0, tile.height() - bh, w, bh),
                       QColor(SEVERITY_COLORS.get(tile.severity, SEVERITY_COLORS["critical"])).darker(130))
            p.setPen(_ON_COLOUR)
            title = fm.elidedText(tile.alert_title, Qt.TextElideMode.ElideRight, int(w - 10))
            p.drawText(QRectF(5, tile.height() - bh, w - 10, bh), Qt.AlignmentFlag.AlignVCenter, title)

    def _draw_bar(self, tile, p: QPainter, fm, w: int, h: int, dot_colour: QColor,
                  fps: float) -> None:
        p.fillRect(QRectF(0, 0, w, h), _BAR)
        # online dot, then "CAM07 name"
        dot = h * 0.45
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dot_colour)
        p.drawEllipse(QPointF(4 + dot / 2, h / 2), dot / 2, dot / 2)
        p.setPen(_FG)
        name, rate = tile.caption(fm)
        p.drawText(QRectF(dot + 10, 0, w, h), Qt.AlignmentFlag.AlignVCenter, name)
        if rate:
            p.setPen(_DIM if fps > 0 else _OFFLINE)
            p.drawText(QRectF(0, 0, w - 5, h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       rate)

    def _paint_replay(self, tile, p: QPainter, fm) -> None:
        h = fm.height() + 4
        text = tile.replay_text()
        w = fm.horizontalAdvance(text) + 12
        y = tile.height() - 2 * h if tile.alerting and tile.alert_title else tile.height() - h
        p.fillRect(QRectF(0, y, w, h), _FOCUS)
        p.setPen(_BOX_TEXT)
        p.drawText(QRectF(6, y, w, h), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_still(self, tile, p: QPainter, fm, text: str) -> None:
        h = fm.height() + 4
        w = fm.horizontalAdvance(text) + 12
        y = tile.height() - 2 * h if tile.alerting and tile.alert_title else tile.height() - h
        p.fillRect(QRectF(0, y, w, h), _STILL)
        p.setPen(_ON_COLOUR)
        p.drawText(QRectF(6, y, w, h), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_border(self, tile, p: QPainter) -> None:
        p.setBrush(Qt.BrushStyle.NoBrush)
        pen, border = self._border_of(tile)
        p.setPen(pen)
        p.drawRect(border)

    @staticmethod
    def _border_of(tile) -> tuple[QPen, QRectF]:
        """The border's pen and rectangle for the tile's state now."""
        if tile.alerting and tile.flash_on:
            colour, width = _ALERT, 5
        elif tile.focused:
            colour, width = _FOCUS, 4
        elif tile.selected:
            colour, width = _SELECTED, 3
        elif tile.alerting:
            colour, width = _ALERT_DIM, 3
        else:
            colour, width = _EDGE, 1
        pen = _PENS.get((id(colour), width))
        if pen is None:
            pen = QPen(colour, width)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            _PENS[(id(colour), width)] = pen
        half = width / 2
        return pen, QRectF(half, half, tile.width() - width, tile.height() - width)
