"""Who may post what: per-source bearer tokens, each with its inputs and a rate limit."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

INPUTS = ("cap", "webhook", "photo", "stats")


@dataclass(slots=True)
class Source:
    """One sender: a token, a name (the alert's reporter and the audit's actor), inputs, a rate."""

    token: str
    name: str
    inputs: frozenset[str]
    #: sustained items per minute, and how many may come at once
    per_minute: float = 60.0
    burst: float = 20.0
    _tokens: float = field(default=-1.0, repr=False)
    _at: float = field(default=0.0, repr=False)

    def take(self) -> float:
        """0.0 if one more item is allowed now, else the seconds until it would be."""
        now = time.monotonic()
        rate = self.per_minute / 60.0
        if self._tokens < 0:
            self._tokens = self.burst
        else:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / rate if rate > 0 else 3600.0


#: tokens for the demo and local drills; a real gateway is given --tokens FILE
DEMO_SOURCES = (
    ("demo-cap", "市预警信息发布中心", ("cap",), 120.0, 30.0),
    ("demo-camera", "赛道AI分析盒", ("webhook",), 1200.0, 200.0),
    ("demo-photo", "网格员App", ("photo",), 60.0, 10.0),
    ("demo-gateway-admin", "网关管理员", ("stats",), 600.0, 60.0),
)


class SourceError(ValueError):
    """A tokens file that cannot be used; the message names the entry."""


class Sources:
    """Token → source."""

    def __init__(self, sources: list[Source]):
        self._by_token = {s.token: s for s in sources}

    @classmethod
    def demo(cls) -> Sources:
        return cls([Source(t, n, frozenset(i), r, b) for t, n, i, r, b in DEMO_SOURCES])

    @classmethod
    def from_file(cls, path: str | Path) -> Sources:
        """A JSON list of {token, name, inputs: [cap|webhook|photo|stats], per_minute?, burst?}."""
        try:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read gateway tokens {path}: {exc}") from None
        if not isinstance(entries, list):
            raise SourceError(f"{path}: expected a JSON list")
        out = []
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not all(isinstance(e.get(k), str) and e[k] for k in ("token", "name")):
                raise SourceError(f"{path}: entry {i} needs string token and name")
            inputs = e.get("inputs")
            if not isinstance(inputs, list) or not inputs or any(x not in INPUTS for x in inputs):
                raise SourceError(f"{path}: entry {i}: inputs must be a list of {', '.join(INPUTS)}")
            try:
                per_minute, burst = float(e.get("per_minute", 60)), float(e.get("burst", 20))
            except (TypeError, ValueError):
                raise SourceError(f"{path}: entry {i}: per_minute and burst must be numbers") from None
            out.append(Source(e["token"], e["name"], frozenset(inputs), per_minute, max(burst, 1.0)))
        return cls(out)

    def lookup(self, authorization: str | None) -> Source | None:
        """The source of an `Authorization: Bearer <token>` value, or None."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self._by_token.get(token.strip())
