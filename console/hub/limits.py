"""Command rate limits, kept per principal: more connections with one token buy no more rate."""

from __future__ import annotations

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
