"""A case-type incident in the incident pane: its case card shows, and each case action goes
through the desk's flow (asked, then held for the undo window or sent, as the command table says)."""

from __future__ import annotations

import time

import pytest

from console.client.controller import Controller
from console.client.replica import Replica
from console.protocol import messages as m
from console.ui.panes.incident.widget import IncidentPane
from console.ui.shell.selection import Selection
from tests.domain.test_cases import CaseHub, at
from tests.ui.world import RecordingSink

pytestmark = pytest.mark.ui


@pytest.fixture
def case_world(qtbot):
    hub = CaseHub()
    inc = hub.report("rockfall", "2026-03-10 09:00", "南山路落石")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:06", "2026-03-10 09:30")
    hub.do(hub.worker, "cmd.request_extension", m.CmdRequestExtension(incident=inc, hours=4, reason="需吊车"),
           at=at("2026-03-10 09:40"))
    crowd = hub.alert("crowd_density", at=at("2026-03-10 09:50"))
    replica = Replica(hub.state)
    link = replica.link
    link.user, link.role = "值班长 王敏", "commander"
    link.clock, link.clock_wall, link.clock_rate = at("2026-03-10 10:00"), time.time(), 0.0
    sink = RecordingSink()
    controller = Controller(replica, sink)
    selection = Selection()
    pane = IncidentPane(replica, controller, selection)
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show()
    return pane, sink, selection, inc, crowd


def _answer(pane, qtbot, choice: str | None, note: str = "") -> None:
    dialog = pane.flow.dialog
    assert dialog is not None and dialog.isVisible()
    if choice is not None:
        dialog.choose(choice)
    dialog.note.setText(note)
    dialog.buttons.accepted.emit()


def test_the_case_card_shows_for_a_case_and_hides_for_an_emergency_incident(case_world):
    pane, sink, selection, inc, crowd = case_world
    selection.select_incident(inc)
    assert not pane.case_card.isHidden()
    assert pane.case_card.head.text().startswith("Rockfall on a road")
    live = {code: b.isEnabled() for code, b in pane.case_card.buttons.items() if not b.isHidden()}
    assert live["cmd.approve_extension"] and not live["cmd.verify"] and not live["cmd.resume"]
    selection.select_incident(crowd)
    assert pane.case_card.isHidden()


def test_approving_an_extension_from_the_pane_is_held_on_the_desk_then_sent(case_world, qtbot):
    pane, sink, selection, inc, crowd = case_world
    selection.select_incident(inc)
    pane.case_card.buttons["cmd.approve_extension"].click()
    _answer(pane, qtbot, "approve", "同意")
    entry = pane.flow.desk.latest()
    assert entry is not None and entry.code == "cmd.approve_extension" and entry.state == "held"
    assert sink.of("cmd.approve_extension") == []  # the undo window first, as the command table says
    pane.flow.desk.flush()
    assert sink.of("cmd.approve_extension") == [m.CmdAnswerExtension(incident=inc, approved=True, note="同意")]


def test_a_return_asks_the_reason_and_undo_drops_it(case_world, qtbot):
    pane, sink, selection, inc, crowd = case_world
    selection.select_incident(inc)
    pane.case_card.buttons["cmd.return"].click()
    assert pane.flow.dialog.reason.count() == 4  # "choose" and the three return reasons
    _answer(pane, qtbot, "not_ours", "属供电部门")
    assert pane.flow.desk.undo()
    pane.flow.desk.flush()
    assert sink.of("cmd.return") == []


def test_recording_it_handled_goes_at_once_and_a_suspension_is_held(case_world, qtbot):
    pane, sink, selection, inc, crowd = case_world
    selection.select_incident(inc)
    pane.case_card.buttons["cmd.case_handled"].click()
    _answer(pane, qtbot, None, "电话确认已清理")
    assert sink.of("cmd.case_handled") == [m.CmdCaseHandled(incident=inc, note="电话确认已清理")]
    pane.case_card.buttons["cmd.suspend"].click()
    _answer(pane, qtbot, "weather", "")
    assert pane.flow.desk.latest().code == "cmd.suspend"
    pane.flow.desk.flush()
    assert sink.of("cmd.suspend") == [m.CmdSuspend(incident=inc, reason="weather")]


def test_a_closed_case_offers_the_follow_up_and_its_card_shows_the_answers_grid_by_grid(qtbot):
    from console.domain.rules import Actor
    from tests.domain.test_domain import T1

    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00", "林边堆放枯枝")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:06", "2026-03-10 09:30")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p1"]), at=at("2026-03-10 10:00"))
    hub.do(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, photo="p2"), at=at("2026-03-10 10:30"))
    hub.do(T1, "cmd.close", m.CmdIncident(incident=inc), at=at("2026-03-10 10:40"))
    replica = Replica(hub.state)
    replica.link.user, replica.link.role = "值班长 王敏", "commander"
    sink = RecordingSink()
    selection = Selection()
    pane = IncidentPane(replica, Controller(replica, sink), selection)
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show()
    selection.select_incident(inc)
    button = pane.actions.button("cmd.follow_up")
    assert button.isVisible() and button.isEnabled()
    button.click()
    dialog = pane.actions.broadcast_dialog
    assert dialog.follow_up and "Follow-up" in dialog.text.toPlainText()
    here = hub.state.org[hub.inc(inc).grid]
    assert here.id in dialog.grids() and all(set(hub.state.org[g].tags) & set(here.tags) for g in dialog.grids())
    grids = dialog.grids()
    dialog.buttons.accepted.emit()
    pane.flow.desk.flush()
    [body] = sink.of("cmd.follow_up")
    assert body.incident == inc and body.grids == grids
    # the hub decides it; workers answer on their phones; the card counts the grids
    hub.do(T1, "cmd.follow_up", body, at=at("2026-03-10 11:00"))
    [message] = [b for b in hub.state.messages.values() if b.incident == inc]
    first = message.recipients[0]
    hub.do(Actor("w", "field", None, resource=first), "cmd.acknowledge_broadcast",
           m.CmdBroadcastAck(broadcast=message.id, answer="found", note="山脚也有"))
    pane.show_incident(inc)
    text = pane.case_card.follow_up.text()
    reached = len({hub.state.resources[r].grid for r in message.recipients})
    assert text.startswith(f"Follow-up: 1/{reached} grids answered · clear 0 · found 1"), text
    assert "found the same: " + hub.state.org[hub.state.resources[first].grid].name in text
