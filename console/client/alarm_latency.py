"""Alarm-to-screen in service: hub commit of each alert → its row painted on this console.

The bench measures this on a test load (P2); an operator's manager needs it from the
real room, every shift: the norm for a fire-control room is an alarm on screen within
seconds, and a console that falls behind (a busy machine, a slow link) must say so
itself. Pure: times come in as arguments (epoch seconds of this machine, hub seconds).

The hub stamps every event with its clock when it sequences it (`Message.ts`); this
machine's clock is not the hub's. `HubClockOffset` estimates the difference from the
heartbeat: each pong says the hub's clock when it answered a ping we sent at `sent` and
got back at `received`; the hub read its clock about half way, so offset ≈
hub − (sent + received) / 2, wrong by at most half the round trip. The sample with the
shortest round trip in the recent ones is the best bound (NTP's rule), and its half round
trip is the figure's stated error.
"""

from __future__ import annotations

import math
from collections import deque

#: pongs kept for the offset (the heartbeat is once a second: about a minute of them)
OFFSET_SAMPLES = 64
#: the status bar's window: the last hour
WINDOW_S = 3600.0
#: an alert applied this long after the hub made it is backlog (a resume after an outage, a start from
#: the cache), not the screen's speed: counted apart, not in the figure
BACKLOG_S = 60.0
#: alerts applied and not painted yet that are kept (a row filtered out of the queue is never painted)
MAX_PENDING = 1000
#: an applied alert whose row has not been painted after this long is counted missed and forgotten
PENDING_S = 120.0
#: a hub `clock` message ahead of the offset by more than this is a clock that was set (a drill's
#: jump): a late message is only ever behind it; behind by more than JUMP_BACK_S, set back
JUMP_AHEAD_S = 1.0
JUMP_BACK_S = 30.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; nan for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    k = (len(s) - 1) * q / 100.0
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class HubClockOffset:
    """hub clock − this machine's clock, from ping/pong round trips (see the module docstring)."""

    def __init__(self, samples: int = OFFSET_SAMPLES):
        #: (round trip, offset) of recent pongs
        self._samples: deque[tuple[float, float]] = deque(maxlen=samples)

    def pong(self, sent: float, received: float, hub_clock: float) -> None:
        """A pong: our ping left at `sent`, the answer came at `received` (this machine's epoch seconds)."""
        rtt = received - sent
        if rtt < 0:
            return  # the local clock stepped back between the two: no bound from this one
        self._samples.append((rtt, hub_clock - (sent + received) / 2.0))

    def forget(self) -> None:
        """A new connection (perhaps to another hub, or after the hub's clock changed): start over."""
        self._samples.clear()

    @property
    def known(self) -> bool:
        return bool(self._samples)

    @property
    def offset(self) -> float:
        """hub − local seconds (0.0 before any pong)."""
        return min(self._samples)[1] if self._samples else 0.0

    @property
    def error(self) -> float:
        """How wrong `offset` can be: half the shortest round trip (inf before any pong)."""
        return min(self._samples)[0] / 2.0 if self._samples else math.inf

    def local(self, hub_time: float) -> float:
        """A hub time on this machine's clock."""
        return hub_time - self.offset


class AlarmToScreen:
    """Per alert: hub commit → row painted, and the figures of the last hour.

    The replica calls `raised` when it applies an alert (with the event's hub time); the
    queue calls `painted` after each paint with a test for "this incident has a row";
    the status bar reads `p95()`.
    """

    def __init__(self, window_s: float = WINDOW_S):
        self.window_s = window_s
        self.clock = HubClockOffset()
        #: the hub clock's rate: the figure is only taken while it runs at wall speed (live, or an
        #: exercise at 1×); a drill at 10× stamps events in scenario seconds
        self.rate = 1.0
        #: incident → (hub time of the alert, local time it was applied)
        self._pending: dict[str, tuple[float, float]] = {}
        #: (local time painted, seconds from the hub's commit)
        self._done: deque[tuple[float, float]] = deque()
        self.backlog = 0
        self.missed = 0
        self.total = 0
        #: a district console: each town's figure as its hub published it (`messages.TownAlarm` by center)
        self.towns: dict = {}

    # ------------------------------------------------------------ in

    def hub_clock(self, clock: float, rate: float, now: float) -> None:
        """The hub's clock message (its time and rate, received at `now`): forget the offset if it was set."""
        if rate != self.rate:
            self.clock.forget()
        elif self.clock.known:
            ahead = (clock - now) - self.clock.offset
            if ahead > JUMP_AHEAD_S or ahead < -JUMP_BACK_S:
                self.clock.forget()
        self.rate = rate

    def raised(self, incident: str, hub_time: float, now: float) -> None:
        """An alert of `incident` was applied at `now` (local epoch seconds); it waits for its row's paint."""
        if self.rate != 1.0 or not self.clock.known:
            return
        if now - self.clock.local(hub_time) > BACKLOG_S:
            self.backlog += 1
            return
        if incident not in self._pending:
            if len(self._pending) >= MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
                self.missed += 1
            self._pending[incident] = (hub_time, now)

    def painted(self, has_row, now: float) -> int:
        """After a paint of the queue at `now`: `has_row(incident)` says whether its row is there.

        Returns how many alerts reached the screen with this paint.
        """
        if not self._pending:
            return 0
        got = 0
        for incident, (hub_time, applied) in list(self._pending.items()):
            if has_row(incident):
                del self._pending[incident]
                self._done.append((now, max(0.0, now - self.clock.local(hub_time))))
                self.total += 1
                got += 1
            elif now - applied > PENDING_S:
                del self._pending[incident]
                self.missed += 1
        self._trim(now)
        return got

    # ------------------------------------------------------------ out

    def seconds(self, now: float) -> list[float]:
        """Every alert's seconds from hub commit to painted row, over the last window."""
        self._trim(now)
        return [s for _, s in self._done]

    def p95(self, now: float) -> float | None:
        """The 95th percentile over the last hour, in seconds (None before any alert)."""
        vals = self.seconds(now)
        return percentile(vals, 95) if vals else None

    def p50(self, now: float) -> float | None:
        """The median over the last hour, in seconds (None before any alert)."""
        vals = self.seconds(now)
        return percentile(vals, 50) if vals else None

    def summary(self, now: float) -> dict:
        """The figures for a report to the hub or the diagnostics pane (JSON-ready)."""
        vals = self.seconds(now)
        return {"n": len(vals), "p50_s": percentile(vals, 50) if vals else None,
                "p95_s": percentile(vals, 95) if vals else None, "max_s": max(vals) if vals else None,
                "clock_error_s": self.clock.error if self.clock.known else None,
                "backlog": self.backlog, "missed": self.missed, "window_s": self.window_s}

    def _trim(self, now: float) -> None:
        done = self._done
        while done and now - done[0][0] > self.window_s:
            done.popleft()
