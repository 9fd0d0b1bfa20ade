"""A stalled case asks for attention like a failed dispatch does: the alarm says it once and
rings (again when it waits for another stage or passes its limit), the queue row says 案件超期."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QLabel

from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.ui.panes.alerts.model import AlertQueueModel
from console.ui.shell.alarm import Alarm
from tests.domain.test_cases import CaseHub, at

pytestmark = pytest.mark.ui


def _pin(replica: Replica, when: str) -> None:
    link = replica.link
    link.clock, link.clock_wall, link.clock_rate = at(when), time.time(), 0.0


def test_the_alarm_says_a_stalled_case_once_per_stage_and_level_and_the_queue_row_marks_it(qtbot, english):
    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00", "滨江路碎石")
    replica = Replica(hub.state)
    strip = QLabel()
    qtbot.addWidget(strip)
    said: list[str] = []
    alarm = Alarm(replica, strip, said.append, lambda _t: None, audible=False)
    alarm.timer.stop()  # ticked by hand: a test never waits for the flash timer
    _pin(replica, "2026-03-10 09:20")
    alarm.tick()
    assert said == [] and alarm.rings == 0
    _pin(replica, "2026-03-10 10:00")
    alarm.tick()
    alarm.tick()
    assert said == ["Case overdue: waiting for Dispatch, 30:00 late: 滨江路碎石"] and alarm.rings == 1
    _pin(replica, "2026-03-10 16:30")
    alarm.tick()
    assert said[-1].startswith("Case past its limit (the district is told): waiting for Dispatch")
    assert alarm.rings == 2

    model = AlertQueueModel(replica)
    model.refresh(ChangeSet(baseline=True))
    row = model.row_of(inc)
    assert model.data(model.index(row, AlertQueueModel.COL_STATUS)) == "⚠ Case overdue"


def test_the_districts_console_is_told_only_once_a_towns_case_is_past_its_limit(qtbot, english):
    hub = CaseHub()
    hub.report("debris", "2026-03-10 09:00", "滨江路碎石")
    replica = Replica(hub.state)
    replica.link.center = hub.state.district()
    said: list[str] = []
    strip = QLabel()
    qtbot.addWidget(strip)
    alarm = Alarm(replica, strip, said.append, lambda _t: None, audible=False)
    alarm.timer.stop()
    _pin(replica, "2026-03-10 10:00")  # the town's dispatch is late: the town's business
    alarm.tick()
    assert said == []
    _pin(replica, "2026-03-10 16:30")
    alarm.tick()
    assert len(said) == 1 and said[0].startswith("Case past its limit (the district is told)")
