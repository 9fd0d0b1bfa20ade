"""The UI tick: what the replica changed reaches the panes here, a few times a second, in small steps.

Data reaches panes only through `refresh(changes)` on this tick (the pane table says
which panes are refreshed every tick, which on alternate ticks). Three rules keep the
GUI thread answering under a flood of events:

- a tick refreshes panes for about TICK_SLICE_S, then lets the loop run and goes on;
- after a tick that took d seconds the next regular one waits d / TICK_SHARE (at most
  TICK_WAIT_MAX_S), d counting the window's paint that followed and the early ticks
  meanwhile: a flood is applied, not drowned in redraws;
- a new critical alert gets an early tick of the queue alone (at most one per
  URGENT_GAP_S), painted before anything else, and the next regular tick gives the
  other panes the same changes; any other new alert gets one too, at most one per
  ROW_GAP_S (a regular tick may be held back half a second under load);
- a tick step or a window paint about to start while the hub's frames wait to be folded
  gives way to them (at most GIVE_WAY_MAX_S): Qt runs posted paints and timers before a
  socket it has just found readable, so an alert otherwise waited behind two or three of them.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.ui.shell.critical import CriticalFocus
from console.ui.shell.paint_gate import PaintGate
from console.ui.shell.registry import PANES

log = logging.getLogger(__name__)

#: an early tick for a new critical alert comes no sooner than this after the last tick (s)
URGENT_GAP_S = 0.005
#: UI tick (ms): panes redraw at most this often
TICK_MS = 50
#: ... and for any other new alert no sooner than this (s): a storm of alerts costs the queue at most
#: one early refresh and paint per two regular ticks
ROW_GAP_S = 2 * TICK_MS / 1000.0
#: a tick refreshes panes for about this long before it lets the loop run (s)
TICK_SLICE_S = 0.008
#: regular ticks take at most this share of the GUI thread: after a tick that took d seconds the
#: next waits d / TICK_SHARE (a flood of events is applied, not drowned in redraws; alerts still tick early)
TICK_SHARE = 0.25
#: ... but never longer than this (s): one huge tick (the baseline of 20,000 people, 1-2 s) must not
#: leave the map and the queue still for four times as long (P4: the map redraws every second)
TICK_WAIT_MAX_S = 0.5
#: with nothing new, panes still refresh this often so countdowns move (s)
IDLE_REFRESH_S = 0.5
#: a window paint or a tick step waits at most this long while the hub's frames wait to be folded (s):
#: the frame that may hold a critical alert goes first, and a flood cannot keep the screen still
GIVE_WAY_MAX_S = 0.015


class UiTick(QObject):
    """Refreshes the window's panes from the replica's changes on a timer, in steps.

    `panes` is the window's live name → widget dict (panes built later join it);
    `after(idle)` runs once a tick's steps are all done (the window's status bar,
    header and notices); `critical` is held while an early tick paints the queue.
    """

    def __init__(self, replica: Replica, panes: dict[str, QWidget], critical: CriticalFocus,
                 after: Callable[[bool], None], parent: QObject | None = None):
        super().__init__(parent)
        self.replica = replica
        self.panes = panes
        self.critical = critical
        self.after = after
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.run)
        #: when the early tick already asked for is due (monotonic; 0: none is), and whether for a critical alert
        self._urgent_due = 0.0
        self._urgent_critical = False
        self._closed = False
        self._tick_at = 0.0
        self._last_refresh = 0.0
        #: changes an early tick showed in the queue only; the next regular tick shows them everywhere
        self._carry = ChangeSet()
        #: changes an early tick took from the replica and did not give the queue (only the new critical
        #: alerts' rows go in an early tick); the queue gets them on the next regular tick
        self._queue_owed = ChangeSet()
        #: a redraw every pane (the queue too) owes on the next tick (a window made over a running session)
        self._redraw = ChangeSet()
        #: ticks so far (a staggered pane's phase is counted on it)
        self.number = 0
        #: changes a staggered pane has not been given yet
        self._backlog: dict[str, ChangeSet] = {}
        #: the current tick's pane refreshes not yet run: (name, pane, changes)
        self._steps: deque = deque()
        self._steps_idle = False
        #: GUI-thread time the current tick took so far, and when the next may start (monotonic)
        self._tick_busy = 0.0
        self._tick_started = self._next_tick_at = 0.0
        #: GUI-thread time since this tick started outside its steps: the window's paints (half
        #: the GUI thread under a flood, P2) and the early ticks; the next tick waits for it too
        self._spent_since = 0.0
        #: since when a paint or a step has been giving way to the hub's frames (0: it is not)
        self._giving_since = 0.0
        #: an early tick's own paint is under way: it never gives way
        self._painting_now = False
        #: the map's and the tiles' paints wait while an early tick paints the queue's rows
        self.paint_gate = PaintGate(self._deferrable_paints, self)
        replica.on_new_alert.append(self._tick_soon)
        self.timer.start()

    # ------------------------------------------------------------------ API

    def start(self) -> None:
        """Tick on the timer (it starts ticking when made)."""
        self.timer.start()

    def stop(self) -> None:
        """No more regular ticks (tests drive the tick themselves; a window being replaced)."""
        self.timer.stop()

    def close(self) -> None:
        """For good: no regular, early or leftover step runs after this. Safe to call twice."""
        if self._tick_soon in self.replica.on_new_alert:
            self.replica.on_new_alert.remove(self._tick_soon)
        self._closed = True
        self.timer.stop()

    @property
    def busy(self) -> bool:
        """Whether the current tick still has panes to refresh (the loop runs between its steps)."""
        return bool(self._steps)

    def run(self, force: bool = False) -> ChangeSet:
        """One UI tick: every pane gets what changed, in steps of at most TICK_SLICE_S.

        Between steps the loop runs (the session applies what arrived, a critical alert is
        painted at once): a tick that redraws the map, the roster and the KPIs no longer holds
        the GUI thread for all of them in one go. A forced tick (tests, smoke, a new window)
        runs whole. A tick due while the last one's steps still run waits for the next.
        """
        if self._steps:
            if not force:
                return ChangeSet()
            self._run_steps(None)
        # For the paints since the last tick, only while the hub's frames wait: the wait is there so a
        # flood is applied, and 16 live tiles painting 15 fps (a quarter of the thread and more) held
        # every tick back to TICK_WAIT_MAX_S with nothing to apply (P11: alert rows 0.3 s late)
        held_back = min(self._spent_since / TICK_SHARE, TICK_WAIT_MAX_S) if self.replica.input_pending() else 0.0
        if not force and time.monotonic() < self._next_tick_at + held_back:
            # The last tick was heavy: domain changes pile up for the next one; video goes on.
            for spec in PANES:
                pane = self.panes.get(spec.name)
                if pane is not None and spec.every_tick:
                    try:
                        pane.refresh(ChangeSet())
                    except Exception:  # noqa: BLE001 - counted and logged by the full tick
                        log.exception("pane failed to refresh")
            return ChangeSet()
        self._tick_at = self._tick_started = time.monotonic()
        self._tick_busy = self._spent_since = 0.0
        # The queue already had the carried changes in the early tick: given them again, it
        # would ring, pop and focus a critical alert twice. It gets the rest.
        queue_changes, self._redraw = self._redraw, ChangeSet()
        queue_changes.merge(self._queue_owed)
        self._queue_owed = ChangeSet()
        queue_changes.merge(self.replica.take_changes())
        changes, self._carry = self._carry, ChangeSet()
        changes.merge(queue_changes)
        now = time.monotonic()
        idle = not changes and not force and now - self._last_refresh < IDLE_REFRESH_S
        if not idle:
            self._last_refresh = now
        self.number += 1
        steps = self._steps
        for spec in PANES:
            name = spec.name
            pane = self.panes.get(name)
            # A staggered pane still owed changes is not idle: when events arrive in step with
            # the other phase (the hub's 10 Hz slices, our 20 Hz ticks) its ticks are all
            # empty ones, and skipping them left the map unredrawn for the whole run (P4).
            if pane is None or (idle and not spec.every_tick and not self._backlog.get(name)):
                continue
            pane_changes = queue_changes if spec.urgent else changes
            # A pane no one can see (a tab behind another, a closed dock) keeps its changes until it is
            # shown: the diagnostics behind the roster took 5 ms of every tick with 16 live tiles (P11)
            hidden = not force and not spec.urgent and not spec.every_tick and not pane.isVisible()
            if spec.phase is not None or hidden or self._backlog.get(name):
                # every other tick, on alternate ticks, with what piled up meanwhile, so no single
                # tick redraws everything (shorter GUI stalls)
                backlog = self._backlog.setdefault(name, ChangeSet())
                backlog.merge(changes)
                if hidden or (not force and spec.phase is not None and self.number % 2 != spec.phase):
                    continue
                pane_changes, self._backlog[name] = backlog, ChangeSet()
            steps.append((name, pane, pane_changes))
        self._steps_idle = idle
        self._run_steps(None if force else TICK_SLICE_S)
        return changes

    def redraw_all(self) -> ChangeSet:
        """Draw every pane from the whole replica (a window made over a running session)."""
        self._redraw.merge(ChangeSet(baseline=True))
        return self.run(force=True)

    def draw_whole(self, names: set[str]) -> None:
        """New panes over a replica that may already hold a whole world: each draws it all once."""
        for name in sorted(names):
            try:
                self.panes[name].refresh(ChangeSet(baseline=True))
            except Exception:  # noqa: BLE001 - one broken pane must not stop the others
                self.replica.counters[f"ui_error.{name}"] += 1
                log.exception("pane %s failed to draw", name)

    def paint_may_wait(self) -> bool:
        """Whether the window's paint, due now, should wait a moment for the hub's frames first."""
        return not self._painting_now and not self._closed and self._give_way()

    def spent(self, seconds: float) -> None:
        """GUI-thread time outside the tick's steps (a paint of the window): the next tick waits for it too."""
        self._spent_since += seconds

    # ------------------------------------------------------------------ private

    def _run_steps(self, budget_s: float | None) -> None:
        """Refresh panes of the current tick until done or `budget_s` is spent (then go on soon)."""
        if budget_s is not None and self._give_way():
            QTimer.singleShot(0, self._next_steps)
            return
        started = time.perf_counter()
        steps = self._steps
        while steps:
            name, pane, pane_changes = steps.popleft()
            try:
                pane.refresh(pane_changes)
            except Exception:  # noqa: BLE001 - one broken pane must not freeze the others
                self.replica.counters[f"ui_error.{name}"] += 1
                log.exception("pane %s failed to refresh", name)
            if steps and budget_s is not None and time.perf_counter() - started > budget_s:
                self._tick_busy += time.perf_counter() - started
                QTimer.singleShot(0, self._next_steps)
                return
        self.after(self._steps_idle)
        self._tick_busy += time.perf_counter() - started
        self._next_tick_at = self._tick_started + min(self._tick_busy / TICK_SHARE, TICK_WAIT_MAX_S)

    def _next_steps(self) -> None:
        if not self._closed and self._steps:
            self._run_steps(TICK_SLICE_S)

    def _give_way(self) -> bool:
        """True while the hub's frames wait to be folded, for at most GIVE_WAY_MAX_S at a time."""
        if not self.replica.input_pending():
            self._giving_since = 0.0
            return False
        now = time.perf_counter()
        if not self._giving_since:
            self._giving_since = now
        if now - self._giving_since < GIVE_WAY_MAX_S:
            return True
        self._giving_since = 0.0  # this one goes now; the next may wait again
        return False

    def _deferrable_paints(self) -> list[QWidget]:
        return [w for pane in self.panes.values() if (of := getattr(pane, "deferrable_paints", None))
                for w in of()]

    def _urgent_pane(self) -> QWidget | None:
        return next((self.panes[s.name] for s in PANES if s.urgent and s.name in self.panes), None)

    def _tick_soon(self, critical: bool = True) -> None:
        """A new alert: the queue shows it now (critical: before the next event is applied).

        Called by the replica right after the event that raised it, so a critical row is
        painted ahead of whatever backlog the session still holds (the events stay applied
        in order: the queue only looks sooner). At most one early tick per URGENT_GAP_S for a
        critical alert, per ROW_GAP_S for any other: a burst of alerts is still one insert; an
        alert inside the gap gets its tick when the gap ends. Another alert's early tick never
        runs while the hub's frames wait (a flood): the regular tick brings its row, and the
        GUI thread stays with the fold and the critical alerts (P2).
        """
        if self._closed:
            return
        due = self._tick_at + (URGENT_GAP_S if critical else ROW_GAP_S)
        if self._urgent_due and self._urgent_due <= due:
            self._urgent_critical |= critical
            return  # one already comes as soon
        wait_s = due - time.monotonic()
        if wait_s <= 0 and critical:
            self._urgent_tick()
            return
        self._urgent_due, self._urgent_critical = due, critical
        if critical:
            self.replica.yield_requested = True
        QTimer.singleShot(max(0, int(wait_s * 1000)), self._urgent_timer)

    def _urgent_timer(self) -> None:
        # a timer made stale by a sooner one (a critical alert after another's) finds nothing due
        if not self._urgent_due:
            return
        if not self._urgent_critical and self.replica.input_pending():
            self._urgent_due = 0.0
            return
        self._urgent_tick()

    def _urgent_tick(self) -> None:
        """Only the queue (and the camera focus) now; other panes get these changes next tick.

        The queue is painted before the critical alert is focused (banner, camera, incident
        details): the row is what the commander must see first.
        """
        self._urgent_due = 0.0
        queue = self._urgent_pane()
        if self._closed or queue is None:
            return
        started = time.perf_counter()
        self._tick_at = time.monotonic()
        urgent, rest = urgent_part(self.replica.take_changes(), self.replica.state)
        self._carry.merge(urgent)
        self._queue_owed.merge(rest)
        self.critical.hold()
        try:
            queue.refresh(urgent, early=True)
        except Exception:  # noqa: BLE001 - the regular tick counts and logs pane failures
            log.exception("alert queue failed to refresh")
        finally:
            # its rows only, now: the whole pane (filters, hint, count) repainted with them took 13-78 ms
            painting = time.perf_counter()
            self._painting_now = True
            try:
                with self.paint_gate.holding():
                    queue.paint_rows_now()
            finally:
                self._painting_now = False
            painted = time.perf_counter()  # the paint itself is counted by the window's PaintClock
            self.critical.release()
            self._spent_since += time.perf_counter() - started - (painted - painting)


