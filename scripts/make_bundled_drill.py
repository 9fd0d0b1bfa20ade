"""Make resources/drills/marathon-morning.drill: the marathon morning 07:20–08:20, the dog at 07:30.

Deterministic: the offline runner steps hub time one second at a time (no wall
clock), the scripted commander acknowledges and dispatches after seeded delays
(some past 60 s, so the report has breaches), the field simulator answers, and
two start-area cameras (CAM02 sees the dog) are recorded every 40 hub seconds at
480×270, JPEG quality 50. Same seed, same file.

    .venv/bin/python scripts/make_bundled_drill.py [--out FILE] [--start 07:20] [--minutes 60]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.recording.drill_file import DrillReader, DrillRecorder  # noqa: E402
from console.app.exercise import run_offline  # noqa: E402

DEFAULT_OUT = ROOT / "resources" / "drills" / "marathon-morning.drill"
CAMERAS = ["CAM01", "CAM02"]
#: 2025-11-30 07:00 +08:00: a fixed "created" so the file does not change from run to run
CREATED = 1_764_457_200.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(DEFAULT_OUT))
    p.add_argument("--start", default="07:20")
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    rec = DrillRecorder(a.out, scenario="marathon", seed=a.seed, mode="exercise",
                        recorded_by="scripts/make_bundled_drill.py", cameras=CAMERAS, fps=1 / 40,
                        snapshot_every_s=300.0, created=CREATED)
    t0 = time.perf_counter()

    def progress(done: float) -> None:
        print(f"\r  {done * 100:5.1f}%", end="", file=sys.stderr, flush=True)

    core = asyncio.run(run_offline("marathon", seed=a.seed, start=a.start, duration_s=a.minutes * 60.0,
                                   recorder=rec, record_cameras=CAMERAS, frame_size=(480, 270, 50),
                                   progress=progress))
    print(file=sys.stderr)
    with DrillReader(a.out) as r:
        meta = r.meta
    size = Path(a.out).stat().st_size
    print(f"wrote {a.out}: {meta.events} events, {meta.snapshots} snapshots, {meta.frames} frames, "
          f"{len(core.state.incidents)} incidents, {len(core.state.tasks)} tasks, {size / 1e6:.1f} MB "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
