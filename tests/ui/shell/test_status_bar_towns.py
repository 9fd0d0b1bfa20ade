"""A district console's status bar: the slowest town's alarm-to-screen figure, every town's in the tooltip."""

from __future__ import annotations

import os
import time

from console.client.replica import Replica
from console.protocol import messages as m
from console.ui.shell.status_bar import ConsoleStatusBar


def test_the_district_status_bar_names_the_slowest_town_and_lists_every_town(qtbot):
    replica = Replica()
    bar = ConsoleStatusBar(replica)
    qtbot.addWidget(bar)
    assert bar.towns_label.isHidden(), "a town's console follows no towns: nothing to show"
    replica.pong(time.time(), time.time(), [
        m.TownAlarm(center="T1", p95_s=0.4, p50_s=0.1, alerts=30, consoles=3, age_s=2.0),
        m.TownAlarm(center="T2", p95_s=1.7, p50_s=0.6, alerts=8, consoles=1, age_s=4.0),
        m.TownAlarm(center="T3", alerts=0, consoles=0)])
    bar.update_figures()
    assert not bar.towns_label.isHidden()
    assert "T2" in bar.towns_label.text() and "1.70 s" in bar.towns_label.text()
    assert "color" in bar.towns_label.styleSheet(), "above a tenth of the 10 s norm: shown red"
    tip = bar.towns_label.toolTip()
    assert "T1: p95 0.40 s, p50 0.10 s, 30 alerts on 3 consoles" in tip and "T3: p95 —" in tip
    if os.environ.get("UI_SHOTS"):  # the district console's status bar, for the note
        bar.resize(1400, 28)
        bar.grab().save(os.path.join(os.environ["UI_SHOTS"], "status-bar-towns.png"))
