"""The incident's timeline: when, who, what, note, newest at the bottom."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.domain.model import Incident
from console.ui.common.i18n import timeline_label
from console.ui.panes.incident.times import hhmmss


class TimelineView(QGroupBox):
    """Every step of the shown incident, as the hub recorded it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Timeline"), parent)
        timeline_layout = QVBoxLayout(self)
        self.timeline = QTreeWidget(self)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setHeaderLabels([self.tr("Time"), self.tr("Who"), self.tr("What"), self.tr("Note")])
        self.timeline.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setMinimumHeight(140)
        timeline_layout.addWidget(self.timeline)

    def fill(self, inc: Incident) -> None:
        """Show this incident's timeline."""
        self.timeline.clear()
        items = []
        for step in inc.timeline:
            item = QTreeWidgetItem([hhmmss(step.at), step.actor, timeline_label(step.what), step.note])
            item.setToolTip(3, step.note)
            items.append(item)
        self.timeline.addTopLevelItems(items)
        self.timeline.resizeColumnToContents(0)
        self.timeline.resizeColumnToContents(2)
        if items:
            self.timeline.scrollToItem(items[-1])
