"""`available_actions` against `decide` on the real marathon baseline: a live action is a command the
hub takes, and a dead one names the code the hub would refuse it with."""

from __future__ import annotations

import pytest

from console.domain.actions import ACTIONS, available_actions
from console.domain.recommend import plan_for
from console.domain.commands import decide
from console.domain.rules import Actor, CommandRefused, can_see
from console.protocol import messages as m
from tests.domain.test_domain import CMDR, FIELD, OPERATOR, T0, T1, T2, WALL, Hub

WALL_CONSOLE = Actor("值班长 王敏", "commander", None, mode="wall")
REVIEW_CONSOLE = Actor("值班长 王敏", "commander", None, mode="review")
ACTORS = [CMDR, T1, T2, OPERATOR, WALL, FIELD, WALL_CONSOLE, REVIEW_CONSOLE]


def _new(hub: Hub, inc: str) -> None:
    """As raised."""


def _acknowledged(hub: Hub, inc: str) -> None:
    hub.do(T1, "cmd.acknowledge", m.CmdIncident(incident=inc), at=T0 + 5)


def _dispatched(hub: Hub, inc: str) -> None:
    hub.do(T1, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=hub.nearest(inc)), at=T0 + 10)


def _escalated(hub: Hub, inc: str) -> None:
    hub.do(T1, "cmd.escalate", m.CmdIncident(incident=inc), at=T0 + 10)


def _offered_to_t2(hub: Hub, inc: str) -> None:
    hub.do(T1, "cmd.request_cooperation", m.CmdCooperation(incident=inc, to_center="T2"), at=T0 + 10)


def _taken_by_district(hub: Hub, inc: str) -> None:
    _escalated(hub, inc)
    hub.do(CMDR, "cmd.accept_handoff", m.CmdIncident(incident=inc), at=T0 + 20)


def _resolved(hub: Hub, inc: str) -> None:
    _dispatched(hub, inc)
    hub.do(T1, "cmd.resolve", m.CmdIncident(incident=inc), at=T0 + 30)


def _tasks_all_ended(hub: Hub, inc: str) -> None:
    _dispatched(hub, inc)
    hub.do(T1, "cmd.cancel_task", m.CmdCancelTask(task=f"{inc}-T1"), at=T0 + 20)


def _closed(hub: Hub, inc: str) -> None:
    _dispatched(hub, inc)
    hub.do(T1, "cmd.close", m.CmdIncident(incident=inc), at=T0 + 30)


SCENES = [_new, _acknowledged, _dispatched, _escalated, _offered_to_t2, _taken_by_district, _resolved,
          _tasks_all_ended, _closed]


def _body(hub: Hub, code: str, inc_id: str, other: str, actor: Actor) -> m.Body | None:
    """A command of this type that only the incident's own rules can refuse (None: no such body)."""
    state = hub.state
    inc = state.incidents[inc_id]
    if code == "cmd.dispatch":
        return m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id))
    if code == "cmd.activate_plan":
        plan = plan_for(state, inc.kind)
        return m.CmdActivatePlan(incident=inc_id, plan=plan.id if plan else "")
    if code == "cmd.merge":
        if not can_see(state, actor.center, state.incidents[other]):
            return None  # nothing this actor could merge it into
        return m.CmdMerge(incident=inc_id, into=other)
    if code == "cmd.request_cooperation":
        busy = {inc.owner, inc.town, inc.offered_to, *inc.partners}
        town = next(u.id for u in state.org.values() if u.level == "town" and u.id not in busy)
        return m.CmdCooperation(incident=inc_id, to_center=town)
    if code == "cmd.broadcast":
        return m.CmdBroadcast(text="排查", incident=inc_id, grids=[inc.grid])
    if code == "cmd.cancel_task":
        if not inc.tasks:
            return None  # no task to name: the action says why (below)
        open_ = [t for t in inc.tasks if state.tasks[t].status not in ("done", "declined", "cancelled")]
        return m.CmdCancelTask(task=(open_ or inc.tasks)[0])
    return m.CmdIncident(incident=inc_id)


@pytest.mark.parametrize("scene", SCENES, ids=lambda f: f.__name__.strip("_"))
def test_every_action_is_live_exactly_when_decide_takes_it(scene):
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM01")        # a T1 incident
    other = hub.alert("crowd_density", "CAM02")      # to merge into
    assert hub.inc(inc).town == hub.inc(other).town == "T1"
    scene(hub, inc)
    for actor in ACTORS:
        actions = available_actions(hub.state, inc, actor)
        assert [a.code for a in actions] == list(ACTIONS)
        for action in actions:
            body = _body(hub, action.code, inc, other, actor)
            if body is None:
                continue  # no task or merge target this actor could name: the tests below cover those
            try:
                decide(hub.state, action.code, body, actor, hub.now)
            except CommandRefused as exc:
                assert (action.live, action.refusal) == (False, exc.code), (scene.__name__, actor, action, exc)
            else:
                assert (action.live, action.refusal) == (True, None), (scene.__name__, actor, action)


def _live(hub: Hub, inc: str, actor: Actor) -> set[str]:
    return {a.code for a in available_actions(hub.state, inc, actor) if a.live}


def test_a_new_incident_offers_its_town_everything_but_hand_off_answers_and_cancel():
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM01")
    assert _live(hub, inc, T1) == set(ACTIONS) - {"cmd.accept_handoff", "cmd.decline_handoff", "cmd.cancel_task",
                                                   "cmd.follow_up",  # a follow-up: only from a closed case
                                                   "cmd.end_drill"}  # a real incident is no drill to end
    assert _live(hub, inc, OPERATOR) == {"cmd.acknowledge", "cmd.false_alarm", "cmd.merge"}


def test_read_only_consoles_and_other_centers_get_nothing_live_and_say_why():
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM01")
    for actor, code in ((WALL_CONSOLE, "forbidden"), (WALL, "forbidden"), (REVIEW_CONSOLE, "review_only"),
                        (T2, "out_of_scope")):
        actions = available_actions(hub.state, inc, actor)
        assert {(a.live, a.refusal) for a in actions} == {(False, code)}, actor
    assert {a.refusal for a in available_actions(hub.state, "I-none", CMDR)} == {"not_found"}


def test_an_escalated_incident_waits_for_the_district():
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM01")
    _escalated(hub, inc)
    town = {a.code: a for a in available_actions(hub.state, inc, T1)}
    assert not town["cmd.dispatch"].live and town["cmd.dispatch"].refusal == "invalid_state"
    assert not town["cmd.activate_plan"].live and not town["cmd.escalate"].live
    assert not town["cmd.accept_handoff"].live
    district = _live(hub, inc, CMDR)
    assert {"cmd.accept_handoff", "cmd.decline_handoff"} <= district
    assert "cmd.dispatch" not in district  # accept first: the hub refuses a dispatch while it is offered
    hub.do(CMDR, "cmd.accept_handoff", m.CmdIncident(incident=inc))
    assert {"cmd.dispatch", "cmd.activate_plan"} <= _live(hub, inc, CMDR)
    assert "cmd.escalate" not in _live(hub, inc, CMDR)


def test_a_closed_incident_offers_nothing_and_a_kind_without_plan_no_plan():
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM01")
    _closed(hub, inc)
    assert _live(hub, inc, CMDR) == set()
    plain = hub.alert("other", "CAM01")  # the baseline has no plan for "other"
    plan = {a.code: a for a in available_actions(hub.state, plain, CMDR)}["cmd.activate_plan"]
    assert (plan.live, plan.refusal) == (False, "not_found")
    assert "cmd.dispatch" in _live(hub, plain, CMDR)
