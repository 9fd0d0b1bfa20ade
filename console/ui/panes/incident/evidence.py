"""The incident's pictures: the alert's snapshot and a report's photos as thumbnails, click to enlarge; export.

Pictures come from two places (`console.video.stills`): a URL on the gateway
(an AI camera's snapshot, a grid worker's photos), fetched over HTTP, or a
snapshot this console kept itself from the camera's ring (`EvidenceKeeper`,
for `snap://` alerts and camera alerts that came without an image). Fetching
and decoding happen on two worker threads; the GUI thread only wraps finished
pixels and scales thumbnails. "Export evidence" writes the incident's bundle
(export.py) on a worker and says where it went and that it verified.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from console.client.replica import Replica
from console.domain.model import Alert, Incident
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.incident import export
from console.video import export as bundle, stills
from console.video.evidence import EvidenceKeeper

THUMB_W, THUMB_H = 176, 99
#: pictures decoded for the pane are shrunk to this (the enlarged view fits a screen)
MAX_SIDE = 1920
#: decoded pictures kept (snapshots and photos of the incidents looked at lately)
CACHE_SIZE = 48


def words(code: str, **params: object) -> str:
    """One of the evidence words in the console's language."""
    text = glossary.word(glossary.EVIDENCE_WORDS, code, current_lang())
    return text.format(**params) if params else text


def data_dir(name: str) -> Path:
    """Where the console keeps its own files (XDG data dir; DUTY_CONSOLE_DATA overrides)."""
    base = os.environ.get("DUTY_CONSOLE_DATA") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "duty-console")
    return Path(base) / name


