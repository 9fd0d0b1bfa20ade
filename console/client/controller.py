"""The one way panes act: each method makes one command, hands it to the session and returns its handle.

Panes never touch sockets or databases; they call the controller and read the
replica. The controller checks the command against the domain rules first, so
a refusal the console can already see is shown at once, not after a round trip.
Every command gets a `CommandHandle`, completed with the hub's result (its
`seqs` name the events the command caused) or at once with the local refusal.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from typing import Callable, Protocol

from console.client.handle import CommandHandle
from console.client.replica import PendingCommand, Replica
from console.client.session import SearchFailed
from console.domain.actions import Action, available_actions
from console.domain.recommend import Recommendation, plan_for, recommend
from console.domain.commands import DRILL_CONTROL, FIELD_ENROL, check_permitted, decide
from console.domain.rules import Actor, CommandRefused
from console.protocol import messages as m
from console.protocol.codec import Message

#: dispatch events remembered (seq → task id), newest kept: far more than the commands of one undo window
DISPATCH_MEMORY = 20_000


class CommandSink(Protocol):
    """Where commands go: the network session (which keeps an outbox).

    A sink that answers has `on_result`, a list of `(command_id, Result)` callbacks
    (the session's); the controller completes its handles from it.
    """

    def send_command(self, command_id: str, type_: str, body: m.Body) -> None: ...

    def subscribe(self, cameras: list[str]) -> None: ...


class Controller:
    """Commands from the commander's clicks and keys, checked and sent once."""

    def __init__(self, replica: Replica, sink: CommandSink, *, read_only: bool = False):
        self.replica = replica
        self.sink = sink
        self.read_only = read_only
        #: called with every handle this controller makes (sent, or refused here)
        self.on_command: list[Callable[[CommandHandle], None]] = []
        #: handles waiting for the hub's answer, by command id
        self._waiting: dict[str, CommandHandle] = {}
        #: seq → task id of the task_dispatched events applied, oldest first
        self._dispatched: OrderedDict[int, str] = OrderedDict()
        results = getattr(sink, "on_result", None)
        self._answered = results is not None
        if results is not None:
            results.append(self.complete)
        replica.on_applied.append(self._on_applied)

    # ------------------------------------------------------------------ state

    @property
    def actor(self) -> Actor:
        """Who this console acts as; a wall or a review is an actor for whom nothing is live."""
        link = self.replica.link
        mode = "wall" if self.read_only else "review" if link.mode == "review" else "live"
        return Actor(link.user or "console", link.role or "commander", link.center, mode)

    def can(self, type_: str) -> bool:
        """Whether this console may send a command type (wall mode, review and role decide)."""
        try:
            check_permitted(self.actor, type_)
        except CommandRefused:
            return False
        return True

    def available_actions(self, incident_id: str) -> tuple[Action, ...]:
        """The incident's actions for this console now: live or, if not, the refusal code why."""
        return available_actions(self.replica.state, incident_id, self.actor)

    def recommendations(self, incident_id: str, limit: int = 5) -> list[Recommendation]:
        """People to send, best first; those a pending dispatch holds are left out."""
        return recommend(self.replica.state, incident_id, limit=limit,
                         exclude=self.replica.pending_resources())

    def tasks_made(self, handle: CommandHandle) -> list[str]:
        """The tasks an answered command created, from its result's seqs (exact, not guessed).

        Empty while unanswered, when refused, or when the console got the events as a
        snapshot rather than one by one (a long outage): then nothing is known to undo.
        """
        if handle.result is None or not handle.result.ok:
            return []
        return [self._dispatched[s] for s in handle.result.seqs if s in self._dispatched]

    # ------------------------------------------------------------------ commands

    def send(self, type_: str, body: m.Body) -> CommandHandle:
        """Check and send one command; its handle is already complete if refused here."""
        handle = self._handle(uuid.uuid4().hex, type_, body)
        try:
            decide(self.replica.state, type_, body, self.actor, self.replica.hub_now())
        except CommandRefused as exc:
            return self._refuse(handle, exc)
        self.replica.pending[handle.id] = PendingCommand(handle.id, type_, body, time.time())
        if self._answered:
            self._waiting[handle.id] = handle
        self.sink.send_command(handle.id, type_, body)
        return handle

    def complete(self, command_id: str, result: m.Result) -> None:
        """The hub answered a command (the session's `on_result` hook calls this)."""
        handle = self._waiting.pop(command_id, None)
        if handle is not None:
            handle.complete(result)

    def acknowledge(self, incident: str) -> CommandHandle:
        return self.send("cmd.acknowledge", m.CmdIncident(incident=incident))

    def dispatch(self, incident: str, resource: str, note: str = "") -> CommandHandle:
        return self.send("cmd.dispatch", m.CmdDispatch(incident=incident, resource=resource, note=note))

    def dispatch_recommended(self, incident: str) -> CommandHandle:
        """Enter on the queue: send the best recommendation, one person."""
        best = self.recommendations(incident, limit=1)
        if not best:
            return self._refuse(self._handle(uuid.uuid4().hex, "cmd.dispatch", None),
                                CommandRefused("unavailable", "nobody available to recommend"))
        return self.dispatch(incident, best[0].resource)

    def activate_plan(self, incident: str, plan: str | None = None) -> CommandHandle:
        if plan is None:
            inc = self.replica.state.incidents.get(incident)
            found = plan_for(self.replica.state, inc.kind) if inc else None
            if found is None:
                return self._refuse(self._handle(uuid.uuid4().hex, "cmd.activate_plan", None),
                                    CommandRefused("not_found", "no response plan for this kind"))
            plan = found.id
        return self.send("cmd.activate_plan", m.CmdActivatePlan(incident=incident, plan=plan))

    def cancel_task(self, task: str, reason: str = "undo") -> CommandHandle:
        return self.send("cmd.cancel_task", m.CmdCancelTask(task=task, reason=reason))

    def resolve(self, incident: str, note: str = "") -> CommandHandle:
        return self.send("cmd.resolve", m.CmdIncident(incident=incident, note=note))

    def close(self, incident: str, note: str = "") -> CommandHandle:
        return self.send("cmd.close", m.CmdIncident(incident=incident, note=note))

    def false_alarm(self, incident: str, note: str = "") -> CommandHandle:
        return self.send("cmd.false_alarm", m.CmdIncident(incident=incident, note=note))

    def merge(self, incident: str, into: str) -> CommandHandle:
        return self.send("cmd.merge", m.CmdMerge(incident=incident, into=into))

    def escalate(self, incident: str, note: str = "") -> CommandHandle:
        return self.send("cmd.escalate", m.CmdIncident(incident=incident, note=note))

    def request_cooperation(self, incident: str, town: str, note: str = "") -> CommandHandle:
        return self.send("cmd.request_cooperation",
                         m.CmdCooperation(incident=incident, to_center=town, note=note))

    def accept_handoff(self, incident: str) -> CommandHandle:
        return self.send("cmd.accept_handoff", m.CmdIncident(incident=incident))

    def decline_handoff(self, incident: str, note: str = "") -> CommandHandle:
        return self.send("cmd.decline_handoff", m.CmdIncident(incident=incident, note=note))

    def broadcast(self, incident: str, text: str, tag: str | None = None,
                  grids: list[str] | None = None) -> CommandHandle:
        return self.send("cmd.broadcast", m.CmdBroadcast(incident=incident, text=text, tag=tag,
                                                         grids=grids or []))

    def can_control_drill(self) -> bool:
        """Whether this console may play, pause and seek a reviewed recording."""
        return self.replica.link.mode == "review" and self.can(DRILL_CONTROL)

    def drill_control(self, action: str, value: float | None = None) -> CommandHandle:
        """Review: play, pause, speed (value = factor) or seek (value = hub time)."""
        body = m.DrillControl(action=action, value=value)
        handle = self._handle(uuid.uuid4().hex, DRILL_CONTROL, body)
        if self.replica.link.mode != "review":
            return self._refuse(handle, CommandRefused("not_review", "only a reviewed recording can be controlled"))
        if not self.can(DRILL_CONTROL):
            return self._refuse(handle, CommandRefused("forbidden", "only a commander or operator controls the replay"))
        send = getattr(self.sink, "send_control", None)
        if send is None:
            return self._refuse(handle, CommandRefused("offline", "not connected to the hub"))
        if self._answered:
            self._waiting[handle.id] = handle
        send(handle.id, DRILL_CONTROL, body)
        return handle

    def field_enrol(self, resource: str, revoke: bool = False) -> CommandHandle:
        """A fresh field-page token for a person (its result carries `token` and `url`), or revoke theirs.

        Sent without the outbox, like a drill control: a token is never kept in the console's
        file, and a stale enrolment must not be re-sent after an outage (it would end a newer one).
        """
        body = m.FieldEnrol(resource=resource, revoke=revoke)
        handle = self._handle(uuid.uuid4().hex, FIELD_ENROL, body)
        if not self.can(FIELD_ENROL):
            return self._refuse(handle, CommandRefused("forbidden", "only a commander enrols field pages"))
        send = getattr(self.sink, "send_control", None)
        if send is None:
            return self._refuse(handle, CommandRefused("offline", "not connected to the hub"))
        if self._answered:
            self._waiting[handle.id] = handle
        send(handle.id, FIELD_ENROL, body)
        return handle

    def search_cases(self, query: m.CaseQuery) -> asyncio.Future:
        """Past cases from the hub (its live state and archive); the future gets `CasesFound` or
        fails with `SearchFailed` (offline, not allowed, no hub behind this console)."""
        search = getattr(self.sink, "search_cases", None)
        if search is not None and not self.read_only:
            return search(query)
        fut = asyncio.get_running_loop().create_future()
        fut.set_exception(SearchFailed("unavailable", "this console has no hub to search"))
        return fut

    def subscribe_cameras(self, cameras: list[str]) -> None:
        """Only visible tiles subscribe: the camera wall calls this when its layout changes."""
        self.sink.subscribe(sorted(set(cameras)))

    def report_selection(self, incident: str | None) -> None:
        """The desk's selection changed: the hub tells the walls that follow this commander.

        A wall (read-only) reports nothing; a sink without the call (a test's) is skipped.
        """
        report = getattr(self.sink, "report_selection", None)
        if report is not None and not self.read_only:
            report(incident)

    # ------------------------------------------------------------------ private

    def _handle(self, command_id: str, type_: str, body: m.Body | None) -> CommandHandle:
        handle = CommandHandle(command_id, type_, body)
        for callback in self.on_command:
            callback(handle)
        return handle

    def _refuse(self, handle: CommandHandle, exc: CommandRefused) -> CommandHandle:
        self.replica.notify("warning", exc.code, exc.message, reason=exc.reason, subject=exc.subject,
                            holder=exc.holder or "")
        handle.complete(m.Result(ok=False, code=exc.code, message=exc.message, holder=exc.holder,
                            reason=exc.reason, subject=exc.subject), local=True)
        return handle

    def _on_applied(self, msg: Message) -> None:
        if msg.type == "task_dispatched" and msg.seq is not None:
            self._dispatched[msg.seq] = msg.body.task
            if len(self._dispatched) > DISPATCH_MEMORY:
                self._dispatched.popitem(last=False)
