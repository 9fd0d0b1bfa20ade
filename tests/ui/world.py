"""A widget-test world: a real Replica fed the sample baseline and real events, a Controller
whose commands go to a recording sink (shared by the pane and window tests under tests/ui)."""

from __future__ import annotations

import time

from console.client.controller import Controller
from console.client.replica import Replica
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.screenshots import alert_event, baseline_event, sample_alert, sample_baseline
from console.ui.shell.selection import Selection


class RecordingSink:
    """Where the controller's commands go in a widget test: two lists."""

    def __init__(self):
        self.commands: list[tuple[str, str, m.Body]] = []
        self.subscriptions: list[list[str]] = []
        #: the controller completes its handles from here, as from the session's
        self.on_result: list = []

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None:
        self.commands.append((command_id, type_, body))

    def subscribe(self, cameras: list[str]) -> None:
        self.subscriptions.append(cameras)

    def of(self, type_: str) -> list[m.Body]:
        return [body for _, t, body in self.commands if t == type_]

    def answer(self, command_id: str, result: m.Result, replica: Replica) -> None:
        """The hub's answer, delivered as the session delivers it."""
        replica.pending.pop(command_id, None)
        for callback in self.on_result:
            callback(command_id, result)


class World:
    """A replica with the sample baseline and a helper to raise alerts with increasing seq."""

    def __init__(self, read_only: bool = False):
        self.replica = Replica()
        self.sink = RecordingSink()
        self.controller = Controller(self.replica, self.sink, read_only=read_only)
        self.selection = Selection()
        self.seq = 1
        self.replica.apply_event(baseline_event(sample_baseline(), self.seq))

    def raise_alert(self, n: int, **kw) -> str:
        self.seq += 1
        alert = sample_alert(n, **kw)
        self.replica.apply_event(alert_event(alert, self.seq))
        return f"I-{alert.id}"

    def event(self, type_: str, body: m.Body, ts: float) -> None:
        self.seq += 1
        self.replica.apply_event(Message(type_, body, seq=self.seq, ts=ts))

    def freeze_clock(self, hub_time: float) -> None:
        """Pin the replica's hub clock (rate 0) so countdowns are deterministic."""
        link = self.replica.link
        link.clock, link.clock_wall, link.clock_rate = hub_time, time.time(), 0.0


def worked_incident(world: World) -> str:
    """A crowd incident with a plan short of police and a task declined with a note."""
    from console.domain.model import FIELD_SOURCE, PlanRole

    iid = world.raise_alert(1, kind="crowd_density")
    t0 = world.replica.state.incidents[iid].created_at
    world.event("plan_activated", m.PlanActivated(incident=iid, plan="PL-CROWD", actor="值班长 王敏",
                                                  missing=[PlanRole(kind="police", count=1)]), t0 + 70)
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource="V1",
                                                    actor="值班长 王敏", plan="PL-CROWD"), t0 + 70)
    world.event("task_declined", m.TaskStep(task=f"{iid}-T1", actor=FIELD_SOURCE, note="在处置另一起"), t0 + 80)
    world.freeze_clock(t0 + 95)
    return iid

