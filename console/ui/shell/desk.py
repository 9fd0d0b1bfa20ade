"""The commander's actions with a 5 s undo, the same for keys and clicks.

Two kinds of undo, because the domain has an inverse for only one kind of command:

- A command that sends people (dispatch, plan) goes to the hub at once: a
  person on the way sooner matters more than a clean log. Undo cancels exactly
  the tasks that command made (its handle's result names them), as a
  `cmd.cancel_task` each.
- Every other command (acknowledge, false alarm, escalate, resolve, close, …)
  has no inverse in the domain: once the hub records a false alarm it stays
  recorded. So the console *holds* it for `UNDO_WINDOW_S` before sending, and
  undo drops it before it ever reaches the hub. While a false alarm, close or
  resolve is held its row leaves the queue (what the commander asked for), and
  undo puts it back. The cost: the hub learns of the decision 5 s later. Closing
  the window sends whatever is still held, so nothing decided is lost.

The toast and the incident pane's dispatch line are views of `Desk.entries`.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from console.client.controller import Controller
from console.client.handle import CommandHandle
from console.ui.actions.table import SENDS_PEOPLE, TAKES_OFF_QUEUE

#: seconds an action can be undone
UNDO_WINDOW_S = 5.0
#: give up waiting for the hub to confirm a dispatch that is being undone after this long
UNDO_WAIT_MAX_S = 30.0

_ids = itertools.count(1)


@dataclass(slots=True, eq=False)
class DeskEntry:
    """One action in its undo window.

    `state`: "held" (not sent yet), "sent" (sent, undo cancels its tasks),
    "undoing" (undo asked, waiting for the hub's answer to know the tasks),
    "undone", "final" (window over). `what` is what the toast says (already in words).
    """

    code: str
    incident: str
    what: str
    started: float
    send: Callable[[], CommandHandle] | None = None
    handle: CommandHandle | None = None
    state: str = "held"
    id: int = field(default_factory=lambda: next(_ids))

    def left(self, now: float | None = None) -> float:
        """Seconds of the undo window left."""
        return UNDO_WINDOW_S - ((time.monotonic() if now is None else now) - self.started)

    @property
    def undoable(self) -> bool:
        """Whether undo can still do something."""
        return self.state in ("held", "sent") and self.left() > 0


class Desk(QObject):
    """Sends or holds the commander's actions and undoes them within `UNDO_WINDOW_S`."""

    sig_changed = Signal()
    """An entry was added, sent, undone or expired (toast, queue and dispatch line redraw)."""

    def __init__(self, controller: Controller, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.entries: list[DeskEntry] = []
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.tick)

    # ------------------------------------------------------------------ API

    def hold(self, code: str, incident: str, what: str, send: Callable[[], CommandHandle]) -> DeskEntry | None:
        """Hold a command with no inverse for the undo window, then send it; None if the rules refuse it now.

        A refusal is sent through the controller at once, so it is shown the usual way.
        """
        live = {a.code: a.live for a in self.controller.available_actions(incident)}
        if not live.get(code, True):
            send()  # refused here: the controller says why (banner, Diagnostics)
            return None
        entry = DeskEntry(code, incident, what, time.monotonic(), send=send)
        self._add(entry)
        return entry

    def sent(self, handle: CommandHandle, incident: str, what: str) -> DeskEntry | None:
        """A command that sends people went to the hub: offer to undo it (nothing if refused here)."""
        if handle.refused_here:
            return None
        entry = DeskEntry(handle.type, incident, what, time.monotonic(), handle=handle, state="sent")
        handle.on_done(lambda _h, e=entry: self._answered(e))
        self._add(entry)
        return entry

    def undo(self, entry: DeskEntry | None = None) -> bool:
        """Undo an entry (default: the newest undoable one); False when there is nothing to undo."""
        entry = entry or self.latest()
        if entry is None or not entry.undoable:
            return False
        if entry.state == "held":
            entry.state = "undone"
        else:
            if not self.controller.can("cmd.cancel_task"):
                return False
            entry.state = "undoing"
            if entry.handle is not None and entry.handle.done:
                self._cancel_tasks(entry)
        self.sig_changed.emit()
        return True

    def latest(self) -> DeskEntry | None:
        """The newest entry still in its window (held, sent or being undone)."""
        for entry in reversed(self.entries):
            if entry.state in ("held", "sent", "undoing"):
                return entry
        return None

    def entry_for(self, incident: str, codes: frozenset[str] = SENDS_PEOPLE) -> DeskEntry | None:
        """The newest live entry of an incident among some command types."""
        for entry in reversed(self.entries):
            if entry.incident == incident and entry.code in codes and entry.state in ("held", "sent", "undoing"):
                return entry
        return None

    def answering(self) -> frozenset[str]:
        """Incidents with an action in its undo window or on its way to the hub (the keys move on)."""
        here = {e.incident for e in self.entries if e.state in ("held", "sent")}
        here |= {inc for p in self.controller.replica.pending.values()
                 if isinstance(inc := getattr(p.body, "incident", None), str)}
        return frozenset(here)

    def held_off_queue(self) -> frozenset[str]:
        """Incidents a held false alarm, close or resolve takes off the queue while it waits."""
        return frozenset(e.incident for e in self.entries if e.state == "held" and e.code in TAKES_OFF_QUEUE)

    def flush(self) -> None:
        """Send everything still held now (the window closes: a decision is never lost)."""
        for entry in self.entries:
            if entry.state == "held":
                self._send(entry)
        self.tick()

    def tick(self) -> None:
        """Send what has waited its window out; forget what is over."""
        now = time.monotonic()
        changed = False
        for entry in self.entries:
            if entry.state == "held" and entry.left(now) <= 0:
                self._send(entry)
                changed = True
            elif entry.state == "sent" and entry.left(now) <= 0:
                entry.state = "final"
                changed = True
            elif entry.state == "undoing" and now - entry.started > UNDO_WAIT_MAX_S:
                entry.state = "final"
                changed = True
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.state in ("held", "sent", "undoing")]
        if not self.entries:
            self._timer.stop()
        if changed or before != len(self.entries):
            self.sig_changed.emit()

    # ------------------------------------------------------------------ private

    def _add(self, entry: DeskEntry) -> None:
        self.entries.append(entry)
        if not self._timer.isActive():
            self._timer.start()
        self.sig_changed.emit()

    def _send(self, entry: DeskEntry) -> None:
        entry.state = "final"
        if entry.send is not None:
            entry.handle = entry.send()

    def _answered(self, entry: DeskEntry) -> None:
        if entry.state == "undoing":
            self._cancel_tasks(entry)
        elif entry.handle is not None and not entry.handle.ok and entry.state == "sent":
            entry.state = "final"  # refused by the hub: nothing to undo
        self.sig_changed.emit()

    def _cancel_tasks(self, entry: DeskEntry) -> None:
        entry.state = "undone"
        if entry.handle is not None:
            for task in self.controller.tasks_made(entry.handle):
                self.controller.cancel_task(task, "undo")
        self.sig_changed.emit()
