"""Window-wide keys: the queue's actions work wherever keyboard focus is, except while typing.

Each key is a `QAction` on the main window with `Qt.WindowShortcut` context, so
Qt's shortcut map (not a widget's keyPressEvent) catches it whichever pane has
focus: the camera toolbar, the map, the incident pane. While the focus is in a
text field the field keeps its keys: `TypingGuard` accepts Qt's
ShortcutOverride for our bare keys there, which tells Qt "the widget wants
this key" and the shortcut does not fire. A modal dialog (the false-alarm
reason) blocks the window's shortcuts by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QComboBox, QDialog, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
    QTableWidget, QTableWidgetItem, QTextEdit, QVBoxLayout, QWidget,
)

from console.ui.actions.table import ACTIONS
from console.ui.actions.words import ActionWords


@dataclass(slots=True, frozen=True)
class Shortcut:
    """One window-wide key: its name (for tests and the help list), keys and what it does in words."""

    name: str
    keys: tuple[str, ...]
    words: str


def is_typing(widget: QWidget | None) -> bool:
    """Whether a widget is a place the commander types text into."""
    if widget is None:
        return False
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
        return not getattr(widget, "isReadOnly", lambda: False)()
    return isinstance(widget, QComboBox) and widget.isEditable()


class TypingGuard(QObject):
    """Lets a text field keep the bare keys (letters, Enter) that are window shortcuts elsewhere.

    It filters the events of the text field that has the focus only, moved as the focus moves:
    a filter on the whole application was called from Python for every event of every object
    (paints, timers: 5 % of the GUI thread under a flood of alerts).
    """

    def __init__(self, bare: set[int], parent: QObject | None = None):
        super().__init__(parent)
        self.bare = bare
        self._on: QWidget | None = None
        app = QApplication.instance()
        app.focusChanged.connect(self._follow)
        self._follow(None, app.focusWidget())

    def _follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._on is not None:
            try:
                self._on.removeEventFilter(self)
            except RuntimeError:  # the field is gone already
                pass
            self._on = None
        if is_typing(new):
            new.installEventFilter(self)
            self._on = new

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() in self.bare and mods in (Qt.KeyboardModifier.NoModifier,
                                                    Qt.KeyboardModifier.ShiftModifier):
                if isinstance(obj, QWidget) and is_typing(obj):
                    event.accept()
        return False


class WindowShortcuts(QObject):
    """Installs the window's shortcuts; `actions[name]` is each QAction."""

    def __init__(self, window: QWidget, handlers: dict[str, Callable[[], None]]):
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.shortcuts = self.table()
        bare: set[int] = set()
        for sc in self.shortcuts:
            handler = handlers.get(sc.name)
            if handler is None:
                continue
            action = QAction(sc.words, window)
            action.setObjectName(f"shortcut_{sc.name}")
            action.setShortcuts([QKeySequence(k) for k in sc.keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, h=handler: h())
            window.addAction(action)
            self.actions[sc.name] = action
            for k in sc.keys:
                seq = QKeySequence(k)
                if seq.count() == 1 and not (seq[0].keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier):
                    bare.add(int(seq[0].key()))
        self.guard = TypingGuard(bare, self)

    def table(self) -> list[Shortcut]:
        """Every window-wide key, in the order F1 lists them: the actions' keys (from the UI
        action table), then the window's own."""
        words = ActionWords(self)
        return [Shortcut(row.key, row.keys, words.key(row.code)) for row in ACTIONS if row.key] + [
            Shortcut("undo", ("Ctrl+Z",), self.tr("Undo the last action (within 5 s)")),
            Shortcut("next", ("Alt+Down", "J"), self.tr("Next alert in the queue")),
            Shortcut("previous", ("Alt+Up", "K"), self.tr("Previous alert in the queue")),
            Shortcut("queue", ("Ctrl+1",), self.tr("Keyboard focus to the alert queue")),
            Shortcut("next_mark", ("Ctrl+Right",), self.tr("Review: on to the next alert of the recording")),
            Shortcut("previous_mark", ("Ctrl+Left",), self.tr("Review: back to the previous alert")),
            Shortcut("help", ("F1",), self.tr("Show every shortcut")),
        ]

    def remove(self) -> None:
        """Take the typing guard off the application (the window closes)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.guard)


class ShortcutHelp(QDialog):
    """F1: every shortcut of the window, with its keys."""

    def __init__(self, shortcuts: list[Shortcut], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcut_help")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        col = QVBoxLayout(self)
        note = QLabel(self.tr("These keys work wherever the keyboard focus is, except while typing in a text "
                              "field. Queue actions act on the selected alert."), self)
        note.setWordWrap(True)
        col.addWidget(note)
        self.table = QTableWidget(len(shortcuts), 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("What it does")])
        self.table.verticalHeader().hide()
        for row, sc in enumerate(shortcuts):
            keys = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in sc.keys)
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(sc.words))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        self.table.setMinimumSize(620, 360)
        col.addWidget(self.table)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, words) of every row (tests read them)."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]
