"""The window's docks, laid out from the pane table: areas, tabs, splits, who is shown, default sizes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from console.ui.shell.registry import PANES, PaneSpec


class DockSet:
    """One dock per docked pane of the table (name → `QDockWidget` in `docks`).

    A pane still to be built (`pending`) gets an empty stand-in, so the first frame's
    layout is already whole; `place` swaps the pane in when it is made.
    """

    def __init__(self, window: QMainWindow, panes: dict[str, QWidget], pending: set[str], wall: bool):
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        for s in PANES:
            if not s.docked:
                continue
            pane = panes.get(s.name)
            if pane is None and s.name in pending:
                pane = QWidget(window)  # an empty dock until its pane is built, so the layout is whole
                pane.setObjectName(f"pending_{s.name}")
            if pane is None:
                continue
            dock = QDockWidget(QCoreApplication.translate("MainWindow", s.title), window)
            dock.setObjectName(f"dock_{s.name}")
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            dock.setWidget(pane)
            window.addDockWidget(s.area, dock)
            self.docks[s.name] = dock
        self._arrange(wall)

    def place(self, name: str, pane: QWidget) -> None:
        """Put a pane built after the first frame into its dock (the stand-in goes)."""
        dock = self.docks.get(name)
        if dock is None:
            return
        old = dock.widget()
        dock.setWidget(pane)
        if old is not None:
            old.deleteLater()

    def follow_mode(self, mode: str) -> None:
        """Panes shown only in review (the drill bar) come and go with the link's mode."""
        for s in PANES:
            dock = self.docks.get(s.name)
            if dock is not None and s.review_only:
                dock.setVisible(mode == "review")

    def apply_default_sizes(self) -> None:
        """The desk's first layout: side columns at their share of the width, bottom docks of the height."""
        window = self.window
        width = max(window.width(), 1200)
        side = [(d, int(width * s.width_share)) for s, d in self._with(lambda s: s.width_share is not None)]
        window.resizeDocks([d for d, _ in side], [w for _, w in side], Qt.Orientation.Horizontal)
        for s, dock in self._with(lambda s: s.under is not None):
            top = self.docks.get(s.under)
            if top is not None:
                share = int(s.under_share * 100)
                window.resizeDocks([top, dock], [100 - share, share], Qt.Orientation.Vertical)
        for s, dock in self._with(lambda s: s.height_share is not None):
            if not dock.isHidden():
                window.resizeDocks([dock], [int(window.height() * s.height_share)], Qt.Orientation.Vertical)

    # ------------------------------------------------------------------ private

    def _with(self, has) -> list[tuple[PaneSpec, QDockWidget]]:
        return [(s, self.docks[s.name]) for s in PANES if s.name in self.docks and has(s)]

    def _arrange(self, wall: bool) -> None:
        window = self.window
        for s, dock in self._with(lambda s: s.under is not None):
            top = self.docks.get(s.under)
            if top is not None:
                window.splitDockWidget(top, dock, Qt.Orientation.Vertical)
        for s, dock in self._with(lambda s: s.tab_with is not None):
            front = self.docks.get(s.tab_with)
            if front is not None:
                window.tabifyDockWidget(front, dock)
                front.raise_()
        for s, dock in self._with(lambda s: not s.shown_in(wall)):
            dock.hide()

