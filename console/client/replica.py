"""The console's replica: the fold of the hub events it applied, plus what it waits for.

Events are applied as they arrive (cheap); the change sets pile up until the
UI tick takes them, so a burst of 500 alerts reaches the panes as one change.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable

from console.client.alarm_latency import AlarmToScreen
from console.domain.apply import apply
from console.domain.state import ChangeSet, State
from console.protocol import messages as m
from console.protocol.codec import Message


@dataclass(slots=True)
class Notice:
    """Something the user must be told: a refused command, a malformed message, a lost link."""

    level: str       # info | warning | error
    code: str
    text: str
    #: a refusal's finer reason and the id it is about (domain.rules.REFUSAL_REASONS), for words with names
    reason: str = ""
    subject: str = ""
    #: a conflict: who sent the task that holds the person
    holder: str = ""
    at: float = field(default_factory=time.time)


@dataclass(slots=True)
class PendingCommand:
    """A command sent (or queued while offline) and not yet answered by the hub."""

    id: str
    type: str
    body: object
    made_at: float
    queued: bool = False


@dataclass(slots=True)
class LinkStatus:
    """What the status bar shows about the connection and the user."""

    state: str = "offline"          # offline | connecting | resuming | online
    url: str = ""
    user: str = ""
    role: str = ""
    center: str | None = None
    mode: str = "live"              # live | exercise | review
    rtt_ms: float | None = None
    reconnects: int = 0
    last_error: str = ""
    #: hub clock: hub time at `clock_wall` (local monotonic-ish wall time) and its rate
    clock: float = 0.0
    clock_wall: float = 0.0
    clock_rate: float = 1.0


def _nothing_pending() -> bool:
    return False


class Replica:
    """The domain state as this console knows it, and the bookkeeping around it."""

    def __init__(self, state: State | None = None):
        self.state = state or State()
        #: the epoch of the hub log this state is a fold of ("" unknown), from `hello`
        self.epoch = ""
        self.pending: dict[str, PendingCommand] = {}
        self.notices: deque[Notice] = deque(maxlen=500)
        self.counters: Counter[str] = Counter()
        self.link = LinkStatus()
        #: where a reviewed recording stands (review mode only; hub `drill` messages)
        self.drill = None
        #: (hub time, severity, alert id) of every alert of the reviewed recording
        self.drill_markers: list[tuple[float, str, str]] = []
        #: a wall: the duty commander's name and selection (hub `commander_selected`), None before any
        self.commander: m.CommanderSelected | None = None
        self._changes = ChangeSet()
        self._rate_window: deque[tuple[float, int]] = deque(maxlen=64)
        self.revision = 0
        #: called when an applied event raised an alert, with whether one is critical: the window
        #: shows its row at once (critical) or within a tick's gap (any other)
        self.on_new_alert: list[Callable[[bool], None]] = []
        #: set by a listener that needs the loop: the session yields after the current event
        self.yield_requested = False
        #: whether the hub's frames have arrived and wait to be folded (the session sets it): the
        #: window's paints and tick steps give way to them for a moment, so an alert is not read
        #: only after two or three of them
        self.input_pending: Callable[[], bool] = _nothing_pending
        #: called with each event once applied (the controller notes the task each dispatch event made)
        self.on_applied: list[Callable[[Message], None]] = []
        #: hub commit → alert row painted, per alert, measured in service (the queue reports its paints)
        self.alarm = AlarmToScreen()

    # ------------------------------------------------------------ events in

    def apply_event(self, msg: Message) -> None:
        """Apply one sequenced hub event unless it was already applied (resume overlap)."""
        if msg.seq is not None and msg.seq <= self.state.seq:
            self.counters["duplicate_events"] += 1
            return
        changes = self._changes
        before = len(changes.new_alerts)
        apply(self.state, msg, changes)
        self.counters["events"] += 1
        for callback in self.on_applied:
            callback(msg)
        if msg.type == "alert_raised" and msg.ts is not None:
            self.alarm.raised(msg.body.incident, msg.ts, time.time())
        if len(changes.new_alerts) > before:
            # An alert's row must not wait for the next regular UI tick (held back under load)
            critical = any(self.state.alerts[a].severity == "critical" for a in changes.new_alerts[before:])
            for callback in self.on_new_alert:
                callback(critical)

    def load_state(self, state: State) -> None:
        """Replace the whole state (a snapshot from the hub, or the cached replica at start)."""
        self.state = state
        self._changes = ChangeSet(baseline=True, events=1)

    def take_changes(self) -> ChangeSet:
        """Everything that changed since the last call; the UI tick calls this."""
        changes, self._changes = self._changes, ChangeSet()
        if changes:
            self.revision += 1
        now = time.monotonic()
        self._rate_window.append((now, self.counters["events"]))
        return changes

    # ------------------------------------------------------------ what the session tells it

    def set_link(self, state: str, *, url: str | None = None) -> None:
        """The link's state: offline | connecting | resuming | online."""
        self.link.state = state
        if url is not None:
            self.link.url = url

    def link_lost(self, error: str) -> None:
        """The connection ended (or never opened): offline, one more reconnect to come."""
        self.link.state = "offline"
        self.link.last_error = error
        self.link.reconnects += 1

    def identify(self, user: str, role: str, center: str | None) -> None:
        """Who the hub says this token is (from `hello`, or remembered from the last one)."""
        self.link.user, self.link.role, self.link.center = user, role, center

    def hello(self, hello: m.Hello) -> bool:
        """The hub's `hello`: identity, mode, clock. False when its log is not the one this state came from."""
        self.identify(hello.name, hello.role, hello.center)
        self.link.mode = hello.mode
        self.alarm.clock.forget()  # perhaps another hub: earlier pongs measured another clock
        self.hub_clock(hello.clock, hello.clock_rate)
        same = not self.epoch or not hello.epoch or hello.epoch == self.epoch
        return same

    def folded_from(self, epoch: str) -> None:
        """The state now is a fold of the log with this epoch (after a resume or a snapshot)."""
        self.epoch = epoch

    def hub_clock(self, clock: float, rate: float | None = None) -> None:
        """The hub's time now (and its rate, when told)."""
        self.link.clock, self.link.clock_wall = clock, time.time()
        if rate is not None:
            self.link.clock_rate = rate
            self.alarm.hub_clock(clock, rate, self.link.clock_wall)

    def event_time(self, ts: float) -> None:
        """An event's hub time: the clock never goes back."""
        self.link.clock, self.link.clock_wall = max(self.link.clock, ts), time.time()

    def pong(self, sent_t: float, clock: float, towns: list | None = None) -> None:
        """A pong to our ping sent at wall time `sent_t`: round trip and hub time (and, from a district
        hub, each town's alarm-to-screen figure)."""
        now = time.time()
        if towns:
            self.alarm.towns = {t.center: t for t in towns}
        self.link.rtt_ms = (now - sent_t) * 1000.0
        self.alarm.clock.pong(sent_t, now, clock)
        self.hub_clock(clock)

    def command_restored(self, command_id: str, type_: str, body: object) -> None:
        """A command from the local outbox, made before a restart and not yet answered."""
        self.pending[command_id] = PendingCommand(command_id, type_, body, time.time(), queued=True)

    def command_queued(self, command_id: str, queued: bool = True) -> None:
        """The command waits for the link (True) or is on its way to the hub (False)."""
        pending = self.pending.get(command_id)
        if pending is not None:
            pending.queued = queued

    def command_answered(self, command_id: str) -> PendingCommand | None:
        """The hub answered (or refused) the command: it is no longer pending."""
        return self.pending.pop(command_id, None)

    def drill_status(self, status: m.DrillStatus) -> None:
        """Where the reviewed recording stands; the hub clock follows the replay."""
        self.drill = status
        if status.markers:
            self.drill_markers = list(status.markers)
        self.hub_clock(status.position, status.speed if status.playing else 0.0)

    def count(self, code: str, n: int = 1) -> None:
        """Count something that happened (a bad message, a failed local write)."""
        self.counters[code] += n

    def take_yield(self) -> bool:
        """Whether a listener asked the session to let the loop run (and clear the request)."""
        asked, self.yield_requested = self.yield_requested, False
        return asked

    # ------------------------------------------------------------ bookkeeping

    def notify(self, level: str, code: str, text: str, *, reason: str = "", subject: str = "",
               holder: str = "") -> Notice:
        """Record a notice for the user (and count it by code); `reason` and `subject` let the UI
        say a refusal in words with names."""
        notice = Notice(level, code, text, reason, subject, holder)
        self.notices.append(notice)
        self.counters[f"notice.{code}"] += 1
        return notice

    def events_per_second(self) -> float:
        """Events applied per second over the last few seconds of UI ticks."""
        if len(self._rate_window) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._rate_window[0], self._rate_window[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def hub_now(self) -> float:
        """Best estimate of the hub clock now (scenario time runs at clock_rate)."""
        link = self.link
        if link.clock_wall == 0.0:
            return self.state.now
        return link.clock + (time.time() - link.clock_wall) * link.clock_rate

    def pending_resources(self) -> set[str]:
        """People a not-yet-confirmed dispatch will take (shown as pending in the roster)."""
        return {p.body.resource for p in self.pending.values() if p.type == "cmd.dispatch"}
