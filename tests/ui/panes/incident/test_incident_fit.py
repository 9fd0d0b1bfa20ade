"""The incident pane in English fits its column at 1920×1080: no label or button cut, no sideways scrolling."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea

from console.ui.common.i18n import install_translator
from console.ui.panes.incident.widget import IncidentPane
from tests.ui.world import World, worked_incident

pytestmark = pytest.mark.ui


def _cut(pane: IncidentPane) -> list[str]:
    """The visible texts that do not fit their widget (a wrapping label only if even its narrowest form does not)."""
    cut = []
    for w in pane.findChildren(QPushButton) + pane.findChildren(QLabel):
        if not w.isVisible() or not w.text():
            continue
        need = w.minimumSizeHint().width() if isinstance(w, QLabel) and w.wordWrap() else w.sizeHint().width()
        if need > w.width() + 1:
            cut.append(f"{w.text()!r}: {need} px in {w.width()}")
    return cut


@pytest.mark.parametrize("width", [557, 420])  # the desk's incident dock at 1920 px (29 %), and dragged narrower
def test_the_english_incident_pane_fits_its_column(qtbot, qapp, width):
    try:
        install_translator(qapp, "en")
        world = World()
        iid = worked_incident(world)
        pane = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(pane)
        world.selection.select_incident(iid)
        pane.refresh(world.replica.take_changes())
        pane.resize(width, 1000)
        pane.show()
        qtbot.waitExposed(pane)
        qapp.processEvents()
        assert pane.actions.button("cmd.broadcast").text().startswith("Broadcast a check"), "English is installed"
        assert _cut(pane) == []
        scroll = pane.findChildren(QScrollArea)[0]
        assert scroll.horizontalScrollBar().maximum() == 0, "nothing runs off the column's right edge"
    finally:
        install_translator(qapp, "en")
