"""The incident's tasks: who was sent, their status, the assembly countdown of each, and Recall.

Below them, the incident's broadcasts: how many grids and people each reached and
how many answered 收到 (a broadcast is a message, not a task: no clock).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from console.client.replica import Replica
from console.domain.model import Incident
from console.domain.attention import assembly_left
from console.ui.common import theme
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, resource_kind_label, status_label
from console.domain.localtime import duration


class TaskList(QGroupBox):
    """One row per task of the shown incident; `tick` moves the countdowns.

    `recall(task_id)` is called by a row's Recall button (None: no button, e.g. a wall).
    """

    COL_RECALL = 4

    def __init__(self, replica: Replica, parent: QWidget | None = None, *,
                 recall: Callable[[str], None] | None = None):
        super().__init__(self.tr("Tasks"), parent)
        self.replica = replica
        self.recall = recall
        self.recall_allowed = recall is not None
        tasks_layout = QVBoxLayout(self)
        self.tasks = QTreeWidget(self)
        self.tasks.setRootIsDecorated(False)
        self.tasks.setHeaderLabels([self.tr("Task"), self.tr("Who"), self.tr("Status"), self.tr("Assembly"), ""])
        self.tasks.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tasks.setMinimumHeight(90)
        tasks_layout.addWidget(self.tasks)
        self.broadcasts = QLabel(self)
        self.broadcasts.setObjectName("broadcasts")
        self.broadcasts.setWordWrap(True)
        tasks_layout.addWidget(self.broadcasts)

    def recall_buttons(self) -> dict[str, QPushButton]:
        """Task id → its row's Recall button (only tasks still on their way have one)."""
        out = {}
        for i in range(self.tasks.topLevelItemCount()):
            item = self.tasks.topLevelItem(i)
            widget = self.tasks.itemWidget(item, self.COL_RECALL)
            if isinstance(widget, QPushButton):
                out[item.data(0, Qt.ItemDataRole.UserRole)] = widget
        return out

    def fill(self, inc: Incident) -> None:
        """Rebuild the rows from the incident's tasks, and the broadcast line."""
        state = self.replica.state
        self._fill_broadcasts(inc)
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
            status = status_label(task.status)
            if task.cause == "recalled":
                status = glossary.word(glossary.TASK_END_CAUSES, "recalled", current_lang())
            item = QTreeWidgetItem([task.id.rsplit("-", 1)[-1], who, status, "", ""])
            if page is not None:
                item.setToolTip(1, glossary.field_page(page, current_lang()))
            if task.note and task.status in ("cancelled", "declined", "done"):
                item.setToolTip(2, task.note)
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            item.setForeground(2, theme.color(task.status if task.status != "sent" else "dispatched"))
            self.tasks.addTopLevelItem(item)
            if self.recall_allowed and task.status in ("sent", "accepted"):
                button = QPushButton(self.tr("Recall"), self.tasks)
                button.setObjectName(f"recall_{task.id}")
                button.setToolTip(self.tr("Call this person back (before they are on scene); asks the reason"))
                button.clicked.connect(lambda _=False, tid=task.id: self.recall(tid))
                self.tasks.setItemWidget(item, self.COL_RECALL, button)
        self.tasks.resizeColumnToContents(0)
        self.tasks.resizeColumnToContents(self.COL_RECALL)

    def _fill_broadcasts(self, inc: Incident) -> None:
        lines = []
        for message in self.replica.state.messages.values():
            if message.incident != inc.id:
                continue
            lines.append(self.tr("Broadcast to %1 grids / %2 people · received %3/%2")
                         .replace("%1", str(len(message.grids))).replace("%2", str(len(message.recipients)))
                         .replace("%3", str(len(message.acked))))
        self.broadcasts.setText("\n".join(lines))
        self.broadcasts.setVisible(bool(lines))

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