def urgent_part(changes: ChangeSet, state) -> tuple[ChangeSet, ChangeSet]:
    """(the new alerts and their incidents, everything else) of a change set.

    An early tick gives the queue the first only: the rows the commander must see, not the
    hundreds of other changes since the last tick (P2: 14 ms of refresh for ~500 events). With
    a baseline, or no new alert, the whole set is urgent (nothing is split)."""
    if changes.baseline or not changes.new_alerts:
        return changes, ChangeSet()
    alerts = state.alerts
    new = {aid for aid in changes.new_alerts if aid in alerts}
    incidents = state.incidents
    theirs = {iid for iid in changes.incidents if (inc := incidents.get(iid)) is not None and inc.alert in new}
    if not new or not theirs:
        return changes, ChangeSet()
    urgent = ChangeSet(alerts=set(new), new_alerts=[a for a in changes.new_alerts if a in new],
                       incidents=theirs, events=1)
    rest = ChangeSet(alerts=changes.alerts - new, new_alerts=[a for a in changes.new_alerts if a not in new],
                     incidents=changes.incidents - theirs, tasks=set(changes.tasks), resources=set(changes.resources),
                     moved=set(changes.moved), cameras=set(changes.cameras), events=max(1, changes.events - 1))
    return urgent, rest


class PaintClock(QObject):
    """Times the window's paints (Qt paints every dirty widget of a window in its UpdateRequest)
    and tells `spent(seconds)`; the tick counts them in its share of the GUI thread.

    A paint for which `may_wait()` says so is put back at the end of the queue instead: the
    loop reads the hub's frame first (`UiTick.paint_may_wait`)."""

    def __init__(self, window: QWidget, spent: Callable[[float], None], may_wait: Callable[[], bool]):
        super().__init__(window)
        self.window = window
        self.spent = spent
        self.may_wait = may_wait
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.window and event.type() == QEvent.Type.UpdateRequest:
            if self.may_wait():
                # Qt posts no other request until this one is handled: the one posted here is it
                QCoreApplication.postEvent(obj, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value)
                return True
            started = time.perf_counter()
            obj.event(event)  # the paint itself, here, so it can be timed; Qt must not do it again
            self.spent(time.perf_counter() - started)
            return True
        return False
