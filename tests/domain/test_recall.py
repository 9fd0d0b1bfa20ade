"""cmd.recall: a person is called back with a reason while on the way, never once on scene."""

from console.domain.model import TASK_END_CAUSES
from console.protocol import messages as m
from tests.domain.test_domain import CMDR, T0, T1, Hub


def _sent(hub: Hub) -> tuple[str, str, str]:
    inc = hub.alert(at=T0)
    person = hub.nearest(inc)
    hub.do(T1, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=person, note="先到现场确认"), at=T0 + 5)
    return inc, f"{inc}-T1", person


def test_a_recall_frees_the_person_and_their_page_reads_the_reason():
    hub = Hub()
    inc, task, person = _sent(hub)
    assert hub.state.tasks[task].note == "先到现场确认"
    assert hub.state.incidents[inc].timeline[-1].note == "先到现场确认"
    hub.do(CMDR, "cmd.task_update", m.CmdTaskUpdate(task=task, status="accepted"), at=T0 + 20)
    events = hub.do(T1, "cmd.recall", m.CmdRecall(task=task, reason="现场已有三人"), at=T0 + 40)
    assert [t for t, _ in events] == ["task_cancelled"]
    assert events[0][1].cause == "recalled" and "recalled" in TASK_END_CAUSES
    assert hub.state.tasks[task].status == "cancelled"
    assert hub.state.tasks[task].note == "现场已有三人"
    assert hub.state.resources[person].status == "available"
    assert hub.state.incidents[inc].timeline[-1].cause == "recalled"


def test_nobody_is_recalled_once_on_scene_or_without_a_reason():
    hub = Hub()
    inc, task, person = _sent(hub)
    assert hub.refused(T1, "cmd.recall", m.CmdRecall(task=task, reason="  ")).code == "bad_request"
    hub.do(CMDR, "cmd.task_update", m.CmdTaskUpdate(task=task, status="arrived"), at=T0 + 60)
    refusal = hub.refused(T1, "cmd.recall", m.CmdRecall(task=task, reason="不用了"))
    assert refusal.code == "invalid_state"
    assert hub.state.tasks[task].status == "arrived"
    assert hub.refused(T1, "cmd.recall", m.CmdRecall(task="I-none-T1", reason="x")).code == "not_found"
