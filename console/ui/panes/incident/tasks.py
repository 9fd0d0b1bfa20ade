"""The incident's tasks: who was sent, their status, and the assembly countdown of each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.model import Incident
from console.domain.attention import assembly_left
from console.ui.common import theme
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, resource_kind_label, status_label
from console.domain.localtime import duration


class TaskList(QGroupBox):
    """One row per task of the shown incident; `tick` moves the countdowns."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(self.tr("Tasks"), parent)
        self.replica = replica
        tasks_layout = QVBoxLayout(self)
        self.tasks = QTreeWidget(self)
        self.tasks.setRootIsDecorated(False)
        self.tasks.setHeaderLabels([self.tr("Task"), self.tr("Who"), self.tr("Status"), self.tr("Assembly")])
        self.tasks.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tasks.setMinimumHeight(90)
        tasks_layout.addWidget(self.tasks)

    def fill(self, inc: Incident) -> None:
        """Rebuild the rows from the incident's tasks."""
        state = self.replica.state
        self.tasks.clear()
        for tid in inc.tasks:
            task = state.tasks.get(tid)
            if task is None:
                continue
            res = state.resources.get(task.resource)
            who = f"{res.name} ({resource_kind_label(res.kind)})" if res else task.resource
            page = state.pages.get(task.resource)  # the person's field page: ● online, ○ offline
            if page is not None:
                who = f"{who} {glossary.field_page_mark(page)}"
            item = QTreeWidgetItem([task.id.rsplit("-", 1)[-1], who, status_label(task.status), ""])
            if page is not None:
                item.setToolTip(1, glossary.field_page(page, current_lang()))
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            item.setForeground(2, theme.color(task.status if task.status != "sent" else "dispatched"))
            self.tasks.addTopLevelItem(item)
        self.tasks.resizeColumnToContents(0)

    def tick(self, inc: Incident) -> None:
        """Move every row's countdown to the hub's now."""
        now = self.replica.hub_now()
        tasks = self.replica.state.tasks
        for i in range(self.tasks.topLevelItemCount()):
            item = self.tasks.topLevelItem(i)
            task = tasks.get(item.data(0, Qt.ItemDataRole.UserRole))
            if task is None:
                continue
            left = assembly_left(self.replica.state, task, now)
            if left is None:
                if task.arrived_at is not None:
                    text = self.tr("on scene in %1").replace("%1", duration(task.arrived_at - task.sent_at))
                else:
                    text = "—"
                colour = theme.COUNTDOWN_MET if task.arrived_at is not None else theme.FG_DIM
            elif left >= 0:
                text = self.tr("assembly: %1 left").replace("%1", duration(left))
                colour = theme.COUNTDOWN_AMBER if left < 120 else theme.COUNTDOWN_OK
            else:
                text = self.tr("assembly: %1 over").replace("%1", duration(-left))
                colour = theme.COUNTDOWN_RED
            if item.text(3) != text:
                item.setText(3, text)
                item.setForeground(3, QColor(colour))
