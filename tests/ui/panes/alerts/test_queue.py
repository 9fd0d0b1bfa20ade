"""The alert queue on a real Replica fed real events: one insert per burst, order, filters,
countdowns, the shared selection, the critical signal and pending commands."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from console.domain.state import ChangeSet
from console.protocol import messages as m
from console.ui.common import theme
from console.ui.panes.alerts.model import AlertQueueModel
from console.ui.panes.alerts.widget import AlertQueue
from console.ui.screenshots import SAMPLE_DAY_START

pytestmark = pytest.mark.ui


@pytest.fixture
def queue(qtbot, world):
    w = AlertQueue(world.replica, world.controller, world.selection, sound=False)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    w.refresh(world.replica.take_changes())
    return w


def _selected_row_with(queue: AlertQueue, iid: str) -> None:
    queue.select_row(queue.model.row_of(iid))
    queue.view.setFocus()


def test_burst_of_500_alerts_is_one_insert(qtbot, world, queue):
    inserts: list[tuple[int, int]] = []
    queue.model.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    for n in range(500):
        world.raise_alert(n, severity=("info", "warning", "critical")[n % 3])
    queue.refresh(world.replica.take_changes())
    assert inserts == [(0, 499)]
    assert queue.model.rowCount() == 500
    # and a second, smaller burst on top is again one insert
    for n in range(500, 520):
        world.raise_alert(n)
    queue.refresh(world.replica.take_changes())
    assert len(inserts) == 2 and inserts[1] == (500, 519)


def test_queue_sorts_critical_first_then_oldest(world, queue):
    world.raise_alert(1, severity="info")
    world.raise_alert(2, severity="warning")
    world.raise_alert(3, severity="critical")
    world.raise_alert(4, severity="critical")
    queue.refresh(world.replica.take_changes())
    assert queue.model.incident_ids() == ["I-A00003", "I-A00004", "I-A00002", "I-A00001"]
    # a later critical still lands above every warning, and the selection stays on its incident
    _selected_row_with(queue, "I-A00002")
    world.raise_alert(5, severity="critical")
    queue.refresh(world.replica.take_changes())
    assert queue.model.incident_ids()[:3] == ["I-A00003", "I-A00004", "I-A00005"]
    assert queue.current_incident() == "I-A00002"


def test_closed_incidents_leave_the_queue_unless_shown(world, queue):
    iid = world.raise_alert(1)
    queue.refresh(world.replica.take_changes())
    world.event("incident_false_alarm", m.IncidentStep(incident=iid, actor="x"), SAMPLE_DAY_START + 100)
    queue.refresh(world.replica.take_changes())
    assert queue.model.rowCount() == 0
    queue.closed_check.setChecked(True)
    assert queue.model.incident_ids() == [iid]


def test_filters_by_type_and_town(world, queue):
    world.raise_alert(1, kind="animal")
    world.raise_alert(2, kind="fire_hazard", town="T2", grid="G3", x=2250)
    queue.refresh(world.replica.take_changes())
    queue.kind_combo.setCurrentIndex(queue.kind_combo.findData("animal"))
    assert queue.model.incident_ids() == ["I-A00001"]
    queue.kind_combo.setCurrentIndex(0)
    queue.town_combo.setCurrentIndex(queue.town_combo.findData("T2"))
    assert queue.model.incident_ids() == ["I-A00002"]


def test_countdown_turns_amber_then_red_and_shows_met(world, queue):
    iid = world.raise_alert(1)
    queue.refresh(world.replica.take_changes())
    created = world.replica.state.incidents[iid].created_at
    model = queue.model

    def cell() -> tuple[str, str]:
        model.refresh(ChangeSet())
        idx = model.index(model.row_of(iid), AlertQueueModel.COL_COUNTDOWN)
        return model.data(idx), model.data(idx, Qt.ItemDataRole.ForegroundRole).color().name()

    world.freeze_clock(created + 10)
    assert cell() == ("0:50", QColor(theme.COUNTDOWN_OK).name())
    world.freeze_clock(created + 45)
    assert cell() == ("0:15", QColor(theme.COUNTDOWN_AMBER).name())
    world.freeze_clock(created + 72)
    text, colour = cell()
    assert text == "overdue 0:12" and colour == QColor(theme.COUNTDOWN_RED).name()
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="V1", actor="me"),
                created + 37)
    model.refresh(world.replica.take_changes())
    assert cell() == ("✓ 37 s", QColor(theme.COUNTDOWN_MET).name())


def test_an_early_tick_makes_the_new_rows_and_the_next_tick_moves_every_countdown(world, queue):
    """A new alert's early tick paints its row without making every row's cells again; the regular
    tick right after moves the others' countdowns (what the commander sees within half a second)."""
    old = world.raise_alert(1)
    queue.refresh(world.replica.take_changes())
    model = queue.model
    created = world.replica.state.incidents[old].created_at

    def countdown(iid: str) -> str:
        return model.data(model.index(model.row_of(iid), AlertQueueModel.COL_COUNTDOWN))

    world.freeze_clock(created + 10)
    queue.refresh(ChangeSet())
    assert countdown(old) == "0:50"
    world.freeze_clock(created + 12)
    new = world.raise_alert(2, severity="critical")
    queue.refresh(world.replica.take_changes(), early=True)
    assert model.incident_ids() == [new, old], "the critical alert's row, on top, at once"
    made_early = countdown(new)
    assert countdown(old) == "0:50", "the other rows wait for the regular tick"
    queue.refresh(ChangeSet())
    assert countdown(old) == "0:48"
    assert countdown(new) == made_early, "the new row was made at this tick's time"


def test_arrows_move_and_follow_the_shared_selection(qtbot, world, queue):
    first = world.raise_alert(1, severity="critical")
    second = world.raise_alert(2, severity="warning")
    queue.refresh(world.replica.take_changes())
    _selected_row_with(queue, first)
    assert world.selection.incident == first
    qtbot.keyClick(queue.view, Qt.Key.Key_Down)
    assert world.selection.incident == second
    world.selection.select_incident(first)
    assert queue.current_incident() == first


def test_new_critical_alert_signals_once_per_tick(qtbot, world, queue):
    world.raise_alert(1, severity="warning")
    world.raise_alert(2, severity="critical")
    world.raise_alert(3, severity="critical")
    with qtbot.waitSignal(queue.sig_critical, timeout=1000) as blocker:
        queue.refresh(world.replica.take_changes())
    assert blocker.args == ["I-A00003"]
    seen: list[str] = []
    queue.sig_critical.connect(seen.append)
    world.raise_alert(4, severity="warning")
    queue.refresh(world.replica.take_changes())
    assert seen == []


def test_a_command_not_yet_confirmed_shows_as_pending_until_its_answer(qtbot, world, queue, english):
    iid = world.raise_alert(1, severity="critical")
    queue.refresh(world.replica.take_changes())
    status = queue.model.index(queue.model.row_of(iid), queue.model.COL_STATUS)
    assert "Pending" not in status.data()
    command_id = world.controller.acknowledge(iid).id
    queue.refresh(world.replica.take_changes())
    assert "Pending" in status.data()
    world.replica.pending.pop(command_id)  # the hub answered (the session does this)
    queue.refresh(world.replica.take_changes())
    assert "Pending" not in status.data()
