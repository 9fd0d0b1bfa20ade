"""The one way panes act: each method makes one command and hands it to the session.

Panes never touch sockets or databases; they call the controller and read the
replica. The controller checks the command against the domain rules first, so
a refusal the console can already see is shown at once, not after a round trip.
"""

from __future__ import annotations

import time
import uuid
from typing import Callable, Protocol

from console.client.replica import PendingCommand, Replica
from console.domain.recommend import Recommendation, plan_for, recommend
from console.domain.rules import DRILL_CONTROL, PERMISSIONS, Actor, CommandRefused, decide
from console.protocol import messages as m


class CommandSink(Protocol):
    """Where commands go: the network session (which keeps an outbox)."""

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None: ...

    def subscribe(self, cameras: list[str]) -> None: ...


class Controller:
    """Commands from the commander's clicks and keys, checked and sent once."""

    def __init__(self, replica: Replica, sink: CommandSink, *, read_only: bool = False):
        self.replica = replica
        self.sink = sink
        self.read_only = read_only
        #: called with (command_id, CommandRefused) when a command is refused locally
        self.on_refused: list[Callable[[str, CommandRefused], None]] = []

    # ------------------------------------------------------------------ state

    @property
    def actor(self) -> Actor:
        link = self.replica.link
        return Actor(link.user or "console", link.role or "commander", link.center)

    def can(self, type_: str) -> bool:
        """Whether this console may send a command type (wall mode and role decide)."""
        if self.read_only or self.replica.link.mode == "review":
            return False  # a wall only watches; a review is a record
        return type_ in PERMISSIONS.get(self.replica.link.role or "commander", ())

    def recommendations(self, incident_id: str, limit: int = 5) -> list[Recommendation]:
        """People to send, best first; those a pending dispatch holds are left out."""
        return recommend(self.replica.state, incident_id, limit=limit,
                         exclude=self.replica.pending_resources())

    # ------------------------------------------------------------------ commands

    def send(self, type_: str, body: m.Body) -> str | None:
        """Check and send one command; returns its id, or None if refused here."""
        command_id = uuid.uuid4().hex
        if self.replica.link.mode == "review":
            self._refuse(command_id, CommandRefused("review_only", "a review is a record: dispatch is off"))
            return None
        if not self.can(type_):
            self._refuse(command_id, CommandRefused("forbidden", f"{type_} is not allowed on this console"))
            return None
        try:
            decide(self.replica.state, type_, body, self.actor, self.replica.hub_now())
        except CommandRefused as exc:
            self._refuse(command_id, exc)
            return None
        self.replica.pending[command_id] = PendingCommand(command_id, type_, body, time.time())
        self.sink.send_command(command_id, type_, body)
        return command_id

    def acknowledge(self, incident: str) -> str | None:
        return self.send("cmd.acknowledge", m.CmdIncident(incident=incident))

    def dispatch(self, incident: str, resource: str) -> str | None:
        return self.send("cmd.dispatch", m.CmdDispatch(incident=incident, resource=resource))

    def dispatch_recommended(self, incident: str) -> str | None:
        """Enter on the queue: send the best recommendation, one person."""
        best = self.recommendations(incident, limit=1)
        if not best:
            self._refuse("", CommandRefused("unavailable", "nobody available to recommend"))
            return None
        return self.dispatch(incident, best[0].resource)

    def activate_plan(self, incident: str, plan: str | None = None) -> str | None:
        if plan is None:
            inc = self.replica.state.incidents.get(incident)
            found = plan_for(self.replica.state, inc.kind) if inc else None
            if found is None:
                self._refuse("", CommandRefused("not_found", "no response plan for this kind"))
                return None
            plan = found.id
        return self.send("cmd.activate_plan", m.CmdActivatePlan(incident=incident, plan=plan))

    def cancel_task(self, task: str, reason: str = "undo") -> str | None:
        return self.send("cmd.cancel_task", m.CmdCancelTask(task=task, reason=reason))

    def resolve(self, incident: str, note: str = "") -> str | None:
        return self.send("cmd.resolve", m.CmdIncident(incident=incident, note=note))

    def close(self, incident: str, note: str = "") -> str | None:
        return self.send("cmd.close", m.CmdIncident(incident=incident, note=note))

    def false_alarm(self, incident: str, note: str = "") -> str | None:
        return self.send("cmd.false_alarm", m.CmdIncident(incident=incident, note=note))

    def merge(self, incident: str, into: str) -> str | None:
        return self.send("cmd.merge", m.CmdMerge(incident=incident, into=into))

    def escalate(self, incident: str, note: str = "") -> str | None:
        return self.send("cmd.escalate", m.CmdIncident(incident=incident, note=note))

    def request_cooperation(self, incident: str, town: str, note: str = "") -> str | None:
        return self.send("cmd.request_cooperation",
                         m.CmdCooperation(incident=incident, to_center=town, note=note))

    def accept_handoff(self, incident: str) -> str | None:
        return self.send("cmd.accept_handoff", m.CmdIncident(incident=incident))

    def decline_handoff(self, incident: str, note: str = "") -> str | None:
        return self.send("cmd.decline_handoff", m.CmdIncident(incident=incident, note=note))

    def broadcast(self, incident: str, text: str, tag: str | None = None,
                  grids: list[str] | None = None) -> str | None:
        return self.send("cmd.broadcast", m.CmdBroadcast(incident=incident, text=text, tag=tag,
                                                         grids=grids or []))

    def can_control_drill(self) -> bool:
        """Whether this console may play, pause and seek a reviewed recording."""
        return (not self.read_only and self.replica.link.mode == "review"
                and DRILL_CONTROL in PERMISSIONS.get(self.replica.link.role or "commander", ()))

    def drill_control(self, action: str, value: float | None = None) -> str | None:
        """Review: play, pause, speed (value = factor) or seek (value = hub time)."""
        command_id = uuid.uuid4().hex
        if self.replica.link.mode != "review":
            self._refuse(command_id, CommandRefused("not_review", "only a reviewed recording can be controlled"))
            return None
        if DRILL_CONTROL not in PERMISSIONS.get(self.replica.link.role or "commander", ()):
            self._refuse(command_id, CommandRefused("forbidden", "only a commander or operator controls the replay"))
            return None
        send = getattr(self.sink, "send_control", None)
        if send is None:
            return None
        send(command_id, "drill.control", m.DrillControl(action=action, value=value))
        return command_id

    def subscribe_cameras(self, cameras: list[str]) -> None:
        """Only visible tiles subscribe: the camera wall calls this when its layout changes."""
        self.sink.subscribe(sorted(set(cameras)))

    # ------------------------------------------------------------------ private

    def _refuse(self, command_id: str, exc: CommandRefused) -> None:
        self.replica.notify("warning", exc.code, exc.message)
        for cb in self.on_refused:
            cb(command_id, exc)
