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
MAX_UNAUTHENTICATED_PER_ADDRESS = 64
#: a socket that has sent nothing for this long gives its place to any newcomer when a cap is
#: reached: silent sockets cannot hold the places for ever (a real handshake takes milliseconds)
EVICT_AFTER_S = 2.0
#: ... and for this long, to a newcomer that has sent its upgrade request: a client that speaks
#: goes before sockets that do not, even from the flooding host's own address, while a burst of
#: real handshakes (all younger) is told 503 rather than cut
SPEAKER_EVICT_AFTER_S = 0.5


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
    """Places for connections that have not authenticated yet, per hub and per remote address.

    `admit` gives a new connection a place, if need be by taking it from the oldest
    connection waiting (of that address when the address is full, else of the hub)
    once that one has waited EVICT_AFTER_S; it returns the connections evicted
    (the caller cuts them), or None when there is no place (the caller says 503).
    `release` frees a place (authenticated or closed; idempotent). Both tables
    hold only connections waiting, so they are bounded by the hub cap.
    """

    def __init__(self, max_total: int = MAX_UNAUTHENTICATED,
                 max_per_address: int = MAX_UNAUTHENTICATED_PER_ADDRESS, *,
                 evict_after_s: float = EVICT_AFTER_S, speaker_evict_after_s: float = SPEAKER_EVICT_AFTER_S,
                 clock=time.monotonic):
        self.max_total = max_total
        self.max_per_address = max_per_address
        self.evict_after_s = evict_after_s
        self.speaker_evict_after_s = speaker_evict_after_s
        self._clock = clock
        #: connection → (address, admitted at), oldest first
        self._waiting: dict[object, tuple[str, float]] = {}
        #: address → its waiting connections, oldest first
        self._by_address: dict[str, dict[object, None]] = {}

    @property
    def pending(self) -> int:
        """Connections waiting to authenticate."""
        return len(self._waiting)

    def waiting(self, address: str) -> int:
        """Connections from `address` waiting to authenticate."""
        return len(self._by_address.get(address, ()))

    def admit(self, conn: object, address: str, evictable=None) -> list | None:
        """A place for `conn` from `address`: the connections evicted for it ([] mostly), or None: no place.

        `evictable(c, waited_s)`: whether a waiting connection may give its place
        (default: it waited EVICT_AFTER_S); the oldest such one does.
        """
        now = self._clock()
        if evictable is None:
            evictable = self._waited_long
        evicted = []
        for full, waiting in ((lambda: self.waiting(address) >= self.max_per_address,
                               lambda: self._by_address.get(address, {})),
                              (lambda: len(self._waiting) >= self.max_total, lambda: self._waiting)):
            if not full():
                continue
            victim = next((c for c in waiting() if evictable(c, now - self._waiting[c][1])), None)
            if victim is None:
                return None  # (a place freed for the address stays free: nothing is lost)
            self.release(victim)
            evicted.append(victim)
        self._waiting[conn] = (address, now)
        self._by_address.setdefault(address, {})[conn] = None
        return evicted

    def _waited_long(self, _conn: object, waited_s: float) -> bool:
        return waited_s >= self.evict_after_s

    def release(self, conn: object) -> None:
        """`conn` authenticated or closed (or was evicted): its place is free."""
        entry = self._waiting.pop(conn, None)
        if entry is None:
            return
        mine = self._by_address[entry[0]]
        del mine[conn]
        if not mine:
            del self._by_address[entry[0]]


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
