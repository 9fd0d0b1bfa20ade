"""The controller's command handles, without a network: a sink that answers as the session does."""

from __future__ import annotations

import asyncio

from console.client.controller import Controller
from console.client.replica import Replica
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.screenshots import alert_event, baseline_event, sample_alert, sample_baseline


class AnsweringSink:
    """Keeps what was sent; `answer` delivers a result the way the session's `on_result` does."""

    def __init__(self):
        self.sent: list[tuple[str, str, m.Body]] = []
        self.on_result: list = []

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None:
        self.sent.append((command_id, type_, body))

    def subscribe(self, cameras: list[str]) -> None:
        pass

    def answer(self, command_id: str, result: m.Result) -> None:
        for callback in self.on_result:
            callback(command_id, result)


def _world() -> tuple[Replica, AnsweringSink, Controller, str]:
    replica = Replica()
    replica.apply_event(baseline_event(sample_baseline(), 1))
    alert = sample_alert(1)
    replica.apply_event(alert_event(alert, 2))
    sink = AnsweringSink()
    return replica, sink, Controller(replica, sink), f"I-{alert.id}"


def test_a_command_refused_here_has_its_result_at_once_and_sends_nothing():
    replica, sink, controller, _ = _world()
    seen = []
    handle = controller.acknowledge("I-none").on_done(seen.append)
    assert handle.done and handle.refused_here and not handle.ok
    assert (handle.result.code, seen, sink.sent) == ("not_found", [handle], [])
    assert replica.notices[-1].code == "not_found"


def test_a_sent_command_completes_with_the_hubs_result_once():
    replica, sink, controller, iid = _world()
    seen = []
    handle = controller.acknowledge(iid).on_done(seen.append)
    assert not handle.done and [c[0] for c in sink.sent] == [handle.id]
    sink.answer("someone-elses-id", m.Result(ok=False, code="conflict"))
    assert not handle.done
    sink.answer(handle.id, m.Result(ok=True, seqs=[3]))
    sink.answer(handle.id, m.Result(ok=False, code="duplicate"))  # a resend's echo changes nothing
    assert handle.ok and handle.result.seqs == [3] and seen == [handle] and not handle.refused_here


def test_wait_gives_the_result_to_a_coroutine():
    async def run() -> m.Result:
        _, sink, controller, iid = _world()
        handle = controller.acknowledge(iid)
        asyncio.get_running_loop().call_soon(sink.answer, handle.id, m.Result(ok=True, seqs=[7]))
        return await asyncio.wait_for(handle.wait(), 5)

    assert asyncio.run(run()).seqs == [7]


def test_tasks_made_are_the_dispatches_the_result_names_and_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr("console.client.controller.DISPATCH_MEMORY", 10)
    replica, sink, controller, iid = _world()
    handle = controller.dispatch_recommended(iid)
    free = [r.id for r in replica.state.resources.values() if r.status == "available"]
    for n, seq in enumerate((3, 4, 5), start=1):
        replica.apply_event(Message("task_dispatched", m.TaskDispatched(
            task=f"{iid}-T{n}", incident=iid, resource=free[n], actor="值班长"), seq, 1.0))
    assert controller.tasks_made(handle) == []  # not answered yet
    sink.answer(handle.id, m.Result(ok=True, seqs=[3, 5]))
    assert controller.tasks_made(handle) == [f"{iid}-T1", f"{iid}-T3"]
    for n, seq in enumerate(range(6, 14), start=4):  # 8 more: the first two (seqs 3, 4) are forgotten
        replica.apply_event(Message("task_dispatched", m.TaskDispatched(
            task=f"{iid}-T{n}", incident=iid, resource=free[n], actor="值班长"), seq, 1.0))
    assert controller.tasks_made(handle) == [f"{iid}-T3"]  # what is forgotten is not guessed
