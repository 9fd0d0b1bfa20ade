"""The window's menus: View (each dock, reset layout), Language (each in its own words), Help (the keys)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow

from console.ui.common.i18n import current_lang

#: the keys the Help menu lists under "Shortcuts", by their name in the shortcut table
HELP_KEYS = ("dispatch", "acknowledge", "escalate", "false_alarm", "undo")



class WindowMenus(QObject):
    """Builds the menu bar once; `language_actions` are the checkable language entries (code → action)."""

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget], key_actions: dict[str, QAction],
                 reset_layout: Callable[[], None], language_chosen: Callable[[str], None]):
        super().__init__(window)
        self.language_chosen = language_chosen
        bar = window.menuBar()
        view = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
        for dock in docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        reset = QAction(QCoreApplication.translate("MainWindow", "Reset layout"), window)
        reset.triggered.connect(reset_layout)
        view.addAction(reset)
        lang = bar.addMenu(QCoreApplication.translate("MainWindow", "&Language"))
        self.language_actions: dict[str, QAction] = {}
        for code, words in (("zh_CN", "中文"), ("en", "English")):  # each in its own language, on purpose
            action = QAction(words, window)
            action.setCheckable(True)
            action.setChecked(current_lang() == code)
            action.triggered.connect(lambda _=False, c=code: self._on_language(c))
            lang.addAction(action)
            self.language_actions[code] = action
        help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
        for name in ("help", *HELP_KEYS):
            action = key_actions.get(name)
            if action is not None:
                help_menu.addAction(action)

    def _on_language(self, code: str) -> None:
        for c, action in self.language_actions.items():
            action.setChecked(c == (code if code != current_lang() else current_lang()))
        if code != current_lang():
            self.language_chosen(code)
