"""The alarm-to-screen figures a hub hears: its consoles' (from their pings) and, at a district, its towns'.

Each console measures hub commit → alert row painted itself (console/client/alarm_latency.py) and
sends the p50/p95 of its last hour with every ping. A hub keeps the latest figure of every console
by name (kept after it disconnects: an after-action report wants the whole shift's screens). A
town's figure is its **slowest screen**: the highest p95 (and p50) of its consoles that reported
one, the alerts summed; a norm holds per screen, so the worst one is the one to judge. The town's
hub publishes it with its "alive" message on the federation link; the district keeps each town's
latest and hands them to its consoles in every pong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import msgspec

from console.protocol import messages as m

#: a console that has not reported for this long no longer counts in its center's figure (seconds)
CONSOLE_STALE_S = 120.0


@dataclass(slots=True)
class ConsoleFigure:
    """One console's last report: who, which center, p50/p95 (seconds), alerts, when (monotonic)."""

    name: str
    center: str | None
    p50_s: float | None
    p95_s: float | None
    alerts: int
    at: float


class AlarmFigures:
    """The hub's alarm-to-screen figures (consoles by name; towns by center, at a district)."""

    def __init__(self) -> None:
        self.consoles: dict[str, ConsoleFigure] = {}
        #: town → (its published figure, monotonic time heard)
        self.towns: dict[str, tuple[m.TownAlarm, float]] = {}

    def console(self, name: str, center: str | None, p50_s: float | None, p95_s: float | None, alerts: int,
                now: float | None = None) -> None:
        """A console's ping carried its figure (nothing when it has not measured an alert yet)."""
        if p95_s is None and not alerts:
            return
        self.consoles[name] = ConsoleFigure(name, center, p50_s, p95_s, alerts,
                                            time.monotonic() if now is None else now)

    def center_figure(self, center: str, now: float | None = None) -> m.TownAlarm:
        """This hub's center's figure: the slowest of its consoles heard in the last CONSOLE_STALE_S."""
        now = time.monotonic() if now is None else now
        live = [c for c in self.consoles.values() if now - c.at <= CONSOLE_STALE_S and c.p95_s is not None]
        p50s = [c.p50_s for c in live if c.p50_s is not None]
        return m.TownAlarm(center=center, p95_s=max((c.p95_s for c in live), default=None),
                           p50_s=max(p50s, default=None), alerts=sum(c.alerts for c in live),
                           consoles=len(live))

    def heard_town(self, payload: bytes, town: str, now: float | None = None) -> bool:
        """A town's alive message: its figure, if it carries one (older hubs send nothing). False: none."""
        if not payload:
            return False
        try:
            fig = msgspec.json.decode(payload, type=m.TownAlarm)
        except msgspec.ValidationError:
            return False
        except msgspec.DecodeError:
            return False
        fig.center = town  # the subject names the town; the payload cannot speak for another
        self.towns[town] = (fig, time.monotonic() if now is None else now)
        return True

    def town_list(self, now: float | None = None) -> list[m.TownAlarm]:
        """Every town's latest figure with its age, by town name (for a district's pongs)."""
        now = time.monotonic() if now is None else now
        return [msgspec.structs.replace(fig, age_s=round(now - at, 1))
                for _, (fig, at) in sorted(self.towns.items())]

    def report(self) -> list[dict]:
        """Every console's last figure, JSON-ready, for a recording's after-action report."""
        return [{"name": c.name, "center": c.center, "p50_s": c.p50_s, "p95_s": c.p95_s, "alerts": c.alerts}
                for c in sorted(self.consoles.values(), key=lambda c: c.name) if c.p95_s is not None]


def alive_payload(figures: AlarmFigures, center: str) -> bytes:
    """What a town's hub says with "alive": its center's figure (JSON), or nothing before any alert."""
    fig = figures.center_figure(center)
    return msgspec.json.encode(fig) if fig.consoles else b""
