"""The gateway's link to the hub: the console's own client (console/client) as an `ingest` principal.

The session (`console.client.session.Session`) connects, resumes with the seq
*and the log epoch* it folded, takes a snapshot when the hub's log is another
one (a hub restored or started on a new database), follows the events, pings,
notices a dead link and reconnects. The replica keeps the hub's state so the
gateway can place an alert without asking: which grid a point is in, where a
camera stands, whether an alert id exists, which incident an earlier CAP message
opened. This module adds only what the gateway needs on top: that last index,
and a command call that waits for its result.

A command sent just before the link drops stays in the session's outbox and is
sent again when the hub is back (the hub's command-id idempotency makes that
safe); the HTTP client meanwhile got 503/504 and its retry is answered 409
duplicate if the first one was applied.
"""

from __future__ import annotations

import asyncio
import uuid

from console.client.replica import Replica
from console.client.session import Session
from console.domain.state import State
from console.protocol import messages as m
from console.protocol.codec import Message


class HubUnavailable(Exception):
    """No live session with the hub right now."""


class GatewayReplica(Replica):
    """The client's replica, plus alert id → incident id for every alert raised or updated on this log."""

    def __init__(self):
        super().__init__()
        #: alert id → incident id; kept across snapshots of the same log, so archived chains stay known
        self.incident_of: dict[str, str] = {}
        self.on_applied.append(self._note)

    def hello(self, hello: m.Hello) -> bool:
        same = super().hello(hello)
        if not same:  # another log: nothing this gateway learnt of the old one holds
            self.incident_of = {}
        return same

    def load_state(self, state: State) -> None:
        super().load_state(state)
        self.take_changes()  # nobody draws this replica: drop the change sets a screen would take
        index = self.incident_of
        for iid, inc in state.incidents.items():
            index[inc.alert] = iid
            for step in inc.timeline:  # updates joined to an incident name their alert first
                if step.what in ("alert_updated", "alert_cancelled") and step.note:
                    index[step.note.split(" ", 1)[0]] = iid

    def apply_event(self, msg: Message) -> None:
        super().apply_event(msg)
        self.take_changes()

    def _note(self, msg: Message) -> None:
        if msg.type in ("alert_raised", "alert_updated"):
            self.incident_of[msg.body.alert.id] = msg.body.incident


class HubLink:
    """One session with the hub as an `ingest` principal, with a state replica and awaitable commands."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.replica = GatewayReplica()
        self.session = Session(url, token, self.replica, backoff=(0.2, 5.0))
        self.session.on_result.append(self._answered)
        self._waiting: dict[str, asyncio.Future] = {}

    # ------------------------------------------------------------------ what the gateway reads
    @property
    def state(self) -> State:
        return self.replica.state

    @property
    def mode(self) -> str:
        return self.replica.link.mode

    @property
    def live(self) -> asyncio.Event:
        return self.session.live

    @property
    def epoch(self) -> str:
        return self.replica.epoch

    @property
    def incident_of(self) -> dict[str, str]:
        return self.replica.incident_of

    @property
    def last_error(self) -> str:
        return self.replica.link.last_error

    def hub_now(self) -> float:
        """Hub time now, estimated from the last hello / clock / pong."""
        return self.replica.hub_now()

    # ------------------------------------------------------------------ life
    async def start(self) -> None:
        self.session.start()

    async def stop(self) -> None:
        await self.session.close()
        for fut in self._waiting.values():
            if not fut.done():
                fut.set_exception(HubUnavailable("the gateway is stopping"))
        self._waiting.clear()

    # ------------------------------------------------------------------ commands
    async def command(self, type_: str, body: m.Body, *, timeout: float = 5.0) -> m.Result:
        """Send one command and wait for its result; HubUnavailable without a live session."""
        if not self.live.is_set():
            raise HubUnavailable(self.last_error or "not connected to the hub yet")
        cid = f"gw-{uuid.uuid4().hex[:16]}"
        fut = asyncio.get_running_loop().create_future()
        self._waiting[cid] = fut
        try:
            self.session.send_command(cid, type_, body)
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._waiting.pop(cid, None)

    def _answered(self, command_id: str, result: m.Result) -> None:
        fut = self._waiting.pop(command_id, None)
        if fut is not None and not fut.done():
            fut.set_result(result)
