"""A critical alert is announced once: the early (urgent) tick and the regular tick after it do not both ring."""

from __future__ import annotations

import pytest

from tests.ui.test_panes import World

pytestmark = pytest.mark.ui


def test_a_critical_alert_rings_once_across_the_urgent_and_the_regular_tick(qtbot, qsettings):
    from console.ui.shell.main_window import URGENT_GAP_S, MainWindow

    world = World()
    window = MainWindow(world.replica, world.controller, settings=qsettings)
    qtbot.addWidget(window)
    window.tick.stop()  # the test drives the regular tick
    window.resize(1600, 900)
    window.show()
    window.refresh_now()
    rang: list[str] = []
    popped: list[str] = []
    window.alerts.sig_critical.connect(rang.append)  # the queue's sound plays with this signal
    window.sig_critical.connect(popped.append)  # banner, camera focus, selection

    qtbot.wait(int(URGENT_GAP_S * 1000) + 50)  # past the gap between early ticks
    incident = world.raise_alert(1, severity="critical", kind="animal")
    qtbot.waitUntil(lambda: window.alerts.model.row_of(incident) is not None, timeout=2000)  # the urgent tick
    assert rang == [incident]
    window.refresh_now()  # the next regular tick carries the same changes to the other panes
    window.refresh_now()
    assert rang == [incident] and popped == [incident]
    assert window.alerts.model.rowCount() == 1
