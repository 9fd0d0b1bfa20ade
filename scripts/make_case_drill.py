"""Make resources/drills/cases-holiday.drill: the cases exercise (console/scenarios/case_exercise.py).

A dead-wood pile handled, verified and followed up in every forest-adjacent grid, and a rockfall
reported at 16:40 on the last working day before National Day 2026, handled on the next working
morning, verified and closed. Each scripted command goes through the domain's `decide` and
`apply`, exactly as a hub does it, and every event is recorded as the hub would send it.
Deterministic: same code, same file.

    .venv/bin/python scripts/make_case_drill.py [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.domain.apply import apply  # noqa: E402
from console.domain.commands import decide  # noqa: E402
from console.domain.state import State  # noqa: E402
from console.protocol import messages as m  # noqa: E402
from console.protocol.codec import Message, encode  # noqa: E402
from console.recording.drill_file import DrillRecorder  # noqa: E402
from console.scenarios import build_marathon_baseline  # noqa: E402
from console.scenarios.case_exercise import at, steps  # noqa: E402

DEFAULT_OUT = ROOT / "resources" / "drills" / "cases-holiday.drill"
#: a fixed "created", so the file does not change from run to run
CREATED = at("2026-09-30 08:00")


def build(out: Path) -> State:
    """Run the exercise into a drill file at `out`; the final state."""
    rec = DrillRecorder(out, scenario="", mode="exercise", center="T7", recorded_by="scripts/make_case_drill.py",
                        snapshot_every_s=6 * 3600.0, created=CREATED)
    state = State()

    def emit(events, ts: float) -> None:
        for type_, body in events:
            seq = state.seq + 1
            data = encode(type_, body, seq=seq, ts=ts)
            apply(state, Message(type_, body, seq, ts))
            rec.on_event(seq, type_, ts, data, state)

    emit([("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))], at("2026-09-30 08:30"))
    for ts, actor, type_, body in steps(state):
        emit(decide(state, type_, body, actor, ts), ts)
    rec.close()
    return state


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(DEFAULT_OUT))
    a = p.parse_args(argv)
    state = build(Path(a.out))
    cases = [i for i in state.incidents.values() if i.case is not None]
    print(f"wrote {a.out}: {state.seq} events, {len(cases)} cases "
          f"({', '.join(f'{i.id} {i.case.stage}' for i in cases)}), {Path(a.out).stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
