"""The incident pane on a real Replica: selection, dispatch and its undo, actions, hand-offs,
read-only, both languages, and the domain's codes said in words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.domain.model import HEALTH_SOURCE
from console.protocol import messages as m
from console.ui.common.i18n import actor_label, install_translator, kind_label, source_label, status_label
from console.ui.panes.incident.widget import IncidentPane
from console.ui.screenshots import SAMPLE_DAY_START
from tests.ui.keys import type_into_dialog
from tests.ui.world import World, worked_incident

pytestmark = pytest.mark.ui


@pytest.fixture
def incident_pane(qtbot, world):
    pane = IncidentPane(world.replica, world.controller, world.selection)
    qtbot.addWidget(pane)
    pane.resize(520, 900)
    pane.show()
    return pane


def test_incident_pane_shows_selection_and_dispatches_a_recommendation(qtbot, world, incident_pane):
    iid = world.raise_alert(1, kind="fire_hazard", town="T2", grid="G3", x=2250)
    incident_pane.refresh(world.replica.take_changes())
    world.selection.select_incident(iid)
    assert incident_pane.header.title_label.text() == world.replica.state.incidents[iid].title
    assert incident_pane.timeline_view.timeline.topLevelItemCount() == 1
    assert incident_pane.recommendations.recs.topLevelItemCount() > 0
    first = incident_pane.recommendations.recs.topLevelItem(0)
    resource = first.data(0, Qt.ItemDataRole.UserRole)
    button = incident_pane.recommendations.recs.itemWidget(first, 3)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert world.sink.of("cmd.dispatch") == [m.CmdDispatch(incident=iid, resource=resource)]
    assert "南山" in incident_pane.header.location_label.text()


def test_undo_cancels_the_task_the_dispatch_made(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.dispatch"), Qt.MouseButton.LeftButton)
    ((command_id, _, body),) = [c for c in world.sink.commands if c[1] == "cmd.dispatch"]
    undo = incident_pane.dispatch_line.undo_button
    assert undo.isVisible(), "the undo sits in the dispatch line at the top of the pane"
    assert "5" in undo.text()
    # the hub applies the dispatch (a task sent by this user appears on the incident) and answers
    inc = world.replica.state.incidents[iid]
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource=body.resource,
                                                    actor=world.controller.actor.name), inc.created_at + 3)
    world.sink.answer(command_id, m.Result(ok=True, seqs=[world.seq]), world.replica)
    incident_pane.refresh(world.replica.take_changes())
    assert incident_pane.task_list.tasks.topLevelItemCount() == 1
    assert incident_pane.task_list.tasks.topLevelItem(0).text(3).startswith("assembly:")
    who = world.replica.state.resources[body.resource]
    line = incident_pane.dispatch_line.text()
    assert who.name in line and " m · ≈ " in line, line
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert world.sink.of("cmd.cancel_task") == [m.CmdCancelTask(task=f"{iid}-T1", reason="undo")]
    assert not undo.isVisible()


def test_undo_of_a_plan_cancels_its_tasks_and_not_a_later_dispatch_by_the_same_user(qtbot, world, incident_pane,
                                                                                   english):
    iid = world.raise_alert(1, kind="crowd_density")
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.activate_plan"), Qt.MouseButton.LeftButton)
    ((command_id, _, _),) = [c for c in world.sink.commands if c[1] == "cmd.activate_plan"]
    undo = incident_pane.dispatch_line.undo_button
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)  # before the hub has answered: it waits
    assert undo.text() == "Undoing…" and world.sink.of("cmd.cancel_task") == []
    me = world.controller.actor.name
    free = [r.id for r in world.replica.state.resources.values() if r.status == "available"]
    t0 = world.replica.state.incidents[iid].created_at
    world.event("plan_activated", m.PlanActivated(incident=iid, plan="P01", actor=me), t0 + 2)
    seqs = [world.seq]
    for n, rid in enumerate(free[:3], start=1):
        world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T{n}", incident=iid, resource=rid,
                                                        actor=me, plan="P01"), t0 + 2)
        seqs.append(world.seq)
    # the same user (another desk) sends one more before this answer arrives: not part of the plan
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T4", incident=iid, resource=free[3], actor=me),
                t0 + 3)
    world.sink.answer(command_id, m.Result(ok=True, seqs=seqs), world.replica)
    assert [b.task for b in world.sink.of("cmd.cancel_task")] == [f"{iid}-T1", f"{iid}-T2", f"{iid}-T3"]
    incident_pane.refresh(world.replica.take_changes())
    assert not undo.isVisible()


def test_a_refused_dispatch_offers_no_undo(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    qtbot.mouseClick(incident_pane.actions.button("cmd.dispatch"), Qt.MouseButton.LeftButton)
    ((command_id, _, _),) = world.sink.commands
    world.sink.answer(command_id, m.Result(ok=False, code="conflict", message="taken"), world.replica)
    incident_pane.refresh(world.replica.take_changes())
    assert not incident_pane.dispatch_line.undo_button.isVisible()


def test_incident_actions_send_commands(qtbot, world, incident_pane):
    iid = world.raise_alert(1, kind="crowd_density")
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    assert "人群踩踏风险预案" in incident_pane.actions.button("cmd.activate_plan").text()
    flow = incident_pane.flow
    qtbot.mouseClick(incident_pane.actions.button("cmd.acknowledge"), Qt.MouseButton.LeftButton)
    type_into_dialog(flow, "")
    qtbot.mouseClick(incident_pane.actions.button("cmd.activate_plan"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(incident_pane.actions.button("cmd.escalate"), Qt.MouseButton.LeftButton)
    type_into_dialog(flow, "需区级协调")
    qtbot.mouseClick(incident_pane.actions.button("cmd.broadcast"), Qt.MouseButton.LeftButton)
    ask = incident_pane.actions.broadcast_dialog
    assert ask is not None and ask.isVisible(), "a broadcast asks which grids first"
    n_grids, n_people = ask.reach()
    assert n_grids >= 1 and n_people >= 1
    assert ask.preview.text() == f"Send to {n_grids} grids / {n_people} people"
    chosen = ask.grids()
    QTest.mouseClick(ask.buttons.button(ask.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert [t for _, t, _ in world.sink.commands] == ["cmd.activate_plan"], "the plan goes at once, the rest wait"
    flow.desk.flush()
    types = [t for _, t, _ in world.sink.commands]
    assert types == ["cmd.activate_plan", "cmd.acknowledge", "cmd.escalate", "cmd.broadcast"]
    sent = world.sink.of("cmd.broadcast")[0]
    assert sent.grids == chosen and sent.tag is None and "人群密度" in sent.text
    incident_pane.actions.coop_menu.aboutToShow.emit()  # what opening the menu does
    towns = [a.text() for a in incident_pane.actions.coop_menu.actions()]
    assert towns == ["南山镇"]
    incident_pane.actions.coop_menu.actions()[0].trigger()
    flow.desk.flush()
    assert world.sink.of("cmd.request_cooperation") == [m.CmdCooperation(incident=iid, to_center="T2")]


def test_handoff_buttons_only_when_offered_here(qtbot, world, incident_pane):
    iid = world.raise_alert(1)
    world.replica.link.center = "T2"
    world.selection.select_incident(iid)
    incident_pane.refresh(world.replica.take_changes())
    assert not incident_pane.actions.button("cmd.accept_handoff").isVisible()
    world.event("cooperation_requested", m.IncidentOffered(incident=iid, to_center="T2", actor="T1 值班长"),
                SAMPLE_DAY_START + 70)
    incident_pane.refresh(world.replica.take_changes())
    assert incident_pane.actions.button("cmd.accept_handoff").isVisible() and incident_pane.actions.button("cmd.accept_handoff").isEnabled()
    qtbot.mouseClick(incident_pane.actions.button("cmd.accept_handoff"), Qt.MouseButton.LeftButton)
    incident_pane.flow.desk.flush()
    assert world.sink.of("cmd.accept_handoff") == [m.CmdIncident(incident=iid)]


def test_read_only_incident_pane_has_no_enabled_action(qtbot):
    w = World(read_only=True)
    pane = IncidentPane(w.replica, w.controller, w.selection)
    qtbot.addWidget(pane)
    pane.show()
    iid = w.raise_alert(1)
    w.selection.select_incident(iid)
    pane.refresh(w.replica.take_changes())
    for key, button in pane.action_buttons().items():
        assert not (button.isVisible() and button.isEnabled()), key
    assert not pane.actions.isVisible()
    for i in range(pane.recommendations.recs.topLevelItemCount()):
        assert pane.recommendations.recs.itemWidget(pane.recommendations.recs.topLevelItem(i), 3) is None


def test_chinese_and_english_both_load(qtbot, qapp, world):
    try:
        assert install_translator(qapp, "zh") == "zh_CN"
        zh = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(zh)
        assert zh.actions.button("cmd.acknowledge").text() == "确认"
        assert kind_label("animal") == "动物"
        assert status_label("dispatched") == "已派遣"
        assert install_translator(qapp, "en") == "en"
        en = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(en)
        assert en.actions.button("cmd.acknowledge").text() == "Acknowledge"
        assert kind_label("animal") == "Animal"
    finally:
        install_translator(qapp, "en")


def _texts(tree, col: int) -> list[str]:
    return [tree.topLevelItem(i).text(col) for i in range(tree.topLevelItemCount())]


@pytest.mark.parametrize("lang, words", [
    ("zh", {"steps": ["预警", "启动预案", "已派遣", "任务被拒绝", "已上报"],
            "plan": "人群踩踏风险预案 缺：民警 ×1", "declined": "王芳：在处置另一起", "escalated": "→ 滨江区：需区级协调",
            "field": "现场（模拟）", "breach": "响应已 95 秒，超过 60 秒（无人在途）", "reason": "最近的志愿者："}),
    ("en", {"steps": ["Raised", "Plan activated", "Dispatched", "Task declined", "Escalated"],
            "plan": "人群踩踏风险预案 missing: Police ×1", "declined": "王芳: 在处置另一起",
            "escalated": "→ 滨江区: 需区级协调", "field": "Field (simulated)", "breach": "response 95 s > 60 s (nobody on the way)",
            "reason": "nearest volunteer: "}),
])
def test_the_incident_pane_says_timeline_breaches_and_reasons_in_the_chosen_language(qtbot, qapp, world, lang,
                                                                                     words):
    try:
        install_translator(qapp, lang)
        iid = worked_incident(world)
        pane = IncidentPane(world.replica, world.controller, world.selection)
        qtbot.addWidget(pane)
        world.selection.select_incident(iid)
        pane.refresh(world.replica.take_changes())
        assert pane.promises.reason_label.text() == words["breach"]
        # each recommendation: its reason in words, and an ETA figure of its own
        etas, why = _texts(pane.recommendations.recs, 1), _texts(pane.recommendations.recs, 2)
        assert len(etas) >= 2 and len(set(etas)) == len(etas), etas
        assert why[0].startswith(words["reason"]) and etas[0].split(" · ")[1] in why[0]
        # 王芳 declined this incident: not recommended again, and the reason says so
        assert "王芳" not in _texts(pane.recommendations.recs, 0)[0] and "王芳" in why[0], why[0]
        inc = world.replica.state.incidents[iid]
        world.event("incident_escalated", m.IncidentOffered(incident=iid, to_center="D", actor="值班长 王敏",
                                                            note="需区级协调"), inc.created_at + 90)
        pane.refresh(world.replica.take_changes())
        assert _texts(pane.timeline_view.timeline, 2) == words["steps"]
        detail = _texts(pane.timeline_view.timeline, 3)
        assert detail[1] == words["plan"] and detail[2] == "王芳"
        assert detail[3] == words["declined"] and detail[4] == words["escalated"]
        assert _texts(pane.timeline_view.timeline, 1)[3] == words["field"]
        assert not any(code in " ".join(why + detail) for code in ("nearest_of_role", "next_of_role", "PL-CROWD"))
    finally:
        install_translator(qapp, "en")


def test_a_camera_offline_alarm_names_the_hubs_device_watch_as_its_source(qtbot, world, incident_pane):
    iid = world.raise_alert(7, kind="camera_offline")
    ai = world.raise_alert(8, kind="fire_hazard")
    incident_pane.refresh(world.replica.take_changes())
    world.selection.select_incident(iid)
    watch, camera_ai = actor_label(HEALTH_SOURCE), source_label("camera")
    assert watch != camera_ai
    assert incident_pane.header.reporter_label.text().startswith(watch), "not the camera's AI"
    world.selection.select_incident(ai)
    assert incident_pane.header.reporter_label.text().startswith(camera_ai)
