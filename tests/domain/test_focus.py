"""The keys' target: the newest unacknowledged critical, else the open selection; and closure."""

from console.domain.focus import awaiting_closure, key_target, on_scene_count
from console.protocol import messages as m
from tests.domain.test_domain import CMDR, T0, Hub


def _critical(hub: Hub, at: float) -> str:
    inc = hub.alert("fall", "CAM20", at=at)
    hub.state.incidents[inc].severity = "critical"  # a fall is raised as a warning in this baseline
    return inc


def test_a_new_critical_takes_the_keys_until_acknowledged_then_the_selection_has_them_again():
    hub = Hub()
    dog = hub.alert("animal", "CAM01", at=T0)
    assert key_target(hub.state, dog).incident == dog
    runner = _critical(hub, T0 + 5)
    target = key_target(hub.state, dog)
    assert (target.incident, target.why) == (runner, "critical")
    second = _critical(hub, T0 + 9)  # two criticals within 10 s: the newest shouts
    assert key_target(hub.state, dog).incident == second
    hub.do(CMDR, "cmd.acknowledge", m.CmdIncident(incident=second), at=T0 + 12)
    assert key_target(hub.state, dog).incident == runner
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=runner, resource=hub.nearest(runner)), at=T0 + 15)
    assert key_target(hub.state, dog) .incident == dog


def test_a_settled_selection_is_no_target():
    hub = Hub()
    inc = hub.alert(at=T0)
    hub.do(CMDR, "cmd.false_alarm", m.CmdIncident(incident=inc, note="误报"), at=T0 + 3)
    assert key_target(hub.state, inc) is None
    assert key_target(hub.state, None) is None


def test_done_work_awaits_closure_and_counts_who_is_where():
    hub = Hub()
    inc = hub.alert(at=T0)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=hub.nearest(inc)), at=T0 + 5)
    task = hub.state.incidents[inc].tasks[0]
    assert on_scene_count(hub.state, hub.state.incidents[inc]) == (0, 1)
    assert not awaiting_closure(hub.state, hub.state.incidents[inc])
    hub.do(CMDR, "cmd.task_update", m.CmdTaskUpdate(task=task, status="arrived"), at=T0 + 60)
    assert on_scene_count(hub.state, hub.state.incidents[inc]) == (1, 0)
    hub.do(CMDR, "cmd.task_update", m.CmdTaskUpdate(task=task, status="done"), at=T0 + 300)
    assert awaiting_closure(hub.state, hub.state.incidents[inc])
    hub.do(CMDR, "cmd.close", m.CmdIncident(incident=inc), at=T0 + 310)
    assert not awaiting_closure(hub.state, hub.state.incidents[inc])


def test_a_plan_runs_once_while_its_people_are_out():
    hub = Hub()
    inc = hub.alert("crowd_density", "CAM30", at=T0)
    plan = hub.state.incidents[inc].kind
    from console.domain.recommend import plan_for

    p = plan_for(hub.state, plan)
    hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc, plan=p.id), at=T0 + 5)
    sent = len(hub.state.incidents[inc].tasks)
    refusal = hub.refused(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc, plan=p.id))
    assert (refusal.code, refusal.reason, refusal.subject) == ("duplicate", "plan_active", inc)
    assert len(hub.state.incidents[inc].tasks) == sent


def test_an_answered_critical_no_longer_takes_the_keys():
    hub = Hub()
    first = _critical(hub, T0)
    second = _critical(hub, T0 + 4)
    assert key_target(hub.state, None).incident == second
    assert key_target(hub.state, None, answered={second}).incident == first
    assert key_target(hub.state, first, answered={first, second}).why == "selected"
