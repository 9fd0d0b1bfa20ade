"""Diagnostics: what the link counted (events, malformed, unknown, duplicates, notices), every notice,
and each camera's video: where it comes from, its stream state, last frame, first-frame time, reconnects."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHeaderView, QLabel, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from console.client.replica import Notice, Replica
from console.domain.localtime import clock
from console.domain.state import ChangeSet
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.cameras.stale import reason_colour
from console.video import status as vst

#: the diagnostics list keeps this many notices (the replica keeps 500)
MAX_ROWS = 500


class NoticeCursor:
    """Hands out the replica's notices that are new since the last call.

    The replica keeps notices in a bounded deque, so the cursor counts them
    through the per-code counters (`notice.<code>`) rather than by position.
    """

    def __init__(self, replica: Replica, *, from_start: bool = True):
        self.replica = replica
        self._seen = 0 if from_start else self._total()

    def _total(self) -> int:
        return sum(n for key, n in self.replica.counters.items() if key.startswith("notice."))

    def take(self) -> list[Notice]:
        """Notices recorded since the last call, oldest first."""
        total = self._total()
        fresh = total - self._seen
        self._seen = total
        if fresh <= 0:
            return []
        notices = self.replica.notices
        return list(notices)[-min(fresh, len(notices)):]


class DiagnosticsPane(QWidget):
    """Counters and the notice list, for the operator who wants to know why."""


    def __init__(self, replica: Replica, frames=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        #: the decode pool (and through it the stream readers) for the per-camera video section
        self.frames = frames
        self._cursor = NoticeCursor(replica)
        self._shown_counters: dict[str, int] = {}
        self.counters = QTreeWidget(self)
        self.counters.setRootIsDecorated(False)
        self.counters.setHeaderLabels([self.tr("Counter"), self.tr("Value")])
        self.counters.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.notices = QTreeWidget(self)
        self.notices.setRootIsDecorated(False)
        self.notices.setHeaderLabels([self.tr("Time"), self.tr("Level"), self.tr("Code"), self.tr("Text")])
        self.notices.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.counters)
        split.addWidget(self.notices)
        split.setStretchFactor(1, 3)
        self.video = QTreeWidget(self)
        self.video.setRootIsDecorated(False)
        self.video.setHeaderLabels([self.tr("Camera"), self.tr("Source"), self.tr("Video state"),
                                    self.tr("Last frame"), self.tr("First frame (s)"), self.tr("Reconnects"),
                                    self.tr("fps"), self.tr("Picture"), self.tr("Detail")])
        vh = self.video.header()
        for col in range(8):
            vh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        vh.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        self._video_rows: dict[str, QTreeWidgetItem] = {}
        outer = QSplitter(Qt.Orientation.Vertical, self)
        outer.addWidget(split)
        outer.setStretchFactor(0, 2)
        outer.setStretchFactor(1, 1)
        self.video_summary = QLabel(self)
        video_box = QWidget(self)
        vl = QVBoxLayout(video_box)
        vl.setContentsMargins(0, 0, 0, 0)
        vl.addWidget(self.video_summary)
        vl.addWidget(self.video, 1)
        outer.addWidget(video_box)
        video_box.setVisible(frames is not None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(outer, 1)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.refresh(ChangeSet())

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet) -> None:
        """Update counters that moved and append new notices."""
        counters = self.replica.counters
        for key in sorted(counters):
            value = counters[key]
            if self._shown_counters.get(key) == value:
                continue
            self._shown_counters[key] = value
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = QTreeWidgetItem([self._counter_label(key), ""])
                item.setData(0, Qt.ItemDataRole.UserRole, key)
                self.counters.addTopLevelItem(item)
                self.counters.sortItems(0, Qt.SortOrder.AscendingOrder)
            item.setText(1, str(value))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        fresh = self._cursor.take()
        if fresh:
            items = []
            for n in fresh:
                item = QTreeWidgetItem([clock(n.at), n.level, n.code, n.text])
                item.setForeground(1, QColor(theme.NOTICE_COLORS.get(n.level, theme.FG)))
                item.setToolTip(3, n.text)
                items.append(item)
            self.notices.insertTopLevelItems(0, list(reversed(items)))
            while self.notices.topLevelItemCount() > MAX_ROWS:
                self.notices.takeTopLevelItem(self.notices.topLevelItemCount() - 1)
        self._refresh_video()
        link = self.replica.link
        self.summary.setText(self.tr("Link: %1 · reconnects %2 · last error: %3")
                             .replace("%1", link.state).replace("%2", str(link.reconnects))
                             .replace("%3", link.last_error or "—"))

    def notice_texts(self) -> list[str]:
        """The notice list's texts, newest first (tests read it)."""
        return [self.notices.topLevelItem(i).text(3) for i in range(self.notices.topLevelItemCount())]

    def video_rows(self) -> dict[str, list[str]]:
        """The per-camera video section as text: camera id → its columns (tests read it)."""
        cols = self.video.columnCount()
        return {cam: [item.text(c) for c in range(cols)] for cam, item in self._video_rows.items()}

    # ------------------------------------------------------------------ private

    def _refresh_video(self) -> None:
        frames = self.frames
        if frames is None:
            return
        streams = getattr(frames, "streams", None)
        statuses = {s.camera: s for s in streams.statuses()} if streams is not None else {}
        if streams is not None:
            self.video_summary.setText(self.tr("Streams pulled: %1 · last-30-s buffers: %2 MB")
                                       .replace("%1", str(len(streams.pulled())))
                                       .replace("%2", f"{streams.ring_bytes() / 1e6:.1f}"))
        for cam in sorted(set(frames.cameras()) | set(statuses)):
            s = statuses.get(cam)
            fps = f"{frames.fps(cam):.1f}"
            if s is None:  # frames the hub pushes
                row = [cam, self.tr("hub"), "", "", "", "", fps, "", ""]
            else:
                state = glossary.video_state(s.state, current_lang(), s.attempts)
                row = [cam, s.url, state, clock(s.last_frame) if s.last_frame else "—",
                       f"{s.first_frame_s:.2f}" if s.first_frame_s is not None else "—", str(s.reconnects),
                       fps, f"{s.codec} {s.width}×{s.height}" if s.codec else "", s.detail]
            item = self._video_rows.get(cam)
            if item is None:
                item = self._video_rows[cam] = QTreeWidgetItem(row)
                self.video.addTopLevelItem(item)
                self.video.sortItems(0, Qt.SortOrder.AscendingOrder)
            else:
                for c, text in enumerate(row):
                    if item.text(c) != text:
                        item.setText(c, text)
            bad = s is not None and s.state in vst.REASONS
            item.setForeground(2, reason_colour(s.state) if bad else QColor(theme.FG))

    def _counter_label(self, key: str) -> str:
        labels = {
            "events": self.tr("Events applied"),
            "malformed": self.tr("Malformed messages"),
            "unknown": self.tr("Unknown message types"),
            "unknown_type": self.tr("Unknown message types"),
            "duplicate_events": self.tr("Duplicate events"),
        }
        if key in labels:
            return f"{labels[key]} ({key})"
        if key.startswith("notice."):
            return self.tr("Notices: %1").replace("%1", key.removeprefix("notice."))
        return key
