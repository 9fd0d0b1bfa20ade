"""The promise clocks count only dispatches that stand, and "whole team on scene" means every one."""

from console.domain.sla import incident_sla
from console.protocol import messages as m
from tests.domain.test_domain import CMDR, T0, T1, Hub


def _send(hub: Hub, inc: str, at: float, exclude: set[str] = frozenset()) -> tuple[str, str]:
    state = hub.state
    person = next(r.id for r in sorted(state.resources.values(), key=lambda r: r.id)
                  if r.status == "available" and r.kind == "volunteer" and r.id not in exclude)
    hub.do(T1, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=person), at=at)
    return state.incidents[inc].tasks[-1], person


def _step(hub: Hub, task: str, status: str, at: float) -> None:
    hub.do(CMDR, "cmd.task_update", m.CmdTaskUpdate(task=task, status=status), at=at)


def test_an_undone_dispatch_leaves_no_trace_in_either_clock():
    hub = Hub()
    inc = hub.alert(at=T0)
    task, _ = _send(hub, inc, T0 + 10)
    assert incident_sla(hub.state.incidents[inc], T0 + 11).response_s == 10
    hub.do(T1, "cmd.cancel_task", m.CmdCancelTask(task=task, reason="undo"), at=T0 + 12)
    sla = incident_sla(hub.state.incidents[inc], T0 + 70)
    assert sla.response_s is None and sla.response_breached  # nobody sent: the response clock runs on
    assert sla.assembly_left_s is None  # and no assembly clock with nobody on the way


def test_a_refused_only_dispatch_does_not_meet_the_response():
    hub = Hub()
    inc = hub.alert(at=T0)
    task, _ = _send(hub, inc, T0 + 20)
    _step(hub, task, "declined", T0 + 40)
    assert incident_sla(hub.state.incidents[inc], T0 + 45).response_s is None
    task2, _ = _send(hub, inc, T0 + 80)
    sla = incident_sla(hub.state.incidents[inc], T0 + 81)
    assert sla.response_s == 80 and sla.response_breached


def test_all_on_scene_only_while_every_standing_task_has_arrived():
    hub = Hub()
    inc = hub.alert(at=T0)
    a, pa = _send(hub, inc, T0 + 10)
    _step(hub, a, "arrived", T0 + 100)
    assert hub.state.incidents[inc].full_on_scene_at == T0 + 100
    b, pb = _send(hub, inc, T0 + 150, exclude={pa})
    assert hub.state.incidents[inc].full_on_scene_at is None  # someone is on the road again
    sla = incident_sla(hub.state.incidents[inc], T0 + 160)
    assert sla.full_on_scene_s is None and sla.assembly_left_s == 600 - 150
    _step(hub, b, "arrived", T0 + 300)
    assert incident_sla(hub.state.incidents[inc], T0 + 301).full_on_scene_s == 290


def test_a_recalled_person_leaves_the_team_but_the_response_stands():
    hub = Hub()
    inc = hub.alert(at=T0)
    a, pa = _send(hub, inc, T0 + 10)
    b, _ = _send(hub, inc, T0 + 15, exclude={pa})
    _step(hub, a, "arrived", T0 + 100)
    hub.do(T1, "cmd.recall", m.CmdRecall(task=b, reason="够了"), at=T0 + 120)
    state = hub.state.incidents[inc]
    assert state.first_dispatch_at == T0 + 10
    assert state.full_on_scene_at == T0 + 120  # everyone still in the team is on scene