def to_qimage(rgb: np.ndarray) -> QImage:
    """Wrap RGB pixels in a QImage that owns its copy (safe to hand to another thread)."""
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class StillLoader(QObject):
    """Fetches and decodes pictures on worker threads; tells the GUI thread by signal."""

    sig_loaded = Signal(str, QImage)
    """A picture is ready (key, image)."""

    sig_failed = Signal(str, str)
    """A picture could not be had (key, reason)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stills")
        self._cache: dict[str, QImage] = {}
        self._asked: set[str] = set()
        # held while a worker emits: once close() has it, no worker signals this object again
        self._emit_lock = threading.Lock()
        self._closed = False
        self.sig_loaded.connect(self._keep)

    def get(self, key: str) -> QImage | None:
        """A picture already decoded, or None."""
        return self._cache.get(key)

    def load(self, key: str, source: str | Path) -> None:
        """Fetch (URL) or read (a kept file) and decode `source`; `sig_loaded` or `sig_failed` follows once."""
        if key in self._cache or key in self._asked:
            return
        self._asked.add(key)
        self._pool.submit(self._run, key, source)

    def forget(self, key: str) -> None:
        """Let a failed or changed picture be asked again."""
        self._asked.discard(key)
        self._cache.pop(key, None)

    def close(self) -> None:
        """Stop the workers; from its return on none of them signals this object (a fetch in
        progress finishes within its timeout and is dropped)."""
        with self._emit_lock:
            self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, key: str, source: str | Path) -> None:
        try:
            data = Path(source).read_bytes() if isinstance(source, Path) else stills.fetch(source)
            self._emit(self.sig_loaded, key, to_qimage(stills.decode(data, MAX_SIDE)))
        except (stills.StillError, OSError) as exc:
            self._asked.discard(key)  # asked again next time the incident is shown
            self._emit(self.sig_failed, key, str(exc))

    def _emit(self, signal, *args) -> None:
        with self._emit_lock:  # the panel may be deleted on the GUI thread right after close()
            if not self._closed:
                signal.emit(*args)

    def _keep(self, key: str, image: QImage) -> None:
        self._cache[key] = image
        while len(self._cache) > CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))


class Thumbnail(QLabel):
    """One picture, small; a click opens it large."""

    sig_clicked = Signal(str)

    def __init__(self, key: str, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.caption = caption
        self.image: QImage | None = None
        self.setFixedSize(THUMB_W, THUMB_H)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(f"background: {theme.VIDEO_BG}; color: {theme.FG_DIM}; border: 1px solid {theme.BORDER};")
        self.setAccessibleName(caption)

    def set_image(self, image: QImage) -> None:
        """Show the picture, scaled to the thumbnail."""
        self.image = image
        self.setPixmap(QPixmap.fromImage(image).scaled(THUMB_W, THUMB_H, Qt.AspectRatioMode.KeepAspectRatio,
                                                        Qt.TransformationMode.SmoothTransformation))
        self.setToolTip(f"{self.caption} · {words('enlarge')}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_message(self, text: str, tooltip: str = "") -> None:
        """No picture (yet): say why."""
        self.image = None
        self.setPixmap(QPixmap())
        self.setText(text)
        self.setToolTip(tooltip)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.image is not None and event.button() == Qt.MouseButton.LeftButton:
            self.sig_clicked.emit(self.key)
        super().mouseReleaseEvent(event)


class PictureViewer(QDialog):
    """One picture as large as the screen allows; Esc or a click closes it."""

    def __init__(self, image: QImage, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(caption)
        screen = (parent.screen() if parent is not None else None)
        avail = screen.availableGeometry().size() * 0.85 if screen is not None else None
        pix = QPixmap.fromImage(image)
        if avail is not None and (pix.width() > avail.width() or pix.height() > avail.height()):
            pix = pix.scaled(avail, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.picture = QLabel(self)
        self.picture.setPixmap(pix)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col = QVBoxLayout(self)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.picture)
        label = QLabel(caption, self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(label)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self.accept()


class EvidencePanel(QGroupBox):
    """The shown incident's pictures (snapshot first, then photos), detections, and the export button."""

    sig_exported = Signal(str, str)
    """An export finished: (path, "" or the reason it failed)."""

    _sig_kept = Signal(str)  # the keeper wrote an alert's snapshot or clip, or read a clip's span (its worker)

    def __init__(self, replica: Replica, parent: QWidget | None = None, *, frames: object = None,
                 evidence_dir: Path | None = None, export_dir: Path | None = None):
        super().__init__(words("pictures"), parent)
        self.replica = replica
        self.loader = StillLoader(self)
        streams = getattr(frames, "streams", None)
        #: keeps each camera alert's snapshot and clip from this console's rings (None: no pulled video)
        self.keeper: EvidenceKeeper | None = None
        if streams is not None:
            self.keeper = EvidenceKeeper(evidence_dir or data_dir("evidence"), streams.clip,
                                         to_hub=self._to_hub, hub_now=replica.hub_now)
            self.keeper.listeners.append(self._sig_kept.emit)
        self.export_dir = export_dir or data_dir("exports")
        self._export_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-export")
        self.incident: Incident | None = None
        self.thumbs: list[Thumbnail] = []
        self._cells: list[QWidget] = []  # each thumbnail with its caption under it
        self.viewer: PictureViewer | None = None

        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        self.detections = QLabel(self)
        self.detections.setStyleSheet(f"color: {theme.FG_DIM};")
        self.export_button = QPushButton(words("export"), self)
        self.export_button.setObjectName("export_evidence")
        self.export_button.clicked.connect(self.export)
        #: what each kept clip holds around its alert (said exactly when it lacks the 10 s before)
        self.clip_note = QLabel(self)
        self.clip_note.setWordWrap(True)
        self.clip_note.setStyleSheet(f"color: {theme.FG_DIM};")
        self.clip_note.hide()
        self._coverage: dict[str, str] = {}  # alert → the note
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.detections, 1)
        bottom.addWidget(self.export_button)
        col = QVBoxLayout(self)
        col.addLayout(self._row)
        col.addLayout(bottom)
        col.addWidget(self.clip_note)
        col.addWidget(self.status)
        self.status.hide()

        self.loader.sig_loaded.connect(self._on_loaded)
        self.loader.sig_failed.connect(self._on_failed)
        self._sig_kept.connect(self._on_kept)
        self.sig_exported.connect(self._on_exported)

    # ------------------------------------------------------------------ API

    def note_alerts(self, alert_ids: list[str]) -> None:
        """New alerts this tick: keep evidence of those from a camera; start what is due."""
        if self.keeper is None or self.replica.link.mode == "review":
            return  # a review's video is the drill file's (the rings hold now, not then)
        alerts = self.replica.state.alerts
        for aid in alert_ids:
            a = alerts.get(aid)
            if a is not None and a.camera:
                self.keeper.note(a.id, a.camera, a.at)
        self.keeper.poll()

    def fill(self, inc: Incident) -> None:
        """Show this incident's pictures (loading those not decoded yet)."""
        if self.incident is None or inc.id != self.incident.id:
            self.status.hide()
        self.incident = inc
        alerts = export.incident_alerts(self.replica.state, inc)
        slots = []  # (key, caption, source or None, message if no source)
        n_photo = 0
        for a in alerts:
            for ref in stills.still_refs(a.snapshot, a.photo):
                if ref.kind == "photo":
                    n_photo += 1
                caption = words("snapshot") if ref.kind == "snapshot" else f"{words('photo')} {n_photo}"
                if ref.fetchable:
                    slots.append((ref.ref, caption, ref.ref, ""))
                else:
                    slots.append(self._kept_slot(a, caption))
            if not a.snapshot and a.camera:
                slots.append(self._kept_slot(a, words("snapshot")))
        keys = [s[0] for s in slots]
        if keys != [t.key for t in self.thumbs]:
            self.thumbs = []
            for cell in self._cells:
                self._row.removeWidget(cell)
                cell.deleteLater()
            self._cells = []
            for i, (key, caption, _, _) in enumerate(slots):
                cell = QWidget(self)
                t = Thumbnail(key, caption, cell)
                t.sig_clicked.connect(self.enlarge)
                under = QLabel(caption, cell)
                under.setAlignment(Qt.AlignmentFlag.AlignCenter)
                under.setStyleSheet(f"color: {theme.FG_DIM};")
                stack = QVBoxLayout(cell)
                stack.setContentsMargins(0, 0, 0, 0)
                stack.setSpacing(2)
                stack.addWidget(t)
                stack.addWidget(under)
                self._row.insertWidget(i, cell)
                self._cells.append(cell)
                self.thumbs.append(t)
        for t, (key, _, source, message) in zip(self.thumbs, slots):
            image = self.loader.get(key)
            if image is not None:
                if t.image is not image:
                    t.set_image(image)
            elif source is None:
                t.set_message(message)
            else:
                if t.image is None and not t.text().endswith(words("not_loaded")):
                    t.set_message(words("loading"))
                self.loader.load(key, source)
        if not slots:
            self._show_none()
        notes = [n for a in alerts if a.camera and (n := self._clip_coverage(a))]
        self.clip_note.setText("\n".join(notes))
        self.clip_note.setVisible(bool(notes))
        main = self.replica.state.alerts.get(inc.alert)
        boxes = ", ".join(f"{d.label} {d.score:.0%}" for d in main.detections) if main is not None else ""
        self.detections.setText(boxes)

    def enlarge(self, key: str) -> None:
        """Open one picture large (non-modal: the pane stays live behind it)."""
        thumb = next((t for t in self.thumbs if t.key == key), None)
        if thumb is None or thumb.image is None:
            return
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = PictureViewer(thumb.image, thumb.caption, self.window())
        self.viewer.show()

    def export(self) -> None:
        """Write the shown incident's evidence bundle (a zip under export_dir) on a worker thread."""
        inc = self.incident
        if inc is None:
            return
        lang = current_lang()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = self.export_dir / f"{inc.id}-{stamp}.zip"
        # the state is read here, on the GUI thread; the worker gets plain data
        job = export.prepare(self.replica.state, inc, lang, keeper=self.keeper)
        self.export_button.setEnabled(False)
        self.status.setText(words("exporting"))
        self.status.show()
        self._export_pool.submit(self._run_export, job, dest)

    def close_workers(self) -> None:
        """Stop the loader, the exporter and the keeper (an export or a clip being written is
        finished first); after this no worker thread signals the panel. Safe to call twice."""
        self.loader.close()
        self._export_pool.shutdown(wait=True)
        if self.keeper is not None:
            self.keeper.close()

    # ------------------------------------------------------------------ private

    def _to_hub(self, wall: float) -> float:
        link = self.replica.link
        if link.clock_wall == 0.0:
            return wall
        return link.clock + (wall - link.clock_wall) * link.clock_rate

    def _kept_slot(self, a: Alert, caption: str) -> tuple[str, str, Path | None, str]:
        key = f"kept:{a.id}"
        path = self.keeper.snapshot_path(a.id) if self.keeper is not None else None
        if path is not None:
            return key, caption, path, ""
        if self.replica.link.mode == "review":  # no camera to keep from: say so, never "keeping…"
            return key, caption, None, words("review_keeps_none")
        waiting = self.keeper is not None and a.camera and self.replica.hub_now() < a.at + 30.0
        return key, caption, None, words("keeping") if waiting else words("no_picture")

    def _clip_coverage(self, a: Alert) -> str:
        """"Clip: what it covers" for an alert whose clip this console kept ("" while none is)."""
        if a.id in self._coverage:
            return self._coverage[a.id]
        span = self.keeper.clip_span(a.id) if self.keeper is not None else None
        if span is None:  # none kept, or not read yet: the keeper's worker tells `_on_kept` when it is
            return ""
        first, last = span
        page = export.page_words(current_lang())
        self._coverage[a.id] = note = f"{words('clip')}: {bundle.coverage_text(first, last, a.at, page)}"
        return note

    def _show_none(self) -> None:
        self.detections.setText(words("no_picture"))

    def _on_loaded(self, key: str, image: QImage) -> None:
        for t in self.thumbs:
            if t.key == key:
                t.set_image(image)

    def _on_failed(self, key: str, reason: str) -> None:
        for t in self.thumbs:
            if t.key == key:
                t.set_message(words("not_loaded"), reason)

    def _on_kept(self, alert: str) -> None:
        self.loader.forget(f"kept:{alert}")
        if self.incident is not None:
            inc = self.replica.state.incidents.get(self.incident.id)
            if inc is not None and any(a.id == alert for a in export.incident_alerts(self.replica.state, inc)):
                self.fill(inc)

    def _run_export(self, job: bundle.ExportJob, dest: Path) -> None:
        try:
            path = bundle.write(job, dest)
            self.sig_exported.emit(str(path), "")
        except Exception as exc:  # any failure is said on the pane; nothing half-written stays (write_bundle)
            self.sig_exported.emit(str(dest), str(exc))

    def _on_exported(self, path: str, reason: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(words("export_failed", reason=reason) if reason else words("exported", path=path))
        self.status.setStyleSheet(f"color: {theme.FG_DIM};" if not reason else "color: #d9534f;")
        self.status.show()
