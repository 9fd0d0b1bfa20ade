"""The simulated world: the marathon baseline and its day, the field simulator, synthetic frames,
the world driver that feeds them into a hub, and the scripted commander.

The scenario, simulator and frames are deterministic for a seed (no Qt, no I/O);
the world driver runs them on the hub's asyncio loop.
"""

from __future__ import annotations

from console.scenarios.marathon import (
    BASELINE_NAME, MarathonScenario, ReportScenario, build_marathon_baseline, day_start_of,
    parse_start,
)

SCENARIOS = ("marathon", "fire_hazard", "rockfall")


def scenario_start(start: float | str | None = None) -> float:
    """The hub time a scenario starts at (what `make_scenario(…, start).start_time` says), without
    building its world: `start` is hub time, "HH:MM", or None (the day's start)."""
    from console.scenarios.marathon import DEFAULT_DAY

    day_start = day_start_of(DEFAULT_DAY)
    if isinstance(start, str):
        return parse_start(day_start, start)
    return day_start if start is None else float(start)


def make_scenario(name: str = "marathon", seed: int = 7, start: float | str | None = None
                  ) -> MarathonScenario:
    """A scenario by name: "marathon" (the whole day), "fire_hazard" or "rockfall" (one report
    at start + 10 s on the marathon baseline). `start` is hub time, "HH:MM", or None (07:00)."""
    if isinstance(start, str):
        from console.scenarios.marathon import DEFAULT_DAY
        start = parse_start(day_start_of(DEFAULT_DAY), start)
    if name == "marathon":
        return MarathonScenario(seed, start)
    if name in ("fire_hazard", "rockfall"):
        return ReportScenario(name, seed, start)
    raise ValueError(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}")


__all__ = [
    "BASELINE_NAME", "SCENARIOS", "MarathonScenario", "ReportScenario",
    "build_marathon_baseline", "make_scenario", "parse_start", "scenario_start",
]
