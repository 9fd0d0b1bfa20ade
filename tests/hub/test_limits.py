"""The admission gate and the log throttle, on their own (a clock the test turns)."""

from __future__ import annotations

import logging

from console.hub.limits import AdmissionGate, LogThrottle


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_the_gate_holds_caps_per_address_and_per_hub_and_gives_old_places_away():
    clock = Clock()
    gate = AdmissionGate(max_total=4, max_per_address=2, evict_after_s=2.0, clock=clock)
    assert gate.admit("a1", "A") == [] and gate.admit("a2", "A") == []
    assert gate.admit("a3", "A") is None, "the address is full of young connections"
    assert gate.admit("b1", "B") == [] and gate.admit("b2", "B") == []
    assert gate.admit("c1", "C") is None, "the hub is full"
    assert gate.pending == 4 and gate.waiting("A") == 2
    clock.t += 2.0
    assert gate.admit("a3", "A") == ["a1"], "the address's oldest waited long enough: it gives its place"
    assert gate.admit("c1", "C") == ["a2"], "the hub's oldest gives its place"
    # a caller's own rule decides who may give a place (the server: only sockets that sent nothing)
    assert gate.admit("c2", "C", lambda c, waited: c == "b2") == ["b2"]
    gate.release("b1")
    gate.release("b1")  # idempotent
    assert gate.pending == 3 and gate.waiting("B") == 0
    for c in ("a3", "c1", "c2"):
        gate.release(c)
    assert gate.pending == 0 and gate._by_address == {}


def test_the_throttle_writes_one_line_per_interval_and_counts_the_rest(caplog):
    clock = Clock()
    throttle = LogThrottle(logging.getLogger("test.throttle"), interval_s=10.0, clock=clock)
    caplog.set_level(logging.INFO, logger="test.throttle")
    assert throttle.log(logging.WARNING, "k", "refused %s", "x1")
    assert not any(throttle.log(logging.WARNING, "k", "refused %s", f"x{i}") for i in range(2, 101))
    throttle.flush()  # the interval has not passed: nothing yet
    clock.t += 10.0
    throttle.flush()  # a line now: the next interval starts here
    assert not throttle.log(logging.WARNING, "k", "refused %s", "y")
    clock.t += 10.0
    assert throttle.log(logging.WARNING, "k", "refused %s", "z")
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert lines == [(logging.WARNING, "refused x1"), (logging.WARNING, "k: 99 more in the last 10 s"),
                     (logging.WARNING, "refused z (and 1 more like it in the last 10 s)")]
