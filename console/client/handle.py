"""A sent command's handle: what was sent and, once the hub (or the console itself) answers, the result.

Like Anki's `CollectionOp(...).success(cb)`: the caller keeps the handle and
learns the outcome later, through `on_done(cb)` or by awaiting `wait()`. The
result carries `seqs`, the hub events the command caused, so a caller can find
exactly what its command did (the undo button cancels those tasks, no more).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from console.protocol import messages as m

log = logging.getLogger(__name__)


class CommandHandle:
    """One command: id, type and body; `result` once answered (by the hub, or a refusal here)."""

    __slots__ = ("id", "type", "body", "result", "local", "_callbacks", "_future")

    def __init__(self, command_id: str, type_: str, body: m.Body | None):
        self.id = command_id
        self.type = type_
        self.body = body
        #: the hub's answer, or the console's own refusal; None while waiting
        self.result: m.Result | None = None
        #: refused by the console before anything was sent
        self.local = False
        self._callbacks: list[Callable[[CommandHandle], None]] = []
        self._future: asyncio.Future | None = None

    def __repr__(self) -> str:
        state = "waiting" if self.result is None else f"{self.result.code}{' (here)' if self.local else ''}"
        return f"<CommandHandle {self.type} {self.id[:8]} {state}>"

    @property
    def done(self) -> bool:
        """Whether the command has its answer."""
        return self.result is not None

    @property
    def ok(self) -> bool:
        """Answered and accepted."""
        return self.result is not None and self.result.ok

    @property
    def refused_here(self) -> bool:
        """Refused by the console itself: nothing went to the hub."""
        return self.local

    def on_done(self, callback: Callable[[CommandHandle], None]) -> CommandHandle:
        """Call `callback(handle)` once the result is in (at once if it already is); returns self."""
        if self.result is not None:
            callback(self)
        else:
            self._callbacks.append(callback)
        return self

    def wait(self) -> asyncio.Future:
        """A future of the loop that is running now, completed with the result."""
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
            if self.result is not None:
                self._future.set_result(self.result)
        return self._future

    def complete(self, result: m.Result, *, local: bool = False) -> None:
        """Record the answer and tell whoever waits; a second answer (a resend's echo) is ignored."""
        if self.result is not None:
            return
        self.result, self.local = result, local
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback(self)
            except Exception:  # one caller's bug must not keep the answer from the others (or the session)
                log.exception("command %s: a result callback failed", self.type)
        if self._future is not None and not self._future.done():
            self._future.set_result(result)
