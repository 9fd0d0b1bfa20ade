"""What a client may cost the hub: command rates (per principal: more connections with one
token buy no more rate), connections not yet authenticated (per hub and per address), and
log lines a flood can cause."""

from __future__ import annotations

import logging
import time

#: command rate per principal (token bucket: rate per second, burst), by role
COMMAND_RATE = {"ingest": (5000.0, 10000.0), "field": (200.0, 400.0)}
DEFAULT_COMMAND_RATE = (50.0, 100.0)


def role_rate(role: str) -> tuple[float, float]:
    """(commands per second, burst) of a role."""
    return COMMAND_RATE.get(role, DEFAULT_COMMAND_RATE)


class RateLimiter:
    """One token bucket per principal name, shared by all of that principal's connections.

    Principals come from the tokens file, so the number of buckets is bounded by it.
    """

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        #: name → (tokens, when last filled)
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, name: str, role: str) -> bool:
        """Spend one command of `name`'s bucket; False when it is empty (the command is refused)."""
        rate, burst = role_rate(role)
        now = self._clock()
        tokens, at = self._buckets.get(name, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens < 1.0:
            self._buckets[name] = (tokens, now)
            return False
        self._buckets[name] = (tokens - 1.0, now)
        return True


#: connections that have not authenticated yet (TCP open, no accepted upgrade), whole hub
MAX_UNAUTHENTICATED = 256
#: the same, from one remote address: one host opening sockets and sending nothing cannot
#: take the hub's file descriptors (a console authenticates within milliseconds)
MAX_UNAUTHENTICATED_PER_ADDRESS = 32


def unauthenticated_cap(default: int = MAX_UNAUTHENTICATED) -> int:
    """The hub-wide cap, at most a quarter of this process's open-files limit (sessions need the rest)."""
    try:
        import resource
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return default
    if soft == resource.RLIM_INFINITY:
        return default
    return max(8, min(default, soft // 4))


class AdmissionGate:
    """Counts connections that have not authenticated yet, per hub and per remote address.

    `admit` takes a place (False: over a cap, nothing taken); `release` gives it
    back once the connection authenticated or closed. The per-address table only
    holds addresses with a connection waiting, so it is bounded by the hub cap.
    """

    def __init__(self, max_total: int = MAX_UNAUTHENTICATED,
                 max_per_address: int = MAX_UNAUTHENTICATED_PER_ADDRESS):
        self.max_total = max_total
        self.max_per_address = max_per_address
        self.pending = 0
        self._by_address: dict[str, int] = {}

    def admit(self, address: str) -> bool:
        """Take a place for one new connection from `address`; False when the hub or the address is full."""
        held = self._by_address.get(address, 0)
        if self.pending >= self.max_total or held >= self.max_per_address:
            return False
        self.pending += 1
        self._by_address[address] = held + 1
        return True

    def release(self, address: str) -> None:
        """A connection admitted from `address` authenticated or closed."""
        held = self._by_address.get(address, 0)
        if held <= 0:
            return
        self.pending -= 1
        if held == 1:
            del self._by_address[address]
        else:
            self._by_address[address] = held - 1

    def waiting(self, address: str) -> int:
        """Connections from `address` not yet authenticated."""
        return self._by_address.get(address, 0)


class LogThrottle:
    """At most one line per key and interval; the lines held back are counted and said later.

    For what a hostile or broken peer can make happen thousands of times a second
    (a refused handshake, a failed accept): the log says it goes on, and how often,
    without growing by megabytes.
    """

    def __init__(self, logger, interval_s: float = 10.0, clock=time.monotonic):
        self.logger = logger
        self.interval_s = interval_s
        self._clock = clock
        #: key → [when last written, lines held back since, their level]
        self._keys: dict[str, list] = {}

    def log(self, level: int, key: str, msg: str, *args) -> bool:
        """Write `msg % args` now, or count it; True when a line was written."""
        now = self._clock()
        entry = self._keys.get(key)
        if entry is not None and now - entry[0] < self.interval_s:
            entry[1] += 1
            return False
        if entry is not None and entry[1]:
            msg += " (and %d more like it in the last %.0f s)"
            args = (*args, entry[1], now - entry[0])
        if len(self._keys) >= 1000 and key not in self._keys:
            self._keys.clear()  # keys are a few fixed kinds; never let them grow without bound
        self._keys[key] = [now, 0, level]
        self.logger.log(level, msg, *args)
        return True

    def flush(self) -> None:
        """Say how many lines were held back for each key whose interval has passed (call it now and then)."""
        now = self._clock()
        for key, entry in self._keys.items():
            last, held, level = entry
            if held and now - last >= self.interval_s:
                entry[0], entry[1] = now, 0
                self.logger.log(level, "%s: %d more in the last %.0f s", key, held, now - last)
