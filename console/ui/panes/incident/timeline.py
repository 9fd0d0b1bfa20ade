"""The incident's timeline: when, who, what and its details in words, newest at the bottom."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.domain.localtime import clock
from console.domain.model import Incident
from console.domain.state import State
from console.ui.common import glossary
from console.ui.common.i18n import actor_label, current_lang, timeline_label


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

    def fill(self, inc: Incident, state: State) -> None:
        """Show this incident's timeline: each step's code and parameters in the console's language.

        `state` names the centers, plans and people the steps refer to by id.
        """
        self.timeline.clear()
        items = []
        lang, name_of = current_lang(), glossary.names_in(state)
        for step in inc.timeline:
            detail = glossary.describe_step(step, lang, name_of)
            item = QTreeWidgetItem([clock(step.at), actor_label(step.actor), timeline_label(step.what), detail])
            item.setToolTip(3, detail)
            items.append(item)
        self.timeline.addTopLevelItems(items)
        self.timeline.resizeColumnToContents(0)
        self.timeline.resizeColumnToContents(2)
        if items:
            self.timeline.scrollToItem(items[-1])
